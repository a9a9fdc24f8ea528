//! Sync commands that need no network: sharing a case, status and peers, revoking.

mod common;

use common::{json, ok};

fn cli_fails(dir: &std::path::Path, args: &[&str]) -> String {
    let out = common::cli(dir, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn share_unshare_status_and_peers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    ok(
        &dir,
        &[
            "init",
            "--team",
            "T",
            "--member",
            "Mona",
            "--role",
            "team-manager",
        ],
    );
    let member = ok(
        &dir,
        &[
            "team",
            "add-member",
            "--name",
            "Dara",
            "--role",
            "domestic-abuse-practitioner",
        ],
    );
    let case = ok(&dir, &["case", "add", "--family", "Example"]);
    ok(
        &dir,
        &["case", "share", "--case", &case, "--member", &member],
    );
    let e = cli_fails(
        &dir,
        &["case", "share", "--case", &case, "--member", &member],
    );
    assert!(e.contains("already"), "{e}");
    let e = cli_fails(
        &dir,
        &[
            "case",
            "share",
            "--case",
            &case,
            "--member",
            "00000000-0000-4000-8000-000000000000",
        ],
    );
    assert!(e.contains("active member"), "{e}");
    let out = ok(
        &dir,
        &["case", "unshare", "--case", &case, "--member", &member],
    );
    assert!(out.contains("stays there"), "{out}");
    let e = cli_fails(
        &dir,
        &["case", "unshare", "--case", &case, "--member", &member],
    );
    assert!(e.contains("not shared"), "{e}");

    let status = json(&dir, &["sync", "status", "--json"]);
    assert_eq!(status["key_epoch"], 1);
    assert_eq!(status["cases"], 1);
    assert_eq!(status["fingerprint"].as_str().unwrap().len(), 16);
    let peers = json(&dir, &["peers", "--json"]);
    assert_eq!(peers.as_array().unwrap().len(), 1);
    assert_eq!(peers[0]["this_device"], true);
    let me = peers[0]["device"].as_str().unwrap().to_string();
    let e = cli_fails(&dir, &["device", "revoke", &me]);
    assert!(e.contains("cannot revoke itself"), "{e}");
    let e = cli_fails(
        &dir,
        &["device", "revoke", "00112233445566778899aabbccddeeff"],
    );
    assert!(e.contains("no such device"), "{e}");
    // Nothing changed by the refusals.
    assert_eq!(json(&dir, &["sync", "status", "--json"])["key_epoch"], 1);
}
