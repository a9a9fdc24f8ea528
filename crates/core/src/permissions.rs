//! Who may do what in casework, in one place. Every casework edit asks [`check`] (and,
//! for things only their author may touch, [`check_author`]) before it validates
//! anything else, so a refused action changes nothing and says who may do it.
//!
//! The rules (Family Safeguarding, seed 003 FS:38-66, FS:221-225):
//! - practitioners (every role but business support and FIT consultant) write in the
//!   workbook and record stages of change;
//! - a workbook entry is edited and finalised only by its author;
//! - a social worker finalises the workbook (the parenting assessment);
//! - a team manager or business support adds and edits (minutes) case supervision
//!   records; only a team manager finalises one, or amends one once finalised;
//! - a team manager decides a closure and signs off the closing summary;
//!   practitioners write the closing summary and save closure letters;
//! - practitioners add events to the chronology, record consent (given, refused,
//!   withdrawn) and sharing without consent (with its legal basis), and add and
//!   review plans;
//! - a member no longer active on the roster may do none of these.

use serde::{Deserialize, Serialize};

use crate::team::Member;
use crate::{CoreError, MemberId, MemberRole};

/// Something a team member may or may not do to a case's casework records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    WriteWorkbookEntry,
    EditOwnEntry,
    FinaliseOwnEntry,
    FinaliseWorkbook,
    AddSupervision,
    EditSupervision,
    AmendSupervision,
    FinaliseSupervision,
    SetStageOfChange,
    SignClosingSummary,
    AddChronologyEvent,
    RecordConsent,
    ShareWithoutConsent,
    AddPlan,
    ReviewPlan,
    DecideClosure,
    WriteClosingSummary,
    SaveClosureLetter,
}

const PRACTITIONERS: &[MemberRole] = &[
    MemberRole::SocialWorker,
    MemberRole::TeamManager,
    MemberRole::DomesticAbusePractitioner,
    MemberRole::ProbationWorker,
    MemberRole::MentalHealthPractitioner,
    MemberRole::RecoveryWorker,
];
const PRACTITIONERS_TEXT: &str = "a practitioner (social worker, team manager, domestic-abuse practitioner, probation worker, mental-health practitioner or recovery worker)";
const MINUTERS: &[MemberRole] = &[MemberRole::TeamManager, MemberRole::BusinessSupport];
const MANAGER: &[MemberRole] = &[MemberRole::TeamManager];
const SOCIAL_WORKER: &[MemberRole] = &[MemberRole::SocialWorker];

struct Rule {
    /// What the action is, as the error message says it ("finalise ...").
    what: &'static str,
    /// Who may do it, as the error message says it ("a team manager").
    who: &'static str,
    roles: &'static [MemberRole],
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::WriteWorkbookEntry,
        Action::EditOwnEntry,
        Action::FinaliseOwnEntry,
        Action::FinaliseWorkbook,
        Action::AddSupervision,
        Action::EditSupervision,
        Action::AmendSupervision,
        Action::FinaliseSupervision,
        Action::SetStageOfChange,
        Action::SignClosingSummary,
        Action::AddChronologyEvent,
        Action::RecordConsent,
        Action::ShareWithoutConsent,
        Action::AddPlan,
        Action::ReviewPlan,
        Action::DecideClosure,
        Action::WriteClosingSummary,
        Action::SaveClosureLetter,
    ];

    fn rule(self) -> Rule {
        let (what, who, roles) = match self {
            Action::WriteWorkbookEntry => (
                "write an entry in the workbook",
                PRACTITIONERS_TEXT,
                PRACTITIONERS,
            ),
            Action::EditOwnEntry => ("edit a workbook entry", "the entry's author", PRACTITIONERS),
            Action::FinaliseOwnEntry => (
                "finalise a workbook entry",
                "the entry's author",
                PRACTITIONERS,
            ),
            Action::FinaliseWorkbook => (
                "finalise the workbook (the parenting assessment)",
                "a social worker",
                SOCIAL_WORKER,
            ),
            Action::AddSupervision => (
                "add a case supervision record",
                "a team manager or business support",
                MINUTERS,
            ),
            Action::EditSupervision => (
                "edit a case supervision record",
                "a team manager or business support",
                MINUTERS,
            ),
            Action::AmendSupervision => (
                "amend a finalised case supervision record",
                "a team manager",
                MANAGER,
            ),
            Action::FinaliseSupervision => (
                "finalise a case supervision record",
                "a team manager",
                MANAGER,
            ),
            Action::SetStageOfChange => (
                "record a stage of change",
                PRACTITIONERS_TEXT,
                PRACTITIONERS,
            ),
            Action::SignClosingSummary => ("sign off a closing summary", "a team manager", MANAGER),
            Action::AddChronologyEvent => (
                "add an event to the chronology",
                PRACTITIONERS_TEXT,
                PRACTITIONERS,
            ),
            Action::RecordConsent => ("record consent", PRACTITIONERS_TEXT, PRACTITIONERS),
            Action::ShareWithoutConsent => (
                "record sharing without consent",
                PRACTITIONERS_TEXT,
                PRACTITIONERS,
            ),
            Action::AddPlan => ("add a plan", PRACTITIONERS_TEXT, PRACTITIONERS),
            Action::ReviewPlan => ("record a plan review", PRACTITIONERS_TEXT, PRACTITIONERS),
            Action::DecideClosure => ("decide to close a case", "a team manager", MANAGER),
            Action::WriteClosingSummary => {
                ("write a closing summary", PRACTITIONERS_TEXT, PRACTITIONERS)
            }
            Action::SaveClosureLetter => {
                ("save a closure letter", PRACTITIONERS_TEXT, PRACTITIONERS)
            }
        };
        Rule { what, who, roles }
    }

    /// What the action is, in words ("finalise a case supervision record").
    pub fn describe(self) -> &'static str {
        self.rule().what
    }

    /// Who may do it, in words ("a team manager").
    pub fn who_may(self) -> &'static str {
        self.rule().who
    }

    /// The roles allowed to do it (authorship rules come on top, see [`check_author`]).
    pub fn roles(self) -> &'static [MemberRole] {
        self.rule().roles
    }
}

/// Whether `actor` may do `action`, by role. Refuses with a message saying who may.
pub fn check(action: Action, actor: &Member) -> Result<(), CoreError> {
    let rule = action.rule();
    if !actor.active {
        return Err(CoreError::NotPermitted {
            action: rule.what.into(),
            who_may: format!("{} still active on the team roster", rule.who),
        });
    }
    if !rule.roles.contains(&actor.role) {
        return Err(CoreError::NotPermitted {
            action: rule.what.into(),
            who_may: rule.who.into(),
        });
    }
    Ok(())
}

/// Like [`check`], for an action only the record's author may do.
pub fn check_author(action: Action, actor: &Member, author: &MemberId) -> Result<(), CoreError> {
    check(action, actor)?;
    if &actor.id != author {
        let rule = action.rule();
        return Err(CoreError::NotPermitted {
            action: rule.what.into(),
            who_may: rule.who.into(),
        });
    }
    Ok(())
}

/// The member `id` on the team roster, or a refusal naming who may do `action`.
pub fn actor<'a>(
    team: &'a crate::team::TeamView,
    id: &MemberId,
    action: Action,
) -> Result<&'a Member, CoreError> {
    team.member(id).ok_or_else(|| CoreError::NotPermitted {
        action: action.describe().into(),
        who_may: format!("{} on the team roster", action.who_may()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MemberRole::*;

    fn member(role: MemberRole, active: bool) -> Member {
        Member {
            id: MemberId::from_random([role as u8 + 1; 16]),
            name: "M".into(),
            role,
            active,
        }
    }

    /// The expected answer for every role and action, written out as a table.
    fn allowed(action: Action) -> &'static [MemberRole] {
        match action {
            Action::WriteWorkbookEntry
            | Action::EditOwnEntry
            | Action::FinaliseOwnEntry
            | Action::SetStageOfChange
            | Action::AddChronologyEvent
            | Action::RecordConsent
            | Action::ShareWithoutConsent
            | Action::AddPlan
            | Action::ReviewPlan
            | Action::WriteClosingSummary
            | Action::SaveClosureLetter => &[
                SocialWorker,
                TeamManager,
                DomesticAbusePractitioner,
                ProbationWorker,
                MentalHealthPractitioner,
                RecoveryWorker,
            ],
            Action::FinaliseWorkbook => &[SocialWorker],
            Action::AddSupervision | Action::EditSupervision => &[TeamManager, BusinessSupport],
            Action::AmendSupervision
            | Action::FinaliseSupervision
            | Action::SignClosingSummary
            | Action::DecideClosure => &[TeamManager],
        }
    }

    #[test]
    fn every_role_and_action() {
        for &action in Action::ALL {
            for &role in MemberRole::ALL {
                let result = check(action, &member(role, true));
                let expected = allowed(action).contains(&role);
                assert_eq!(result.is_ok(), expected, "{role} {action:?}: {result:?}");
                if let Err(e) = result {
                    let msg = e.to_string();
                    assert!(msg.starts_with("only "), "{msg}");
                    assert!(msg.contains(action.who_may()), "{msg}");
                    assert!(msg.contains(action.describe()), "{msg}");
                }
                assert!(
                    check(action, &member(role, false)).is_err(),
                    "an inactive {role} may not {action:?}"
                );
            }
        }
    }

    #[test]
    fn nobody_outside_practice_writes_and_fit_consultants_do_nothing() {
        for &action in Action::ALL {
            assert!(check(action, &member(FitConsultant, true)).is_err());
        }
        assert!(check(Action::WriteWorkbookEntry, &member(BusinessSupport, true)).is_err());
    }

    #[test]
    fn messages_say_who_may() {
        let e = check(Action::FinaliseSupervision, &member(SocialWorker, true)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "only a team manager may finalise a case supervision record"
        );
        let e = check(Action::FinaliseWorkbook, &member(TeamManager, true)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "only a social worker may finalise the workbook (the parenting assessment)"
        );
    }

    #[test]
    fn only_the_author_edits_or_finalises_an_entry() {
        let author = member(DomesticAbusePractitioner, true);
        let other = member(SocialWorker, true);
        for action in [Action::EditOwnEntry, Action::FinaliseOwnEntry] {
            assert!(check_author(action, &author, &author.id).is_ok());
            let e = check_author(action, &other, &author.id).unwrap_err();
            assert!(e.to_string().contains("the entry's author"), "{e}");
            let mut former = author.clone();
            former.active = false;
            assert!(check_author(action, &former, &author.id).is_err());
        }
    }
}
