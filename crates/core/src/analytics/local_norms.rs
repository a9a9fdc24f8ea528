//! Local norms: an expected-response model fitted to the team's own closed episodes.

use super::expected::{LinearBySession, SessionLine};
use super::{EtrUnavailable, ExpectedCurve, ExpectedResponse};
use crate::Tenths;

/// A fit needs at least this many episodes (two parameters plus one to estimate spread).
const MIN_FIT: usize = 3;

/// Expected response from the team's closed episodes. This is a local norm, not the
/// vendor's ETR.
///
/// Model: for each session index k >= 2, an ordinary least-squares line
/// `total_k = a_k + b_k × intake` over the episodes that have a k-th rating (at least
/// three; if every intake is equal the line is flat at their mean). The band is the
/// expected value ± the residual standard deviation (n − 2 degrees of freedom), at
/// least 1 point either side; everything is clamped to 0..=40. Past the last session
/// index with enough episodes the last line is carried forward, so the curve levels
/// off instead of extrapolating from a handful of long episodes.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalNorms {
    model: LinearBySession,
    episodes: usize,
}

impl LocalNorms {
    /// Fits the norms from the self-rated outcome totals of closed episodes, one list
    /// per episode in session order. Episodes with fewer than two ratings say nothing
    /// about change and are not counted. Fewer than `min_episodes` usable episodes
    /// (never fewer than three, the least a line can be fitted to) give
    /// `NotEnoughData`: a norm from a handful of families would mislead.
    pub fn from_closed_episodes(
        measure: &str,
        episodes: &[Vec<Tenths>],
        min_episodes: usize,
    ) -> Result<LocalNorms, EtrUnavailable> {
        let usable: Vec<&Vec<Tenths>> = episodes.iter().filter(|e| e.len() >= 2).collect();
        let need = min_episodes.max(MIN_FIT);
        if usable.len() < need {
            return Err(EtrUnavailable::NotEnoughData {
                have: usable.len(),
                need,
            });
        }
        let mut lines = Vec::new();
        for session in 2.. {
            let sample: Vec<(f64, f64)> = usable
                .iter()
                .filter_map(|e| Some((e.first()?.as_f64(), e.get(session - 1)?.as_f64())))
                .collect();
            if sample.len() < MIN_FIT {
                break;
            }
            lines.push(fit(session, &sample));
        }
        Ok(LocalNorms {
            model: LinearBySession {
                measure: measure.trim().to_string(),
                lines,
            },
            episodes: usable.len(),
        })
    }

    /// The number of episodes the norms were fitted to.
    pub fn episodes(&self) -> usize {
        self.episodes
    }

    pub fn measure(&self) -> &str {
        &self.model.measure
    }
}

impl ExpectedResponse for LocalNorms {
    fn expected(
        &self,
        measure: &str,
        intake: Tenths,
        sessions: usize,
    ) -> Result<ExpectedCurve, EtrUnavailable> {
        self.model.curve(measure, intake, sessions)
    }
}

/// Ordinary least squares of y on x, with the residual standard deviation.
fn fit(session: usize, sample: &[(f64, f64)]) -> SessionLine {
    let n = sample.len() as f64;
    let mean_x = sample.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = sample.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = sample.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = sample.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    // Equal intakes leave the slope undetermined: predict the mean.
    let slope = if sxx > 1e-9 { sxy / sxx } else { 0.0 };
    let intercept = mean_y - slope * mean_x;
    let ssr: f64 = sample
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    SessionLine {
        session,
        intercept,
        slope,
        sd: (ssr / (n - 2.0)).sqrt(),
    }
}
