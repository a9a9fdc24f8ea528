//! The derived read model: each case's summary (for lists) and full view (for opening
//! it), cached in the store beside the document and written in the same transaction as
//! each change. The document stays the only truth: a cached view is used only while it
//! was computed from exactly the document's current state (the store checks the
//! sequence number); otherwise it is rebuilt from the document and stored again.

use hearth_core::CaseId;
use hearth_core::case::{CaseDoc, CaseSummary, CaseView};
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
