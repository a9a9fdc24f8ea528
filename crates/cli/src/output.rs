//! Human-readable and JSON output. Only presentation: every number comes from hearth-api.

use hearth_api::core::case::{CaseSummary, CaseView};
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

pub fn outcomes(o: &CaseOutcomes) {
    let value = serde_json::to_value(o).unwrap_or_default();
    for subject in value["subjects"].as_array().into_iter().flatten() {
        println!("{}", subject["name"].as_str().unwrap_or(""));
        for s in subject["series"].as_array().into_iter().flatten() {
            println!(
                "  {} by {}: first {} last {} change {} cut-off {} reliable change {} clinically significant {} {}",
                s["measure"].as_str().unwrap_or(""),
                s["rater"].as_str().unwrap_or(""),
                s["first"],
                s["last"],
                s["change"],
                s["cutoff"],
                s["reliable_change"],
                s["clinically_significant"],
                s["flags"]
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
