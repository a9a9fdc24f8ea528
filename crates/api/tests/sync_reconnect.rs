//! Reconnects between two real workspaces over loopback: a case edited after earlier
//! sessions still travels, in both directions. Sessions keep a per-case index (heads
//! digest and access, keyed by the store's sequence number) so unchanged cases stay on
//! disk; these tests catch an index that wrongly says a changed case is unchanged.

#[path = "support/pairing.rs"]
mod pairing;
use pairing::paired_demo_team;

use std::net::TcpListener;
use std::path::Path;

use hearth_api::Workspace;
use hearth_api::clock::SystemClock;
use hearth_api::sync::{SyncEvent, SyncOutcome};

const PASS: &str = "reconnect test passphrase";

/// One session: `b` connects to a freshly opened `a` served on loopback.
fn sync_once(a_dir: &Path, b: &mut Workspace) -> SyncOutcome {
    sync_both(a_dir, b, |_| {}).1
}

/// One session as `sync_once`, with `a`'s outcome too; `a_event` sees `a`'s progress
/// events as they happen (in the middle of the session).
fn sync_both(
    a_dir: &Path,
    b: &mut Workspace,
    a_event: impl Fn(SyncEvent) + Send + 'static,
) -> (SyncOutcome, SyncOutcome) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = a_dir.to_path_buf();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = Workspace::open(&dir, PASS, Box::new(SystemClock)).unwrap();
        ws.sync_accept(stream, &a_event).unwrap()
    });
    let outcome = b.sync_with(addr, &|_| {}).unwrap();
    (server.join().unwrap(), outcome)
}

fn case_ids(ws: &Workspace) -> Vec<String> {
    ws.list_cases()
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect()
}

fn names(ws: &Workspace, case: &str) -> Vec<String> {
    ws.case(case)
        .unwrap()
        .people
        .into_iter()
        .map(|p| p.name)
        .collect()
}

#[test]
fn edits_after_earlier_sessions_travel_both_ways() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let mut b = paired_demo_team(&a_dir, &b_dir, PASS, 6, 3);
    let first = sync_once(&a_dir, &mut b);
    assert_eq!(first.docs_received, 6);
    // A second session with nothing new: both sides now have every case indexed.
    let quiet = sync_once(&a_dir, &mut b);
    assert_eq!((quiet.docs_received, quiet.docs_sent), (0, 0));

    let cases: Vec<String> = b
        .list_cases()
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    // Edited on b only: a holds this case unchanged (indexed, left on disk) and must
    // still receive it.
    b.add_person(&cases[0], "Edited on B", "child", None, None)
        .unwrap();
    let third = sync_once(&a_dir, &mut b);
    assert_eq!((third.docs_received, third.docs_sent), (0, 1));
    let a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    assert!(names(&a, &cases[0]).contains(&"Edited on B".to_string()));
    drop(a);

    // Edited on a only, in another case: b's index says unchanged, a's copy differs.
    let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    a.add_person(&cases[1], "Edited on A", "child", None, None)
        .unwrap();
    drop(a);
    let fourth = sync_once(&a_dir, &mut b);
    assert_eq!((fourth.docs_received, fourth.docs_sent), (1, 0));
    assert!(names(&b, &cases[1]).contains(&"Edited on A".to_string()));

    // Both edit the same case: each side ends with both edits.
    let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    a.add_person(&cases[2], "Both A", "child", None, None)
        .unwrap();
    drop(a);
    b.add_person(&cases[2], "Both B", "child", None, None)
        .unwrap();
    let fifth = sync_once(&a_dir, &mut b);
    assert_eq!((fifth.docs_received, fifth.docs_sent), (1, 1));
    let a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    for ws in [&a, &b] {
        let n = names(ws, &cases[2]);
        assert!(n.contains(&"Both A".to_string()) && n.contains(&"Both B".to_string()));
    }
}

/// The cases a device received in a full sync are indexed as they are stored, on the
/// receiving side as on the answering one: the next reconnect loads only the cases
/// that changed since.
#[test]
fn a_reconnect_loads_only_the_cases_that_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let mut b = paired_demo_team(&a_dir, &b_dir, PASS, 6, 3);
    let (a_full, b_full) = sync_both(&a_dir, &mut b, |_| {});
    assert_eq!(b_full.docs_received, 6);
    assert_eq!(a_full.cases_loaded, 6, "a had no index yet");

    let cases = case_ids(&b);
    let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    a.add_person(&cases[0], "Edited on A", "child", None, None)
        .unwrap();
    drop(a);
    b.add_person(&cases[1], "Edited on B", "child", None, None)
        .unwrap();
    let (a_out, b_out) = sync_both(&a_dir, &mut b, |_| {});
    assert_eq!((b_out.docs_received, b_out.docs_sent), (1, 1));
    // Each side loads the case it changed and the one the peer's offer shows changed.
    assert_eq!(b_out.cases_loaded, 2, "b loaded unchanged cases");
    assert_eq!(a_out.cases_loaded, 2, "a loaded unchanged cases");
    assert!(names(&b, &cases[0]).contains(&"Edited on A".to_string()));
}

/// Another process writes to the same workspace file (the desktop app next to a
/// `serve`): between sessions, and in the middle of one, right after the session loaded
/// the case and before it stores what the peer sends for it. The session must not
/// index its own copy as the stored one; the other writer's change reaches the peer.
#[test]
fn writes_by_another_workspace_on_the_same_file_still_travel() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let mut b = paired_demo_team(&a_dir, &b_dir, PASS, 4, 3);
    sync_once(&a_dir, &mut b);
    sync_once(&a_dir, &mut b);
    let cases = case_ids(&b);

    // Between sessions: a second Workspace on b's file, while `b` stays open.
    let mut other_b = Workspace::open(&b_dir, PASS, Box::new(SystemClock)).unwrap();
    other_b
        .add_person(&cases[0], "Written beside B", "child", None, None)
        .unwrap();
    drop(other_b);
    let out = sync_once(&a_dir, &mut b);
    assert_eq!(out.docs_sent, 1);
    let a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    assert!(names(&a, &cases[0]).contains(&"Written beside B".to_string()));
    drop(a);

    // During a session. a changed case 1 before it (so a's session loads it at start),
    // b changed it too (so b sends changes a stores). When a's session starts offering
    // cases, another Workspace on a's file writes to case 1; b's changes arrive after
    // that, so a's session appends on top of a state it never saw.
    let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    a.add_person(&cases[1], "Before, on A", "child", None, None)
        .unwrap();
    drop(a);
    b.add_person(&cases[1], "From B", "child", None, None)
        .unwrap();
    let key = Workspace::unwrap_key(&a_dir, PASS).unwrap();
    let (dir, case) = (a_dir.clone(), cases[1].clone());
    let wrote = std::sync::atomic::AtomicBool::new(false);
    let (a_out, b_out) = sync_both(&a_dir, &mut b, move |event| {
        if matches!(event, SyncEvent::DocumentsToGo { .. })
            && !wrote.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            let mut w = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
            w.add_person(&case, "Meanwhile on A", "child", None, None)
                .unwrap();
        }
    });
    assert_eq!((a_out.docs_received, b_out.docs_received), (1, 1));
    let a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
    let on_a = names(&a, &cases[1]);
    drop(a);
    for n in ["Before, on A", "From B", "Meanwhile on A"] {
        assert!(on_a.contains(&n.to_string()), "a's file lacks {n}");
    }

    // The next sessions carry the concurrent write to b.
    sync_once(&a_dir, &mut b);
    assert!(
        names(&b, &cases[1]).contains(&"Meanwhile on A".to_string()),
        "a's session trusted its own copy of case 1 as what its file holds"
    );
    // And once both are even, nothing more travels.
    let quiet = sync_once(&a_dir, &mut b);
    assert_eq!((quiet.docs_received, quiet.docs_sent), (0, 0));
}
