//! The parenting assessment produced from the Family Safeguarding workbook: a cover
//! (family, children, author, date), the workbook sections in their order with each
//! entry's author and discipline, the children's FIT graphs, the latest case
//! supervision decisions, and the signature block. DRAFT until the workbook is
//! finalised.

use crate::layout::{Style, Writer};
use crate::model::ParentingAssessment;
use crate::{DocumentContext, ReportError, long_date};

use super::{draft_banner, rag_words, sign_off_block};

pub(crate) fn render(
    a: &ParentingAssessment,
    ctx: &DocumentContext,
) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer::new(ctx)?;
    // Cover.
    w.space(60.0);
    w.text_block(Style::BOLD.sized(24.0), 0.0, "Parenting assessment");
    w.space(6.0);
    w.text_block(
        Style::BODY.sized(16.0),
        0.0,
        &format!("The {} family", a.family.trim()),
    );
    w.space(24.0);
    draft_banner(
        &mut w,
        &a.sign_off,
        "assessment (the workbook is not finalised)",
    );
    w.key_values(&[
        ("Case reference", ctx.case_reference.clone()),
        ("Team", ctx.team.clone()),
        ("Author", a.author.clone()),
        ("Date", long_date(a.date)),
    ]);
    if !a.children.is_empty() {
        w.heading(2, "Children");
        let items: Vec<String> = a
            .children
            .iter()
            .map(|p| format!("{}: {}", p.name, p.detail))
            .collect();
        w.bullets(&items);
    }
    if !a.adults.is_empty() {
        w.heading(2, "Parents and carers");
        let items: Vec<String> = a
            .adults
            .iter()
            .map(|p| format!("{}: {}", p.name, p.detail))
            .collect();
        w.bullets(&items);
    }
    w.heading(2, "Contents");
    let mut contents: Vec<String> = a.sections.iter().map(|s| s.title.clone()).collect();
    if !a.graphs.is_empty() {
        contents.push("Outcome graphs".into());
    }
    contents.push("Case supervision decisions".into());
    contents.push("Sign-off".into());
    // One anchor per contents line, in the same order as the headings below.
    let mut anchors = w.contents(&contents).into_iter();

    // The workbook, section by section.
    // Each section with entries starts a page; an empty one follows on the same page
    // rather than leaving a page that says only "no entries".
    for (i, s) in a.sections.iter().enumerate() {
        if i == 0 || !s.entries.is_empty() {
            w.new_page();
        }
        w.heading_at(1, &s.title, anchors.next());
        if s.entries.is_empty() {
            w.text_block(Style::MUTED.sized(10.5), 0.0, "No entries in this section.");
            continue;
        }
        for e in &s.entries {
            let about = if e.about.is_empty() {
                String::new()
            } else {
                format!(", about {}", e.about.join(", "))
            };
            let state = if e.finalised { "" } else { " (draft entry)" };
            w.heading(
                3,
                &format!(
                    "{}, {}: {}{}",
                    e.author,
                    e.discipline,
                    long_date(e.date),
                    state
                ),
            );
            w.text_block(Style::MUTED, 0.0, &format!("{}{}", e.kind, about));
            w.space(2.0);
            w.paragraph(&e.text);
            w.space(4.0);
        }
    }

    if !a.graphs.is_empty() {
        w.new_page();
        w.heading_at(1, "Outcome graphs", anchors.next());
        for (i, g) in a.graphs.iter().enumerate() {
            if i > 0 {
                w.new_page();
            }
            crate::chart::graph(&mut w, g);
        }
    }

    w.new_page();
    w.heading_at(1, "Case supervision decisions", anchors.next());
    match &a.supervision {
        None => w.paragraph("No finalised case supervision is recorded for this case."),
        Some(s) => {
            w.key_values(&[
                ("Date", long_date(s.date)),
                ("Chair", s.chair.clone()),
                ("Risk rating (RAG)", rag_words(s.rag).to_string()),
            ]);
            if s.decisions.is_empty() {
                w.paragraph("No decisions recorded.");
            }
            for (i, d) in s.decisions.iter().enumerate() {
                w.field(
                    &format!("Decision {}: {}", i + 1, d.decision),
                    &format!("Why: {}", d.reason),
                );
            }
        }
    }
    sign_off_block(
        &mut w,
        &a.sign_off,
        "Sign-off by the social worker",
        anchors.next(),
    );
    w.finish(ctx, a.sign_off.is_draft())
}
