//! Fills a workspace with generated demo families (see `hearth_core::demo`).

use hearth_core::demo::{DemoOptions, generate};
use rand::SeedableRng;
use rand::rngs::StdRng;

use hearth_store::ChunkWithView;

use crate::error::{ApiError, Result};
use crate::views::encode_view;
use crate::workspace::{KIND_CASE, Workspace};

/// Beyond this a demo stops being a demo and starts filling the disk.
const MAX_DEMO_CASES: usize = 5000;

impl Workspace {
    /// Adds `cases` generated families (seeded: the same seed gives the same families).
    /// Returns the number of cases added. All of them are written in one transaction.
    pub fn demo(&mut self, cases: usize, seed: u64) -> Result<usize> {
        if cases == 0 || cases > MAX_DEMO_CASES {
            return Err(ApiError::Refused(format!(
                "a demo has between 1 and {MAX_DEMO_CASES} cases"
            )));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let options = DemoOptions {
            cases,
            today: self.clock.today(),
            now: self.clock.now(),
            allocated_to: self.member.clone(),
            team: Some(self.team.view()?),
        };
        let docs = generate(&mut rng, &options, &self.measures, &self.actor)?;
        let mut batch = Vec::with_capacity(docs.len());
        for mut doc in docs {
            let id = doc.id()?;
            let (summary, view, _) = encode_view(&doc)?;
            batch.push(ChunkWithView {
                id: id.to_string(),
                kind: KIND_CASE.to_string(),
                bytes: doc.save(),
                base_seq: 0,
                summary,
                view,
            });
        }
        self.store.append_chunks_with_views(&batch)?;
        Ok(cases)
    }
}
