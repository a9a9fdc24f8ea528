//! Expected treatment response (ETR): how clients with the same first ORS typically
//! progress. The manual gives no formula and published coefficients are licensed, so
//! the curve comes from a model behind a trait: local norms computed from the team's
//! own closed episodes, or a parameter file the team is licensed to use.

use crate::Tenths;
use serde::Serialize;

/// Something that can draw an expected-response curve.
pub trait ExpectedResponse {
    /// The curve for a client whose first total (`intake`) on `measure` is known, for
    /// sessions 1..=`sessions` (session 1 is the intake itself).
    fn expected(
        &self,
        measure: &str,
        intake: Tenths,
        sessions: usize,
    ) -> Result<ExpectedCurve, EtrUnavailable>;
}

/// Why no curve can be drawn; shown to the user instead of a line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EtrUnavailable {
    #[error("not enough closed episodes for local norms: {have} of the {need} needed")]
    NotEnoughData { have: usize, need: usize },
    #[error("no expected-response model is loaded")]
    NoModel,
    #[error("the expected-response model is not for {0}")]
    UnknownMeasure(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpectedCurve {
    pub points: Vec<ExpectedPoint>,
}

/// The expected total at one session, with its band; low <= expected <= high, all
/// within 0..=40.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ExpectedPoint {
    pub session: usize,
    pub expected: Tenths,
    pub low: Tenths,
    pub high: Tenths,
}

/// The highest total of a four-item FIT scale.
const TOTAL_MAX: Tenths = Tenths(400);
/// The band is never narrower than this either side (points): a fit on a few
/// episodes can have a tiny residual spread that promises precision it does not have.
const MIN_HALF_BAND: f64 = 1.0;

/// Expected total at session `session` = intercept + slope × intake, band ± sd (points).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct SessionLine {
    pub session: usize,
    pub intercept: f64,
    pub slope: f64,
    pub sd: f64,
}

/// The model both implementations share: one line per session index from 2, sorted
/// and contiguous; past the last line the last one is carried forward.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LinearBySession {
    pub measure: String,
    pub lines: Vec<SessionLine>,
}

impl LinearBySession {
    pub fn curve(
        &self,
        measure: &str,
        intake: Tenths,
        sessions: usize,
    ) -> Result<ExpectedCurve, EtrUnavailable> {
        if !self.measure.eq_ignore_ascii_case(measure.trim()) {
            return Err(EtrUnavailable::UnknownMeasure(
                measure.chars().take(40).collect(),
            ));
        }
        let Some(last_line) = self.lines.last() else {
            return Err(EtrUnavailable::NoModel);
        };
        let start = clamp(intake.as_f64());
        let mut points = Vec::with_capacity(sessions);
        if sessions >= 1 {
            points.push(ExpectedPoint {
                session: 1,
                expected: start,
                low: start,
                high: start,
            });
        }
        for session in 2..=sessions {
            let line = self
                .lines
                .iter()
                .rev()
                .find(|l| l.session <= session)
                .unwrap_or(last_line);
            let expected = line.intercept + line.slope * intake.as_f64();
            let half = line.sd.max(MIN_HALF_BAND);
            points.push(ExpectedPoint {
                session,
                expected: clamp(expected),
                low: clamp(expected - half),
                high: clamp(expected + half),
            });
        }
        Ok(ExpectedCurve { points })
    }
}

/// Points to tenths, rounded and clamped to 0..=40. Both steps are monotone, so the
/// order low <= expected <= high survives them.
fn clamp(points: f64) -> Tenths {
    let tenths = (points * 10.0).round();
    if tenths.is_nan() {
        return Tenths(0);
    }
    // Clamped into 0..=400 before the cast, so it cannot overflow.
    Tenths(tenths.clamp(0.0, f64::from(TOTAL_MAX.0)) as i32)
}
