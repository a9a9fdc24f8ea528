//! Nothing readable on disk: a distinctive marker written into chunks, snapshots, views and
//! meta never appears in any file of the workspace (or a backup), in UTF-8 or UTF-16.
//! A control run with plain SQLite proves the scan would find it.

mod common;

use std::fs;
use std::path::Path;

use common::{PASS, new_store, tempdir};
use hearth_store::{KdfParams, Store};

const MARKER: &str = "Østergård-Kowalski";

fn needles() -> Vec<Vec<u8>> {
    let utf16le: Vec<u8> = MARKER.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = MARKER.encode_utf16().flat_map(u16::to_be_bytes).collect();
    // Also the ASCII-only tail, in case a codec mangles the non-ASCII letters.
    vec![
        MARKER.as_bytes().to_vec(),
        utf16le,
        utf16be,
        b"Kowalski".to_vec(),
    ]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Names of files under `dir` (recursively) that contain any needle.
fn files_with_marker(dir: &Path) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let e = e.expect("entry");
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = fs::read(&path).expect("read");
            if needles().iter().any(|n| contains(&bytes, n)) {
                hits.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    hits
}

fn marker_payload(i: usize) -> Vec<u8> {
    format!("name={MARKER};note={i};{}", "x".repeat(i * 50)).into_bytes()
}

#[test]
fn marker_never_on_disk_in_workspace_or_backup() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    for i in 0..20 {
        store
            .append_chunk("case-1", "case", &marker_payload(i))
            .expect("append");
    }
    store
        .set_meta("member_name", MARKER.as_bytes())
        .expect("meta");
    store
        .compact("case-1", &marker_payload(99), 10)
        .expect("compact");
    // Derived views (summary and full view) hold the same content.
    store
        .append_chunk_with_view(
            "case-2",
            "case",
            &marker_payload(1),
            0,
            &marker_payload(2),
            &marker_payload(3),
        )
        .expect("append with view");

    // While the store is open the data sits in the -wal file: scan that state.
    assert!(
        dir.join("hearth.db-wal").exists(),
        "expected a WAL file while open"
    );
    assert_eq!(files_with_marker(&dir), Vec::<String>::new());

    let backup = tmp.path().join("backups").join("ws.hearthbk");
    fs::create_dir_all(backup.parent().expect("parent")).expect("mkdir");
    store.backup(&backup, false).expect("backup");
    assert_eq!(files_with_marker(tmp.path()), Vec::<String>::new());

    // And after a clean close (WAL checkpointed into the main file).
    drop(store);
    assert_eq!(files_with_marker(&dir), Vec::<String>::new());
    let store = Store::open(&dir, PASS).expect("reopen");
    let loaded = store.load("case-1").expect("load").expect("doc");
    assert!(contains(&loaded.concat(), MARKER.as_bytes()));
    let view = store.load_view("case-2").expect("view").expect("current");
    assert!(contains(&view, MARKER.as_bytes()));
}

/// The control: the same writes through plain SQLite are found by the same scan, so the
/// test above is able to fail.
#[test]
fn control_plain_sqlite_is_found_by_the_scan() {
    let tmp = tempdir();
    let dir = tmp.path().join("plain");
    fs::create_dir_all(&dir).expect("mkdir");
    let conn = rusqlite::Connection::open(dir.join("hearth.db")).expect("open plain");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE chunks(doc_id TEXT, seq INTEGER, data BLOB);
         CREATE TABLE meta(key TEXT, value BLOB);",
    )
    .expect("schema");
    conn.execute(
        "INSERT INTO chunks VALUES ('case-1', 1, ?1)",
        [marker_payload(1)],
    )
    .expect("insert");
    conn.execute(
        "INSERT INTO meta VALUES ('member_name', ?1)",
        [MARKER
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>()],
    )
    .expect("insert");
    assert!(!files_with_marker(&dir).is_empty());
    drop(conn);
    assert_eq!(files_with_marker(&dir), vec!["hearth.db".to_string()]);
}

#[test]
fn key_envelope_holds_no_secret_in_clear() {
    let tmp = tempdir();
    let dir = tmp.path().join("ws");
    let pass = format!("{MARKER} passphrase");
    let store = Store::create(&dir, &pass, KdfParams::fast_for_tests()).expect("create");
    drop(store);
    assert_eq!(files_with_marker(&dir), Vec::<String>::new());
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("key.json")).expect("read")).expect("json");
    for field in ["format", "algorithm", "kdf", "salt", "nonce", "ciphertext"] {
        assert!(json.get(field).is_some(), "key.json lacks {field}");
    }
    assert_eq!(json["kdf"]["m_cost_kib"], 256);
    assert!(Store::open(&dir, &pass).is_ok());
    let _ = PASS;
}
