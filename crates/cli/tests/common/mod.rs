//! Helpers shared by the CLI test files: run the real `hearth-cli` binary against a
//! workspace directory with the test passphrase.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub const PASS: &str = "a long enough passphrase";

/// Runs `hearth-cli --data DIR ARGS...`.
pub fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth-cli"))
        .arg("--data")
        .arg(dir)
        .args(args)
        .env("HEARTH_PASSPHRASE", PASS)
        .env_remove("HEARTH_DATA")
        .output()
        .unwrap()
}

/// Runs a command that must succeed; returns its trimmed stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs a command that must succeed and prints JSON.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}
