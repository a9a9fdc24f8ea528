//! Sync benchmark (release, loopback): `cargo bench -p hearth-api --bench sync`.
//!
//! Two workspaces of one team, paired by code over loopback TCP exactly as the CLI
//! does. It times a full sync of the demo caseload (500 cases; HEARTH_BENCH_CASES to
//! change) to an empty peer, then (twice) 200 edits on each peer and the reconnect, and
//! reports the bytes on the wire against the bytes of Automerge changes carried. "Wire"
//! is every byte on the TCP connection, the Noise handshake included (length prefixes,
//! authentication tags, offers, sync-protocol headers, `Done`s); "changes" is the bytes
//! of the Automerge changes the sync messages carried, both ways.
//!
//! The same full sync by plain samod over TCP (no encryption, no filter), in the same
//! run, is a standalone program so CI never builds samod:
//! `CARGO_TARGET_DIR=target/samod cargo run --release --manifest-path bench/samod-compare/Cargo.toml`

#[path = "../tests/support/pairing.rs"]
mod pairing;
use pairing::paired_demo_team;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use hearth_api::Workspace;
use hearth_api::clock::SystemClock;
use hearth_api::sync::SyncOutcome;

const PASS: &str = "benchmark passphrase";

/// Answers `sessions` sessions on loopback; each one's outcome comes back on the channel.
fn serve_in_background(
    dir: PathBuf,
    sessions: usize,
) -> (
    SocketAddr,
    std::thread::JoinHandle<()>,
    std::sync::mpsc::Receiver<SyncOutcome>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let key = Workspace::unwrap_key(&dir, PASS).unwrap();
        for _ in 0..sessions {
            let (stream, _) = listener.accept().unwrap();
            let mut ws = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
            tx.send(ws.sync_accept(stream, &|_| {}).unwrap()).unwrap();
        }
    });
    (addr, handle, rx)
}

fn report(what: &str, took: Duration, o: &SyncOutcome) {
    let wire = o.bytes_sent + o.bytes_received;
    let changes = o.change_bytes_sent + o.change_bytes_received;
    println!(
        "{what}: {:.3} s; {} docs received, {} sent; {} cases loaded here; wire {} bytes, changes {} bytes, ratio {:.3}",
        took.as_secs_f64(),
        o.docs_received,
        o.docs_sent,
        o.cases_loaded,
        wire,
        changes,
        wire as f64 / changes.max(1) as f64
    );
}

fn main() {
    let cases: usize = std::env::var("HEARTH_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let mut b = paired_demo_team(&a_dir, &b_dir, PASS, cases, 7);

    // 1. Every case to an empty peer.
    let (addr, server, answered) = serve_in_background(a_dir.clone(), 3);
    let t = Instant::now();
    let full = b.sync_with(addr, &|_| {}).unwrap();
    report(
        &format!("full sync of {cases} cases to an empty peer"),
        t.elapsed(),
        &full,
    );
    println!(
        "  (the answering side loaded {} cases)",
        answered.recv().unwrap().cases_loaded
    );
    assert_eq!(full.docs_received, cases, "every case arrived");

    // 2. 200 edits on each side (spread over 20 cases), then reconnect; twice. Both
    // sides indexed their cases in the full sync (the receiver as it stored them), so
    // each reconnect loads only the cases that changed.
    let ids: Vec<String> = b
        .list_cases()
        .unwrap()
        .into_iter()
        .take(20)
        .map(|c| c.id.to_string())
        .collect();
    for round in ["first", "second"] {
        let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
        for i in 0..200 {
            let case = &ids[i % ids.len()];
            a.add_person(case, &format!("Person A{i}"), "child", None, None)
                .unwrap();
            b.add_person(case, &format!("Person B{i}"), "child", None, None)
                .unwrap();
        }
        drop(a);
        let t = Instant::now();
        let again = b.sync_with(addr, &|_| {}).unwrap();
        report(
            &format!("{round} reconnect after 200 edits on each peer"),
            t.elapsed(),
            &again,
        );
        println!(
            "  (the answering side loaded {} cases)",
            answered.recv().unwrap().cases_loaded
        );
    }
    server.join().unwrap();
}
