//! The per-case index kept in meta `sync.index`, so a session need not load a case
//! that is unchanged since it was indexed: per case, the store sequence number it was
//! made at, with the heads digest and access fields of the document stored at exactly
//! that sequence number.
//!
//! An entry is only ever written for a sequence number at which we *know* the stored
//! document equals the copy the digest was computed from ([`CaseSeqs`]). Sequence
//! numbers only grow, so an entry for an older number is simply not used: a write by
//! another process (the desktop app and the CLI share the file) can make an entry
//! useless, never wrong.

use std::collections::BTreeMap;

use hearth_sync::session::CaseIndex;

/// Which stored state each case's in-memory copy in a session equals.
#[derive(Debug, Default)]
pub(crate) struct CaseSeqs {
    /// Every case in the store when the session began, with its sequence number then.
    pub(crate) held: BTreeMap<String, u64>,
    /// For each case loaded or written in the session: `Some(seq)` if the in-memory
    /// copy equals the stored document at `seq`; `None` once that is not known.
    known: BTreeMap<String, Option<u64>>,
    /// How many cases were loaded from the store for the session.
    pub(crate) loads: usize,
}

impl CaseSeqs {
    /// A case was loaded from the store; `seq` is the load's own last sequence number
    /// (read in the same transaction as the content).
    pub(crate) fn loaded(&mut self, id: &str, seq: u64) {
        self.loads += 1;
        self.known.insert(id.to_string(), Some(seq));
    }

    /// The session's changes to a case were appended as chunk `seq`. The copy in memory
    /// is what is stored at `seq` only if the document was at the copy's sequence number
    /// just before the append (`Store::append_chunks` reads both in one transaction). A
    /// case we did not hold when the session began is new: it was at 0.
    pub(crate) fn appended(&mut self, id: &str, seq: u64) {
        let base = match self.known.get(id) {
            Some(known) => *known,
            None if !self.held.contains_key(id) => Some(0),
            // Held but never loaded: cannot be; trust nothing.
            None => None,
        };
        let now = (base.is_some() && base == seq.checked_sub(1)).then_some(seq);
        self.known.insert(id.to_string(), now);
    }

    /// The sequence number the in-memory copy of `id` is known to equal, if any.
    pub(crate) fn seq(&self, id: &str) -> Option<u64> {
        self.known.get(id).copied().flatten()
    }
}

pub(crate) type Index = BTreeMap<String, (u64, CaseIndex)>;

/// Adds `ours` to the index `stored` now holds (another session of this device may have
/// written it meanwhile): per case the entry with the higher sequence number wins. Every
/// entry of either is true for its sequence number, so the merge is too.
pub(crate) fn merge(mut stored: Index, ours: Index) -> Index {
    for (id, (seq, entry)) in ours {
        match stored.get(&id) {
            Some((s, _)) if *s > seq => {}
            _ => {
                stored.insert(id, (seq, entry));
            }
        }
    }
    stored
}

type IndexEntry = (u64, [u8; 8], Option<(String, Vec<String>)>);

pub(crate) fn encode(index: &Index) -> Vec<u8> {
    let plain: BTreeMap<&String, IndexEntry> = index
        .iter()
        .map(|(id, (seq, i))| {
            let access = i.access.as_ref().map(|a| {
                (
                    a.allocated_to.to_string(),
                    a.shared_with.iter().map(|m| m.to_string()).collect(),
                )
            });
            (id, (*seq, i.digest, access))
        })
        .collect();
    serde_json::to_vec(&plain).unwrap_or_default()
}

/// An unreadable index is dropped (every case is loaded once more).
pub(crate) fn decode(bytes: &[u8]) -> Index {
    let Ok(plain) = serde_json::from_slice::<BTreeMap<String, IndexEntry>>(bytes) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (id, (seq, digest, access)) in plain {
        let access = match access {
            None => None,
            Some((allocated, shared)) => {
                let Ok(allocated_to) = allocated.parse() else {
                    continue;
                };
                let Ok(shared_with) = shared.iter().map(|m| m.parse()).collect() else {
                    continue;
                };
                Some(hearth_core::access::CaseAccess {
                    allocated_to,
                    shared_with,
                })
            }
        };
        out.insert(id, (seq, CaseIndex { digest, access }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(ids: &[(&str, u64)]) -> CaseSeqs {
        CaseSeqs {
            held: ids.iter().map(|(i, s)| (i.to_string(), *s)).collect(),
            ..CaseSeqs::default()
        }
    }

    #[test]
    fn a_case_is_known_only_while_every_append_followed_the_last() {
        let mut s = held(&[("a", 4)]);
        s.loaded("a", 4);
        s.appended("a", 5);
        assert_eq!(s.seq("a"), Some(5));
        // Another writer took 6: our chunk 7 sits on top of a state we never saw.
        s.appended("a", 7);
        assert_eq!(s.seq("a"), None);
        // And it stays unknown, even if a later append happens to follow directly.
        s.appended("a", 8);
        assert_eq!(s.seq("a"), None);
    }

    #[test]
    fn a_new_case_is_known_only_if_it_was_not_there_before() {
        let mut s = held(&[]);
        s.appended("new", 1);
        assert_eq!(s.seq("new"), Some(1));
        let mut s = held(&[]);
        // Someone else created it first.
        s.appended("new", 2);
        assert_eq!(s.seq("new"), None);
    }

    #[test]
    fn a_held_case_that_was_never_loaded_is_not_trusted() {
        let mut s = held(&[("a", 3)]);
        s.appended("a", 4);
        assert_eq!(s.seq("a"), None);
    }

    #[test]
    fn merge_keeps_the_newer_entry_per_case() {
        let e = |d: u8| CaseIndex {
            digest: [d; 8],
            access: None,
        };
        let stored: Index = [("a".into(), (5, e(1))), ("b".into(), (2, e(2)))].into();
        let ours: Index = [("a".into(), (4, e(3))), ("b".into(), (3, e(4)))].into();
        let m = merge(stored, ours);
        assert_eq!(m["a"], (5, e(1)));
        assert_eq!(m["b"], (3, e(4)));
    }

    #[test]
    fn the_index_round_trips_and_garbage_is_dropped() {
        let i: Index = [(
            "0123456789abcdef0123456789abcdef".into(),
            (
                9,
                CaseIndex {
                    digest: [7; 8],
                    access: None,
                },
            ),
        )]
        .into();
        assert_eq!(decode(&encode(&i)), i);
        assert!(decode(b"not json").is_empty());
    }
}
