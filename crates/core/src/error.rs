//! The one error type of hearth-core. Messages are one line, name the bad value
//! where that helps, and never contain case content beyond what the user just typed.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum CoreError {
    #[error("not a valid id: {0:?}")]
    InvalidId(String),
    #[error("unknown {what} {value:?}; expected one of: {allowed}")]
    UnknownValue {
        what: &'static str,
        value: String,
        allowed: String,
    },
    #[error("item value {0:?} is not a number from 0 to 10 with at most one decimal")]
    InvalidItemValue(String),
    #[error("item value {value} is outside the scale's range 0 to {max}")]
    ItemOutOfRange { value: f64, max: f64 },
    #[error("{measure} has {expected} items, but {given} were given")]
    WrongItemCount {
        measure: String,
        expected: usize,
        given: usize,
    },
    #[error("unknown measure {0:?}")]
    UnknownMeasure(String),
    #[error("invalid measure definition {id}: {reason}")]
    InvalidMeasureDefinition { id: String, reason: String },
    #[error("not a date: {0:?} (expected YYYY-MM-DD)")]
    InvalidDate(String),
    #[error("the date {date} lies in the future (today is {today})")]
    FutureDate { date: String, today: String },
    #[error("{0}")]
    NotInCase(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the document is damaged or not a Hearth document: {0}")]
    Document(String),
    #[error("invalid expected-response parameters: {0}")]
    InvalidEtrParameters(String),
    #[error("item value {value} is not on the scale: {min} to {max} in steps of {step}")]
    ItemOffScale {
        value: f64,
        min: f64,
        max: f64,
        step: f64,
    },
    /// The actor's role (or authorship) does not allow the action; the message says who may.
    #[error("only {who_may} may {action}")]
    NotPermitted { action: String, who_may: String },
}

impl From<automerge::AutomergeError> for CoreError {
    fn from(e: automerge::AutomergeError) -> Self {
        CoreError::Document(e.to_string())
    }
}
