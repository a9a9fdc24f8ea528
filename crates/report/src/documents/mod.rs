//! One module per document type, plus the pieces they share.

pub(crate) mod assessment;
pub(crate) mod closing;
pub(crate) mod graph;
pub(crate) mod letter;
pub(crate) mod supervision;

use hearth_core::casework::{ChangeWord, Rag};

use crate::layout::{Anchor, Writer};
use crate::model::{OutcomeRow, SignOffState};
use crate::{layout::Column, long_date};

/// The DRAFT banner at the top of a draft, saying why it is one.
pub(crate) fn draft_banner(w: &mut Writer, state: &SignOffState, what: &str) {
    match state {
        SignOffState::Draft => w.banner(&format!("DRAFT: this {what} is not signed off")),
        SignOffState::Amended { changes, .. } => {
            w.banner(&format!(
                "DRAFT: this {what} was changed after it was signed off"
            ));
            if !changes.is_empty() {
                w.paragraph(&format!(
                    "Changed since the sign-off: {}.",
                    changes.join(", ")
                ));
            }
        }
        SignOffState::Signed(_) => {}
    }
}

/// The sign-off block: name, role and date of the signature, or lines to sign on.
/// `anchor`: the contents line that points here, if the document has contents.
pub(crate) fn sign_off_block(
    w: &mut Writer,
    state: &SignOffState,
    heading: &str,
    anchor: Option<Anchor>,
) {
    w.heading_at(2, heading, anchor);
    match state {
        SignOffState::Signed(s) => w.signature(&[
            ("Name", s.name.clone()),
            ("Role", s.role.clone()),
            ("Date", long_date(s.date)),
        ]),
        SignOffState::Amended { signed, .. } => {
            w.paragraph(&format!(
                "Signed off by {} ({}) on {}, then changed: the signed version is kept in Hearth. This copy is a DRAFT until it is signed off again.",
                signed.name,
                signed.role,
                long_date(signed.date)
            ));
            w.signature(&[
                ("Name", String::new()),
                ("Role", String::new()),
                ("Date", String::new()),
            ]);
        }
        SignOffState::Draft => {
            w.paragraph("DRAFT: not signed off.");
            w.signature(&[
                ("Name", String::new()),
                ("Role", String::new()),
                ("Date", String::new()),
            ]);
        }
    }
}

pub(crate) fn reliable_words(r: Option<ChangeWord>) -> &'static str {
    match r {
        Some(ChangeWord::Improved) => "Reliable improvement",
        Some(ChangeWord::Deteriorated) => "Reliable deterioration",
        Some(ChangeWord::None) => "No reliable change",
        None => "Not applicable",
    }
}

pub(crate) fn significant_words(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not applicable",
    }
}

pub(crate) fn rag_words(r: Option<Rag>) -> &'static str {
    match r {
        Some(Rag::Red) => "Red",
        Some(Rag::Amber) => "Amber",
        Some(Rag::Green) => "Green",
        None => "Not rated",
    }
}

/// First and last rating per rater, with reliable and clinically significant change.
pub(crate) fn outcome_table(w: &mut Writer, rows: &[OutcomeRow]) {
    let columns = [
        // Whose well-being the scale measures: a child, or a parent rating their own.
        Column {
            title: "About",
            share: 2.0,
        },
        Column {
            title: "Rater",
            share: 2.0,
        },
        Column {
            title: "Measure",
            share: 0.0,
        },
        Column {
            title: "Ratings",
            share: 0.0,
        },
        Column {
            title: "First",
            share: 0.0,
        },
        Column {
            title: "Last",
            share: 0.0,
        },
        Column {
            title: "Change",
            share: 0.0,
        },
        Column {
            title: "Cut-off",
            share: 0.0,
        },
        Column {
            title: "Reliable change",
            share: 1.0,
        },
        Column {
            title: "Clinically significant",
            share: 0.5,
        },
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.subject.clone(),
                r.rater.clone(),
                r.measure.clone(),
                r.ratings.to_string(),
                r.first.to_string(),
                r.last.to_string(),
                crate::Language::English.signed_points(r.change),
                r.cutoff
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "None".into()),
                reliable_words(r.reliable_change).into(),
                significant_words(r.clinically_significant).into(),
            ]
        })
        .collect();
    w.table(&columns, &cells, 8.5);
}
