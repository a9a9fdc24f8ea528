//! An expected-response parameter file, for a team licensed to use one. Hearth ships
//! no coefficients; the file is the team's.

use super::expected::{LinearBySession, SessionLine};
use super::{EtrUnavailable, ExpectedCurve, ExpectedResponse};
use crate::{CoreError, Tenths};
use serde::Deserialize;

/// The one model a parameter file can describe.
const MODEL: &str = "linear-by-session";

/// Loaded parameters: per session index from 2, `expected = intercept + slope ×
/// intake` with band ± sd (at least 1 point), clamped to 0..=40; the last session's
/// line is carried forward.
///
/// ```json
/// {"model": "linear-by-session", "measure": "ORS",
///  "sessions": [{"session": 2, "intercept": 12.1, "slope": 0.55, "sd": 4.0}]}
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EtrParameters {
    model: LinearBySession,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameters {
    model: String,
    measure: String,
    sessions: Vec<RawSession>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    session: usize,
    intercept: f64,
    slope: f64,
    sd: f64,
}

impl EtrParameters {
    pub fn from_json(text: &str) -> Result<EtrParameters, CoreError> {
        let bad = |reason: String| CoreError::InvalidEtrParameters(reason);
        let raw: RawParameters = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if raw.model != MODEL {
            return Err(bad(format!("model {:?} is not {MODEL:?}", raw.model)));
        }
        let measure = raw.measure.trim().to_string();
        if measure.is_empty() {
            return Err(bad("no measure".into()));
        }
        let mut lines: Vec<SessionLine> = Vec::with_capacity(raw.sessions.len());
        for s in raw.sessions {
            if ![s.intercept, s.slope, s.sd].iter().all(|v| v.is_finite()) {
                return Err(bad(format!(
                    "session {} has a value that is not a number",
                    s.session
                )));
            }
            if s.sd < 0.0 {
                return Err(bad(format!("session {} has a negative sd", s.session)));
            }
            if s.session < 2 {
                return Err(bad(format!(
                    "session {} is not 2 or later (1 is the intake)",
                    s.session
                )));
            }
            if lines.iter().any(|l| l.session == s.session) {
                return Err(bad(format!("session {} appears twice", s.session)));
            }
            lines.push(SessionLine {
                session: s.session,
                intercept: s.intercept,
                slope: s.slope,
                sd: s.sd,
            });
        }
        lines.sort_by_key(|l| l.session);
        match lines.first() {
            None => return Err(bad("no sessions".into())),
            Some(first) if first.session != 2 => {
                return Err(bad(format!("sessions start at {}, not 2", first.session)));
            }
            Some(_) => {}
        }
        Ok(EtrParameters {
            model: LinearBySession { measure, lines },
        })
    }

    pub fn measure(&self) -> &str {
        &self.model.measure
    }
}

impl ExpectedResponse for EtrParameters {
    fn expected(
        &self,
        measure: &str,
        intake: Tenths,
        sessions: usize,
    ) -> Result<ExpectedCurve, EtrUnavailable> {
        self.model.curve(measure, intake, sessions)
    }
}
