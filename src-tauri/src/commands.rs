//! One Tauri command per hearth-api function; nothing here decides anything.

use std::sync::Arc;

use hearth_api::clock::SystemClock;
use hearth_api::core::analytics::TeamFitSummary;
use hearth_api::core::case::CaseView;
use hearth_api::core::chart::ChartScene;
use hearth_api::core::desk::{CaseloadRow, ScaleOffer};
use hearth_api::{
    AppSettings, ClientModeExit, ExportKind, ExportOffer, ExportRequest, Exported, InitRequest,
    KdfParams, PassphraseStrength, RateRequest, Recorded, Vocabulary, WhoAmI, Workspace,
    default_export_dir, parse_language,
};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::shell::{Answer, Shared, run, set_ws, with_ws};

type St<'a> = State<'a, Arc<Shared>>;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        status,
        member_roles,
        passphrase_strength,
        create_team,
        create_demo,
        unlock,
        lock,
        whoami,
        vocabulary,
        caseload,
        add_case,
        case_view,
        add_person,
        add_meeting,
        rate,
        correct_rating,
        scales_offered,
        scales_offered_at,
        check_items,
        app_settings,
        set_idle_lock_minutes,
        set_px_per_cm,
        set_client_pin,
        may_leave_client_mode,
        chart,
        team_fit_summary,
        export_offers,
        export_folder,
        open_export_folder,
        set_export_dir,
        export_pdf,
    ]
}

#[derive(Serialize)]
pub struct Status {
    exists: bool,
    unlocked: bool,
}

#[tauri::command]
async fn status(s: St<'_>) -> Answer<Status> {
    run(s.inner(), |s| {
        Ok(Status {
            exists: Workspace::exists(&s.dir),
            unlocked: s.workspace.lock().map(|w| w.is_some()).unwrap_or(false),
        })
    })
    .await
}

#[tauri::command]
fn member_roles() -> Vec<&'static str> {
    hearth_api::member_roles()
}

#[tauri::command]
fn passphrase_strength(passphrase: String) -> PassphraseStrength {
    hearth_api::passphrase_strength(&passphrase)
}

#[tauri::command(rename_all = "snake_case")]
async fn create_team(
    s: St<'_>,
    team: String,
    name: String,
    role: String,
    passphrase: String,
) -> Answer<WhoAmI> {
    run(s.inner(), move |s| {
        let request = InitRequest {
            team_name: &team,
            member_name: &name,
            member_role: &role,
        };
        let ws = Workspace::init(
            &s.dir,
            &passphrase,
            request,
            KdfParams::default(),
            Box::new(SystemClock),
        )?;
        let me = ws.whoami()?;
        set_ws(s, Some(ws))?;
        Ok(me)
    })
    .await
}

#[derive(Serialize)]
pub struct DemoOpened {
    me: WhoAmI,
    passphrase: &'static str,
}

/// The number of generated families in the demo team (`--demo-cases N` or
/// `HEARTH_DEMO_CASES` for benchmarks, which use 500).
fn demo_cases() -> usize {
    let mut args = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .skip_while(|a| a != "--demo-cases")
        .skip(1);
    args.next()
        .or_else(|| std::env::var("HEARTH_DEMO_CASES").ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

#[tauri::command]
async fn create_demo(s: St<'_>) -> Answer<DemoOpened> {
    run(s.inner(), |s| {
        let ws = Workspace::create_demo(&s.dir, demo_cases(), 7, Box::new(SystemClock))?;
        let me = ws.whoami()?;
        set_ws(s, Some(ws))?;
        Ok(DemoOpened {
            me,
            passphrase: hearth_api::DEMO_PASSPHRASE,
        })
    })
    .await
}

#[tauri::command]
async fn unlock(s: St<'_>, passphrase: String) -> Answer<WhoAmI> {
    run(s.inner(), move |s| {
        let ws = Workspace::open(&s.dir, &passphrase, Box::new(SystemClock))?;
        let me = ws.whoami()?;
        set_ws(s, Some(ws))?;
        Ok(me)
    })
    .await
}

#[tauri::command]
async fn lock(s: St<'_>) -> Answer<()> {
    run(s.inner(), |s| set_ws(s, None)).await
}

#[tauri::command]
async fn whoami(s: St<'_>) -> Answer<WhoAmI> {
    with_ws(s.inner(), |w| w.whoami()).await
}

#[tauri::command]
async fn vocabulary(s: St<'_>) -> Answer<Vocabulary> {
    with_ws(s.inner(), |w| Ok(w.vocabulary())).await
}

#[tauri::command]
async fn caseload(s: St<'_>) -> Answer<Vec<CaseloadRow>> {
    with_ws(s.inner(), |w| w.caseload()).await
}

#[tauri::command]
async fn add_case(s: St<'_>, family: String, reference: Option<String>) -> Answer<String> {
    with_ws(s.inner(), move |w| {
        Ok(w.add_case(&family, reference.as_deref())?.to_string())
    })
    .await
}

#[tauri::command]
async fn case_view(s: St<'_>, case: String) -> Answer<CaseView> {
    with_ws(s.inner(), move |w| w.case(&case)).await
}

#[tauri::command]
async fn add_person(
    s: St<'_>,
    case: String,
    name: String,
    role: String,
    born: Option<String>,
) -> Answer<String> {
    with_ws(s.inner(), move |w| {
        Ok(w.add_person(&case, &name, &role, born.as_deref(), None)?
            .to_string())
    })
    .await
}

#[tauri::command]
async fn add_meeting(
    s: St<'_>,
    case: String,
    date: String,
    kind: String,
    present: Vec<String>,
) -> Answer<String> {
    with_ws(s.inner(), move |w| {
        Ok(w.add_meeting(&case, &date, &kind, &present, "")?
            .to_string())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
async fn rate(
    s: St<'_>,
    case: String,
    meeting: String,
    measure: String,
    subject: String,
    rater: Option<String>,
    items: Vec<String>,
    mode: Option<String>,
    not_given: Option<String>,
) -> Answer<Recorded> {
    with_ws(s.inner(), move |w| {
        w.rate(RateRequest {
            case: &case,
            meeting: &meeting,
            measure: &measure,
            subject: &subject,
            rater: rater.as_deref(),
            items,
            mode: mode.as_deref(),
            not_given: not_given.as_deref(),
        })
    })
    .await
}

#[tauri::command]
async fn correct_rating(
    s: St<'_>,
    case: String,
    rating: String,
    items: Vec<String>,
    reason: String,
) -> Answer<()> {
    with_ws(s.inner(), move |w| {
        w.correct_rating(&case, &rating, &items, &reason)
    })
    .await
}

#[tauri::command]
async fn scales_offered(
    s: St<'_>,
    case: String,
    meeting: String,
    rater: String,
) -> Answer<ScaleOffer> {
    with_ws(s.inner(), move |w| {
        w.scales_offered(&case, &meeting, &rater)
    })
    .await
}

#[tauri::command]
async fn scales_offered_at(
    s: St<'_>,
    case: String,
    date: String,
    kind: String,
    rater: String,
) -> Answer<ScaleOffer> {
    with_ws(s.inner(), move |w| {
        w.scales_offered_at(&case, &date, &kind, &rater)
    })
    .await
}

#[tauri::command]
async fn check_items(s: St<'_>, measure: String, items: Vec<String>) -> Answer<()> {
    with_ws(s.inner(), move |w| w.check_items(&measure, &items)).await
}

#[tauri::command]
async fn app_settings(s: St<'_>) -> Answer<AppSettings> {
    with_ws(s.inner(), |w| w.app_settings()).await
}

#[tauri::command]
async fn set_idle_lock_minutes(s: St<'_>, minutes: u32) -> Answer<AppSettings> {
    with_ws(s.inner(), move |w| w.set_idle_lock_minutes(minutes)).await
}

#[tauri::command]
async fn set_px_per_cm(s: St<'_>, px_per_cm: f64) -> Answer<AppSettings> {
    with_ws(s.inner(), move |w| w.set_px_per_cm(px_per_cm)).await
}

#[tauri::command]
async fn set_client_pin(s: St<'_>, pin: String) -> Answer<()> {
    with_ws(s.inner(), move |w| w.set_client_pin(&pin)).await
}

#[tauri::command]
async fn may_leave_client_mode(s: St<'_>, secret: String) -> Answer<ClientModeExit> {
    with_ws(s.inner(), move |w| w.may_leave_client_mode(&secret)).await
}

#[tauri::command]
async fn chart(s: St<'_>, case: String, subject: String) -> Answer<ChartScene> {
    with_ws(s.inner(), move |w| w.chart(&case, &subject)).await
}

#[tauri::command]
async fn team_fit_summary(s: St<'_>) -> Answer<TeamFitSummary> {
    with_ws(s.inner(), |w| w.team_fit_summary()).await
}

#[tauri::command]
async fn export_offers(s: St<'_>, case: String) -> Answer<Vec<ExportOffer>> {
    with_ws(s.inner(), move |w| w.export_offers(&case)).await
}

/// The platform's documents folder (else home), where PDFs go until the worker
/// chooses a folder.
fn documents_dir(app: &AppHandle) -> Option<std::path::PathBuf> {
    default_export_dir(app.path().document_dir().ok(), app.path().home_dir().ok())
}

#[tauri::command]
async fn export_folder(app: AppHandle, s: St<'_>) -> Answer<String> {
    let fallback = documents_dir(&app);
    with_ws(s.inner(), move |w| {
        w.export_folder(fallback)
            .map(|p| p.to_string_lossy().into_owned())
    })
    .await
}

/// Opens the folder PDFs are saved in, in the platform's file manager. The folder is the
/// one in Settings, never a path from the page.
#[tauri::command]
async fn open_export_folder(app: AppHandle, s: St<'_>) -> Answer<()> {
    let fallback = documents_dir(&app);
    with_ws(s.inner(), move |w| {
        let dir = w.export_folder(fallback)?;
        crate::file_manager::open_folder(&dir).map_err(|e| {
            hearth_api::ApiError::Io(format!("the file manager could not be started: {e}"))
        })
    })
    .await
}

#[tauri::command]
async fn set_export_dir(s: St<'_>, dir: String) -> Answer<AppSettings> {
    with_ws(s.inner(), move |w| w.set_export_dir(&dir)).await
}

#[tauri::command]
async fn export_pdf(
    app: AppHandle,
    s: St<'_>,
    case: String,
    kind: String,
    subject: Option<String>,
    record: Option<String>,
    language: String,
) -> Answer<Exported> {
    let fallback = documents_dir(&app);
    with_ws(s.inner(), move |w| {
        let kind: ExportKind = kind.parse()?;
        let language = parse_language(&language)?;
        let dir = w.export_folder(fallback)?;
        let req = ExportRequest {
            kind,
            case: &case,
            subject: subject.as_deref(),
            record: record.as_deref(),
            language,
        };
        w.export_to_folder(&req, &dir)
    })
    .await
}
