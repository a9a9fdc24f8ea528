//! One sync session with one peer, as a state machine without I/O: messages in,
//! actions out ([`Out`]). The driver (sockets in hearth-api, an in-memory network in
//! the tests) must carry out each `Out` in order: a `Persist` is made durable before
//! any later `Send`, so what we acknowledge is on disk.
//!
//! A session has two phases. **Team**: both sides exchange `Hello` and sync the team
//! document; every received team change is checked (only a team manager's device
//! changes the roster) before it is kept. **Cases**: with the roster now agreed, each
//! side `Offer`s the cases it holds that the peer may hold (`hearth_core::access`), with
//! a digest of their heads so equal copies are skipped; then Automerge's sync protocol
//! runs per case. A case is answered only if the peer may hold it (else `Decline`); a
//! case we do not have is received in memory and stored only once it is complete and
//! the rule says *we* may hold it, so a member without access never stores it.
//!
//! Offers shrink on a reconnect: at the end of a session each side records, per case,
//! the heads digest both sides are known to share ([`Session::agreed`]; the driver keeps
//! it per peer). The next `Hello` carries a digest of that record; when both records
//! are equal, an offer lists only the cases whose digest moved away from the agreed
//! one, and a case missing from the peer's offer is taken to be at its agreed digest.
//! When the records differ (one side's last session broke off, a restored backup), the
//! offers list every case, as on a first session.
//!
//! A phase ends with `Done { received }` messages: a side that handled a message and
//! had nothing to say sends `Done` with the count of messages it has received; when a
//! side gets a `Done` whose count equals what it has sent, both have said all they had
//! and the phase is over (TCP keeps messages in order, so nothing is in flight).

use std::collections::{BTreeMap, BTreeSet};

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use hearth_core::MemberId;
use hearth_core::access::{CaseAccess, case_access, may_hold};
use hearth_core::team::{DeviceId, TeamDoc, TeamView};
use sha2::{Digest, Sha256};

use crate::keys::{KEY_LEN, TeamKeys, key_check};
use crate::message::{AgreedDigest, HeadsDigest, Message, PROTOCOL_VERSION, valid_doc_id};
use crate::{Result, SyncError};

/// The documents one device holds for the length of a session: the team document and
/// the cases in memory, plus cases left on disk because what an offer needs of them is
/// known without loading them (most cases are unchanged between two sessions).
pub struct Replica<'a> {
    /// Whose device this is: decides which cases it may receive.
    pub me: MemberId,
    pub team_id: String,
    pub team: TeamDoc,
    pub cases: BTreeMap<String, AutoCommit>,
    /// Cases held but not loaded, with their heads digest and access fields.
    pub unloaded: BTreeMap<String, CaseIndex>,
    /// Loads a case of `unloaded` when the session needs its content.
    pub loader: Option<CaseLoader<'a>>,
}

/// Loads one case from the store.
pub type CaseLoader<'a> = Box<dyn FnMut(&str) -> Result<AutoCommit> + 'a>;

/// What an offer needs of a case: kept per case by the driver so an unchanged case
/// need not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseIndex {
    pub digest: HeadsDigest,
    pub access: Option<CaseAccess>,
}

impl CaseIndex {
    pub fn of(doc: &mut AutoCommit) -> CaseIndex {
        CaseIndex {
            digest: heads_digest(&doc.get_heads()),
            access: case_access(doc),
        }
    }
}

impl<'a> Replica<'a> {
    /// A replica with every case in memory.
    pub fn new(
        me: MemberId,
        team_id: String,
        team: TeamDoc,
        cases: BTreeMap<String, AutoCommit>,
    ) -> Replica<'a> {
        Replica {
            me,
            team_id,
            team,
            cases,
            unloaded: BTreeMap::new(),
            loader: None,
        }
    }

    fn holds(&self, id: &str) -> bool {
        self.cases.contains_key(id) || self.unloaded.contains_key(id)
    }

    /// Brings a held case into memory (no-op if it already is, or is not held).
    fn load(&mut self, id: &str) -> Result<()> {
        if self.unloaded.remove(id).is_some() {
            let loader = self
                .loader
                .as_mut()
                .ok_or_else(|| SyncError::Document("a case is not loaded".into()))?;
            let doc = loader(id)?;
            self.cases.insert(id.to_string(), doc);
        }
        Ok(())
    }
}

/// Which kind of document a `Persist` is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Team,
    Case,
}

/// Who is on the other end, as the roster says after the handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub device: DeviceId,
    pub member: MemberId,
}

/// Progress for the UI. Carries ids and counts, never names or content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The number of cases still being exchanged with the peer.
    DocumentsToGo(usize),
    /// One document brought up to date with the peer.
    DocumentSynced,
    /// The session ended with both sides up to date.
    Done { received: usize, sent: usize },
}

/// What the driver must do, in order.
#[derive(Debug)]
pub enum Out {
    Send(Message),
    /// New changes of a document to append to the store, before any later `Send`.
    Persist {
        doc: String,
        kind: DocKind,
        bytes: Vec<u8>,
    },
    /// A newer team key, checked against the team document: store it.
    NewTeamKey(TeamKeys),
    Event(Progress),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Team = 1,
    Cases = 2,
    Finished = 3,
}

/// Counts of one session (for status and benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Documents that gained changes from the peer.
    pub docs_received: usize,
    /// Documents the peer gained changes from us.
    pub docs_sent: usize,
    /// Bytes of Automerge changes carried in the sync messages we sent.
    pub change_bytes_sent: u64,
    pub change_bytes_received: u64,
}

pub struct Session {
    peer: Peer,
    keys: TeamKeys,
    phase: Phase,
    /// Protocol messages sent and received, `Done` excluded.
    sent: u64,
    received: u64,
    /// The received count our last `Done` carried, so each is sent once.
    last_done: Option<u64>,
    states: BTreeMap<String, sync::State>,
    /// Cases being received that we do not hold yet: kept in memory only.
    pending: BTreeMap<String, AutoCommit>,
    declined: BTreeSet<String>,
    offered_key: Option<TeamKeys>,
    pub stats: Stats,
    sent_to: BTreeSet<String>,
    received_from: BTreeSet<String>,
    /// Per case, the heads digest both sides shared at the end of the last session.
    agreed: BTreeMap<String, HeadsDigest>,
    /// Whether the peer's record of that equals ours (its `Hello` said so): then
    /// offers carry only the cases that moved.
    delta: bool,
    /// The peer's heads digest per case, as its offer said (or implied).
    peer_digests: BTreeMap<String, HeadsDigest>,
    /// Cases whose Automerge sync ran in this session.
    synced: BTreeSet<String>,
    /// What this session ends agreeing on, once finished.
    agreed_after: Option<BTreeMap<String, HeadsDigest>>,
}

/// The digest of an agreed record (see the module notes), order-independent.
pub fn agreed_digest(agreed: &BTreeMap<String, HeadsDigest>) -> AgreedDigest {
    let mut h = Sha256::new();
    for (id, digest) in agreed {
        h.update([id.len() as u8]);
        h.update(id.as_bytes());
        h.update(digest);
    }
    let full: [u8; 32] = h.finalize().into();
    let mut d = [0u8; 16];
    d.copy_from_slice(&full[..16]);
    d
}

/// The digest of a document's heads (order-independent).
pub fn heads_digest(heads: &[ChangeHash]) -> HeadsDigest {
    let mut sorted: Vec<&ChangeHash> = heads.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for head in sorted {
        h.update(head.0);
    }
    let full: [u8; 32] = h.finalize().into();
    let mut d = [0u8; 8];
    d.copy_from_slice(&full[..8]);
    d
}

fn change_bytes(msg: &sync::Message) -> u64 {
    msg.changes.iter().map(|c| c.len() as u64).sum()
}

impl Session {
    /// `states` are the per-document sync states kept from the last session with this
    /// peer (see [`Session::states`]), so a reconnect sends only what changed; `agreed`
    /// is what the last finished session with it agreed on ([`Session::agreed`]).
    pub fn new(
        peer: Peer,
        keys: TeamKeys,
        states: BTreeMap<String, Vec<u8>>,
        agreed: BTreeMap<String, HeadsDigest>,
    ) -> Session {
        let states = states
            .into_iter()
            .filter_map(|(doc, bytes)| Some((doc, sync::State::decode(&bytes).ok()?)))
            .collect();
        Session {
            peer,
            keys,
            phase: Phase::Team,
            sent: 0,
            received: 0,
            last_done: None,
            states,
            pending: BTreeMap::new(),
            declined: BTreeSet::new(),
            offered_key: None,
            stats: Stats::default(),
            sent_to: BTreeSet::new(),
            received_from: BTreeSet::new(),
            agreed,
            delta: false,
            peer_digests: BTreeMap::new(),
            synced: BTreeSet::new(),
            agreed_after: None,
        }
    }

    /// Per case, the heads digest both sides are known to share now: keep it for the
    /// next session with this peer. `None` until the session has finished (a session
    /// that broke off agrees on nothing new: keep the previous record, or none).
    pub fn agreed(&self) -> Option<&BTreeMap<String, HeadsDigest>> {
        self.agreed_after.as_ref()
    }

    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Finished
    }

    /// The sync states to keep for the next session with this peer.
    pub fn states(&self) -> BTreeMap<String, Vec<u8>> {
        self.states
            .iter()
            .map(|(doc, s)| (doc.clone(), s.encode()))
            .collect()
    }

    /// The first messages: `Hello` and our side of the team document.
    pub fn start(&mut self, replica: &mut Replica<'_>) -> Vec<Out> {
        let mut out = Vec::new();
        self.send(
            &mut out,
            Message::Hello {
                version: PROTOCOL_VERSION,
                key_epoch: self.keys.epoch,
                agreed: agreed_digest(&self.agreed),
            },
        );
        let team_id = replica.team_id.clone();
        let state = self.states.entry(team_id.clone()).or_default();
        if let Some(m) = replica.team.automerge().sync().generate_sync_message(state) {
            self.stats.change_bytes_sent += change_bytes(&m);
            self.send(
                &mut out,
                Message::Sync {
                    doc: team_id,
                    data: m.encode(),
                },
            );
        }
        out
    }

    fn send(&mut self, out: &mut Vec<Out>, msg: Message) {
        if !matches!(msg, Message::Done { .. }) {
            self.sent += 1;
        }
        out.push(Out::Send(msg));
    }

    /// Handles one message from the peer. An error means the peer broke the protocol
    /// or the rules: the driver closes the connection.
    pub fn handle(&mut self, replica: &mut Replica<'_>, msg: Message) -> Result<Vec<Out>> {
        let mut out = Vec::new();
        if self.phase == Phase::Finished {
            return Ok(out);
        }
        let sent_before = self.sent;
        match msg {
            Message::Done { phase, received } => {
                self.received_done(replica, phase, received, &mut out)?;
                return Ok(out);
            }
            Message::Hello {
                version,
                key_epoch,
                agreed,
            } => {
                self.received += 1;
                if version != PROTOCOL_VERSION {
                    return Err(SyncError::Protocol(format!(
                        "the peer speaks protocol {version}; update Hearth on both devices"
                    )));
                }
                self.delta = agreed == agreed_digest(&self.agreed);
                if key_epoch < self.keys.epoch {
                    // The peer missed a key rotation; it can check this key against
                    // the team document it is about to receive.
                    self.send(
                        &mut out,
                        Message::TeamKey {
                            epoch: self.keys.epoch,
                            key: self.keys.key,
                        },
                    );
                }
            }
            Message::TeamKey { epoch, key } => {
                self.received += 1;
                if epoch > self.keys.epoch {
                    let mut k = self.keys.clone();
                    k.rotate(epoch, key);
                    self.offered_key = Some(k);
                    self.try_accept_key(replica, &mut out)?;
                }
            }
            Message::Offer { docs } => {
                self.received += 1;
                self.received_offer(replica, docs, &mut out)?;
            }
            Message::Decline { doc } => {
                self.received += 1;
                self.pending.remove(&doc);
                self.declined.insert(doc);
            }
            Message::Sync { doc, data } => {
                self.received += 1;
                let msg = sync::Message::decode(&data)
                    .map_err(|_| SyncError::Malformed("bad Automerge sync message"))?;
                self.stats.change_bytes_received += change_bytes(&msg);
                if doc == replica.team_id {
                    self.received_team(replica, msg, &mut out)?;
                } else {
                    self.received_case(replica, doc, msg, &mut out)?;
                }
            }
        }
        if self.sent == sent_before {
            self.send_done(&mut out);
        }
        Ok(out)
    }

    fn send_done(&mut self, out: &mut Vec<Out>) {
        if self.last_done != Some(self.received) {
            self.last_done = Some(self.received);
            let phase = self.phase as u8;
            self.send(
                out,
                Message::Done {
                    phase,
                    received: self.received,
                },
            );
        }
    }

    fn received_done(
        &mut self,
        replica: &mut Replica<'_>,
        phase: u8,
        received: u64,
        out: &mut Vec<Out>,
    ) -> Result<()> {
        if phase != self.phase as u8 || received != self.sent {
            // Crossed with messages of ours the peer has not handled yet: it will
            // answer them, or send another `Done`.
            return Ok(());
        }
        self.send_done(out);
        match self.phase {
            Phase::Team => {
                self.phase = Phase::Cases;
                self.try_accept_key(replica, out)?;
                let docs = self.offers(replica)?;
                out.push(Out::Event(Progress::DocumentsToGo(docs.len())));
                self.send(out, Message::Offer { docs });
            }
            Phase::Cases => {
                self.phase = Phase::Finished;
                self.try_accept_key(replica, out)?;
                self.agreed_after = Some(self.agreement(replica)?);
                out.push(Out::Event(Progress::Done {
                    received: self.received_from.len(),
                    sent: self.sent_to.len(),
                }));
                self.stats.docs_received = self.received_from.len();
                self.stats.docs_sent = self.sent_to.len();
            }
            Phase::Finished => {}
        }
        Ok(())
    }

    /// A newer team key is kept only when the team document (changed only by team
    /// managers) names its epoch and hash.
    fn try_accept_key(&mut self, replica: &mut Replica<'_>, out: &mut Vec<Out>) -> Result<()> {
        let Some(k) = &self.offered_key else {
            return Ok(());
        };
        let view = replica.team.view()?;
        if view.key_epoch == k.epoch && view.key_check.as_deref() == Some(&key_check(&k.key)) {
            self.keys = k.clone();
            out.push(Out::NewTeamKey(k.clone()));
            self.offered_key = None;
        }
        Ok(())
    }

    fn peer_may_hold(&self, view: &TeamView, access: Option<&CaseAccess>) -> bool {
        access.is_some_and(|a| may_hold(view, &self.peer.member, a))
    }

    /// Every case we hold that the peer may hold, with its heads digest.
    fn for_peer(
        &self,
        view: &TeamView,
        replica: &mut Replica<'_>,
    ) -> BTreeMap<String, HeadsDigest> {
        let mut docs = BTreeMap::new();
        for (id, doc) in replica.cases.iter_mut() {
            let index = CaseIndex::of(doc);
            if self.peer_may_hold(view, index.access.as_ref()) {
                docs.insert(id.clone(), index.digest);
            }
        }
        for (id, index) in &replica.unloaded {
            if self.peer_may_hold(view, index.access.as_ref()) {
                docs.insert(id.clone(), index.digest);
            }
        }
        docs
    }

    /// The cases we hold that the peer may hold, with their heads digests; when both
    /// sides' agreed records are equal, only those that moved since.
    fn offers(&mut self, replica: &mut Replica<'_>) -> Result<Vec<(String, HeadsDigest)>> {
        let view = replica.team.view()?;
        Ok(self
            .for_peer(&view, replica)
            .into_iter()
            .filter(|(id, digest)| !self.delta || self.agreed.get(id) != Some(digest))
            .collect())
    }

    /// At the end: the cases we hold that the peer may hold and whose heads the peer
    /// shares, as far as this session showed: for a case synced here, the heads the
    /// peer last told us equal ours; for any other, its offered (or agreed) digest
    /// equals ours. Both sides compute this from the same exchange; if they still come
    /// out different, the next `Hello`s show it and the offers are full again.
    fn agreement(&mut self, replica: &mut Replica<'_>) -> Result<BTreeMap<String, HeadsDigest>> {
        let view = replica.team.view()?;
        let mut agreed = BTreeMap::new();
        for (id, digest) in self.for_peer(&view, replica) {
            let shared = if self.synced.contains(&id) {
                self.states
                    .get(&id)
                    .and_then(|s| s.their_heads.as_ref())
                    .is_some_and(|theirs| heads_digest(theirs) == digest)
            } else {
                self.peer_digests.get(&id) == Some(&digest)
            };
            if shared {
                agreed.insert(id, digest);
            }
        }
        Ok(agreed)
    }

    fn received_offer(
        &mut self,
        replica: &mut Replica<'_>,
        docs: Vec<(String, HeadsDigest)>,
        out: &mut Vec<Out>,
    ) -> Result<()> {
        let view = replica.team.view()?;
        let mut theirs: BTreeMap<String, HeadsDigest> = docs.into_iter().collect();
        if self.delta {
            // Left out of the offer: still at the digest both sides agreed on.
            for (id, digest) in &self.agreed {
                theirs.entry(id.clone()).or_insert(*digest);
            }
        }
        self.peer_digests = theirs.clone();
        let mut start = Vec::new();
        for (id, digest) in self.for_peer(&view, replica) {
            if theirs.get(&id) != Some(&digest) {
                replica.load(&id)?;
                start.push(id);
            }
        }
        for id in theirs.keys() {
            if id != &replica.team_id && !replica.holds(id) && !self.declined.contains(id) {
                // Offered because the peer's roster says we may hold it; whether we
                // keep it is decided again here once it has arrived.
                self.pending.entry(id.clone()).or_default();
                start.push(id.clone());
            }
        }
        for id in start {
            self.generate(replica, &id, out);
        }
        Ok(())
    }

    fn generate(&mut self, replica: &mut Replica<'_>, id: &str, out: &mut Vec<Out>) {
        let doc = match replica.cases.get_mut(id) {
            Some(d) => d,
            None => match self.pending.get_mut(id) {
                Some(d) => d,
                None => return,
            },
        };
        self.synced.insert(id.to_string());
        let state = self.states.entry(id.to_string()).or_default();
        let generated = doc.sync().generate_sync_message(state);
        if let Some(m) = generated {
            let bytes = change_bytes(&m);
            if bytes > 0 {
                self.sent_to.insert(id.to_string());
            }
            self.stats.change_bytes_sent += bytes;
            let data = m.encode();
            self.send(
                out,
                Message::Sync {
                    doc: id.to_string(),
                    data,
                },
            );
        }
    }

    fn received_team(
        &mut self,
        replica: &mut Replica<'_>,
        msg: sync::Message,
        out: &mut Vec<Out>,
    ) -> Result<()> {
        let id = replica.team_id.clone();
        let mut state = self.states.remove(&id).unwrap_or_default();
        // Receive into a copy first: a change not written by a team manager's device
        // must never reach the roster this device trusts.
        let mut scratch = replica.team.automerge().clone();
        let mut scratch_state = state.clone();
        scratch
            .sync()
            .receive_sync_message(&mut scratch_state, msg)?;
        replica
            .team
            .check_received(&mut scratch)
            .map_err(|e| SyncError::Protocol(format!("team document refused: {e}")))?;
        let before = replica.team.automerge().get_heads();
        // Checked: merge what the copy received and keep its sync state.
        replica.team.automerge().merge(&mut scratch)?;
        state = scratch_state;
        if replica.team.automerge().get_heads() != before {
            let bytes = replica.team.save_incremental();
            out.push(Out::Persist {
                doc: id.clone(),
                kind: DocKind::Team,
                bytes,
            });
            self.received_from.insert(id.clone());
            self.try_accept_key(replica, out)?;
        }
        let generated = replica
            .team
            .automerge()
            .sync()
            .generate_sync_message(&mut state);
        self.states.insert(id.clone(), state);
        if let Some(m) = generated {
            self.stats.change_bytes_sent += change_bytes(&m);
            self.send(
                out,
                Message::Sync {
                    doc: id,
                    data: m.encode(),
                },
            );
        }
        Ok(())
    }

    fn received_case(
        &mut self,
        replica: &mut Replica<'_>,
        id: String,
        msg: sync::Message,
        out: &mut Vec<Out>,
    ) -> Result<()> {
        if !valid_doc_id(&id) {
            return Err(SyncError::Malformed("bad document id"));
        }
        let view = replica.team.view()?;
        replica.load(&id)?;
        self.synced.insert(id.clone());
        if let Some(doc) = replica.cases.get_mut(&id) {
            if !case_access(doc).is_some_and(|a| may_hold(&view, &self.peer.member, &a)) {
                // Not for this peer: say so, and answer nothing about it.
                self.send(out, Message::Decline { doc: id });
                return Ok(());
            }
            let state = self.states.entry(id.clone()).or_default();
            let before = doc.get_heads();
            doc.sync().receive_sync_message(state, msg)?;
            if doc.get_heads() != before {
                out.push(Out::Persist {
                    doc: id.clone(),
                    kind: DocKind::Case,
                    bytes: doc.save_after(&before),
                });
                self.received_from.insert(id.clone());
                out.push(Out::Event(Progress::DocumentSynced));
            }
            self.generate(replica, &id, out);
            return Ok(());
        }
        if self.declined.contains(&id) {
            return Ok(());
        }
        let doc = self.pending.entry(id.clone()).or_default();
        let state = self.states.entry(id.clone()).or_default();
        doc.sync().receive_sync_message(state, msg)?;
        // Decide only once we hold everything the peer has: an early part of the
        // history could grant access that a later change takes away.
        let complete = !doc.get_heads().is_empty()
            && state
                .their_heads
                .as_ref()
                .is_some_and(|heads| heads.iter().all(|h| doc.get_change_by_hash(h).is_some()));
        if complete {
            let mut doc = self.pending.remove(&id).expect("just used");
            let mine = case_access(&doc).is_some_and(|a| may_hold(&view, &replica.me, &a));
            if !mine {
                self.declined.insert(id.clone());
                self.states.remove(&id);
                self.send(out, Message::Decline { doc: id });
                return Ok(());
            }
            out.push(Out::Persist {
                doc: id.clone(),
                kind: DocKind::Case,
                bytes: doc.save(),
            });
            self.received_from.insert(id.clone());
            out.push(Out::Event(Progress::DocumentSynced));
            replica.cases.insert(id.clone(), doc);
        }
        self.generate(replica, &id, out);
        Ok(())
    }
}

/// The key a peer hands over is 32 bytes; re-exported for drivers that store it.
pub const TEAM_KEY_LEN: usize = KEY_LEN;
