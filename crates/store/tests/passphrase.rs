//! Changing the passphrase re-wraps the same data key; the database is not rewritten.

mod common;

use std::fs;

use common::{PASS, new_store, tempdir};
use hearth_store::{KdfParams, KeyEnvelope, Store, StoreError};

#[test]
fn change_passphrase_rewraps_the_same_key() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    store.append_chunk("d", "case", b"content").expect("append");
    drop(store);
    let store = Store::open(&dir, PASS).expect("open");
    let db_before = fs::read(dir.join("hearth.db")).expect("read db");
    let env_before = KeyEnvelope::load(&dir).expect("envelope");

    assert!(matches!(
        store.change_passphrase("wrong", "new passphrase", KdfParams::fast_for_tests()),
        Err(StoreError::WrongPassphrase)
    ));
    assert_eq!(KeyEnvelope::load(&dir).expect("envelope"), env_before);

    store
        .change_passphrase(PASS, "new passphrase", KdfParams::fast_for_tests())
        .expect("change");
    // The database file was not rewritten (only the envelope changed).
    assert_eq!(fs::read(dir.join("hearth.db")).expect("read db"), db_before);
    drop(store);

    assert!(matches!(
        Store::open(&dir, PASS),
        Err(StoreError::WrongPassphrase)
    ));
    let store = Store::open(&dir, "new passphrase").expect("open with new");
    assert_eq!(
        store.load("d").expect("load").expect("doc").concat(),
        b"content"
    );

    // The same data key comes out of both envelopes: old envelope + old passphrase still
    // opens the (unchanged) database.
    let old_key = env_before.unwrap(PASS).expect("old unwrap");
    let new_key = KeyEnvelope::load(&dir)
        .expect("envelope")
        .unwrap("new passphrase")
        .expect("new unwrap");
    drop(store);
    assert!(Store::open_with_key(&dir, &old_key).is_ok());
    assert!(Store::open_with_key(&dir, &new_key).is_ok());
}

#[test]
fn change_passphrase_can_change_kdf_params() {
    let tmp = tempdir();
    let (dir, store) = new_store(tmp.path());
    let stronger = KdfParams {
        m_cost_kib: 1024,
        t_cost: 2,
        p_cost: 1,
    };
    store
        .change_passphrase(PASS, "second", stronger)
        .expect("change");
    assert_eq!(KeyEnvelope::load(&dir).expect("env").params(), stronger);
    drop(store);
    assert!(Store::open(&dir, "second").is_ok());
}
