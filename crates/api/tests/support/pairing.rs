//! Pairs a second workspace with an existing one over loopback, as `pair invite` and
//! `pair join` do, and sets up a demo team to pair: one place for the api's sync
//! tests, the sync benchmark and the samod comparison (`bench/samod-compare`), which
//! include this file by `#[path]`.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use hearth_api::clock::SystemClock;
use hearth_api::sync::{InviteOptions, JoinRequest, join};
use hearth_api::{InitRequest, KdfParams, Workspace};

/// Opens the workspace in `a_dir` (passphrase `pass`), invites on a loopback port
/// without mDNS, and joins a new workspace in `b_dir` to it as a second team manager
/// with the same passphrase. Returns the joined workspace, open.
pub fn pair(a_dir: &Path, b_dir: &Path, pass: &str) -> Workspace {
    let (tx, rx) = std::sync::mpsc::channel();
    let a_dir = a_dir.to_path_buf();
    let a_pass = pass.to_string();
    let inviter = std::thread::spawn(move || {
        let mut a = Workspace::open(&a_dir, &a_pass, Box::new(SystemClock)).unwrap();
        let opts = InviteOptions {
            port: 0,
            valid_for: Duration::from_secs(60),
            discovery: false,
            role: "team-manager".into(),
        };
        a.pair_invite(&opts, &|code, port| {
            tx.send((code.to_string(), port)).unwrap()
        })
        .unwrap();
    });
    let (code, port) = rx.recv().unwrap();
    let b = join(
        b_dir,
        pass,
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

/// A team manager's workspace in `a_dir` holding `cases` demo families (seeded), and
/// a second manager's device in `b_dir` paired with it but not yet synced.
pub fn paired_demo_team(
    a_dir: &Path,
    b_dir: &Path,
    pass: &str,
    cases: usize,
    seed: u64,
) -> Workspace {
    let mut a = Workspace::init(
        a_dir,
        pass,
        InitRequest {
            team_name: "Test team",
            member_name: "Manager",
            member_role: "team-manager",
        },
        KdfParams::fast_for_tests(),
        Box::new(SystemClock),
    )
    .unwrap();
    a.demo(cases, seed).unwrap();
    drop(a);
    pair(a_dir, b_dir, pass)
}
