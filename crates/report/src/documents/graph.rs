//! The graph snapshot: one person's FIT graph with its change facts and item table.

use crate::layout::Writer;
use crate::model::GraphSnapshot;
use crate::{DocumentContext, ReportError};

pub(crate) fn render(g: &GraphSnapshot, ctx: &DocumentContext) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer::new(ctx)?;
    let heading = w.lang().fill(
        "graph.heading",
        &[("name", &g.scene.subject_name), ("family", &g.family)],
    );
    w.heading(1, &heading);
    crate::chart::graph(&mut w, &g.scene);
    w.finish(ctx, false)
}
