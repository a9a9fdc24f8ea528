//! Wrong passphrase and damaged files: the right error, no panic, no byte changed on disk,
//! and nothing printed to stderr.

mod common;

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{PASS, chunk_bytes, new_store, snapshot_dir, tempdir};
use hearth_store::{KdfParams, KeyEnvelope, Store, StoreError};

/// A closed workspace with enough data to span many pages.
fn closed_workspace(tmp: &Path) -> PathBuf {
    let (dir, store) = new_store(tmp);
    for n in 0..60 {
        store
            .append_chunk(
                &format!("doc-{}", n % 3),
                "case",
                &chunk_bytes(n % 3, n, 3000),
            )
            .expect("append");
    }
    store.set_meta("k", b"v").expect("meta");
    drop(store);
    dir
}

#[test]
fn wrong_passphrase_touches_nothing() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    store.append_chunk("d", "case", b"data").expect("append");
    // Also while another Store has it open (WAL and SHM present).
    let before = snapshot_dir(&dir);
    let err = Store::open(&dir, "not the passphrase").expect_err("must fail");
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert_eq!(err.to_string(), "wrong passphrase");
    assert_eq!(snapshot_dir(&dir), before);
    drop(store);

    let before = snapshot_dir(&dir);
    assert!(!before.contains_key("hearth.db-wal"));
    let err = Store::open(&dir, "").expect_err("must fail");
    assert_eq!(err.to_string(), "wrong passphrase");
    assert_eq!(snapshot_dir(&dir), before);
    // The envelope-level API gives the same answer.
    let env = KeyEnvelope::load(&dir).expect("load envelope");
    assert!(matches!(
        env.unwrap("nope"),
        Err(StoreError::WrongPassphrase)
    ));
}

fn assert_corrupt_and_untouched(dir: &Path) {
    let before = snapshot_dir(dir);
    let result = Store::open(dir, PASS);
    assert!(
        matches!(result, Err(StoreError::Corrupt(_))),
        "expected Corrupt, got {result:?}"
    );
    assert_eq!(snapshot_dir(dir), before, "a failed open changed the files");
}

#[test]
fn truncated_database_is_corrupt_and_untouched() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    let db = dir.join("hearth.db");
    let len = fs::metadata(&db).expect("meta").len();
    assert!(len > 8 * 4096, "test needs a multi-page db, got {len}");
    OpenOptions::new()
        .write(true)
        .open(&db)
        .expect("open")
        .set_len(len / 2)
        .expect("truncate");
    assert_corrupt_and_untouched(&dir);
}

#[test]
fn damaged_page_is_corrupt_and_untouched() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    let db = dir.join("hearth.db");
    let len = fs::metadata(&db).expect("meta").len();
    let mut f = OpenOptions::new().write(true).open(&db).expect("open");
    f.seek(SeekFrom::Start(len / 2 + 100)).expect("seek");
    f.write_all(&[0x5a; 16]).expect("write");
    drop(f);
    assert_corrupt_and_untouched(&dir);
}

#[test]
fn damaged_first_page_is_corrupt_and_untouched() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    let mut f = OpenOptions::new()
        .write(true)
        .open(dir.join("hearth.db"))
        .expect("open");
    f.seek(SeekFrom::Start(200)).expect("seek");
    f.write_all(&[0xa5; 8]).expect("write");
    drop(f);
    assert_corrupt_and_untouched(&dir);
}

#[test]
fn not_a_database_is_corrupt() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    fs::write(
        dir.join("hearth.db"),
        b"hello, this is not a database at all",
    )
    .expect("write");
    assert_corrupt_and_untouched(&dir);
    fs::write(dir.join("hearth.db"), b"").expect("write");
    // An empty file would be a fresh database to SQLite; we must not initialise it.
    assert_corrupt_and_untouched(&dir);
}

#[test]
fn damaged_or_missing_key_json_is_corrupt() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    let key = dir.join("key.json");
    let good = fs::read(&key).expect("read");

    fs::write(&key, b"{ not json").expect("write");
    assert_corrupt_and_untouched(&dir);
    fs::write(&key, &good[..good.len() / 2]).expect("write");
    assert_corrupt_and_untouched(&dir);
    fs::write(&key, b"{}").expect("write");
    assert_corrupt_and_untouched(&dir);

    fs::remove_file(&key).expect("rm");
    assert!(Store::exists(&dir));
    assert_corrupt_and_untouched(&dir);

    fs::write(&key, &good).expect("restore key");
    fs::remove_file(dir.join("hearth.db")).expect("rm db");
    assert_corrupt_and_untouched(&dir);
}

#[test]
fn a_key_json_from_another_workspace_is_corrupt_not_wrong_passphrase() {
    let tmp = tempdir();
    let dir = closed_workspace(tmp.path());
    let other = tmp.path().join("other");
    drop(Store::create(&other, PASS, KdfParams::fast_for_tests()).expect("create"));
    fs::copy(other.join("key.json"), dir.join("key.json")).expect("copy");
    assert_corrupt_and_untouched(&dir);
}

/// Runs the failure paths in a child process and checks its stderr stays empty.
/// SQLCipher would otherwise log e.g. "HMAC check failed for pgno=…" to stderr.
#[test]
fn failure_paths_print_nothing_to_stderr() {
    let exe = std::env::current_exe().expect("current exe");
    let run = |mode: &str| {
        Command::new(&exe)
            .args([
                "--exact",
                "child_failure_paths",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("HEARTH_STORE_CHILD", mode)
            .output()
            .expect("spawn child")
    };
    let out = run("quiet");
    assert!(out.status.success(), "child failed: {out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "child did not run: {out:?}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // Control: a raw connection that skips `cipher_log_level = NONE` does log.
    let out = run("control");
    assert!(out.status.success(), "control child failed: {out:?}");
    assert_ne!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "control expected SQLCipher to log to stderr"
    );
}

#[test]
fn child_failure_paths() {
    let Ok(mode) = std::env::var("HEARTH_STORE_CHILD") else {
        return;
    };
    let tmp = tempdir();
    if mode == "control" {
        // No Store in this process: the log level is process-wide and Store sets it.
        let path = tmp.path().join("raw.db");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("PRAGMA key = 'one'; CREATE TABLE t(x);")
            .expect("create");
        drop(conn);
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("PRAGMA key = 'two';").expect("key");
        assert!(
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r
                .get::<_, i64>(0))
                .is_err()
        );
        return;
    }
    let dir = closed_workspace(tmp.path());
    assert!(Store::open(&dir, "wrong").is_err());
    let db = dir.join("hearth.db");
    let len = fs::metadata(&db).expect("meta").len();
    let mut f = OpenOptions::new().write(true).open(&db).expect("open");
    f.seek(SeekFrom::Start(len / 2 + 100)).expect("seek");
    f.write_all(&[0x5a; 16]).expect("write");
    f.seek(SeekFrom::Start(200)).expect("seek");
    f.write_all(&[0xa5; 8]).expect("write");
    drop(f);
    assert!(matches!(
        Store::open(&dir, PASS),
        Err(StoreError::Corrupt(_))
    ));
}
