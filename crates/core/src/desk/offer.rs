//! Which scale a family member is offered in client scoring mode: the outcome scale
//! for the rater's age (ORS, CORS or YCORS), and the session scale for their age (SRS,
//! CSRS or YCSRS) only when the family is alone with the worker, never in a network
//! meeting (FIT manual). The group SRS is for group sessions, not a family's meeting.

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::CaseView;
use crate::measures::{MeasureSet, Purpose};
use crate::vocabulary::MeetingKind;
use crate::{CoreError, MeetingId, PersonId, age_on};

/// The measure kept for group sessions, which client mode never offers.
const GROUP_SESSION: &str = "GSRS";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScaleOffer {
    /// The outcome scale for the rater's age (`None`: no scale fits).
    pub outcome: Option<String>,
    /// The session scale, only when the meeting allows it.
    pub session: Option<String>,
    /// Why no session scale is offered (e.g. "network meeting"), when none is.
    pub session_withheld: Option<String>,
    /// The rater's age at the meeting; `None` when the date of birth is not recorded
    /// (an adult role is then taken to be an adult, a child's role refused).
    pub age: Option<u32>,
    /// The young child's version: show faces with the lines.
    pub faces: bool,
}

fn fitting(set: &MeasureSet, purpose: Purpose, age: u32) -> Option<String> {
    set.iter()
        .filter(|m| m.purpose == purpose && !m.id.eq_ignore_ascii_case(GROUP_SESSION))
        .find(|m| m.ages.contains(age))
        .map(|m| m.id.clone())
}

/// What `rater` is offered at `meeting` of the case.
pub fn scales_offered(
    view: &CaseView,
    set: &MeasureSet,
    meeting: &MeetingId,
    rater: &PersonId,
) -> Result<ScaleOffer, CoreError> {
    let meeting = view
        .meetings
        .iter()
        .find(|m| &m.id == meeting)
        .ok_or_else(|| CoreError::NotInCase(format!("meeting {meeting} is not in this case")))?;
    scales_offered_at(view, set, meeting.date, meeting.kind, rater)
}

/// What `rater` would be offered at a meeting of `kind` on `date` that is not recorded
/// yet: the desk shows today's meeting ready to score and records it with the first
/// score.
pub fn scales_offered_at(
    view: &CaseView,
    set: &MeasureSet,
    date: NaiveDate,
    kind: MeetingKind,
    rater: &PersonId,
) -> Result<ScaleOffer, CoreError> {
    let person = view
        .people
        .iter()
        .find(|p| &p.id == rater)
        .ok_or_else(|| CoreError::NotInCase(format!("person {rater} is not in this case")))?;
    let age = person.born.map(|b: NaiveDate| age_on(b, date));
    let effective = match age {
        Some(a) => a,
        None if person.role.is_child() => {
            return Err(CoreError::Invalid(
                "record the child's date of birth first: the scale depends on the age".into(),
            ));
        }
        None => 18,
    };
    let outcome = fitting(set, Purpose::Outcome, effective);
    let (session, session_withheld) = if kind.allows_session_rating() {
        (fitting(set, Purpose::Session, effective), None)
    } else {
        (None, Some(kind.to_string()))
    };
    // The young child's versions (meant for ages under 6) are shown with faces.
    let faces = outcome
        .as_deref()
        .and_then(|id| set.get(id).ok())
        .is_some_and(|m| m.ages.max.is_some_and(|hi| hi < 6));
    Ok(ScaleOffer {
        outcome,
        session,
        session_withheld,
        age,
        faces,
    })
}
