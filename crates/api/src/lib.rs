//! hearth-api: one function per user action, composed from hearth-core and
//! hearth-store. The CLI and the desktop app call only this crate, so they behave the
//! same. Inputs arrive as the strings people typed and are parsed here into domain
//! types; outputs are serializable views.

mod backup;
mod cases;
mod casework;
mod chart;
mod chronology;
pub mod clock;
mod closure;
mod consent;
mod demo;
mod desk;
mod error;
mod expected;
mod export;
mod export_folder;
mod history;
mod norms;
mod plans;
mod prompts;
mod ratings;
pub mod sync;
mod team;
mod team_fit;
mod views;
mod workspace;

pub use backup::restore;
pub use casework::{SupervisionJson, SupervisionRequest, WriteEntryRequest};
pub use closure::{ClosingSummaryJson, PlanGoalJson};
pub use desk::{
    AppSettings, ClientModeExit, DEMO_PASSPHRASE, MeasureInfo, PIN_MAX_FAILURES,
    PassphraseStrength, Vocabulary, member_roles, passphrase_strength,
};
pub use error::{ApiError, Result};
pub use expected::Expected;
pub use export::{ExportKind, ExportRequest, Exported, parse_language};
pub use export_folder::{ExportOffer, default_export_dir};
pub use hearth_core as core;
pub use hearth_report::Language;
pub use hearth_store::{DataKey, KdfParams};
pub use plans::{GoalJson, PlanJson, ReviewJson};
pub use ratings::{CaseOutcomes, RateRequest, Recorded};
pub use workspace::{InitRequest, WhoAmI, Workspace};
