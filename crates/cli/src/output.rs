//! Human-readable and JSON output. Only presentation: every number comes from hearth-api.

/// `println!` that ends the program quietly when the reader has gone away (e.g. the
/// output piped into `head`), instead of panicking on a broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::emit(format_args!($($arg)*))
    };
}
pub(crate) use say;

pub fn emit(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

use hearth_api::core::MemberId;
use hearth_api::core::analytics::ReliableChange;
use hearth_api::core::case::{CaseSummary, CaseView, EpisodeStatus};
use hearth_api::core::casework::{
    ChronologyEvent, ClosureLetters, ClosureView, ConsentRegister, OutcomeLine, PlanView, SignOff,
    SignOffStatus, StageSeries, SupervisionView, WorkbookView,
};
use hearth_api::core::history::HistoryEntry;
use hearth_api::core::prompts::{Prompt, PromptLevel};
use hearth_api::core::team::TeamView;
use hearth_api::{ApiError, CaseOutcomes, Expected};
use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ApiError::Io(e.to_string()))?;
    say!("{text}");
    Ok(())
}

pub fn case_list(cases: &[CaseSummary]) {
    for c in cases {
        let status = c
            .status
            .map(|s| format!("{s:?}").to_lowercase())
            .unwrap_or_default();
        say!(
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
    let name = |id: &str| {
        c.people
            .iter()
            .find(|p| p.id.as_str() == id)
            .map(|p| p.name.as_str())
            .unwrap_or("?")
    };
    say!("{} ({})  {}", c.family.name, c.family.reference, c.id);
    for e in &c.episodes {
        let dates = match (e.opened, e.closed) {
            (Some(o), Some(cl)) => format!("{o} to {cl}"),
            (Some(o), None) => format!("since {o}"),
            _ => String::new(),
        };
        let status = format!("{:?}", e.status).to_lowercase();
        say!("Episode {status} {dates}");
    }
    say!("People:");
    for p in &c.people {
        let born = p.born.map(|b| format!(", born {b}")).unwrap_or_default();
        let party = if p.party { ", party" } else { "" };
        say!("  {}  {} ({}{born}{party})", p.id, p.name, p.role);
    }
    say!("Meetings:");
    for m in &c.meetings {
        let present: Vec<&str> = m.present.iter().map(|p| name(p.as_str())).collect();
        let present = if present.is_empty() {
            String::new()
        } else {
            format!(" with {}", present.join(", "))
        };
        say!("  {}  {} {}{present}", m.id, m.date, m.kind);
        for r in c.ratings.iter().filter(|r| r.meeting == m.id) {
            let by = if r.rater == r.subject {
                String::new()
            } else {
                format!(" by {}", name(r.rater.as_str()))
            };
            let what = match (r.current_items(), &r.not_given) {
                (Some(items), _) => {
                    let items: Vec<String> = items.iter().map(|t| t.to_string()).collect();
                    let corrected = if r.versions.len() > 1 {
                        ", corrected"
                    } else {
                        ""
                    };
                    format!(
                        "{} = {} ({}{corrected})",
                        items.join(" "),
                        r.current_total().unwrap_or_default(),
                        r.mode
                    )
                }
                (None, Some(reason)) => format!("not given: {reason}"),
                (None, None) => String::new(),
            };
            say!(
                "      {} {}{by}: {what}   [{}]",
                r.measure,
                name(r.subject.as_str()),
                r.id
            );
        }
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
        say!("{}", name(subject.person.as_str()));
        if subject.series.is_empty() {
            say!("  no ratings yet");
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
            say!(
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
            say!(
                "Expected {} from an intake of {} ({}):",
                e.measure.as_deref().unwrap_or(""),
                e.intake.map(|t| t.to_string()).unwrap_or_default(),
                e.model
            );
            for p in &curve.points {
                say!(
                    "  session {:>2}: {} ({} to {})",
                    p.session,
                    p.expected,
                    p.low,
                    p.high
                );
            }
        }
        (None, Some(why)) => say!("No expected-response curve: {why}"),
        (None, None) => say!("No expected-response curve."),
    }
}

pub fn team(t: &TeamView) {
    say!("{}  {}", t.name, t.id);
    for m in &t.members {
        let active = if m.active { "" } else { " (inactive)" };
        say!("  {}  {} ({}){active}", m.id, m.name, m.role);
    }
    say!("Measure overrides: {}", t.settings.measure_overrides.len());
    say!(
        "Closed episodes needed for local norms: {}",
        t.settings.etr_min_episodes
    );
    let d = &t.settings.drift;
    say!(
        "Drift prompts: first contact within {} days; reviews every {}-{} weeks; \
         a reason past {} months (counts {} months); a reflective review past {} months; \
         ORS/SRS missing at {} meetings in a row",
        d.first_contact_days,
        d.review_min_weeks,
        d.review_max_weeks,
        d.reason_after_months,
        d.reason_valid_months,
        d.reflective_review_months,
        d.unrated_meetings
    );
}

/// Prompts grouped by case, with the family's name from the caseload list.
pub fn prompts(prompts: &[Prompt], cases: &[CaseSummary]) {
    if prompts.is_empty() {
        say!("No prompts.");
        return;
    }
    let mut last = None;
    for p in prompts {
        if last != Some(&p.case) {
            let family = cases
                .iter()
                .find(|c| c.id == p.case)
                .map(|c| c.family.name.as_str())
                .unwrap_or("?");
            say!("{family}  {}", p.case);
            last = Some(&p.case);
        }
        let level = match p.level {
            PromptLevel::Note => "note",
            PromptLevel::Prompt => "prompt",
        };
        say!(
            "  {level:<6} {:<20} since {}  {}",
            p.kind,
            p.since,
            p.message
        );
    }
}

pub fn history(entries: &[HistoryEntry]) {
    for e in entries {
        let who = match &e.member_name {
            Some(name) => name.clone(),
            None => format!("unknown device {}", e.device),
        };
        say!(
            "{}  {:<24} {who}",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.action
        );
    }
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
    say!(
        "Workbook: {}",
        status(&w.status, w.finalised.as_ref(), team)
    );
    for s in &w.sections {
        say!("{} ({})", s.title, s.id);
        for e in &s.entries {
            say!(
                "  {}  {} by {} ({}), {}, {}",
                e.id,
                e.date,
                member_name(team, &e.author),
                e.role,
                e.kind,
                status(&e.status, e.finalised.as_ref(), team)
            );
            for line in e.text.lines() {
                say!("    {line}");
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
        say!(
            "{}  {} chaired by {}, {rag}, {}",
            r.id,
            f.date,
            member_name(team, &f.chair),
            status(&r.status, r.finalised.as_ref(), team)
        );
        for d in &f.decisions {
            say!("  decision: {} (because: {})", d.decision, d.reason);
        }
        for a in &r.amendments {
            say!(
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
        say!("{name}: {}", s.problem);
        for e in &s.history {
            let quote = e
                .quote
                .as_deref()
                .map(|q| format!(" \"{q}\""))
                .unwrap_or_default();
            say!("  {}  {}{quote}", e.date, e.stage);
        }
    }
}

pub fn chronology(events: &[ChronologyEvent]) {
    for e in events {
        say!("{}  {:<22} {}", e.date, e.source, e.summary);
        if let Some(s) = &e.information_source {
            say!("    source: {s}");
        }
        if let Some(i) = &e.impact {
            say!("    impact on the child: {i}");
        }
    }
}

pub fn consent(register: &ConsentRegister, case: &CaseView) {
    let name = |id: &hearth_api::core::PersonId| {
        case.people
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    say!("Current:");
    for c in &register.current {
        say!(
            "  {:<20} {:<30} {} since {}",
            name(&c.person),
            c.purpose,
            c.status,
            c.date
        );
    }
    say!("History:");
    for r in &register.history {
        say!(
            "  {}  {:<20} {:<30} {}",
            r.date,
            name(&r.person),
            r.purpose,
            r.status
        );
    }
    if !register.shared_without_consent.is_empty() {
        say!("Shared without consent:");
        for s in &register.shared_without_consent {
            say!(
                "  {}  {:<20} {:<30} legal basis: {}",
                s.date,
                name(&s.person),
                s.purpose,
                s.basis
            );
        }
    }
}

pub fn plans(plans: &[PlanView], case: &CaseView, team: &TeamView) {
    let name = |id: &hearth_api::core::PersonId| {
        case.people
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    for p in plans {
        let f = &p.fields;
        say!(
            "{}  plan of {}, next review {}",
            p.id,
            f.date,
            p.next_review
        );
        for (i, g) in f.goals.iter().enumerate() {
            say!("  goal {}: {}", i + 1, g.goal);
            for a in &g.actions {
                say!("    action: {a}");
            }
            if !g.who_helps.is_empty() {
                say!("    who helps: {}", g.who_helps);
            }
            if !g.success.is_empty() {
                say!("    success looks like: {}", g.success);
            }
        }
        for r in &f.risks {
            say!("  risk: {} (managed by: {})", r.risk, r.managed);
        }
        if !f.child_views.is_empty() {
            say!("  child's views: {}", f.child_views);
        }
        for r in &p.reviews {
            let rf = &r.fields;
            let mut who: Vec<String> = rf.attended_people.iter().map(name).collect();
            who.extend(rf.attended_members.iter().map(|m| member_name(team, m)));
            say!(
                "  review {}  {}: attended {}",
                r.id,
                rf.date,
                who.join(", ")
            );
            for g in &rf.progress {
                say!("    goal {}: {}", g.goal, g.progress);
            }
            if !rf.changes.is_empty() {
                say!("    changes: {}", rf.changes);
            }
            say!("    next review {}", rf.next_review);
        }
    }
}

fn outcome_lines(lines: &[OutcomeLine], case: &CaseView) {
    let name = |id: &hearth_api::core::PersonId| {
        case.people
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    for l in lines {
        let rater = if l.rater == l.subject {
            "self".to_string()
        } else {
            name(&l.rater)
        };
        let reliable = match l.reliable_change {
            Some(r) => format!(", reliable change: {}", format!("{r:?}").to_lowercase()),
            None => String::new(),
        };
        let clinical = match l.clinically_significant {
            Some(true) => ", clinically significant change",
            Some(false) => ", no clinically significant change",
            None => "",
        };
        say!(
            "    {} {} (rater: {}): first {}, last {}, change {}, {} rating{}{reliable}{clinical}",
            name(&l.subject),
            l.measure,
            rater,
            l.first,
            l.last,
            l.change,
            l.ratings,
            if l.ratings == 1 { "" } else { "s" }
        );
    }
}

pub fn closure(c: &ClosureView, case: &CaseView, team: &TeamView) {
    let state = match c.episode_status {
        EpisodeStatus::WaitingList => "on the waiting list",
        EpisodeStatus::Open => "open",
        EpisodeStatus::Closed => "closed",
    };
    match c.closed {
        Some(d) => say!("episode {}  {state} on {d}", c.episode),
        None => say!("episode {}  {state}", c.episode),
    }
    match &c.decision {
        Some(d) => {
            let by =
                d.by.as_ref()
                    .map(|m| member_name(team, m))
                    .unwrap_or_default();
            say!("closure decided {} by {by}: {}", d.date, d.reason);
        }
        None => say!("no closure decision"),
    }
    let Some(s) = &c.summary else {
        say!("no closing summary");
        return;
    };
    let by = s
        .written_by
        .as_ref()
        .map(|m| member_name(team, m))
        .unwrap_or_default();
    say!(
        "closing summary by {by}: {}",
        status(&s.status, s.signed.as_ref(), team)
    );
    let f = &s.fields;
    let field = |label: &str, text: &str| {
        if !text.is_empty() {
            say!("  {label}: {text}");
        }
    };
    field("reason for closing", &f.reason);
    field("what changed", &f.what_changed);
    field("goals achieved", &f.goals_achieved);
    for g in &s.plan_goals {
        say!(
            "  plan goal achieved ({} goal {}): {}",
            g.plan,
            g.goal,
            g.text
        );
    }
    field("sustainability plan", &f.sustainability_plan);
    field("signposting", &f.signposting);
    field("child's views", &f.child_views);
    field("family's views", &f.family_views);
    say!(
        "  FIT outcomes when written ({}):",
        s.outcomes_at.format("%Y-%m-%d")
    );
    outcome_lines(&s.outcomes, case);
    if s.outcomes_changed {
        say!("  FIT outcomes now (changed since the summary was written):");
        outcome_lines(&s.outcomes_now, case);
    }
}

pub fn letters(l: &ClosureLetters) {
    say!("--- letter to the family ---");
    say!("{}", l.family);
    for c in &l.children {
        say!("");
        say!("--- letter to {} ({}) ---", c.name, c.person);
        say!("{}", c.text);
    }
}
