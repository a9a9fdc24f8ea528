//! The inputs of the team's local expected-response norms (every closed episode's
//! self-rated totals), kept in memory per case at the case's sequence number. Opening
//! a graph needs them; rebuilding them from every case each time would cost a read of
//! the whole caseload, so only cases changed since the last graph are read again. The
//! cache is also kept in the store's encrypted key-value table, so the first graph
//! after unlocking does not read the whole caseload either.

use std::collections::{BTreeMap, HashMap};

use hearth_core::measures::Purpose;
use hearth_core::{CaseId, Tenths};

use crate::error::{ApiError, Result};
use crate::workspace::{KIND_CASE, Workspace};

/// Per outcome measure (upper case): each closed episode's self-rated totals.
type TotalsByMeasure = BTreeMap<String, Vec<Vec<Tenths>>>;

const META_NORMS: &str = "app:norms_inputs";

/// Per case: the sequence number read at, and its closed episodes' totals.
#[derive(Default)]
pub(crate) struct NormsCache {
    per_case: HashMap<String, (u64, TotalsByMeasure)>,
    /// Whether the kept copy has been read since unlocking.
    read_stored: bool,
}

impl Workspace {
    /// Every closed episode's self-rated totals of `measure`, across the caseload.
    pub(crate) fn closed_episode_totals(&self, measure: &str) -> Result<Vec<Vec<Tenths>>> {
        let seqs = self.store.doc_seqs(KIND_CASE)?;
        // A poisoned lock only means another thread panicked mid-update: the entries
        // are still keyed by sequence number, so a half-updated cache is still correct.
        let mut cache = self.norms.lock().unwrap_or_else(|p| p.into_inner());
        if !cache.read_stored {
            cache.read_stored = true;
            // An unreadable copy only costs a rebuild.
            if let Some(kept) = self
                .store
                .get_meta(META_NORMS)?
                .and_then(|b| serde_json::from_slice(&b).ok())
            {
                cache.per_case = kept;
            }
        }
        let mut changed = false;
        let current: std::collections::HashSet<&str> =
            seqs.iter().map(|(id, _)| id.as_str()).collect();
        let before = cache.per_case.len();
        cache.per_case.retain(|id, _| current.contains(id.as_str()));
        changed |= cache.per_case.len() != before;
        let outcome_measures: Vec<String> = self
            .measures
            .ids()
            .into_iter()
            .filter(|id| {
                self.measures
                    .get(id)
                    .is_ok_and(|m| m.purpose == Purpose::Outcome)
            })
            .map(str::to_string)
            .collect();
        let wanted = measure.trim().to_uppercase();
        let mut out = Vec::new();
        for (id, seq) in &seqs {
            let fresh = matches!(cache.per_case.get(id), Some((s, _)) if s == seq);
            if !fresh {
                let view = self.case_view(&id.parse::<CaseId>()?)?;
                let by_measure = outcome_measures
                    .iter()
                    .map(|m| (m.to_uppercase(), view.closed_episode_totals(m)))
                    .filter(|(_, totals)| !totals.is_empty())
                    .collect();
                cache.per_case.insert(id.clone(), (*seq, by_measure));
                changed = true;
            }
            if let Some((_, by_measure)) = cache.per_case.get(id)
                && let Some(totals) = by_measure.get(&wanted)
            {
                out.extend(totals.iter().cloned());
            }
        }
        if changed {
            let bytes = serde_json::to_vec(&cache.per_case)
                .map_err(|e| ApiError::Io(format!("encoding the norms inputs: {e}")))?;
            self.store.set_meta(META_NORMS, &bytes)?;
        }
        Ok(out)
    }
}
