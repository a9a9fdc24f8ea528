//! Human-readable and JSON output. Only presentation: every number comes from hearth-api.

use hearth_api::core::MemberId;
use hearth_api::core::analytics::ReliableChange;
use hearth_api::core::case::{CaseSummary, CaseView};
use hearth_api::core::casework::{
    SignOff, SignOffStatus, StageSeries, SupervisionView, WorkbookView,
};
use hearth_api::core::team::TeamView;
use hearth_api::{ApiError, CaseOutcomes, Expected};
use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ApiError::Io(e.to_string()))?;
    println!("{text}");
    Ok(())
}

pub fn case_list(cases: &[CaseSummary]) {
    for c in cases {
        let status = c
            .status
            .map(|s| format!("{s:?}").to_lowercase())
            .unwrap_or_default();
        println!(
            "{}  {:<24} {:<10} {:<7} {}",
            c.id,
            c.family.name,
            c.family.reference,
            status,
            c.children.join(", ")
        );
    }
}

pub fn case_view(c: &CaseView) {
    println!("{} ({})  {}", c.family.name, c.family.reference, c.id);
    println!("People:");
    for p in &c.people {
        let born = p.born.map(|b| format!(" born {b}")).unwrap_or_default();
        println!("  {}  {} ({}){born}", p.id, p.name, p.role);
    }
    println!("Meetings:");
    for m in &c.meetings {
        let n = c.ratings.iter().filter(|r| r.meeting == m.id).count();
        println!("  {}  {} {} ({n} ratings)", m.id, m.date, m.kind);
    }
}

/// Outcome numbers in words, with people's names from the case view.
pub fn outcomes(o: &CaseOutcomes, case: &CaseView) {
    let name = |id: &str| {
        case.people
            .iter()
            .find(|p| p.id.as_str() == id)
            .map(|p| format!("{} ({})", p.name, p.role))
            .unwrap_or_else(|| id.to_string())
    };
    for subject in &o.outcomes.subjects {
        println!("{}", name(subject.person.as_str()));
        if subject.series.is_empty() {
            println!("  no ratings yet");
        }
        for s in &subject.series {
            let rater = if s.rater == subject.person {
                "self".to_string()
            } else {
                name(s.rater.as_str())
            };
            let cutoff = s
                .cutoff
                .map(|c| format!(", cut-off {c}"))
                .unwrap_or_default();
            let change = match s.reliable_change {
                Some(ReliableChange::Improved) => ": reliable improvement",
                Some(ReliableChange::Deteriorated) => ": reliable deterioration",
                Some(ReliableChange::None) => ": no reliable change",
                None => "",
            };
            let significant = if s.clinically_significant == Some(true) {
                ", clinically significant"
            } else {
                ""
            };
            let flags: Vec<&str> = s.flags.iter().map(|f| f.as_str()).collect();
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            };
            println!(
                "  {:<6} by {:<32} {} ratings, {} -> {} ({:+.1}){cutoff}{change}{significant}{flags}",
                s.measure,
                rater,
                s.points.len(),
                s.first,
                s.last,
                s.change.as_f64()
            );
        }
    }
}

pub fn expected(e: &Expected) {
    match (&e.curve, &e.unavailable) {
        (Some(curve), _) => {
            println!(
                "Expected {} from an intake of {} ({}):",
                e.measure.as_deref().unwrap_or(""),
                e.intake.map(|t| t.to_string()).unwrap_or_default(),
                e.model
            );
            for p in &curve.points {
                println!(
                    "  session {:>2}: {} ({} to {})",
                    p.session, p.expected, p.low, p.high
                );
            }
        }
        (None, Some(why)) => println!("No expected-response curve: {why}"),
        (None, None) => println!("No expected-response curve."),
    }
}

pub fn team(t: &TeamView) {
    println!("{}  {}", t.name, t.id);
    for m in &t.members {
        let active = if m.active { "" } else { " (inactive)" };
        println!("  {}  {} ({}){active}", m.id, m.name, m.role);
    }
    println!("Measure overrides: {}", t.settings.measure_overrides.len());
    println!(
        "Closed episodes needed for local norms: {}",
        t.settings.etr_min_episodes
    );
}

/// A member's name from the roster, or their id when they are not on it.
fn member_name(team: &TeamView, id: &MemberId) -> String {
    team.member(id)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// "draft", "signed by NAME (ROLE) at TIME" or "amended after sign-off: fields".
fn status(status: &SignOffStatus, latest: Option<&SignOff>, team: &TeamView) -> String {
    let signed = |s: &SignOff| {
        format!(
            "{} ({}) at {}",
            member_name(team, &s.by),
            s.role,
            s.at.format("%Y-%m-%d %H:%M UTC")
        )
    };
    match (status, latest) {
        (SignOffStatus::Draft, _) => "draft".into(),
        (SignOffStatus::Signed, Some(s)) => format!("signed by {}", signed(s)),
        (SignOffStatus::Signed, None) => "signed".into(),
        (SignOffStatus::AmendedAfterSignOff { changes }, latest) => format!(
            "amended after sign-off (changed: {}{})",
            changes.join(", "),
            latest
                .map(|s| format!("; last signed by {}", signed(s)))
                .unwrap_or_default()
        ),
    }
}

pub fn workbook(w: &WorkbookView, team: &TeamView) {
    println!(
        "Workbook: {}",
        status(&w.status, w.finalised.as_ref(), team)
    );
    for s in &w.sections {
        println!("{} ({})", s.title, s.id);
        for e in &s.entries {
            println!(
                "  {}  {} by {} ({}), {}, {}",
                e.id,
                e.date,
                member_name(team, &e.author),
                e.role,
                e.kind,
                status(&e.status, e.finalised.as_ref(), team)
            );
            for line in e.text.lines() {
                println!("    {line}");
            }
        }
    }
}

pub fn supervisions(records: &[SupervisionView], team: &TeamView) {
    for r in records {
        let f = &r.fields;
        let rag = f
            .rag
            .map(|r| r.to_string())
            .unwrap_or_else(|| "no RAG".into());
        println!(
            "{}  {} chaired by {}, {rag}, {}",
            r.id,
            f.date,
            member_name(team, &f.chair),
            status(&r.status, r.finalised.as_ref(), team)
        );
        for d in &f.decisions {
            println!("  decision: {} (because: {})", d.decision, d.reason);
        }
        for a in &r.amendments {
            println!(
                "  amended by {} at {}: {}",
                member_name(team, &a.by),
                a.at.format("%Y-%m-%d %H:%M UTC"),
                a.reason
            );
        }
    }
}

pub fn stages(series: &[StageSeries], case: &CaseView) {
    for s in series {
        let name = case
            .people
            .iter()
            .find(|p| p.id == s.person)
            .map(|p| p.name.as_str())
            .unwrap_or(s.person.as_str());
        println!("{name}: {}", s.problem);
        for e in &s.history {
            let quote = e
                .quote
                .as_deref()
                .map(|q| format!(" \"{q}\""))
                .unwrap_or_default();
            println!("  {}  {}{quote}", e.date, e.stage);
        }
    }
}
