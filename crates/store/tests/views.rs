//! Derived views: stored with the chunk they include, usable only while current, dropped
//! when another writer got in between, kept by compaction, removed with the document.
//! (The schema-1 → 2 migration is tested inside the crate, in `src/views.rs`.)

mod common;

use common::{PASS, new_store, tempdir};
use hearth_store::{ChunkWithView, Store, StoreError};

fn cwv(id: &str, kind: &str, bytes: &[u8], base_seq: u64, tag: &str) -> ChunkWithView {
    ChunkWithView {
        id: id.into(),
        kind: kind.into(),
        bytes: bytes.to_vec(),
        base_seq,
        summary: format!("summary {tag}").into_bytes(),
        view: format!("view {tag}").into_bytes(),
    }
}

#[test]
fn view_is_stored_and_loaded_with_its_chunk() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    assert_eq!(store.last_seq("c1").expect("last_seq"), None);
    assert_eq!(store.load_view("c1").expect("load_view"), None);

    let seq = store
        .append_chunk_with_view("c1", "case", b"one", 0, b"s1", b"v1")
        .expect("append");
    assert_eq!(seq, 1);
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(1));
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v1".to_vec())
    );

    let loaded = store.load("c1").expect("load").expect("doc");
    assert_eq!(loaded.last_seq, 1);
    let seq = store
        .append_chunk_with_view("c1", "case", b"two", loaded.last_seq, b"s2", b"v2")
        .expect("append");
    assert_eq!(seq, 2);
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v2".to_vec())
    );
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), Some(b"s2".to_vec()))]
    );
    assert_eq!(
        store.load("c1").expect("load").expect("doc").concat(),
        b"onetwo"
    );

    // Durable and still current after reopening.
    drop(store);
    let store = Store::open(&dir, PASS).expect("reopen");
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v2".to_vec())
    );
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(2));
}

#[test]
fn plain_append_makes_the_view_stale() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store
        .append_chunk_with_view("c1", "case", b"one", 0, b"s1", b"v1")
        .expect("append");
    store.append_chunk("c1", "case", b"two").expect("append");
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), None)]
    );
}

#[test]
fn wrong_base_seq_for_a_new_document_stores_no_view() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    let seq = store
        .append_chunk_with_view("c1", "case", b"one", 7, b"s", b"v")
        .expect("append");
    assert_eq!(seq, 1);
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(
        store.load("c1").expect("load").expect("doc").concat(),
        b"one"
    );
}

#[test]
fn another_writer_in_between_invalidates_the_view_but_keeps_both_chunks() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    store
        .append_chunk_with_view("c1", "case", b"a", 0, b"s1", b"v1")
        .expect("append");
    let base = store.load("c1").expect("load").expect("doc").last_seq;
    assert_eq!(base, 1);

    // "Another process" appends a chunk meanwhile.
    let other = Store::open(&dir, PASS).expect("second handle");
    assert_eq!(other.append_chunk("c1", "case", b"b").expect("append"), 2);
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(2));
    drop(other);

    // The first handle's edit (computed from seq 1) is still appended, without its view.
    let seq = store
        .append_chunk_with_view("c1", "case", b"c", base, b"stale s", b"stale v")
        .expect("append");
    assert_eq!(seq, 3);
    let loaded = store.load("c1").expect("load").expect("doc");
    assert_eq!(
        loaded.chunks,
        vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
    );
    assert_eq!(loaded.last_seq, 3);
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), None)]
    );

    // A reader rebuilt the view at seq 3: stored. One computed at an older seq: refused.
    assert!(!store.put_view("c1", 2, b"old s", b"old v").expect("put"));
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert!(store.put_view("c1", 3, b"s3", b"v3").expect("put"));
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v3".to_vec())
    );
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), Some(b"s3".to_vec()))]
    );
    // Too new (a seq that does not exist yet) and unknown documents are refused too.
    assert!(!store.put_view("c1", 4, b"x", b"x").expect("put"));
    assert!(!store.put_view("nope", 0, b"x", b"x").expect("put"));
    assert_eq!(store.last_seq("nope").expect("last_seq"), None);
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v3".to_vec())
    );

    // The other handle sees the same current view.
    let other = Store::open(&dir, PASS).expect("second handle");
    assert_eq!(
        other.load_view("c1").expect("load_view"),
        Some(b"v3".to_vec())
    );
}

#[test]
fn compaction_keeps_a_current_view_current() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    let mut base = 0;
    for (i, chunk) in [b"a", b"b", b"c"].iter().enumerate() {
        base = store
            .append_chunk_with_view("c1", "case", *chunk, base, b"s", format!("v{i}").as_bytes())
            .expect("append");
    }
    assert_eq!(base, 3);

    // Partial compaction: the last chunk stays.
    store.compact("c1", b"ab", 2).expect("compact");
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(3));
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v2".to_vec())
    );

    // Full compaction: no chunk left, the snapshot's upto_seq is the last seq.
    store.compact("c1", b"abc", 3).expect("compact");
    assert_eq!(store.chunk_count("c1").expect("count"), 0);
    let loaded = store.load("c1").expect("load").expect("doc");
    assert_eq!(loaded.last_seq, 3);
    assert_eq!(loaded.snapshot_upto_seq, 3);
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(3));
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v2".to_vec())
    );
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), Some(b"s".to_vec()))]
    );

    // The next edit after compaction continues from the snapshot's seq.
    let seq = store
        .append_chunk_with_view("c1", "case", b"d", loaded.last_seq, b"s4", b"v4")
        .expect("append");
    assert_eq!(seq, 4);
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"v4".to_vec())
    );
}

#[test]
fn delete_doc_removes_the_view() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store
        .append_chunk_with_view("c1", "case", b"a", 0, b"s", b"v")
        .expect("append");
    assert!(store.delete_doc("c1").expect("delete"));
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(store.last_seq("c1").expect("last_seq"), None);
    assert_eq!(
        store.list_summaries("case").expect("list"),
        Vec::<(String, Option<Vec<u8>>)>::new()
    );

    // Recreated under the same id, seq 1 again: the old view must not come back.
    store.append_chunk("c1", "case", b"new").expect("append");
    assert_eq!(store.last_seq("c1").expect("last_seq"), Some(1));
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(
        store.list_summaries("case").expect("list"),
        vec![("c1".to_string(), None)]
    );
}

#[test]
fn batch_is_all_or_nothing_views_included() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store
        .append_chunk_with_view("t1", "team", b"t", 0, b"st", b"vt")
        .expect("append");
    store
        .append_chunk_with_view("c0", "case", b"x", 0, b"s0", b"v0")
        .expect("append");

    let batch = vec![
        cwv("c1", "case", b"a", 0, "1"),
        cwv("c0", "case", b"y", 1, "0b"),
        // Kind mismatch: "t1" is a team.
        cwv("t1", "case", b"b", 1, "t"),
    ];
    assert!(matches!(
        store.append_chunks_with_views(&batch),
        Err(StoreError::InvalidArgument(_))
    ));
    assert_eq!(store.load("c1").expect("load"), None);
    assert_eq!(store.load_view("c1").expect("load_view"), None);
    assert_eq!(
        store.load_view("c0").expect("load_view"),
        Some(b"v0".to_vec())
    );
    assert_eq!(store.last_seq("c0").expect("last_seq"), Some(1));
    assert_eq!(
        store.load_view("t1").expect("load_view"),
        Some(b"vt".to_vec())
    );
    assert_eq!(store.last_seq("t1").expect("last_seq"), Some(1));

    // Without the bad entry it goes through; a stale base_seq only drops that view.
    let seqs = store
        .append_chunks_with_views(&[
            cwv("c1", "case", b"a", 0, "1"),
            cwv("c0", "case", b"y", 1, "0b"),
            cwv("t1", "team", b"b", 0, "stale"),
        ])
        .expect("batch");
    assert_eq!(seqs, vec![1, 2, 2]);
    assert_eq!(
        store.load_view("c1").expect("load_view"),
        Some(b"view 1".to_vec())
    );
    assert_eq!(
        store.load_view("c0").expect("load_view"),
        Some(b"view 0b".to_vec())
    );
    assert_eq!(store.load_view("t1").expect("load_view"), None);
    assert_eq!(
        store.load("t1").expect("load").expect("doc").concat(),
        b"tb"
    );
    assert_eq!(
        store.append_chunks_with_views(&[]).expect("empty"),
        Vec::<u64>::new()
    );
}

#[test]
fn list_summaries_for_many_documents() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    let batch: Vec<ChunkWithView> = (0..500)
        .map(|i| cwv(&format!("case-{i:04}"), "case", b"c", 0, &i.to_string()))
        .collect();
    let seqs = store.append_chunks_with_views(&batch).expect("batch");
    assert!(seqs.iter().all(|&s| s == 1));
    store
        .append_chunk_with_view("team", "team", b"t", 0, b"st", b"vt")
        .expect("append");
    // Make a few stale, compact a few.
    for i in (0..500).step_by(50) {
        store
            .append_chunk(&format!("case-{i:04}"), "case", b"d")
            .expect("append");
    }
    for i in (5..500).step_by(50) {
        store
            .compact(&format!("case-{i:04}"), b"c", 1)
            .expect("compact");
    }

    let list = store.list_summaries("case").expect("list");
    assert_eq!(list.len(), 500);
    for (i, (id, summary)) in list.iter().enumerate() {
        assert_eq!(id, &format!("case-{i:04}"));
        if i % 50 == 0 {
            assert_eq!(summary, &None, "{id}");
        } else {
            assert_eq!(
                summary.as_deref(),
                Some(format!("summary {i}").as_bytes()),
                "{id}"
            );
        }
    }
    assert_eq!(
        store.list_summaries("team").expect("list"),
        vec![("team".to_string(), Some(b"st".to_vec()))]
    );
    assert_eq!(
        store.list_summaries("nothing").expect("list"),
        Vec::<(String, Option<Vec<u8>>)>::new()
    );
}
