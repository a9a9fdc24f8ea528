//! Rough timing of unlocking a workspace with the default (strong) KDF parameters.
//! Run: `cargo run -p hearth-store --release --example open_timing`

use std::time::Instant;

use hearth_store::{KdfParams, KeyEnvelope, Store};

fn main() -> hearth_store::Result<()> {
    let tmp = tempfile::tempdir().map_err(|source| hearth_store::StoreError::Io {
        op: "creating a temporary directory",
        source,
    })?;
    let dir = tmp.path().join("ws");
    let pass = "a reasonably long passphrase";

    let t = Instant::now();
    let store = Store::create(&dir, pass, KdfParams::default())?;
    println!("create (default KDF):          {:?}", t.elapsed());
    for i in 0..2000u32 {
        store.append_chunk(&format!("doc-{}", i % 50), "case", &[7u8; 1500])?;
    }
    drop(store);
    let db_len = std::fs::metadata(dir.join("hearth.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("database size:                 {} KiB", db_len / 1024);

    for _ in 0..3 {
        let t = Instant::now();
        let store = Store::open(&dir, pass)?;
        println!("Store::open (default KDF):     {:?}", t.elapsed());
        drop(store);
    }
    let t = Instant::now();
    let envelope = KeyEnvelope::load(&dir)?;
    let key = envelope.unwrap(pass)?;
    println!("load + unwrap (Argon2id only): {:?}", t.elapsed());
    let t = Instant::now();
    let store = Store::open_with_key(&dir, &key)?;
    println!("open_with_key (no KDF):        {:?}", t.elapsed());
    drop(store);
    Ok(())
}
