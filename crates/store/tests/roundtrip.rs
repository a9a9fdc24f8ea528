//! Documents survive reopening; compaction keeps content; batches are atomic.

mod common;

use common::{PASS, chunk_bytes, new_store, tempdir};
use hearth_store::{KdfParams, Store, StoreError};

#[test]
fn append_reopen_load_compact() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    let docs = ["doc-a", "doc-b", "doc-c"];
    let mut expected: Vec<Vec<u8>> = vec![Vec::new(); docs.len()];
    for n in 0..10 {
        for (d, id) in docs.iter().enumerate() {
            let bytes = chunk_bytes(d, n, 100 + n);
            let seq = store.append_chunk(id, "case", &bytes).expect("append");
            assert_eq!(seq, n as u64 + 1);
            expected[d].extend_from_slice(&bytes);
        }
    }
    drop(store);

    let store = Store::open(&dir, PASS).expect("reopen");
    for (d, id) in docs.iter().enumerate() {
        let loaded = store.load(id).expect("load").expect("exists");
        assert_eq!(loaded.kind, "case");
        assert_eq!(loaded.snapshot, None);
        assert_eq!(loaded.chunks.len(), 10);
        assert_eq!(loaded.last_seq, 10);
        assert_eq!(loaded.concat(), expected[d]);
    }
    assert_eq!(store.list_docs("case").expect("list"), docs.to_vec());
    assert!(store.list_docs("team").expect("list").is_empty());
    assert_eq!(store.load("nope").expect("load"), None);

    // Compact doc-a up to seq 7; the snapshot is the concatenation of chunks 1..=7.
    let before = store.load("doc-a").expect("load").expect("exists");
    let snap: Vec<u8> = before.chunks[..7].concat();
    store.compact("doc-a", &snap, 7).expect("compact");
    assert_eq!(store.chunk_count("doc-a").expect("count"), 3);
    let after = store.load("doc-a").expect("load").expect("exists");
    assert_eq!(after.snapshot.as_deref(), Some(&snap[..]));
    assert_eq!(after.snapshot_upto_seq, 7);
    assert_eq!(after.concat(), expected[0]);

    // Chunks appended after a compaction load after the snapshot, with fresh seqs.
    let extra = b"after compaction".to_vec();
    assert_eq!(
        store.append_chunk("doc-a", "case", &extra).expect("append"),
        11
    );
    expected[0].extend_from_slice(&extra);
    drop(store);
    let store = Store::open(&dir, PASS).expect("reopen");
    let loaded = store.load("doc-a").expect("load").expect("exists");
    assert_eq!(loaded.concat(), expected[0]);
    assert_eq!(loaded.parts().count(), 1 + 4);

    // Full compaction: no chunks left, numbering continues.
    store
        .compact("doc-a", &expected[0], loaded.last_seq)
        .expect("compact all");
    assert_eq!(store.chunk_count("doc-a").expect("count"), 0);
    assert_eq!(
        store.append_chunk("doc-a", "case", b"x").expect("append"),
        12
    );
}

#[test]
fn compaction_refuses_to_lose_content() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store.append_chunk("d", "case", b"1").expect("append");
    store.append_chunk("d", "case", b"2").expect("append");
    assert!(matches!(
        store.compact("d", b"123", 3),
        Err(StoreError::InvalidArgument(_))
    ));
    assert!(matches!(
        store.compact("missing", b"", 0),
        Err(StoreError::InvalidArgument(_))
    ));
    store.compact("d", b"12", 2).expect("compact");
    assert!(matches!(
        store.compact("d", b"1", 1),
        Err(StoreError::InvalidArgument(_))
    ));
    assert_eq!(
        store.load("d").expect("load").expect("exists").concat(),
        b"12"
    );
}

#[test]
fn append_chunks_is_all_or_nothing() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store.put_doc_kind("team-1", "team").expect("kind");
    let seqs = store
        .append_chunks(&[
            ("c1", "case", b"a"),
            ("c2", "case", b"b"),
            ("c1", "case", b"c"),
        ])
        .expect("batch");
    assert_eq!(seqs, vec![1, 1, 2]);
    // The last entry has the wrong kind: nothing of the batch may be stored.
    let err = store.append_chunks(&[("c3", "case", b"x"), ("team-1", "case", b"y")]);
    assert!(matches!(err, Err(StoreError::InvalidArgument(_))));
    assert_eq!(store.load("c3").expect("load"), None);
    assert_eq!(store.chunk_count("team-1").expect("count"), 0);
    assert_eq!(store.load("c1").expect("load").expect("c1").concat(), b"ac");
}

#[test]
fn meta_delete_and_workspace_lifecycle() {
    let tmp = tempdir();
    let dir = tmp.path().join("nested").join("ws");
    assert!(!Store::exists(&dir));
    assert!(matches!(Store::open(&dir, PASS), Err(StoreError::NotFound)));
    let store = Store::create(&dir, PASS, KdfParams::fast_for_tests()).expect("create");
    assert!(Store::exists(&dir));
    assert_eq!(store.schema_version().expect("version"), 2);
    assert!(matches!(
        Store::create(&dir, PASS, KdfParams::fast_for_tests()),
        Err(StoreError::AlreadyExists)
    ));

    assert_eq!(store.get_meta("team_doc_id").expect("get"), None);
    store.set_meta("team_doc_id", b"t-1").expect("set");
    store.set_meta("team_doc_id", b"t-2").expect("set again");
    store
        .append_chunk("gone", "case", b"bytes")
        .expect("append");
    store.compact("gone", b"bytes", 1).expect("compact");
    assert!(store.delete_doc("gone").expect("delete"));
    assert!(!store.delete_doc("gone").expect("delete again"));
    drop(store);

    let store = Store::open(&dir, PASS).expect("open");
    assert_eq!(
        store.get_meta("team_doc_id").expect("get").as_deref(),
        Some(&b"t-2"[..])
    );
    assert_eq!(store.load("gone").expect("load"), None);
    // Re-creating a deleted id starts afresh.
    assert_eq!(
        store.append_chunk("gone", "team", b"new").expect("append"),
        1
    );
}

#[test]
fn two_stores_on_one_directory() {
    let tmp = tempdir();
    let (dir, a) = new_store(tmp.path());
    let b = Store::open(&dir, PASS).expect("second open");
    a.append_chunk("d", "case", b"from a").expect("a");
    b.append_chunk("d", "case", b"from b").expect("b");
    assert_eq!(
        a.load("d").expect("load").expect("d").concat(),
        b"from afrom b"
    );
}
