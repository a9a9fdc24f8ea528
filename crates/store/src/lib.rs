//! Hearth's encrypted workspace store.
//!
//! A workspace directory holds `hearth.db` (SQLCipher, WAL mode) and `key.json` (the data
//! key wrapped under an Argon2id-derived key). The store knows nothing about Automerge or
//! the domain: a document is an id, a kind, incremental byte chunks and an optional
//! compacted snapshot.
//!
//! ```no_run
//! # fn main() -> hearth_store::Result<()> {
//! use hearth_store::{KdfParams, Store};
//! let dir = std::path::Path::new("/some/workspace");
//! let store = Store::create(dir, "passphrase", KdfParams::default())?;
//! let seq = store.append_chunk("9b2e…", "case", b"change bytes")?;
//! let loaded = store.load("9b2e…")?;
//! # let _ = (seq, loaded);
//! # Ok(()) }
//! ```
//!
//! Next to each document the store can keep a derived read model written by the caller
//! (`append_chunk_with_view`, `put_view`): a `summary` blob for lists and a `view` blob.
//! It is returned (`load_view`, `list_summaries`) only while it was computed at the
//! document's current last sequence number; otherwise callers rebuild it from `load`.
//!
//! Nothing this crate writes to disk, logs or returns in an error contains document
//! content, passphrases or key material.

mod backup;
mod connection;
mod documents;
mod error;
mod fsutil;
mod hex;
mod keys;
mod layout;
mod schema;
mod store;
mod views;

pub use documents::Loaded;
pub use error::{Result, StoreError};
pub use keys::{DataKey, KdfParams, KeyEnvelope};
pub use store::Store;
pub use views::ChunkWithView;
