//! hearth-sync: discovery, pairing, authenticated encrypted transport and
//! access-filtered document sync between the laptops of one team, with no server.
//!
//! The pieces are pure and testable on their own: `frame` (length-prefixed frames with a
//! maximum size), `message` (the binary protocol messages), `session` (the per-peer sync
//! state machine over Automerge's sync protocol; it decides what is offered, requested
//! and answered with `hearth_core::access`), `noise` (the Noise handshake and encrypted
//! stream over any `Read + Write`), `pairing` (the one-time code and the PAKE that hands
//! the roster and team key to a new device), `discovery` (the mDNS record, and the
//! daemon wrapper) and `keys` (fingerprints, team tags, key checks). hearth-api composes
//! them with the store and sockets.

pub mod discovery;
mod error;
pub mod frame;
pub mod keys;
pub mod message;
pub mod noise;
pub mod pairing;
pub mod session;
mod wire;

pub use error::SyncError;

pub type Result<T, E = SyncError> = std::result::Result<T, E>;
