//! Backup while another writer is busy, restore, and restores that must change nothing.

mod common;

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use common::{PASS, chunk_bytes, new_store, snapshot_dir, tempdir};
use hearth_store::{KdfParams, Store, StoreError};

#[test]
fn backup_while_another_store_keeps_writing() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    for n in 0..20 {
        store
            .append_chunk("base", "case", &chunk_bytes(0, n, 500))
            .expect("append");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let dir = dir.clone();
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let other = Store::open(&dir, PASS).expect("writer open");
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // Two documents per transaction: a consistent copy has equal counts.
                let bytes = n.to_le_bytes();
                other
                    .append_chunks(&[("w1", "case", &bytes[..]), ("w2", "case", &bytes[..])])
                    .expect("writer append");
                n += 1;
            }
            n
        })
    };
    // Let the writer get going.
    while store.chunk_count("w1").expect("count") < 5 {
        thread::yield_now();
    }
    let mut outs = Vec::new();
    for i in 0..3 {
        let out = tmp.path().join(format!("b{i}.hearthbk"));
        store.backup(&out, false).expect("backup");
        outs.push(out);
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("writer thread");
    assert!(written > 0);

    for (i, out) in outs.iter().enumerate() {
        let target = tmp.path().join(format!("restored{i}"));
        Store::restore(&target, out, PASS, false).expect("restore");
        let r = Store::open(&target, PASS).expect("open restored");
        let base = r.load("base").expect("load").expect("base");
        assert_eq!(base.chunks.len(), 20);
        let w1 = r.load("w1").expect("load").expect("w1");
        let w2 = r.load("w2").expect("load").expect("w2");
        assert_eq!(w1.chunks, w2.chunks, "backup is not a consistent snapshot");
        assert!(!w1.chunks.is_empty());
        // No leftovers of the restore or the backup temp files.
        let names: Vec<String> = snapshot_dir(&target).into_keys().collect();
        assert!(
            names
                .iter()
                .all(|n| n.starts_with("hearth.db") && !n.contains("restoring") || n == "key.json"),
            "unexpected files {names:?}"
        );
    }
    let leftovers: Vec<String> = snapshot_dir(tmp.path())
        .into_keys()
        .filter(|n| n.starts_with(".hearth-backup"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn backup_refuses_to_overwrite_without_force() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store.append_chunk("d", "case", b"one").expect("append");
    let out = tmp.path().join("b.hearthbk");
    fs::write(&out, b"precious").expect("write");
    assert!(matches!(
        store.backup(&out, false),
        Err(StoreError::OutputExists)
    ));
    assert_eq!(fs::read(&out).expect("read"), b"precious");
    store.backup(&out, true).expect("forced backup");
    assert!(fs::read(&out).expect("read").starts_with(b"HEARTHBK"));
}

#[test]
fn restore_checks_everything_before_touching_the_target() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store
        .append_chunk("d", "case", b"from backup")
        .expect("append");
    let out = tmp.path().join("b.hearthbk");
    store.backup(&out, false).expect("backup");
    drop(store);

    // An existing workspace with different content is the target.
    let target = tmp.path().join("target");
    let existing =
        Store::create(&target, "target pass", KdfParams::fast_for_tests()).expect("create");
    existing
        .append_chunk("d", "case", b"existing")
        .expect("append");
    drop(existing);
    let before = snapshot_dir(&target);

    // Without force: refused.
    assert!(matches!(
        Store::restore(&target, &out, PASS, false),
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(snapshot_dir(&target), before);

    // Wrong passphrase: refused, untouched.
    let err = Store::restore(&target, &out, "wrong", true).expect_err("wrong pass");
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert_eq!(snapshot_dir(&target), before);

    // Truncated backups, cut anywhere: Corrupt, untouched.
    let full = fs::read(&out).expect("read");
    let cut_file = tmp.path().join("cut.hearthbk");
    for cut in [0, 5, 12, 100, full.len() / 2, full.len() - 1] {
        fs::write(&cut_file, &full[..cut]).expect("write");
        let r = Store::restore(&target, &cut_file, PASS, true);
        assert!(matches!(r, Err(StoreError::Corrupt(_))), "cut {cut}: {r:?}");
        assert_eq!(snapshot_dir(&target), before);
    }

    // A damaged page in the middle of the database copy: Corrupt, untouched.
    let mut damaged = full.clone();
    let at = full.len() - 2000;
    damaged[at..at + 8].copy_from_slice(&[0xff; 8]);
    fs::write(&cut_file, &damaged).expect("write");
    let r = Store::restore(&target, &cut_file, PASS, true);
    assert!(matches!(r, Err(StoreError::Corrupt(_))), "damaged: {r:?}");
    assert_eq!(snapshot_dir(&target), before);

    // With force and the right passphrase: replaced.
    Store::restore(&target, &out, PASS, true).expect("restore");
    let r = Store::open(&target, PASS).expect("open with backup's passphrase");
    assert_eq!(
        r.load("d").expect("load").expect("d").concat(),
        b"from backup"
    );
    assert!(matches!(
        Store::open(&target, "target pass"),
        Err(StoreError::WrongPassphrase)
    ));
}

#[test]
fn restored_workspace_is_fully_usable() {
    let tmp = tempdir();
    let (_dir, store) = new_store(tmp.path());
    store.set_meta("team_doc_id", b"t").expect("meta");
    store.append_chunk("d", "case", b"a").expect("append");
    store.compact("d", b"a", 1).expect("compact");
    store.append_chunk("d", "case", b"b").expect("append");
    let out = tmp.path().join("b.hearthbk");
    store.backup(&out, false).expect("backup");

    let target = tmp.path().join("new").join("ws");
    Store::restore(&target, &out, PASS, false).expect("restore");
    let r = Store::open(&target, PASS).expect("open");
    assert_eq!(r.schema_version().expect("version"), 2);
    assert_eq!(
        r.get_meta("team_doc_id").expect("meta").as_deref(),
        Some(&b"t"[..])
    );
    let loaded = r.load("d").expect("load").expect("d");
    assert_eq!(loaded.snapshot.as_deref(), Some(&b"a"[..]));
    assert_eq!(loaded.concat(), b"ab");
    assert_eq!(r.append_chunk("d", "case", b"c").expect("append"), 3);
    r.change_passphrase(PASS, "next", KdfParams::fast_for_tests())
        .expect("change passphrase");
}
