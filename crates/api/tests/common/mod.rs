//! Shared set-up for the api tests: a real encrypted workspace in a temp directory.
#![allow(dead_code)]

use std::path::Path;

use chrono::{TimeZone, Utc};
use hearth_api::clock::FixedClock;
use hearth_api::{InitRequest, KdfParams, RateRequest, Workspace};

pub const PASS: &str = "correct horse battery";

pub fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
    ))
}

pub fn init(dir: &Path) -> Workspace {
    init_as(dir, "Hanne Holm", "social-worker")
}

/// A new workspace whose first member has `role`.
pub fn init_as(dir: &Path, member: &str, role: &str) -> Workspace {
    Workspace::init(
        dir,
        PASS,
        InitRequest {
            team_name: "Nordby Family Safeguarding",
            member_name: member,
            member_role: role,
        },
        KdfParams::fast_for_tests(),
        clock(),
    )
    .unwrap()
}

pub fn open(dir: &Path) -> Workspace {
    Workspace::open(dir, PASS, clock()).unwrap()
}

pub fn items(s: &str) -> Vec<String> {
    s.split(',').map(str::to_string).collect()
}

pub fn rate<'a>(
    case: &'a str,
    meeting: &'a str,
    measure: &'a str,
    subject: &'a str,
    rater: Option<&'a str>,
    values: &str,
) -> RateRequest<'a> {
    RateRequest {
        case,
        meeting,
        measure,
        subject,
        rater,
        items: items(values),
        mode: Some("paper"),
        not_given: None,
    }
}

/// Every file under `dir`, read whole.
pub fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
