//! The case supervision record (seed 003, FS:209-229).

use crate::layout::Writer;
use crate::model::SupervisionRecord;
use crate::{DocumentContext, ReportError, long_date};

use super::{draft_banner, rag_words, sign_off_block};

pub(crate) fn render(r: &SupervisionRecord, ctx: &DocumentContext) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer::new(ctx)?;
    w.heading(1, &format!("Case supervision: {}", r.family));
    draft_banner(&mut w, &r.sign_off, "supervision record");
    let list = |v: &[String]| {
        if v.is_empty() {
            "None recorded".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut rows = vec![
        ("Date", long_date(r.date)),
        ("Chair", r.chair.clone()),
        ("Attended", list(&r.attended)),
        ("Sent a summary", list(&r.sent_summary)),
        ("Risk rating (RAG)", rag_words(r.rag).to_string()),
    ];
    if let Some(by) = &r.recorded_by {
        rows.push(("Minuted by", by.clone()));
    }
    w.key_values(&rows);

    w.heading(2, "Progress: each professional's summary");
    if r.progress.is_empty() {
        w.paragraph("No progress summaries recorded.");
    }
    for p in &r.progress {
        w.field(&format!("{} ({})", p.name, p.role), &p.text);
    }
    w.heading(2, "Reflection on the cycle of change");
    w.paragraph_or_none(&r.cycle_of_change);
    w.heading(2, "Views");
    w.field("The child's views", &r.child_views);
    w.field("The parents' views", &r.parent_views);
    w.heading(2, "Impact on the child");
    w.paragraph_or_none(&r.impact);
    w.heading(2, "Plan");
    w.paragraph_or_none(&r.plan);
    w.heading(2, "Decisions and why");
    if r.decisions.is_empty() {
        w.paragraph("No decisions recorded.");
    }
    for (i, d) in r.decisions.iter().enumerate() {
        w.field(
            &format!("Decision {}: {}", i + 1, d.decision),
            &format!("Why: {}", d.reason),
        );
    }
    if !r.amendments.is_empty() {
        w.heading(2, "Amendments after sign-off");
        let items: Vec<String> = r
            .amendments
            .iter()
            .map(|a| format!("{}, {}: {}", long_date(a.date), a.by, a.reason))
            .collect();
        w.bullets(&items);
    }
    sign_off_block(&mut w, &r.sign_off, "Finalised by the team manager", None);
    w.finish(ctx, r.sign_off.is_draft())
}
