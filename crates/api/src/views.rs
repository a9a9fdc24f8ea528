//! The derived read model: each case's summary (for lists) and full view (for opening
//! it), cached in the store beside the document and written in the same transaction as
//! each change. The document stays the only truth: a cached view is used only while it
//! was computed from exactly the document's current state (the store checks the
//! sequence number); otherwise it is rebuilt from the document and stored again.

use hearth_core::CaseId;
use hearth_core::case::{CaseDoc, CaseSummary, CaseView};
use hearth_core::casework::{
    ConsentRegister, PlanView, StageSeries, SupervisionView, WorkbookView,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{ApiError, Result};
use crate::workspace::{KIND_CASE, Workspace};

/// Bumped whenever `CaseView` or `CaseSummary` change shape, so old caches are rebuilt.
const VIEW_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Cached<T> {
    format: u32,
    value: T,
}

pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(&Cached {
        format: VIEW_FORMAT,
        value,
    })
    .map_err(|e| ApiError::Io(format!("encoding a cached view: {e}")))
}

/// `None` when the bytes are from another format version (or damaged): rebuild.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let cached: Cached<T> = serde_json::from_slice(bytes).ok()?;
    (cached.format == VIEW_FORMAT).then_some(cached.value)
}

/// Summary and view of a document, encoded for the store.
pub(crate) fn encode_view(doc: &CaseDoc) -> Result<(Vec<u8>, Vec<u8>, CaseView)> {
    let view = doc.view()?;
    Ok((encode(&view.summary())?, encode(&view)?, view))
}

impl Workspace {
    /// The case's view from the cache, or rebuilt from the document.
    pub(crate) fn case_view(&self, id: &CaseId) -> Result<CaseView> {
        if let Some(bytes) = self.store.load_view(id.as_str())?
            && let Some(view) = decode::<CaseView>(&bytes)
        {
            return Ok(view);
        }
        self.rebuild_view(id)
    }

    fn rebuild_view(&self, id: &CaseId) -> Result<CaseView> {
        let (doc, seq) = self.load_case(id)?;
        let (summary, bytes, view) = encode_view(&doc)?;
        // Refused (false) when another process changed the case meanwhile: then the
        // next reader rebuilds again; what we return is still a true state of the case.
        self.store.put_view(id.as_str(), seq, &summary, &bytes)?;
        Ok(view)
    }

    /// Summaries of every case, rebuilding only those whose cache is stale.
    pub(crate) fn case_summaries(&self) -> Result<Vec<CaseSummary>> {
        let mut out = Vec::new();
        for (id, summary) in self.store.list_summaries(KIND_CASE)? {
            let id: CaseId = id.parse()?;
            match summary.as_deref().and_then(decode::<CaseSummary>) {
                Some(s) => out.push(s),
                None => out.push(self.rebuild_view(&id)?.summary()),
            }
        }
        Ok(out)
    }
}

/// The casework read models of one case (workbook, supervision, stages, plans,
/// consent). Long narrative makes these slow to build from the document (Automerge keeps
/// one op per character), so they are cached as derived data, built on the first read
/// after a change rather than on every write, and used only at the sequence number they
/// were built at.
#[derive(Serialize, Deserialize)]
pub(crate) struct CaseworkViews {
    pub workbook: WorkbookView,
    pub supervisions: Vec<SupervisionView>,
    pub stages: Vec<StageSeries>,
    pub plans: Vec<PlanView>,
    pub consent: ConsentRegister,
}

impl Workspace {
    pub(crate) fn casework_views(&self, id: &CaseId) -> Result<CaseworkViews> {
        // Kept in the store's encrypted key-value table, keyed by the case id (no names).
        let key = format!("derived-casework:{id}");
        let current = self
            .store
            .last_seq(id.as_str())?
            .ok_or_else(|| ApiError::CaseNotFound(id.to_string()))?;
        if let Some(bytes) = self.store.get_meta(&key)?
            && let Some((seq, views)) = decode::<(u64, CaseworkViews)>(&bytes)
            && seq == current
        {
            return Ok(views);
        }
        let (doc, seq) = self.load_case(id)?;
        let views = CaseworkViews {
            workbook: doc.workbook()?,
            supervisions: doc.supervisions()?,
            stages: doc.stages_of_change()?,
            plans: doc.plans()?,
            consent: doc.consent_register()?,
        };
        self.store.set_meta(&key, &encode(&(seq, &views))?)?;
        Ok(views)
    }
}
