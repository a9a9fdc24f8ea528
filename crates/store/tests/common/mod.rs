//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hearth_store::{KdfParams, Store};

pub const PASS: &str = "correct horse battery staple";

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A fresh workspace at `<tmp>/ws`.
pub fn new_store(tmp: &Path) -> (PathBuf, Store) {
    let dir = tmp.join("ws");
    let store = Store::create(&dir, PASS, KdfParams::fast_for_tests()).expect("create");
    (dir, store)
}

/// Every file in `dir` (not recursive) with its full contents, for exact before/after
/// comparison.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let e = e.expect("dir entry");
        if e.file_type().expect("file type").is_file() {
            out.insert(
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read"),
            );
        }
    }
    out
}

/// Deterministic bytes that differ per (doc, n).
pub fn chunk_bytes(doc: usize, n: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (doc * 31 + n * 7 + i) as u8).collect()
}
