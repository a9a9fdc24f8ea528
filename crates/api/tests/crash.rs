//! Crash safety: a process writing to the workspace is killed with SIGKILL again and
//! again; after every kill the file opens, and every edit the writer acknowledged (its
//! call had returned) is there.
//!
//! The writer is this same test binary, started again with HEARTH_CRASH_WRITER set:
//! it opens the workspace and records meetings and ratings as fast as it can, printing
//! "ACK <meeting-id>" after each call returns.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

const WRITER_ENV: &str = "HEARTH_CRASH_WRITER";
const ROUNDS: usize = 12;

#[test]
fn crash_writer_entry() {
    // Does nothing in a normal run; it is the writer when started by the test below.
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        return;
    };
    let (dir, case, person) = {
        let mut parts = spec.split('|');
        (
            parts.next().unwrap().to_string(),
            parts.next().unwrap().to_string(),
            parts.next().unwrap().to_string(),
        )
    };
    let mut ws = open(std::path::Path::new(&dir));
    let stdout = std::io::stdout();
    for i in 0.. {
        let m = ws
            .add_meeting(&case, "2026-11-01", "status", &[], &format!("note {i}"))
            .unwrap()
            .to_string();
        ws.rate(rate(&case, &m, "ORS", &person, None, "5,5,5,5"))
            .unwrap();
        let mut out = stdout.lock();
        writeln!(out, "ACK {m}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn every_acknowledged_edit_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let case = ws.add_case("Llywelyn", None).unwrap().to_string();
    let person = ws
        .add_person(&case, "Ffion Llywelyn", "parent", Some("1980-01-01"), None)
        .unwrap()
        .to_string();
    drop(ws);

    let exe = std::env::current_exe().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "crash_writer_entry",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                WRITER_ENV,
                format!("{}|{case}|{person}", dir.path().display()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(id) = line.strip_prefix("ACK ") {
                    let _ = tx.send(id.to_string());
                }
            }
        });
        // Let it write for a varying time, then kill it mid-flight.
        let deadline = Instant::now() + Duration::from_millis(150 + 97 * (round as u64 % 7));
        let mut this_round = 0;
        while Instant::now() < deadline {
            if let Ok(id) = rx.recv_timeout(Duration::from_millis(5)) {
                acknowledged.push(id);
                this_round += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Lines already printed before the kill were acknowledged too.
        while let Ok(id) = rx.recv_timeout(Duration::from_millis(50)) {
            acknowledged.push(id);
            this_round += 1;
        }
        assert!(this_round > 0 || round > 0, "the writer never got going");

        let ws = open(dir.path());
        let view = ws.case(&case).unwrap();
        for id in &acknowledged {
            assert!(
                view.meetings.iter().any(|m| m.id.as_str() == id),
                "round {round}: acknowledged meeting {id} lost after SIGKILL"
            );
        }
        // Each meeting's rating was written before its acknowledgement too.
        let rated: std::collections::HashSet<_> =
            view.ratings.iter().map(|r| r.meeting.to_string()).collect();
        for id in &acknowledged {
            assert!(
                rated.contains(id),
                "round {round}: rating of meeting {id} lost"
            );
        }
    }
    eprintln!(
        "{ROUNDS} SIGKILLs, {} acknowledged edits, all present after reopening",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() >= ROUNDS,
        "the writer acknowledged only {} edits: the test did not exercise the store",
        acknowledged.len()
    );
}
