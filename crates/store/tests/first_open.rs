//! The first connections a process opens, opened at the same moment.
//!
//! SQLite initialises once per process, so only the first opens in a fresh process can meet
//! the race this guards against: SQLite marks itself initialised before SQLCipher's own
//! set-up has run, and a thread keying its connection in between was refused ("could not
//! apply the database key"). The window is narrow, so the test runs the race in many fresh
//! child processes (this same test binary, re-run with an environment variable). Without
//! the fix about one child in 300 was refused on the 2-core machine this was written on.

mod common;

use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;

use common::{PASS, tempdir};
use hearth_store::{KdfParams, Store};

const CHILD: &str = "HEARTH_FIRST_OPEN_CHILD";
const TEST_NAME: &str = "stores_created_at_once_in_fresh_processes_all_open";
const PROCESSES: usize = 60;
const THREADS: usize = 16;

#[test]
fn stores_created_at_once_in_fresh_processes_all_open() {
    if std::env::var_os(CHILD).is_some() {
        create_at_once();
        return;
    }
    let me = std::env::current_exe().expect("test binary");
    for run in 0..PROCESSES {
        let out = Command::new(&me)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads", "1"])
            .env(CHILD, "1")
            .output()
            .expect("run a child process");
        assert!(
            out.status.success(),
            "child {run} of {PROCESSES} failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The child's part: `THREADS` workspaces created at the same moment, each the first
/// connection its thread opens.
fn create_at_once() {
    let tmp = tempdir();
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let dir = tmp.path().join(format!("ws{i}"));
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                Store::create(&dir, PASS, KdfParams::fast_for_tests()).map(|_| ())
            })
        })
        .collect();
    let refused: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().expect("thread").err())
        .map(|e| e.to_string())
        .collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
}
