//! Sync between the laptops of one team (see hearth-sync for the protocol): the device's
//! sync identity kept in the encrypted store, one session with a peer over TCP, sharing
//! a case with a member, revoking a device, and what status and peers show.
//!
//! Kept in the store's `meta` table (inside the SQLCipher file, so encrypted at rest):
//! `sync.static` (this device's Noise keypair), `sync.team_keys` (current and previous
//! team key), `sync.states.<device>` (Automerge sync states per peer, so a reconnect
//! sends only what changed), `sync.agreed.<device>` (per case, the heads digest both
//! sides shared when the last session with that device finished, so a reconnect offers
//! only the cases that moved since), `sync.last.<device>` (when and what was last
//! synced) and `sync.index` (see `index`).

mod index;
mod pair;
mod serve;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use automerge::AutoCommit;
use hearth_core::team::{DeviceId, TeamDoc};
use hearth_core::{CaseId, MemberId};
use hearth_store::Store;
use hearth_sync::keys::{
    StaticKeys, TeamKeys, fingerprint, key_check, random_key, team_tag, to_hex,
};
use hearth_sync::message::{HeadsDigest, Message};
use hearth_sync::noise::{self, SecureStream};
use hearth_sync::session::{CaseIndex, DocKind, Out, Peer, Progress, Replica, Session};

use index::CaseSeqs;
use serde::{Deserialize, Serialize};

pub use pair::{InviteOptions, JoinRequest, Joined, join};
pub use serve::{ServeOptions, ServeReport, serve};

use crate::error::{ApiError, Result};
use crate::workspace::{KIND_CASE, KIND_TEAM, Workspace};

const META_STATIC: &str = "sync.static";
const META_TEAM_KEYS: &str = "sync.team_keys";
const META_STATES: &str = "sync.states.";
const META_LAST: &str = "sync.last.";
const META_INDEX: &str = "sync.index";
const META_AGREED: &str = "sync.agreed.";
/// A peer that stops answering for this long is dropped.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// Progress for the shells: ids, addresses and counts, never names.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SyncEvent {
    PeerFound {
        fingerprint: String,
        address: String,
    },
    Connected {
        device: String,
    },
    DocumentsToGo {
        device: String,
        count: usize,
    },
    Done {
        device: String,
        received: usize,
        sent: usize,
    },
    Error {
        peer: String,
        code: String,
        message: String,
    },
}

/// What one finished session did.
#[derive(Clone, Debug, Serialize)]
pub struct SyncOutcome {
    pub device: String,
    pub docs_received: usize,
    pub docs_sent: usize,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub change_bytes_sent: u64,
    pub change_bytes_received: u64,
    /// Cases this side loaded from its store for the session (the others were
    /// unchanged and known from the index).
    pub cases_loaded: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LastSync {
    pub at: String,
    pub address: String,
    pub docs_received: usize,
    pub docs_sent: usize,
}

/// One device on the roster, as `peers` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PeerInfo {
    pub device: String,
    pub member: String,
    pub member_name: String,
    pub role: String,
    pub revoked: bool,
    pub this_device: bool,
    pub fingerprint: Option<String>,
    pub last_sync: Option<LastSync>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SyncStatus {
    pub device: String,
    pub fingerprint: String,
    pub team_tag: String,
    pub key_epoch: u32,
    pub cases: usize,
    pub peers: Vec<PeerInfo>,
}

/// Stores a new device's sync identity (at `init` and `join`).
pub(crate) fn store_identity(store: &Store, keys: &StaticKeys, team: &TeamKeys) -> Result<()> {
    store.set_meta(META_STATIC, &keys.to_bytes())?;
    store.set_meta(META_TEAM_KEYS, &team.encode())?;
    Ok(())
}

impl Workspace {
    pub(crate) fn device_id(&self) -> Result<DeviceId> {
        DeviceId::of_actor(&self.actor)
            .ok_or_else(|| ApiError::Corrupt("workspace without a device id".into()))
    }

    /// This device's Noise keys and the team keys, creating them for a workspace made
    /// before sync existed (a team manager only: the roster must name the key).
    pub(crate) fn sync_identity(&mut self) -> Result<(StaticKeys, TeamKeys)> {
        let stored = self
            .store
            .get_meta(META_STATIC)?
            .and_then(|b| StaticKeys::from_bytes(&b));
        let team_keys = self
            .store
            .get_meta(META_TEAM_KEYS)?
            .map(|b| TeamKeys::decode(&b))
            .transpose()?;
        if let (Some(s), Some(t)) = (stored, team_keys) {
            return Ok((s, t));
        }
        let keys = StaticKeys::generate();
        let team = TeamKeys::new(1, random_key());
        let now = self.clock.now();
        let device = self.device_id()?;
        let member = self.member.clone();
        self.team
            .set_device_key(&device, &keys.public_hex(), &member, now)
            .map_err(|_| {
                ApiError::Refused(
                    "this workspace was made before sync; a team manager's device must set it up first"
                        .into(),
                )
            })?;
        self.team
            .set_team_key(1, &key_check(&team.key), &member, now)?;
        self.save_team()?;
        store_identity(&self.store, &keys, &team)?;
        Ok((keys, team))
    }

    /// Who a Noise static key belongs to: a device on the roster, not revoked, of an
    /// active member.
    pub(crate) fn authorize(&self, key: &[u8; 32]) -> Option<Peer> {
        let view = self.team.view().ok()?;
        let device = view.device_by_key(&to_hex(key))?;
        if device.revoked || device.id == self.device_id().ok()? {
            return None;
        }
        let member = view.member(&device.member)?;
        member.active.then(|| Peer {
            device: device.id.clone(),
            member: member.id.clone(),
        })
    }

    /// The documents this device holds, for a session. A case whose store sequence
    /// number equals the one its cached index (`sync.index`) was made at is unchanged
    /// since, so it stays on disk until the session needs its content; any other case
    /// is loaded. `seqs` learns which stored state each loaded case equals, so the
    /// session can index it afterwards ([`Workspace::save_index`]).
    pub(crate) fn replica<'a>(&'a self, seqs: &'a RefCell<CaseSeqs>) -> Result<Replica<'a>> {
        let loaded = self
            .store
            .load(self.team_id.as_str())?
            .ok_or_else(|| ApiError::Corrupt("workspace without its team document".into()))?;
        let team = TeamDoc::load(loaded.parts(), &self.actor)?;
        let cached = self
            .store
            .get_meta(META_INDEX)?
            .map(|b| index::decode(&b))
            .unwrap_or_default();
        let held: BTreeMap<String, u64> = self.store.doc_seqs(KIND_CASE)?.into_iter().collect();
        let mut cases = BTreeMap::new();
        let mut unloaded = BTreeMap::new();
        for (id, seq) in &held {
            match cached.get(id) {
                Some((s, entry)) if s == seq => {
                    unloaded.insert(id.clone(), entry.clone());
                }
                _ => {
                    // The load's own sequence number, not `seq`: the case may have been
                    // written since `doc_seqs` was read.
                    let (doc, at) = load_case_doc(&self.store, &self.actor, id)?;
                    seqs.borrow_mut().loaded(id, at);
                    cases.insert(id.clone(), doc);
                }
            }
        }
        seqs.borrow_mut().held = held;
        let store = &self.store;
        let actor = self.actor.clone();
        Ok(Replica {
            me: self.member.clone(),
            team_id: self.team_id.to_string(),
            team,
            cases,
            unloaded,
            loader: Some(Box::new(move |id: &str| {
                let (doc, at) = load_case_doc(store, &actor, id)
                    .map_err(|e| hearth_sync::SyncError::Document(e.to_string()))?;
                seqs.borrow_mut().loaded(id, at);
                Ok(doc)
            })),
        })
    }

    /// After a session that ended normally (every change it made is stored): index the
    /// cases whose in-memory copy is known to equal the stored document at a sequence
    /// number. The others are left out and loaded again next time.
    fn save_index(&self, replica: &mut Replica<'_>, seqs: &CaseSeqs) -> Result<()> {
        let mut ours = index::Index::new();
        for (id, entry) in &replica.unloaded {
            if let Some(seq) = seqs.held.get(id) {
                ours.insert(id.clone(), (*seq, entry.clone()));
            }
        }
        for (id, doc) in replica.cases.iter_mut() {
            if let Some(seq) = seqs.seq(id) {
                ours.insert(id.clone(), (seq, CaseIndex::of(doc)));
            }
        }
        let stored = self
            .store
            .get_meta(META_INDEX)?
            .map(|b| index::decode(&b))
            .unwrap_or_default();
        let merged = index::merge(stored.clone(), ours);
        if merged != stored {
            self.store.set_meta(META_INDEX, &index::encode(&merged))?;
        }
        Ok(())
    }

    /// Connects to a peer and syncs once.
    pub fn sync_with(
        &mut self,
        addr: SocketAddr,
        on_event: &dyn Fn(SyncEvent),
    ) -> Result<SyncOutcome> {
        let (me, keys) = self.sync_identity()?;
        let attempt = |epoch: u32, key: &[u8; 32]| -> Result<(SecureStream<TcpStream>, Peer)> {
            let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
                .map_err(|e| ApiError::Io(format!("cannot reach {addr}: {e}")))?;
            stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
            stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
            stream.set_nodelay(true).ok();
            let authorize = |k: &[u8; 32]| self.authorize(k);
            Ok(noise::connect(stream, &me, epoch, key, &authorize)?)
        };
        let (secure, peer) = match attempt(keys.epoch, &keys.key) {
            Ok(x) => x,
            // A peer that missed the last key rotation knows only the previous key: it
            // is handed the new one inside the session.
            Err(ApiError::Sync(
                hearth_sync::SyncError::Closed | hearth_sync::SyncError::Handshake,
            )) if keys.previous.is_some() => {
                let (epoch, key) = keys.previous.expect("checked");
                attempt(epoch, &key)?
            }
            Err(e) => return Err(e),
        };
        self.run_session(secure, peer, keys, &addr.to_string(), on_event)
    }

    /// Answers a peer that connected to us, and syncs once.
    pub fn sync_accept(
        &mut self,
        stream: TcpStream,
        on_event: &dyn Fn(SyncEvent),
    ) -> Result<SyncOutcome> {
        let (me, keys) = self.sync_identity()?;
        let addr = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
        stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
        stream.set_nodelay(true).ok();
        let authorize = |k: &[u8; 32]| self.authorize(k);
        let lookup = keys.clone();
        let (secure, peer) =
            noise::accept(stream, &me, |e| lookup.for_epoch(e).copied(), &authorize)?;
        self.run_session(secure, peer, keys, &addr, on_event)
    }

    fn run_session(
        &mut self,
        mut secure: SecureStream<TcpStream>,
        peer: Peer,
        keys: TeamKeys,
        address: &str,
        on_event: &dyn Fn(SyncEvent),
    ) -> Result<SyncOutcome> {
        let device = peer.device.as_str().to_string();
        on_event(SyncEvent::Connected {
            device: device.clone(),
        });
        let states_key = format!("{META_STATES}{device}");
        let states = self
            .store
            .get_meta(&states_key)?
            .map(|b| decode_states(&b))
            .unwrap_or_default();
        let agreed_key = format!("{META_AGREED}{device}");
        let agreed = self
            .store
            .get_meta(&agreed_key)?
            .map(|b| decode_agreed(&b))
            .unwrap_or_default();
        let seqs = RefCell::new(CaseSeqs::default());
        let mut replica = self.replica(&seqs)?;
        let store = &self.store;
        let mut session = Session::new(peer, keys, states, agreed);
        let outs = session.start(&mut replica);
        carry_out(store, &seqs, &mut secure, &device, outs, on_event)?;
        while !session.is_finished() {
            // Handle every message already received, then write what they brought in
            // one transaction, then send the answers: durable before acknowledged, with
            // one fsync per burst instead of one per document.
            let mut outs = Vec::new();
            loop {
                let bytes = secure.recv()?;
                let msg = Message::decode(&bytes)?;
                outs.extend(session.handle(&mut replica, msg)?);
                if session.is_finished() || !secure.has_buffered() {
                    break;
                }
            }
            carry_out(store, &seqs, &mut secure, &device, outs, on_event)?;
        }
        // Only now: a session that failed half-way may hold received changes in memory
        // that never reached the store, so its copies are not indexed.
        self.save_index(&mut replica, &seqs.borrow())?;
        drop(replica);
        let cases_loaded = seqs.borrow().loads;
        self.store
            .set_meta(&states_key, &encode_states(&session.states()))?;
        if let Some(agreed) = session.agreed() {
            self.store.set_meta(&agreed_key, &encode_agreed(agreed))?;
        }
        let last = LastSync {
            at: self.clock.now().to_rfc3339(),
            address: address.to_string(),
            docs_received: session.stats.docs_received,
            docs_sent: session.stats.docs_sent,
        };
        self.store.set_meta(
            &format!("{META_LAST}{device}"),
            &serde_json::to_vec(&last).map_err(|e| ApiError::Io(e.to_string()))?,
        )?;
        // The roster may have changed: read it again from the store.
        self.reload_team()?;
        Ok(SyncOutcome {
            device,
            docs_received: session.stats.docs_received,
            docs_sent: session.stats.docs_sent,
            bytes_sent: secure.traffic.sent,
            bytes_received: secure.traffic.received,
            change_bytes_sent: session.stats.change_bytes_sent,
            change_bytes_received: session.stats.change_bytes_received,
            cases_loaded,
        })
    }

    pub(crate) fn reload_team(&mut self) -> Result<()> {
        let loaded = self
            .store
            .load(self.team_id.as_str())?
            .ok_or_else(|| ApiError::Corrupt("workspace without its team document".into()))?;
        self.team = TeamDoc::load(loaded.parts(), &self.actor)?;
        self.measures = self.team.measures()?;
        Ok(())
    }

    /// Shares a case with a member (its allocated worker or a team manager may).
    pub fn share_case(&mut self, case: &str, member: &str) -> Result<()> {
        let id: CaseId = case.parse()?;
        let member: MemberId = member.parse()?;
        let (mut doc, seq) = self.load_case(&id)?;
        let view = self.team.view()?;
        doc.share(&view, &member, &self.member, self.clock.now())?;
        self.save_case(&id, doc, seq)
    }

    /// Stops sharing a case with a member. What their devices already hold stays there
    /// (encrypted at rest); they receive no further changes.
    pub fn unshare_case(&mut self, case: &str, member: &str) -> Result<()> {
        let id: CaseId = case.parse()?;
        let member: MemberId = member.parse()?;
        let (mut doc, seq) = self.load_case(&id)?;
        let view = self.team.view()?;
        doc.unshare(&view, &member, &self.member, self.clock.now())?;
        self.save_case(&id, doc, seq)
    }

    /// Revokes a device (team managers only): a roster without it and a new team key,
    /// handed to the other devices at their next sync. The revoked device can no longer
    /// connect; what it already holds stays on it, protected by its passphrase.
    pub fn revoke_device(&mut self, device: &str) -> Result<()> {
        let device = DeviceId::parse(device)?;
        if device == self.device_id()? {
            return Err(ApiError::Refused(
                "this device cannot revoke itself; revoke it from another team manager's device"
                    .into(),
            ));
        }
        let (_, mut keys) = self.sync_identity()?;
        let new_key = random_key();
        let epoch = keys.epoch + 1;
        let now = self.clock.now();
        let member = self.member.clone();
        self.team
            .revoke_device(&device, epoch, &key_check(&new_key), &member, now)?;
        // The new key is stored before the roster naming it, so a crash between the
        // two leaves a key nobody uses yet rather than a roster without its key.
        keys.rotate(epoch, new_key);
        self.store.set_meta(META_TEAM_KEYS, &keys.encode())?;
        self.save_team()
    }

    pub fn peers(&self) -> Result<Vec<PeerInfo>> {
        let view = self.team.view()?;
        let me = self.device_id()?;
        let mut out = Vec::new();
        for d in &view.devices {
            let member = view.member(&d.member);
            let last = self
                .store
                .get_meta(&format!("{META_LAST}{}", d.id.as_str()))?
                .and_then(|b| serde_json::from_slice(&b).ok());
            out.push(PeerInfo {
                device: d.id.as_str().to_string(),
                member: d.member.to_string(),
                member_name: member.map(|m| m.name.clone()).unwrap_or_default(),
                role: member
                    .map(|m| m.role.as_str().to_string())
                    .unwrap_or_default(),
                revoked: d.revoked,
                this_device: d.id == me,
                fingerprint: d
                    .key
                    .as_deref()
                    .and_then(hearth_sync::keys::from_hex::<32>)
                    .map(|k| fingerprint(&k)),
                last_sync: last,
            });
        }
        Ok(out)
    }

    pub fn sync_status(&mut self) -> Result<SyncStatus> {
        let (me, keys) = self.sync_identity()?;
        Ok(SyncStatus {
            device: self.device_id()?.as_str().to_string(),
            fingerprint: fingerprint(&me.public),
            team_tag: team_tag(self.team_id.as_str()),
            key_epoch: keys.epoch,
            cases: self.store.list_docs(KIND_CASE)?.len(),
            peers: self.peers()?,
        })
    }
}

fn encode_states(states: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (doc, s) in states {
        out.push(doc.len() as u8);
        out.extend_from_slice(doc.as_bytes());
        out.extend_from_slice(&(s.len() as u32).to_be_bytes());
        out.extend_from_slice(s);
    }
    out
}

/// Sync states are an optimisation: unreadable ones are dropped (a full exchange).
fn decode_states(mut bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    while let Some((&n, rest)) = bytes.split_first() {
        let n = n as usize;
        if rest.len() < n + 4 {
            break;
        }
        let doc = String::from_utf8_lossy(&rest[..n]).to_string();
        let len = u32::from_be_bytes([rest[n], rest[n + 1], rest[n + 2], rest[n + 3]]) as usize;
        let rest = &rest[n + 4..];
        if rest.len() < len {
            break;
        }
        out.insert(doc, rest[..len].to_vec());
        bytes = &rest[len..];
    }
    out
}

fn encode_agreed(agreed: &BTreeMap<String, HeadsDigest>) -> Vec<u8> {
    let mut out = Vec::new();
    for (doc, digest) in agreed {
        out.push(doc.len() as u8);
        out.extend_from_slice(doc.as_bytes());
        out.extend_from_slice(digest);
    }
    out
}

/// An unreadable record is dropped: the `Hello` digests then differ and the next
/// session offers every case.
fn decode_agreed(mut bytes: &[u8]) -> BTreeMap<String, HeadsDigest> {
    let mut out = BTreeMap::new();
    while let Some((&n, rest)) = bytes.split_first() {
        let n = n as usize;
        let Some((doc, rest)) = rest.split_at_checked(n) else {
            return BTreeMap::new();
        };
        let Some((digest, rest)) = rest.split_first_chunk::<8>() else {
            return BTreeMap::new();
        };
        out.insert(String::from_utf8_lossy(doc).to_string(), *digest);
        bytes = rest;
    }
    out
}

/// Carries out a session's actions in order: a received change is durable (the store
/// commits with `synchronous=FULL`) before the next message, our acknowledgement,
/// is sent.
fn carry_out(
    store: &Store,
    seqs: &RefCell<CaseSeqs>,
    secure: &mut SecureStream<TcpStream>,
    device: &str,
    outs: Vec<Out>,
    on_event: &dyn Fn(SyncEvent),
) -> Result<()> {
    let batch: Vec<(&str, &str, &[u8])> = outs
        .iter()
        .filter_map(|o| match o {
            Out::Persist { doc, kind, bytes } => Some((
                doc.as_str(),
                match kind {
                    DocKind::Team => KIND_TEAM,
                    DocKind::Case => KIND_CASE,
                },
                bytes.as_slice(),
            )),
            _ => None,
        })
        .collect();
    if !batch.is_empty() {
        let appended = store.append_chunks(&batch)?;
        let mut seqs = seqs.borrow_mut();
        for ((doc, kind, _), seq) in batch.iter().zip(appended) {
            if *kind == KIND_CASE {
                seqs.appended(doc, seq);
            }
        }
    }
    // Sent together at the end, packed into as few encrypted frames as fit.
    let mut sends = Vec::new();
    for out in outs {
        match out {
            Out::Persist { .. } => {}
            Out::Send(m) => sends.push(m.encode()),
            Out::NewTeamKey(k) => {
                store.set_meta(META_TEAM_KEYS, &k.encode())?;
            }
            Out::Event(Progress::DocumentsToGo(count)) => on_event(SyncEvent::DocumentsToGo {
                device: device.to_string(),
                count,
            }),
            Out::Event(Progress::Done { received, sent }) => on_event(SyncEvent::Done {
                device: device.to_string(),
                received,
                sent,
            }),
            Out::Event(Progress::DocumentSynced) => {}
        }
    }
    let sends: Vec<&[u8]> = sends.iter().map(Vec::as_slice).collect();
    secure.send_all(&sends)?;
    Ok(())
}

/// A case with the sequence number it is stored at (read with its content).
fn load_case_doc(store: &Store, actor: &automerge::ActorId, id: &str) -> Result<(AutoCommit, u64)> {
    let l = store
        .load(id)?
        .ok_or_else(|| ApiError::Corrupt(format!("case {id} is missing")))?;
    let doc =
        AutoCommit::load(&l.concat()).map_err(|e| ApiError::Corrupt(format!("case {id}: {e}")))?;
    Ok((doc.with_actor(actor.clone()), l.last_seq))
}
