//! The passphrase comes from HEARTH_PASSPHRASE (scripts, tests) or a prompt on a
//! terminal; it is never taken from the command line, where `ps` would show it.

use std::io::IsTerminal;

use hearth_api::ApiError;

const ENV: &str = "HEARTH_PASSPHRASE";
const ENV_NEW: &str = "HEARTH_NEW_PASSPHRASE";

fn prompt(text: &str) -> Result<String, ApiError> {
    if !std::io::stdin().is_terminal() {
        return Err(ApiError::Refused(format!(
            "no passphrase: set {ENV} or run in a terminal"
        )));
    }
    rpassword::prompt_password(text).map_err(|e| ApiError::Io(e.to_string()))
}

pub fn read(text: &str) -> Result<String, ApiError> {
    match std::env::var(ENV) {
        Ok(p) => Ok(p),
        Err(_) => prompt(text),
    }
}

/// A new passphrase: from the environment, or typed twice.
pub fn read_new() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var(ENV) {
        return Ok(p);
    }
    typed_twice()
}

/// The replacement in `passphrase change`: HEARTH_NEW_PASSPHRASE, or typed twice.
pub fn read_changed() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var(ENV_NEW) {
        return Ok(p);
    }
    typed_twice()
}

fn typed_twice() -> Result<String, ApiError> {
    let first = prompt("New passphrase: ")?;
    let second = prompt("Repeat the new passphrase: ")?;
    if first != second {
        return Err(ApiError::Refused("the two passphrases differ".into()));
    }
    Ok(first)
}
