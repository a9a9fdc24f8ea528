//! The sync protocol's messages and their binary encoding: one tag byte, then fields
//! with explicit lengths. `decode` checks every length against the input and refuses
//! trailing bytes; it never panics (fuzzed in `fuzz/`).

use crate::wire::{Reader, put_bytes, put_text, put_u32};
use crate::{Result, SyncError};

pub const PROTOCOL_VERSION: u8 = 2;

/// A short digest of a document's heads: equal digests mean the two copies are equal,
/// so the document is skipped without a round trip.
pub type HeadsDigest = [u8; 8];

/// A digest of the per-case heads digests two devices agreed on at the end of their
/// last session (see `session`): equal on both sides means both may leave out of their
/// offers every case still at its agreed digest.
pub type AgreedDigest = [u8; 16];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// First message of a session: the protocol version, the sender's team-key epoch
    /// and the digest of what it agreed with the receiver last time.
    Hello {
        version: u8,
        key_epoch: u32,
        agreed: AgreedDigest,
    },
    /// The cases the sender holds and may share with the receiver.
    Offer { docs: Vec<(String, HeadsDigest)> },
    /// One Automerge sync message for one document.
    Sync { doc: String, data: Vec<u8> },
    /// The sender will not sync this document with the receiver (no access).
    Decline { doc: String },
    /// A newer team key, sent over the authenticated channel to a roster peer.
    TeamKey { epoch: u32, key: [u8; 32] },
    /// The sender has nothing more to say in this phase after `received` messages.
    Done { phase: u8, received: u64 },
}

const HELLO: u8 = 1;
const OFFER: u8 = 2;
const SYNC: u8 = 3;
const DECLINE: u8 = 4;
const TEAM_KEY: u8 = 5;
const DONE: u8 = 6;

/// Document ids are lowercase hex (random ids): checked on decode so an id from the
/// network is safe to use as a store key and never carries text.
pub fn valid_doc_id(id: &str) -> bool {
    (16..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
}

fn doc_id(r: &mut Reader<'_>) -> Result<String> {
    let id = r.text()?;
    if !valid_doc_id(id) {
        return Err(SyncError::Malformed("bad document id"));
    }
    Ok(id.to_string())
}

impl Message {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Message::Hello {
                version,
                key_epoch,
                agreed,
            } => {
                out.push(HELLO);
                out.push(*version);
                put_u32(&mut out, *key_epoch);
                out.extend_from_slice(agreed);
            }
            Message::Offer { docs } => {
                out.push(OFFER);
                put_u32(&mut out, docs.len() as u32);
                for (id, digest) in docs {
                    put_text(&mut out, id);
                    out.extend_from_slice(digest);
                }
            }
            Message::Sync { doc, data } => {
                out.push(SYNC);
                put_text(&mut out, doc);
                put_bytes(&mut out, data);
            }
            Message::Decline { doc } => {
                out.push(DECLINE);
                put_text(&mut out, doc);
            }
            Message::TeamKey { epoch, key } => {
                out.push(TEAM_KEY);
                put_u32(&mut out, *epoch);
                out.extend_from_slice(key);
            }
            Message::Done { phase, received } => {
                out.push(DONE);
                out.push(*phase);
                out.extend_from_slice(&received.to_be_bytes());
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Message> {
        let mut r = Reader::new(bytes);
        let msg = match r.u8()? {
            HELLO => Message::Hello {
                version: r.u8()?,
                key_epoch: r.u32()?,
                agreed: r.array::<16>()?,
            },
            OFFER => {
                let n = r.count(1 + 16 + 8)?;
                let mut docs = Vec::with_capacity(n);
                for _ in 0..n {
                    let id = doc_id(&mut r)?;
                    docs.push((id, r.array::<8>()?));
                }
                Message::Offer { docs }
            }
            SYNC => Message::Sync {
                doc: doc_id(&mut r)?,
                data: r.bytes()?.to_vec(),
            },
            DECLINE => Message::Decline {
                doc: doc_id(&mut r)?,
            },
            TEAM_KEY => Message::TeamKey {
                epoch: r.u32()?,
                key: r.array::<32>()?,
            },
            DONE => Message::Done {
                phase: r.u8()?,
                received: r.u64()?,
            },
            _ => return Err(SyncError::Malformed("unknown message type")),
        };
        r.finish()?;
        Ok(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id_strategy() -> impl Strategy<Value = String> {
        "[0-9a-f]{32}"
    }

    fn message_strategy() -> impl Strategy<Value = Message> {
        prop_oneof![
            (any::<u8>(), any::<u32>(), any::<[u8; 16]>()).prop_map(
                |(version, key_epoch, agreed)| Message::Hello {
                    version,
                    key_epoch,
                    agreed
                }
            ),
            proptest::collection::vec((id_strategy(), any::<[u8; 8]>()), 0..5)
                .prop_map(|docs| Message::Offer { docs }),
            (
                id_strategy(),
                proptest::collection::vec(any::<u8>(), 0..100)
            )
                .prop_map(|(doc, data)| Message::Sync { doc, data }),
            id_strategy().prop_map(|doc| Message::Decline { doc }),
            (any::<u32>(), any::<[u8; 32]>())
                .prop_map(|(epoch, key)| Message::TeamKey { epoch, key }),
            (any::<u8>(), any::<u64>())
                .prop_map(|(phase, received)| Message::Done { phase, received }),
        ]
    }

    proptest! {
        #[test]
        fn round_trips(m in message_strategy()) {
            prop_assert_eq!(Message::decode(&m.encode()).unwrap(), m);
        }

        #[test]
        fn truncated_or_extended_is_refused(m in message_strategy(), extra in 1u8..=255) {
            let bytes = m.encode();
            for cut in 0..bytes.len() {
                prop_assert!(Message::decode(&bytes[..cut]).is_err());
            }
            let mut longer = bytes.clone();
            longer.push(extra);
            prop_assert!(Message::decode(&longer).is_err());
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Message::decode(&bytes);
        }
    }

    #[test]
    fn ids_with_text_are_refused() {
        let bad = Message::Decline {
            doc: "Smith family 12345".into(),
        }
        .encode();
        assert!(Message::decode(&bad).is_err());
    }
}
