//! The closing summary (seeds 001, 002): episode dates, why the case closes, what
//! changed with the FIT numbers per rater, goals achieved, the sustainability plan,
//! signposting, the child's and family's views, and the team manager's sign-off.

use crate::layout::Writer;
use crate::model::ClosingSummary;
use crate::{DocumentContext, ReportError, long_date};

use super::{draft_banner, outcome_table, sign_off_block};

pub(crate) fn render(s: &ClosingSummary, ctx: &DocumentContext) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer::new(ctx)?;
    w.heading(1, &format!("Closing summary: {}", s.family));
    draft_banner(&mut w, &s.sign_off, "closing summary");
    let date =
        |d: Option<chrono::NaiveDate>| d.map(long_date).unwrap_or_else(|| "Not recorded".into());
    let mut rows = vec![
        ("Family", s.family.clone()),
        ("Referred", date(s.referred)),
        ("Episode opened", date(s.opened)),
        (
            "Closure decided",
            match (&s.decided, &s.decided_by) {
                (Some(d), Some(by)) => format!("{} by {by}", long_date(*d)),
                (d, _) => date(*d),
            },
        ),
        (
            "Episode closed",
            s.closed
                .map(long_date)
                .unwrap_or_else(|| "Open until this summary is signed off".into()),
        ),
    ];
    if let Some(by) = &s.written_by {
        rows.push(("Written by", by.clone()));
    }
    w.key_values(&rows);

    w.heading(2, "Reason for closure");
    w.paragraph(&s.reason);
    w.heading(2, "What changed");
    w.paragraph(&s.what_changed);
    w.heading(3, "Outcome ratings: first and last rating per rater");
    if s.outcomes.is_empty() {
        w.paragraph("No outcome or session ratings were recorded in this episode.");
    } else {
        outcome_table(&mut w, &s.outcomes);
        w.text_block(
            crate::layout::Style::MUTED,
            0.0,
            "Reliable change: the total moved by at least the measure's reliable-change threshold from the first rating. Clinically significant change: a reliable improvement that moved from below to above the cut-off. The ratings measure well-being, not risk.",
        );
        w.space(4.0);
        if s.outcomes_changed {
            w.paragraph("Note: ratings were corrected after this summary was written; the numbers above are those the summary was written with.");
        }
    }
    w.heading(2, "Goals achieved");
    if !s.plan_goals.is_empty() {
        w.bullets(&s.plan_goals);
    }
    if !s.goals_achieved.trim().is_empty() || s.plan_goals.is_empty() {
        w.field("In the worker's words", &s.goals_achieved);
    }
    w.heading(2, "Sustainability plan");
    w.field("How the changes will last", &s.sustainability_plan);
    w.heading(2, "Signposting");
    w.field("Where the family can go for help", &s.signposting);
    w.heading(2, "Views of the child and family");
    w.field("The child's views", &s.child_views);
    w.field("The family's views", &s.family_views);
    sign_off_block(&mut w, &s.sign_off, "Team manager sign-off", None);
    w.finish(ctx, s.sign_off.is_draft())
}
