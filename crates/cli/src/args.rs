//! The command line, as clap types. The interface is the one scripts and tests use:
//! keep it stable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use hearth_api::ApiError;

#[derive(Parser)]
#[command(
    name = "hearth-cli",
    version,
    about = "Hearth: FIT outcomes and casework, offline and encrypted"
)]
pub struct Cli {
    /// The workspace directory (default: the platform's data directory).
    #[arg(long, global = true, value_name = "DIR", env = "HEARTH_DATA")]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn data_dir(&self) -> Result<PathBuf, ApiError> {
        if let Some(d) = &self.data {
            return Ok(d.clone());
        }
        default_data_dir()
            .ok_or_else(|| ApiError::Refused("no home directory: pass --data DIR".into()))
    }
}

/// The platform's per-user data directory, plus "hearth".
fn default_data_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join("hearth"))
}

#[derive(Subcommand)]
pub enum Command {
    /// Pair a new device with a one-time code (team managers).
    #[command(subcommand)]
    Pair(crate::sync_cmd::PairCommand),
    /// Join a team from a new device with the code shown on a team manager's device.
    Join(crate::sync_cmd::JoinArgs),
    /// Run as a sync peer: find the team's devices on this network and sync.
    Serve(crate::sync_cmd::ServeArgs),
    /// The team's devices and when each last synced.
    Peers {
        #[arg(long)]
        json: bool,
    },
    /// Devices on the roster.
    #[command(subcommand)]
    Device(crate::sync_cmd::DeviceCommand),
    /// Sync status.
    #[command(subcommand)]
    Sync(crate::sync_cmd::SyncCommand),
    /// Create a new workspace with a new team (refuses an existing workspace).
    Init {
        #[arg(long)]
        team: String,
        /// Your name, as the team's first member.
        #[arg(long)]
        member: String,
        /// Your role, e.g. social-worker or team-manager.
        #[arg(long)]
        role: String,
    },
    /// Cases (families).
    #[command(subcommand)]
    Case(CaseCommand),
    /// Family members and other people in a case.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Meetings in a case.
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Record a rating (ORS, SRS, CORS, ...) at a meeting; prints the rating id.
    Rate {
        #[arg(long)]
        case: String,
        #[arg(long)]
        meeting: String,
        #[arg(long)]
        measure: String,
        /// Who is rated.
        #[arg(long)]
        subject: String,
        /// Who gives the rating (default: the subject).
        #[arg(long)]
        rater: Option<String>,
        /// Item values 0-10, comma separated, e.g. 4.5,6,3.2,5
        #[arg(long, allow_hyphen_values = true, conflicts_with = "not_given")]
        items: Option<String>,
        /// How the score was given: screen, paper, phone or email.
        #[arg(long)]
        mode: Option<String>,
        /// The scale was not used: why.
        #[arg(long, value_name = "REASON")]
        not_given: Option<String>,
    },
    /// Corrections to ratings.
    #[command(subcommand)]
    Rating(RatingCommand),
    /// Outcome series, change and flags per child and rater.
    Outcomes {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// The expected-response curve for a person's own outcome ratings: local norms
    /// from the team's closed episodes, or a licensed parameter file.
    Expected {
        #[arg(long)]
        case: String,
        #[arg(long)]
        subject: String,
        /// A parameter file (JSON) the team is licensed to use.
        #[arg(long, value_name = "FILE")]
        params: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Fill the workspace with generated demo families (never real people).
    Demo {
        #[arg(long, default_value_t = 12)]
        cases: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a consistent encrypted copy of the workspace to one file.
    Backup {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Replace the workspace with a checked backup.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing workspace.
        #[arg(long)]
        force: bool,
    },
    /// The Family Safeguarding workbook: attributed entries in ten sections.
    #[command(subcommand)]
    Workbook(WorkbookCommand),
    /// Case supervision records (added by a team manager or business support,
    /// finalised by a team manager).
    #[command(subcommand)]
    Supervision(SupervisionCommand),
    /// Stages of change per parent and problem area.
    #[command(subcommand)]
    Stage(StageCommand),
    /// The case chronology: every event in date order (`chronology --case ID`), and
    /// significant events entered by hand (`chronology add`).
    Chronology(ChronologyArgs),
    /// The consent register: consent per family member and purpose, and sharing
    /// without consent.
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// Plans (goals in the family's own words, risks, the child's views) and reviews.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Prompts against drift (first contact, plan reviews, long-open cases, scales not
    /// used) for every open case, or one. Prompts inform; they never block anything.
    Prompts {
        /// Only this case.
        #[arg(long)]
        case: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Who changed a case and when: every change, oldest first, with its action and
    /// the member whose device made it.
    History {
        #[arg(long)]
        case: String,
        /// Only the changes that touched this record (a person, meeting, rating, plan,
        /// review, supervision record, ... by its id).
        #[arg(long, value_name = "ID")]
        record: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Closure: the team manager's decision to close the current episode.
    #[command(subcommand)]
    Close(CloseCommand),
    /// The closing summary of the current episode: written by the worker, signed off
    /// by a team manager (which closes the episode).
    #[command(subcommand)]
    ClosingSummary(ClosingSummaryCommand),
    /// Closure letters to the family and to each child, drafted from the closing
    /// summary.
    #[command(subcommand)]
    Letters(LettersCommand),
    /// The team: roster and settings.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Export a PDF for the statutory case file: parenting-assessment,
    /// closing-summary, graph (--subject), supervision (--record) or letter
    /// (--subject for a child's). An existing file is kept unless --force.
    Export(crate::export_cmd::ExportArgs),
    /// The workspace passphrase.
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
}

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Share a case with a member (its allocated worker or a team manager may).
    Share {
        #[arg(long)]
        case: String,
        #[arg(long)]
        member: String,
    },
    /// Stop sharing a case with a member. What their devices already hold stays there.
    Unshare {
        #[arg(long)]
        case: String,
        #[arg(long)]
        member: String,
    },
    /// Add a case; prints its id.
    Add {
        #[arg(long)]
        family: String,
        #[arg(long = "ref")]
        reference: Option<String>,
    },
    /// List cases.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one case.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Close the current episode.
    Close {
        #[arg(long)]
        case: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        reason: String,
    },
    /// Open a new episode (re-referral) in a closed case.
    Reopen {
        #[arg(long)]
        case: String,
        #[arg(long)]
        date: String,
    },
    /// Put a case on the waiting list: a new case (--family, prints its id), or a
    /// re-referral of a closed case (--case) onto the waiting list.
    Waiting {
        #[arg(long, required_unless_present = "case")]
        family: Option<String>,
        #[arg(long = "ref", conflicts_with = "case")]
        reference: Option<String>,
        /// A closed case referred again.
        #[arg(long, conflicts_with = "family")]
        case: Option<String>,
        /// The referral date, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Open the case waiting on the waiting list.
    Open {
        #[arg(long)]
        case: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand)]
pub enum CloseCommand {
    /// Record the decision to close the current episode (a team manager only). The
    /// episode stays open until the closing summary is signed off. The reason may not
    /// rest on the rating scales: the ORS measures well-being, not risk.
    Decide {
        #[arg(long)]
        case: String,
        /// The date of the decision, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum ClosingSummaryCommand {
    /// Write the closing summary of the current episode from a JSON file, or replace
    /// it while it is not signed off (only what changed is written). Needs the closure
    /// decision first. Takes the episode's FIT outcome numbers as they are now.
    ///
    /// The file is a JSON object (unknown keys are refused). "what_changed" is
    /// required; an empty or missing "reason" means the decision's reason; plan goals
    /// are numbered as `plan show` prints them (1 = the first):
    ///
    ///   {"reason": "why the case closes (not the scores)",
    ///    "what_changed": "what changed for the child and family",
    ///    "goals_achieved": "text",
    ///    "plan_goals": [{"plan": "<plan-id>", "goal": 1}],
    ///    "sustainability_plan": "text", "signposting": "text",
    ///    "child_views": "text", "family_views": "text"}
    #[command(verbatim_doc_comment)]
    Write {
        #[arg(long)]
        case: String,
        #[arg(long, value_name = "FILE")]
        json_file: PathBuf,
    },
    /// Show the closure decision and closing summary, with the FIT numbers as written
    /// and as they are now, and the sign-off status.
    Show {
        #[arg(long)]
        case: String,
        /// An earlier episode (default: the current one).
        #[arg(long)]
        episode: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Sign off the closing summary (a team manager only); this closes the episode
    /// on today's date.
    Sign {
        #[arg(long)]
        case: String,
    },
}

#[derive(Subcommand)]
pub enum LettersCommand {
    /// Draft the closure letters from the closing summary: the family's letter, then
    /// each child's. Drafts only: edit them, then save them with `letters save`.
    Draft {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Save the edited text of the family's letter, or of a child's (--child).
    Save {
        #[arg(long)]
        case: String,
        /// The child's person id (default: the family's letter).
        #[arg(long)]
        child: Option<String>,
        /// A text file with the letter.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Clone, Copy)]
pub struct Party(pub bool);

fn parse_party(s: &str) -> Result<Party, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(Party(true)),
        "no" | "false" => Ok(Party(false)),
        _ => Err("expected yes or no".into()),
    }
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Add a person to a case; prints the id.
    Add {
        #[arg(long)]
        case: String,
        #[arg(long)]
        name: String,
        /// child, parent, carer, sibling, relative, teacher, pedagogue, professional, other
        #[arg(long)]
        role: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long)]
        born: Option<String>,
        /// Party to the case: yes or no (default by role).
        #[arg(long, value_parser = parse_party)]
        party: Option<Party>,
    },
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Add a meeting; prints the id.
    Add {
        #[arg(long)]
        case: String,
        #[arg(long)]
        date: String,
        /// notification-consultation, phone, child-interview, assessment, care-plan,
        /// status, network, other
        #[arg(long)]
        kind: String,
        /// Person ids present, comma separated.
        #[arg(long)]
        present: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum RatingCommand {
    /// Correct a rating: a new version with a reason (the old one stays in history).
    Correct {
        #[arg(long)]
        case: String,
        #[arg(long)]
        rating: String,
        #[arg(long, allow_hyphen_values = true)]
        items: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum PassphraseCommand {
    /// Change the passphrase (new one from HEARTH_NEW_PASSPHRASE or typed twice).
    Change,
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Show the team, its members and settings.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Add a member (team managers only); prints the member id.
    AddMember {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
    },
    /// Override a measure for the team from a JSON file (team managers only), e.g.
    /// {"id": "ORS", "reliable_change": 6}
    MeasureOverride {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Closed episodes needed before local expected-response norms are shown.
    NormsMinimum { value: u32 },
    /// The protective marking printed on every page of exported PDFs, e.g.
    /// OFFICIAL-SENSITIVE (team managers only); "" removes it.
    ProtectiveMarking { marking: String },
    /// The thresholds of the drift prompts (team managers only); options not given
    /// keep their current value. Prompts never block anything.
    Drift {
        /// First contact due within this many days of opening (default 5).
        #[arg(long, value_name = "N")]
        first_contact_days: Option<u32>,
        /// Plan reviews every MIN to MAX weeks (default 6,12): a note past MIN, a
        /// prompt past MAX.
        #[arg(long, value_name = "MIN,MAX")]
        review_weeks: Option<String>,
        /// Months open before a recorded reason is needed (default 9).
        #[arg(long, value_name = "N")]
        reason_months: Option<u32>,
        /// Months a reason (a case supervision decision) counts for (default 3).
        #[arg(long, value_name = "N")]
        reason_valid_months: Option<u32>,
        /// Months open before a reflective review (case supervision) is needed, and
        /// how recent it must be (default 12).
        #[arg(long, value_name = "N")]
        reflective_review_months: Option<u32>,
        /// Meetings in a row without ORS/SRS before a prompt (default 2).
        #[arg(long, value_name = "N")]
        unrated_meetings: Option<u32>,
    },
}

#[derive(Subcommand)]
pub enum WorkbookCommand {
    /// Write an entry in the workbook as yourself; prints the entry id.
    Write {
        #[arg(long)]
        case: String,
        /// case-worker-summary, key-information, module-1 ... module-8
        #[arg(long)]
        section: String,
        #[arg(long)]
        text: String,
        /// Person ids of the case the entry is about, comma separated (default: the
        /// whole family).
        #[arg(long)]
        about: Option<String>,
        /// fact, reflection, analysis or hypothesis (default fact).
        #[arg(long)]
        kind: Option<String>,
        /// The date the entry is written for, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Replace the text of one of your own entries while it is a draft.
    Edit {
        #[arg(long)]
        case: String,
        #[arg(long)]
        entry: String,
        #[arg(long)]
        text: String,
    },
    /// Show the workbook, section by section.
    Show {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Finalise one of your entries (--entry), all of your draft entries in a section
    /// (--section), or, with neither, the whole workbook (a social worker, once every
    /// entry is finalised).
    Finalise {
        #[arg(long)]
        case: String,
        #[arg(long, conflicts_with = "section")]
        entry: Option<String>,
        #[arg(long)]
        section: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SupervisionCommand {
    /// Add a case supervision record; prints its id.
    ///
    /// The other fields come from --json-file, a JSON object whose keys are all
    /// optional (unknown keys are refused); member ids are strings, as `team show`
    /// prints them:
    ///
    ///   {"chair": "<member-id>", "attended": ["<member-id>"],
    ///    "sent_summary": ["<member-id>"], "progress": {"<member-id>": "text"},
    ///    "cycle_of_change": "text", "child_views": "text", "parent_views": "text",
    ///    "impact": "text", "plan": "text",
    ///    "decisions": [{"decision": "text", "reason": "text"}]}
    ///
    /// The chair defaults to you when you are a team manager; otherwise give it.
    /// Decisions from the file come before those given with --decision/--reason.
    #[command(verbatim_doc_comment)]
    Add {
        #[arg(long)]
        case: String,
        /// The date of the supervision, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// The red/amber/green rating: red, amber or green.
        #[arg(long)]
        rag: String,
        /// A decision; repeat for several. Each needs a --reason, paired in order.
        #[arg(long)]
        decision: Vec<String>,
        /// The reason for the decision at the same position.
        #[arg(long)]
        reason: Vec<String>,
        /// The other fields as a JSON object (see above).
        #[arg(long, value_name = "FILE")]
        json_file: Option<PathBuf>,
    },
    /// Finalise a record (a team manager only).
    Finalise {
        #[arg(long)]
        case: String,
        #[arg(long)]
        record: String,
    },
    /// Show every record with its sign-off status.
    Show {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum StageCommand {
    /// Record a parent's or carer's stage of change for a problem area; prints the id.
    Set {
        #[arg(long)]
        case: String,
        /// A parent or carer in the case.
        #[arg(long)]
        person: String,
        /// domestic-abuse, substance-misuse, mental-health or other
        #[arg(long)]
        problem: String,
        /// pre-contemplation, contemplation, preparation, action, maintenance or relapse
        #[arg(long)]
        stage: String,
        /// Change talk, in the parent's own words.
        #[arg(long)]
        quote: Option<String>,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Show each parent's history per problem area, in date order.
    Show {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ChronologyArgs {
    #[command(subcommand)]
    pub command: Option<ChronologyCommand>,
    /// The case whose chronology to show.
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum ChronologyCommand {
    /// Add a significant event by hand; prints its id.
    Add {
        #[arg(long)]
        case: String,
        /// When it happened, YYYY-MM-DD (not in the future).
        #[arg(long)]
        date: String,
        /// What happened.
        #[arg(long)]
        what: String,
        /// Where the information came from (e.g. "police notification").
        #[arg(long)]
        source: Option<String>,
        /// The impact on the child.
        #[arg(long)]
        impact: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Record consent given, refused or withdrawn by a family member for a purpose;
    /// prints the record's id. Every change is a new record; the latest by date counts.
    Set {
        #[arg(long)]
        case: String,
        /// A family member of the case.
        #[arg(long)]
        person: String,
        /// What the consent is for, in words (e.g. "share with school").
        #[arg(long)]
        purpose: String,
        /// given, refused or withdrawn
        #[arg(long)]
        status: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record information shared without the person's consent, with the legal basis;
    /// prints the record's id.
    ShareWithout {
        #[arg(long)]
        case: String,
        #[arg(long)]
        person: String,
        #[arg(long)]
        purpose: String,
        /// The legal basis for sharing without consent, in words.
        #[arg(long)]
        basis: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Show the current status per person and purpose, the history and every share
    /// without consent.
    Show {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Add a plan from a JSON file; prints its id.
    ///
    /// The file is a JSON object (unknown keys are refused). "goals" (at least one)
    /// and "review_date" are required; "date" defaults to today; each goal needs its
    /// words in "goal"; each risk needs "managed":
    ///
    ///   {"date": "YYYY-MM-DD",
    ///    "goals": [{"goal": "in the family's own words", "actions": ["text"],
    ///               "who_helps": "text", "success": "what success looks like"}],
    ///    "risks": [{"risk": "text", "managed": "how it is managed"}],
    ///    "child_views": "text",
    ///    "review_date": "YYYY-MM-DD"}
    #[command(verbatim_doc_comment)]
    Add {
        #[arg(long)]
        case: String,
        #[arg(long, value_name = "FILE")]
        json_file: PathBuf,
    },
    /// Record a review of a plan from a JSON file; prints its id.
    ///
    /// The file is a JSON object (unknown keys are refused). "next_review" is
    /// required; "date" defaults to today; goals are numbered as `plan show` prints
    /// them (1 = the first); person ids from `case show`, member ids from `team show`:
    ///
    ///   {"date": "YYYY-MM-DD",
    ///    "attended_people": ["<person-id>"], "attended_members": ["<member-id>"],
    ///    "progress": [{"goal": 1, "progress": "text"}],
    ///    "changes": "text",
    ///    "next_review": "YYYY-MM-DD"}
    #[command(verbatim_doc_comment)]
    Review {
        #[arg(long)]
        case: String,
        #[arg(long)]
        plan: String,
        #[arg(long, value_name = "FILE")]
        json_file: PathBuf,
    },
    /// Show every plan with its reviews.
    Show {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
}
