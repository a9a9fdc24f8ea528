//! The shell's state: where the workspace lives and, once unlocked, the workspace
//! itself behind a mutex. `run` moves each api call onto a blocking thread so that
//! slow work (the passphrase KDF, a demo of hundreds of families) never freezes the
//! window.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hearth_api::{ApiError, Workspace};
use serde::Serialize;

pub struct Shared {
    pub dir: PathBuf,
    pub workspace: Mutex<Option<Workspace>>,
}

/// An error as the UI receives it: a stable code it translates, and the api's
/// one-line detail (which never holds case content beyond what was just typed).
#[derive(Debug, Serialize)]
pub struct UiError {
    pub code: &'static str,
    pub detail: String,
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        UiError {
            code: e.code(),
            detail: e.to_string(),
        }
    }
}

impl UiError {
    pub fn locked() -> Self {
        UiError {
            code: "locked",
            detail: "the workspace is locked".into(),
        }
    }
    fn internal(detail: String) -> Self {
        UiError {
            code: "internal",
            detail,
        }
    }
}

pub type Answer<T> = Result<T, UiError>;

impl Shared {
    /// The workspace directory: `--data DIR`, else `HEARTH_DATA`, else the platform's
    /// data directory (the same default as hearth-cli).
    pub fn from_env() -> Result<Shared, String> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        // `--data DIR` first: WebDriver tests start the app with arguments only.
        let mut args = std::env::args_os().skip(1);
        let mut flag = None;
        while let Some(a) = args.next() {
            if a == "--data" {
                flag = args.next().map(PathBuf::from);
            }
        }
        let dir = flag
            .or_else(|| env("HEARTH_DATA"))
            .or_else(|| {
                let base = if cfg!(target_os = "windows") {
                    env("APPDATA")
                } else if cfg!(target_os = "macos") {
                    env("HOME").map(|h| h.join("Library/Application Support"))
                } else {
                    env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
                };
                base.map(|b| b.join("hearth"))
            })
            .ok_or("no home directory: set HEARTH_DATA")?;
        Ok(Shared {
            dir,
            workspace: Mutex::new(None),
        })
    }
}

/// Runs `f` on a blocking thread with the shared state.
pub async fn run<T, F>(shared: &Arc<Shared>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&Shared) -> Answer<T> + Send + 'static,
{
    let shared = Arc::clone(shared);
    tauri::async_runtime::spawn_blocking(move || f(&shared))
        .await
        .map_err(|e| UiError::internal(e.to_string()))?
}

/// Runs `f` with the unlocked workspace, on a blocking thread.
pub async fn with_ws<T, F>(shared: &Arc<Shared>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Workspace) -> hearth_api::Result<T> + Send + 'static,
{
    run(shared, move |s| {
        let mut guard = s
            .workspace
            .lock()
            .map_err(|_| UiError::internal("workspace lock poisoned".into()))?;
        let ws = guard.as_mut().ok_or_else(UiError::locked)?;
        f(ws).map_err(UiError::from)
    })
    .await
}

/// Replaces the open workspace (unlock, first run) or drops it (lock).
pub fn set_ws(s: &Shared, ws: Option<Workspace>) -> Answer<()> {
    let mut guard = s
        .workspace
        .lock()
        .map_err(|_| UiError::internal("workspace lock poisoned".into()))?;
    *guard = ws;
    Ok(())
}
