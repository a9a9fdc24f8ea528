//! hearth-cli: the headless shell over hearth-api, for admin, scripts and tests.
//! It parses arguments, asks for the passphrase, calls one hearth-api function per
//! command and prints the result. No rules live here.

mod args;
mod export_cmd;
mod output;
mod passphrase;
mod sync_cmd;

use std::process::ExitCode;

use output::say;

use clap::Parser;
use hearth_api::clock::SystemClock;
use hearth_api::{
    ApiError, InitRequest, KdfParams, RateRequest, SupervisionRequest, Workspace, WriteEntryRequest,
};

use args::{
    CaseCommand, ChronologyArgs, ChronologyCommand, Cli, CloseCommand, ClosingSummaryCommand,
    Command, ConsentCommand, LettersCommand, MeetingCommand, PassphraseCommand, PersonCommand,
    PlanCommand, RatingCommand, StageCommand, SupervisionCommand, TeamCommand, WorkbookCommand,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, no case content beyond what the user typed.
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn read_file(path: &std::path::Path) -> Result<String, ApiError> {
    std::fs::read_to_string(path).map_err(|e| ApiError::Io(format!("{}: {e}", path.display())))
}

/// `MIN,MAX` weeks, e.g. `6,12`.
fn parse_weeks(s: &str) -> Result<(u32, u32), ApiError> {
    let bad = || {
        ApiError::Refused(format!(
            "--review-weeks wants MIN,MAX (e.g. 6,12), not {s:?}"
        ))
    };
    let (min, max) = s.split_once(',').ok_or_else(bad)?;
    let min = min.trim().parse().map_err(|_| bad())?;
    let max = max.trim().parse().map_err(|_| bad())?;
    Ok((min, max))
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let dir = cli.data_dir()?;
    let open = || -> Result<Workspace, ApiError> {
        if !Workspace::exists(&dir) {
            return Err(ApiError::NoWorkspace(dir.display().to_string()));
        }
        let pass = passphrase::read("Passphrase: ")?;
        Workspace::open(&dir, &pass, Box::new(SystemClock))
    };
    match cli.command {
        Command::Init { team, member, role } => {
            if Workspace::exists(&dir) {
                return Err(ApiError::WorkspaceExists(dir.display().to_string()));
            }
            let pass = passphrase::read_new()?;
            let ws = Workspace::init(
                &dir,
                &pass,
                InitRequest {
                    team_name: &team,
                    member_name: &member,
                    member_role: &role,
                },
                KdfParams::default(),
                Box::new(SystemClock),
            )?;
            let me = ws.whoami()?;
            say!("{}", me.member);
        }
        Command::Pair(cmd) => sync_cmd::pair(&dir, cmd)?,
        Command::Join(args) => sync_cmd::join_cmd(&dir, args)?,
        Command::Serve(args) => sync_cmd::serve_cmd(&dir, args)?,
        Command::Peers { json } => sync_cmd::peers(&dir, json)?,
        Command::Device(cmd) => sync_cmd::device(&dir, cmd)?,
        Command::Sync(cmd) => sync_cmd::sync(&dir, cmd)?,
        Command::Case(CaseCommand::Share { case, member }) => open()?.share_case(&case, &member)?,
        Command::Case(CaseCommand::Unshare { case, member }) => {
            open()?.unshare_case(&case, &member)?;
            say!(
                "unshared: the member's devices get no further changes; what they already hold stays there."
            );
        }
        Command::Case(CaseCommand::Add { family, reference }) => {
            let mut ws = open()?;
            say!("{}", ws.add_case(&family, reference.as_deref())?);
        }
        Command::Case(CaseCommand::List { json }) => {
            let ws = open()?;
            let cases = ws.list_cases()?;
            if json {
                output::json(&cases)?;
            } else {
                output::case_list(&cases);
            }
        }
        Command::Case(CaseCommand::Show { id, json }) => {
            let ws = open()?;
            let case = ws.case(&id)?;
            if json {
                output::json(&case)?;
            } else {
                output::case_view(&case);
            }
        }
        Command::Case(CaseCommand::Close { case, date, reason }) => {
            open()?.close_case(&case, &date, &reason)?;
        }
        Command::Case(CaseCommand::Reopen { case, date }) => {
            open()?.reopen_case(&case, &date)?;
        }
        Command::Case(CaseCommand::Waiting {
            family,
            reference,
            case,
            date,
        }) => {
            let mut ws = open()?;
            match (case, family) {
                (Some(case), _) => {
                    let date = date.ok_or_else(|| {
                        ApiError::Refused("give the referral date: --date YYYY-MM-DD".into())
                    })?;
                    ws.refer_to_waiting_list(&case, &date)?;
                }
                (None, Some(family)) => {
                    let id = ws.add_waiting_case(&family, reference.as_deref(), date.as_deref())?;
                    say!("{id}");
                }
                (None, None) => {
                    return Err(ApiError::Refused(
                        "give --family NAME for a new case or --case ID for a re-referral".into(),
                    ));
                }
            }
        }
        Command::Case(CaseCommand::Open { case, date }) => {
            open()?.open_from_waiting_list(&case, &date)?;
        }
        Command::Close(CloseCommand::Decide { case, date, reason }) => {
            open()?.decide_closure(&case, &date, &reason)?;
        }
        Command::ClosingSummary(ClosingSummaryCommand::Write { case, json_file }) => {
            let json = read_file(&json_file)?;
            open()?.write_closing_summary(&case, &json)?;
        }
        Command::ClosingSummary(ClosingSummaryCommand::Show {
            case,
            episode,
            json,
        }) => {
            let ws = open()?;
            let closure = ws.closure(&case, episode.as_deref())?;
            if json {
                output::json(&closure)?;
            } else {
                output::closure(&closure, &ws.case(&case)?, &ws.team()?);
            }
        }
        Command::ClosingSummary(ClosingSummaryCommand::Sign { case }) => {
            open()?.sign_closing_summary(&case)?;
        }
        Command::Letters(LettersCommand::Draft { case, json }) => {
            let letters = open()?.draft_closure_letters(&case)?;
            if json {
                output::json(&letters)?;
            } else {
                output::letters(&letters);
            }
        }
        Command::Letters(LettersCommand::Save { case, child, file }) => {
            let text = read_file(&file)?;
            open()?.save_closure_letter(&case, child.as_deref(), &text)?;
        }
        Command::Person(PersonCommand::Add {
            case,
            name,
            role,
            born,
            party,
        }) => {
            let id =
                open()?.add_person(&case, &name, &role, born.as_deref(), party.map(|p| p.0))?;
            say!("{id}");
        }
        Command::Meeting(MeetingCommand::Add {
            case,
            date,
            kind,
            present,
            notes,
        }) => {
            let id = open()?.add_meeting(
                &case,
                &date,
                &kind,
                &split_list(&present),
                notes.as_deref().unwrap_or(""),
            )?;
            say!("{id}");
        }
        Command::Rate {
            case,
            meeting,
            measure,
            subject,
            rater,
            items,
            mode,
            not_given,
        } => {
            if items.is_none() && not_given.is_none() {
                return Err(ApiError::Refused(
                    "give the item values with --items a,b,c,d or --not-given REASON".into(),
                ));
            }
            let recorded = open()?.rate(RateRequest {
                case: &case,
                meeting: &meeting,
                measure: &measure,
                subject: &subject,
                rater: rater.as_deref(),
                items: split_list(&items),
                mode: mode.as_deref(),
                not_given: not_given.as_deref(),
            })?;
            for w in &recorded.warnings {
                eprintln!("warning: {w}");
            }
            say!("{}", recorded.rating);
        }
        Command::Rating(RatingCommand::Correct {
            case,
            rating,
            items,
            reason,
        }) => {
            open()?.correct_rating(&case, &rating, &split_list(&Some(items)), &reason)?;
        }
        Command::Outcomes { case, json } => {
            let ws = open()?;
            let outcomes = ws.outcomes(&case)?;
            if json {
                output::json(&outcomes)?;
            } else {
                output::outcomes(&outcomes, &ws.case(&case)?);
            }
        }
        Command::Expected {
            case,
            subject,
            params,
            json,
        } => {
            let params = params
                .map(|p| {
                    std::fs::read_to_string(&p)
                        .map_err(|e| ApiError::Io(format!("{}: {e}", p.display())))
                })
                .transpose()?;
            let expected = open()?.expected_response(&case, &subject, params.as_deref())?;
            if json {
                output::json(&expected)?;
            } else {
                output::expected(&expected);
            }
        }
        Command::Demo { cases, seed } => {
            let n = open()?.demo(cases, seed)?;
            say!("{n} demo cases added");
        }
        Command::Backup { out, force } => {
            open()?.backup(&out, force)?;
        }
        Command::Restore { from, force } => {
            let pass = passphrase::read("Passphrase of the backup: ")?;
            hearth_api::restore(&dir, &from, &pass, force)?;
        }
        Command::Workbook(WorkbookCommand::Write {
            case,
            section,
            text,
            about,
            kind,
            date,
        }) => {
            let id = open()?.write_workbook_entry(WriteEntryRequest {
                case: &case,
                section: &section,
                text: &text,
                about: split_list(&about),
                kind: kind.as_deref(),
                date: date.as_deref(),
            })?;
            say!("{id}");
        }
        Command::Workbook(WorkbookCommand::Edit { case, entry, text }) => {
            open()?.edit_workbook_entry(&case, &entry, &text)?;
        }
        Command::Workbook(WorkbookCommand::Show { case, json }) => {
            let ws = open()?;
            let workbook = ws.workbook(&case)?;
            if json {
                output::json(&workbook)?;
            } else {
                output::workbook(&workbook, &ws.team()?);
            }
        }
        Command::Workbook(WorkbookCommand::Finalise {
            case,
            entry,
            section,
        }) => {
            let mut ws = open()?;
            match (entry, section) {
                (Some(entry), _) => ws.finalise_workbook_entry(&case, &entry)?,
                (None, Some(section)) => {
                    for id in ws.finalise_workbook_section(&case, &section)? {
                        say!("{id}");
                    }
                }
                (None, None) => ws.finalise_workbook(&case)?,
            }
        }
        Command::Supervision(SupervisionCommand::Add {
            case,
            date,
            rag,
            decision,
            reason,
            json_file,
        }) => {
            let json = json_file
                .map(|p| {
                    std::fs::read_to_string(&p)
                        .map_err(|e| ApiError::Io(format!("{}: {e}", p.display())))
                })
                .transpose()?;
            let id = open()?.add_supervision(SupervisionRequest {
                case: &case,
                date: &date,
                rag: Some(&rag),
                decisions: decision,
                reasons: reason,
                json: json.as_deref(),
            })?;
            say!("{id}");
        }
        Command::Supervision(SupervisionCommand::Finalise { case, record }) => {
            open()?.finalise_supervision(&case, &record)?;
        }
        Command::Supervision(SupervisionCommand::Show { case, json }) => {
            let ws = open()?;
            let records = ws.supervisions(&case)?;
            if json {
                output::json(&records)?;
            } else {
                output::supervisions(&records, &ws.team()?);
            }
        }
        Command::Stage(StageCommand::Set {
            case,
            person,
            problem,
            stage,
            quote,
            date,
        }) => {
            let id = open()?.set_stage(
                &case,
                &person,
                &problem,
                &stage,
                quote.as_deref(),
                date.as_deref(),
            )?;
            say!("{id}");
        }
        Command::Stage(StageCommand::Show { case, json }) => {
            let ws = open()?;
            let series = ws.stages(&case)?;
            if json {
                output::json(&series)?;
            } else {
                output::stages(&series, &ws.case(&case)?);
            }
        }
        Command::Chronology(ChronologyArgs {
            command:
                Some(ChronologyCommand::Add {
                    case,
                    date,
                    what,
                    source,
                    impact,
                }),
            ..
        }) => {
            let id = open()?.add_chronology_event(
                &case,
                &date,
                &what,
                source.as_deref(),
                impact.as_deref(),
            )?;
            say!("{id}");
        }
        Command::Chronology(ChronologyArgs {
            command: None,
            case,
            json,
        }) => {
            let case = case
                .ok_or_else(|| ApiError::Refused("give the case: chronology --case ID".into()))?;
            let ws = open()?;
            let events = ws.chronology(&case)?;
            if json {
                output::json(&events)?;
            } else {
                output::chronology(&events);
            }
        }
        Command::Consent(ConsentCommand::Set {
            case,
            person,
            purpose,
            status,
            date,
        }) => {
            let id = open()?.set_consent(&case, &person, &purpose, &status, date.as_deref())?;
            say!("{id}");
        }
        Command::Consent(ConsentCommand::ShareWithout {
            case,
            person,
            purpose,
            basis,
            date,
        }) => {
            let id =
                open()?.share_without_consent(&case, &person, &purpose, &basis, date.as_deref())?;
            say!("{id}");
        }
        Command::Consent(ConsentCommand::Show { case, json }) => {
            let ws = open()?;
            let register = ws.consent(&case)?;
            if json {
                output::json(&register)?;
            } else {
                output::consent(&register, &ws.case(&case)?);
            }
        }
        Command::Plan(PlanCommand::Add { case, json_file }) => {
            let json = read_file(&json_file)?;
            say!("{}", open()?.add_plan(&case, &json)?);
        }
        Command::Plan(PlanCommand::Review {
            case,
            plan,
            json_file,
        }) => {
            let json = read_file(&json_file)?;
            say!("{}", open()?.review_plan(&case, &plan, &json)?);
        }
        Command::Plan(PlanCommand::Show { case, json }) => {
            let ws = open()?;
            let plans = ws.plans(&case)?;
            if json {
                output::json(&plans)?;
            } else {
                output::plans(&plans, &ws.case(&case)?, &ws.team()?);
            }
        }
        Command::Prompts { case, json } => {
            let ws = open()?;
            let prompts = match case {
                Some(case) => ws.case_prompts(&case)?,
                None => ws.prompts()?,
            };
            if json {
                output::json(&prompts)?;
            } else {
                output::prompts(&prompts, &ws.list_cases()?);
            }
        }
        Command::History { case, record, json } => {
            let entries = open()?.history(&case, record.as_deref())?;
            if json {
                output::json(&entries)?;
            } else {
                output::history(&entries);
            }
        }
        Command::Team(TeamCommand::Drift {
            first_contact_days,
            review_weeks,
            reason_months,
            reason_valid_months,
            reflective_review_months,
            unrated_meetings,
        }) => {
            let mut ws = open()?;
            let mut drift = ws.team()?.settings.drift;
            if let Some(v) = first_contact_days {
                drift.first_contact_days = v;
            }
            if let Some(w) = review_weeks {
                let (min, max) = parse_weeks(&w)?;
                drift.review_min_weeks = min;
                drift.review_max_weeks = max;
            }
            if let Some(v) = reason_months {
                drift.reason_after_months = v;
            }
            if let Some(v) = reason_valid_months {
                drift.reason_valid_months = v;
            }
            if let Some(v) = reflective_review_months {
                drift.reflective_review_months = v;
            }
            if let Some(v) = unrated_meetings {
                drift.unrated_meetings = v;
            }
            ws.set_drift_settings(&drift)?;
        }
        Command::Team(TeamCommand::Show { json }) => {
            let team = open()?.team()?;
            if json {
                output::json(&team)?;
            } else {
                output::team(&team);
            }
        }
        Command::Team(TeamCommand::AddMember { name, role }) => {
            say!("{}", open()?.add_member(&name, &role)?);
        }
        Command::Team(TeamCommand::MeasureOverride { file }) => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| ApiError::Io(format!("{}: {e}", file.display())))?;
            open()?.set_measure_override(&json)?;
        }
        Command::Export(a) => export_cmd::run(open, a)?,
        Command::Team(TeamCommand::ProtectiveMarking { marking }) => {
            open()?.set_protective_marking(&marking)?;
        }
        Command::Team(TeamCommand::NormsMinimum { value }) => {
            open()?.set_etr_min_episodes(value)?;
        }
        Command::Passphrase(PassphraseCommand::Change) => {
            let old = passphrase::read("Current passphrase: ")?;
            let mut ws = Workspace::open(&dir, &old, Box::new(SystemClock))?;
            let new = passphrase::read_changed()?;
            ws.change_passphrase(&old, &new)?;
        }
    }
    Ok(())
}
