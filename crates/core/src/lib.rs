//! hearth-core: the domain of Hearth and its rules. No I/O: documents come in and go
//! out as bytes, and "now" and randomness are passed in by the caller.

pub mod access;
pub mod analytics;
pub mod case;
pub mod casework;
pub mod chart;
pub mod dates;
pub mod demo;
pub mod desk;
mod doc_access;
pub mod error;
pub mod history;
mod hydrated;
pub mod ids;
pub mod measures;
pub mod permissions;
pub mod prompts;
pub mod score;
pub mod team;
pub mod vocabulary;

pub use error::CoreError;
pub use ids::*;
pub use score::Tenths;
pub use vocabulary::{MeetingKind, MemberRole, PersonRole, RatingMode, age_on};
