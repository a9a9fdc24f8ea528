//! Reconnects between two real workspaces over loopback: a case edited after earlier
//! sessions still travels, in both directions. Sessions keep a per-case index (heads
//! digest and access, keyed by the store's sequence number) so unchanged cases stay on
//! disk; these tests catch an index that wrongly says a changed case is unchanged.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::time::Duration;

use hearth_api::clock::SystemClock;
use hearth_api::sync::{InviteOptions, JoinRequest, SyncOutcome, join};
use hearth_api::{InitRequest, KdfParams, Workspace};

const PASS: &str = "reconnect test passphrase";

fn pair(a_dir: &Path, b_dir: &Path) -> Workspace {
    let (tx, rx) = std::sync::mpsc::channel();
    let a_dir = a_dir.to_path_buf();
    let inviter = std::thread::spawn(move || {
        let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
        let opts = InviteOptions {
            port: 0,
            valid_for: Duration::from_secs(60),
            discovery: false,
        };
        a.pair_invite(&opts, &|code, port| {
            tx.send((code.to_string(), port)).unwrap()
        })
        .unwrap();
    });
    let (code, port) = rx.recv().unwrap();
    let b = join(
        b_dir,
        PASS,
        JoinRequest {
            code: &code,
            member_name: "Second manager",
            role: "team-manager",
            peer: Some(SocketAddr::from(([127, 0, 0, 1], port))),
            wait: Duration::from_secs(5),
        },
        KdfParams::fast_for_tests(),
        Box::new(SystemClock),
    )
    .unwrap();
    inviter.join().unwrap();
    b
}

/// One session: `b` connects to a freshly opened `a` served on loopback.
fn sync_once(a_dir: &Path, b: &mut Workspace) -> SyncOutcome {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = a_dir.to_path_buf();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = Workspace::open(&dir, PASS, Box::new(SystemClock)).unwrap();
        ws.sync_accept(stream, &|_| {}).unwrap()
    });
    let outcome = b.sync_with(addr, &|_| {}).unwrap();
    server.join().unwrap();
    outcome
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
    {
        let mut a = Workspace::init(
            &a_dir,
            PASS,
            InitRequest {
                team_name: "Test team",
                member_name: "Manager",
                member_role: "team-manager",
            },
            KdfParams::fast_for_tests(),
            Box::new(SystemClock),
        )
        .unwrap();
        a.demo(6, 3).unwrap();
    }
    let mut b = pair(&a_dir, &b_dir);
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
