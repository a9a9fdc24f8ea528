//! The one error type of hearth-api. Each variant carries a stable code that the shells
//! map to translated messages; nobody matches on message text.

use hearth_core::CoreError;
use hearth_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ApiError {
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("no workspace at {0}; create one with `init`")]
    NoWorkspace(String),
    #[error("a workspace already exists at {0}")]
    WorkspaceExists(String),
    #[error("the workspace file is damaged: {0}")]
    Corrupt(String),
    #[error("case {0} not found")]
    CaseNotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Invalid(#[from] CoreError),
    #[error("{0}")]
    Store(StoreError),
    #[error("{0}")]
    Io(String),
    #[error("sync: {0}")]
    Sync(#[from] hearth_sync::SyncError),
}

impl ApiError {
    /// A stable, machine-readable code for the shells.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::WrongPassphrase => "wrong-passphrase",
            ApiError::NoWorkspace(_) => "no-workspace",
            ApiError::WorkspaceExists(_) => "workspace-exists",
            ApiError::Corrupt(_) => "corrupt",
            ApiError::CaseNotFound(_) => "case-not-found",
            ApiError::Refused(_) => "refused",
            ApiError::Invalid(CoreError::NotPermitted { .. }) => "not-permitted",
            ApiError::Invalid(_) => "invalid",
            ApiError::Store(_) => "store",
            ApiError::Io(_) => "io",
            ApiError::Sync(hearth_sync::SyncError::NotOnRoster) => "sync-not-on-roster",
            ApiError::Sync(hearth_sync::SyncError::Handshake) => "sync-handshake",
            ApiError::Sync(hearth_sync::SyncError::Pairing(_)) => "sync-pairing",
            ApiError::Sync(_) => "sync",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::WrongPassphrase => ApiError::WrongPassphrase,
            StoreError::Corrupt(m) => ApiError::Corrupt(m.to_string()),
            StoreError::NotFound => ApiError::NoWorkspace("this directory".into()),
            StoreError::AlreadyExists => ApiError::WorkspaceExists("this directory".into()),
            other => ApiError::Store(other),
        }
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
