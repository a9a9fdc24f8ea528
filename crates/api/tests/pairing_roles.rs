//! Pairing over loopback: the team manager's invitation names the new member's role,
//! and whoever holds the code cannot choose a stronger one.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use common::{PASS, init_as};
use hearth_api::clock::SystemClock;
use hearth_api::core::MemberRole;
use hearth_api::sync::{InviteOptions, JoinRequest, Joined, join};
use hearth_api::{KdfParams, Result, Workspace};

/// Invites from `a_dir` for `role` on a loopback port and has a new device in `b_dir`
/// ask to join as `asked`. Returns both sides' results.
fn invite_and_join(
    a_dir: &Path,
    b_dir: &Path,
    role: &str,
    asked: &str,
) -> (Result<Joined>, Result<Workspace>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let a_dir = a_dir.to_path_buf();
    let role = role.to_string();
    let inviter = std::thread::spawn(move || {
        let mut a = Workspace::open(&a_dir, PASS, Box::new(SystemClock)).unwrap();
        let opts = InviteOptions {
            port: 0,
            valid_for: Duration::from_secs(60),
            discovery: false,
            role,
        };
        a.pair_invite(&opts, &|code, port| {
            tx.send((code.to_string(), port)).unwrap()
        })
    });
    let (code, port) = rx.recv().unwrap();
    let joined = join(
        b_dir,
        PASS,
        JoinRequest {
            code: &code,
            member_name: "Bea Holm",
            role: asked,
            peer: Some(SocketAddr::from(([127, 0, 0, 1], port))),
            wait: Duration::from_secs(5),
        },
        KdfParams::fast_for_tests(),
        Box::new(SystemClock),
    );
    (inviter.join().unwrap(), joined)
}

fn roster(dir: &Path) -> Vec<(String, MemberRole)> {
    let ws = Workspace::open(dir, PASS, Box::new(SystemClock)).unwrap();
    ws.team()
        .unwrap()
        .members
        .into_iter()
        .map(|m| (m.name, m.role))
        .collect()
}

#[test]
fn a_code_for_a_social_worker_cannot_make_a_team_manager() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    init_as(&a_dir, "Tove Lund", "team-manager");

    let (invited, joined) = invite_and_join(&a_dir, &b_dir, "social-worker", "team-manager");
    let e = invited.unwrap_err().to_string();
    assert!(
        e.contains("invites a social-worker") && e.contains("team-manager"),
        "{e}"
    );
    // The person at the new device is told why, not only that the other side hung up.
    let told = joined.err().expect("the new device was let in").to_string();
    assert!(
        told.contains("pairing refused") && told.contains("says this code invites a social-worker"),
        "{told}"
    );
    assert!(
        !b_dir.join("hearth.db").exists(),
        "a refused join left a workspace behind"
    );
    assert_eq!(roster(&a_dir).len(), 1, "the roster gained a member");

    // A new code, and the role it names: the member joins in that role.
    let (invited, joined) = invite_and_join(&a_dir, &b_dir, "social-worker", "social-worker");
    invited.unwrap();
    let b = joined.unwrap();
    assert_eq!(b.whoami().unwrap().role, MemberRole::SocialWorker);
    let members = roster(&a_dir);
    assert!(
        members.contains(&("Bea Holm".to_string(), MemberRole::SocialWorker)),
        "{members:?}"
    );
}
