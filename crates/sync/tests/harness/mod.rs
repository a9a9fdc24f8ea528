//! An in-memory network of devices for fast, deterministic sync tests: each device has
//! a "disk" (the chunks its sessions asked to persist) and an in-memory replica rebuilt
//! from that disk when the device is killed. Sessions are driven message by message,
//! with faults injected by a seeded random generator.

#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};

use automerge::{AutoCommit, ROOT, transaction::Transactable};
use chrono::{TimeZone, Utc};
use hearth_core::access::{case_access, may_hold};
use hearth_core::case::{CaseDoc, NewCase};
use hearth_core::team::{DeviceId, NewTeam, TeamDoc};
use hearth_core::{CaseId, EpisodeId, MemberId, MemberRole, TeamId};
use hearth_sync::keys::{TeamKeys, key_check};
use hearth_sync::message::{HeadsDigest, Message};
use hearth_sync::session::{DocKind, Out, Peer, Replica, Session};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

pub struct Device {
    pub device: DeviceId,
    pub member: MemberId,
    pub team_id: String,
    /// What reached the disk: per document, its kind and chunks in order.
    pub disk: BTreeMap<String, (DocKind, Vec<Vec<u8>>)>,
    pub replica: Replica<'static>,
    /// Per peer device: the kept sync states.
    pub states: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// Per peer device: what the last session it finished agreed on.
    pub agreed: BTreeMap<String, BTreeMap<String, HeadsDigest>>,
    pub keys: TeamKeys,
    session: u64,
}

impl Device {
    fn actor(&mut self) -> automerge::ActorId {
        self.session += 1;
        self.device.actor(self.session.to_be_bytes())
    }

    /// A crash: everything not on disk is lost.
    pub fn restart(&mut self) {
        let actor = self.actor();
        let (_, team_chunks) = &self.disk[&self.team_id];
        let team = TeamDoc::load(team_chunks.iter().map(Vec::as_slice), &actor).unwrap();
        let mut cases = BTreeMap::new();
        for (id, (kind, chunks)) in &self.disk {
            if *kind == DocKind::Case {
                let bytes: Vec<u8> = chunks.concat();
                cases.insert(
                    id.clone(),
                    AutoCommit::load(&bytes).unwrap().with_actor(actor.clone()),
                );
            }
        }
        self.replica = Replica::new(self.member.clone(), self.team_id.clone(), team, cases);
    }

    fn persist(&mut self, doc: String, kind: DocKind, bytes: Vec<u8>) {
        self.disk
            .entry(doc)
            .or_insert((kind, Vec::new()))
            .1
            .push(bytes);
    }

    pub fn create_case(&mut self, allocated_to: &MemberId, family: &str, seed: u8) -> String {
        let actor = self.actor();
        let id = CaseId::from_random([seed; 16]);
        let mut case = CaseDoc::create(
            NewCase {
                id: id.clone(),
                first_episode: EpisodeId::from_random([seed ^ 0x55; 16]),
                family_name: family.into(),
                reference: None,
                allocated_to: allocated_to.clone(),
            },
            &actor,
            now().date_naive(),
            now(),
        )
        .unwrap();
        let bytes = case.save();
        self.persist(id.to_string(), DocKind::Case, bytes.clone());
        self.replica.cases.insert(
            id.to_string(),
            AutoCommit::load(&bytes).unwrap().with_actor(actor),
        );
        id.to_string()
    }

    /// A small edit to a case this device holds (a note under a random key).
    pub fn edit(&mut self, case: &str, key: &str, value: i64) {
        let actor = self.actor();
        let doc = self.replica.cases.get_mut(case).expect("held");
        doc.set_actor(actor);
        let before = doc.get_heads();
        doc.put(ROOT, key, value).unwrap();
        doc.commit();
        let bytes = doc.save_after(&before);
        self.persist(case.to_string(), DocKind::Case, bytes);
    }

    pub fn share(&mut self, case: &str, with: &MemberId) {
        let actor = self.actor();
        let view = self.replica.team.view().unwrap();
        let doc = self.replica.cases.get_mut(case).expect("held");
        let mut c = CaseDoc::load([doc.save().as_slice()], &actor).unwrap();
        c.share(&view, with, &self.member, now()).unwrap();
        let mut merged = AutoCommit::load(&c.save()).unwrap();
        let before = doc.get_heads();
        doc.merge(&mut merged).unwrap();
        let bytes = doc.save_after(&before);
        self.persist(case.to_string(), DocKind::Case, bytes);
    }

    pub fn team_change(&mut self, f: impl FnOnce(&mut TeamDoc, &MemberId)) {
        let member = self.member.clone();
        f(&mut self.replica.team, &member);
        let bytes = self.replica.team.save_incremental();
        let id = self.team_id.clone();
        self.persist(id, DocKind::Team, bytes);
    }

    pub fn holds(&self, case: &str) -> bool {
        self.disk.contains_key(case)
    }

    pub fn heads(&mut self, case: &str) -> Option<Vec<automerge::ChangeHash>> {
        self.replica.cases.get_mut(case).map(|d| {
            let mut h = d.get_heads();
            h.sort();
            h
        })
    }

    pub fn team_heads(&mut self) -> Vec<automerge::ChangeHash> {
        let mut h = self.replica.team.automerge().get_heads();
        h.sort();
        h
    }
}

/// The people of the test team and their devices.
pub struct Team {
    pub devices: Vec<Device>,
}

pub const ROLES: &[MemberRole] = &[
    MemberRole::TeamManager,
    MemberRole::SocialWorker,
    MemberRole::DomesticAbusePractitioner,
    MemberRole::SocialWorker,
    MemberRole::MentalHealthPractitioner,
];

/// A team whose first member is a team manager; `n` devices, one per member.
pub fn team(n: usize) -> Team {
    let team_id = TeamId::from_random([7; 16]);
    let members: Vec<MemberId> = (0..n)
        .map(|i| MemberId::from_random([i as u8 + 1; 16]))
        .collect();
    let devices: Vec<DeviceId> = (0..n)
        .map(|i| DeviceId::from_random([i as u8 + 101; 16]))
        .collect();
    let key = [9u8; 32];
    let actor = devices[0].actor([0; 8]);
    let mut doc = TeamDoc::create_with_keys(
        NewTeam {
            id: team_id.clone(),
            name: "Test team".into(),
            first_member: members[0].clone(),
            member_name: "Manager".into(),
            member_role: MemberRole::TeamManager,
            device: devices[0].clone(),
        },
        Some(("00", &key_check(&key))),
        &actor,
        now(),
    )
    .unwrap();
    for (i, (member, device)) in members.iter().zip(&devices).enumerate().skip(1) {
        doc.add_member(
            member,
            &format!("Member {i}"),
            ROLES[i % ROLES.len()],
            &members[0],
            now(),
        )
        .unwrap();
        doc.add_device(device, member, &format!("{i:02}"), &members[0], now())
            .unwrap();
    }
    let bytes = doc.save();
    let devices = (0..n)
        .map(|i| {
            let mut d = Device {
                device: devices[i].clone(),
                member: members[i].clone(),
                team_id: team_id.to_string(),
                disk: BTreeMap::from([(team_id.to_string(), (DocKind::Team, vec![bytes.clone()]))]),
                replica: Replica::new(
                    members[i].clone(),
                    team_id.to_string(),
                    TeamDoc::load([bytes.as_slice()], &actor).unwrap(),
                    BTreeMap::new(),
                ),
                states: BTreeMap::new(),
                agreed: BTreeMap::new(),
                keys: TeamKeys::new(1, key),
                session: 0,
            };
            d.restart();
            d
        })
        .collect();
    Team { devices }
}

/// Faults injected into one session's message stream.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    pub drop: f64,
    pub duplicate: f64,
    pub reorder: f64,
    /// Kill one side (restart from disk) with this chance at each step.
    pub kill: f64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Finished,
    Broken,
    Killed,
}

/// Runs one session between devices `a` and `b` (a connection), delivering messages
/// with the faults given. A side that finished keeps what the session agreed on, even
/// if the other side did not finish (as a real device does). Sync states are kept only when the session finishes (a
/// broken connection keeps what reached the disk, nothing else).
pub fn session(team: &mut Team, a: usize, b: usize, faults: Faults, rng: &mut StdRng) -> Ending {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    let (left, right) = team.devices.split_at_mut(y);
    let (da, db) = (&mut left[x], &mut right[0]);
    let pa = Peer {
        device: db.device.clone(),
        member: db.member.clone(),
    };
    let pb = Peer {
        device: da.device.clone(),
        member: da.member.clone(),
    };
    let mut sa = Session::new(
        pa,
        da.keys.clone(),
        da.states
            .get(db.device.as_str())
            .cloned()
            .unwrap_or_default(),
        da.agreed
            .get(db.device.as_str())
            .cloned()
            .unwrap_or_default(),
    );
    let mut sb = Session::new(
        pb,
        db.keys.clone(),
        db.states
            .get(da.device.as_str())
            .cloned()
            .unwrap_or_default(),
        db.agreed
            .get(da.device.as_str())
            .cloned()
            .unwrap_or_default(),
    );
    let mut queues: [VecDeque<Message>; 2] = [VecDeque::new(), VecDeque::new()];
    let outs = sa.start(&mut da.replica);
    apply(da, outs, &mut queues[0], faults, rng);
    let outs = sb.start(&mut db.replica);
    apply(db, outs, &mut queues[1], faults, rng);
    for _ in 0..100_000 {
        if sa.is_finished() && sb.is_finished() {
            da.states
                .insert(db.device.as_str().to_string(), sa.states());
            db.states
                .insert(da.device.as_str().to_string(), sb.states());
            return Ending::Finished;
        }
        if faults.kill > 0.0 && rng.random_bool(faults.kill) {
            if rng.random_bool(0.5) {
                da.restart()
            } else {
                db.restart()
            }
            return Ending::Killed;
        }
        let ready: Vec<usize> = (0..2).filter(|i| !queues[*i].is_empty()).collect();
        if ready.is_empty() {
            return Ending::Broken;
        }
        let from = ready[rng.random_range(0..ready.len())];
        let msg = queues[from].pop_front().unwrap();
        let result = if from == 0 {
            sb.handle(&mut db.replica, msg)
                .map(|outs| apply(db, outs, &mut queues[1], faults, rng))
        } else {
            sa.handle(&mut da.replica, msg)
                .map(|outs| apply(da, outs, &mut queues[0], faults, rng))
        };
        if result.is_err() {
            return Ending::Broken;
        }
        // A side that finished keeps its record at once, like a real device.
        if let Some(agreed) = sa.agreed() {
            da.agreed
                .insert(db.device.as_str().to_string(), agreed.clone());
        }
        if let Some(agreed) = sb.agreed() {
            db.agreed
                .insert(da.device.as_str().to_string(), agreed.clone());
        }
    }
    Ending::Broken
}

fn apply(
    d: &mut Device,
    outs: Vec<Out>,
    queue: &mut VecDeque<Message>,
    faults: Faults,
    rng: &mut StdRng,
) {
    for out in outs {
        match out {
            Out::Persist { doc, kind, bytes } => d.persist(doc, kind, bytes),
            Out::NewTeamKey(k) => d.keys = k,
            Out::Event(_) => {}
            Out::Send(m) => {
                if faults.drop > 0.0 && rng.random_bool(faults.drop) {
                    continue;
                }
                if faults.duplicate > 0.0 && rng.random_bool(faults.duplicate) {
                    queue.push_back(m.clone());
                }
                queue.push_back(m);
                if faults.reorder > 0.0 && queue.len() >= 2 && rng.random_bool(faults.reorder) {
                    let n = queue.len();
                    queue.swap(n - 1, n - 2);
                }
            }
        }
    }
}

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Clean sessions between every pair until a whole round changes nothing.
pub fn heal(team: &mut Team, rng: &mut StdRng) {
    let n = team.devices.len();
    for _ in 0..6 {
        for a in 0..n {
            for b in (a + 1)..n {
                assert_eq!(
                    session(team, a, b, Faults::default(), rng),
                    Ending::Finished
                );
            }
        }
    }
}

/// Every device holds exactly the cases its member may hold, all at the same heads as
/// the union of every copy, and the same team document.
pub fn assert_converged(team: &mut Team) {
    let team_heads = team.devices[0].team_heads();
    for d in &mut team.devices {
        assert_eq!(d.team_heads(), team_heads, "team document differs");
    }
    let mut union: BTreeMap<String, AutoCommit> = BTreeMap::new();
    for d in &mut team.devices {
        for (id, doc) in d.replica.cases.iter_mut() {
            match union.get_mut(id) {
                Some(u) => {
                    u.merge(doc).unwrap();
                }
                None => {
                    union.insert(id.clone(), doc.clone());
                }
            }
        }
    }
    let view = team.devices[0].replica.team.view().unwrap();
    for (id, u) in union.iter_mut() {
        let access = case_access(u).expect("a case");
        let mut want = u.get_heads();
        want.sort();
        for d in &mut team.devices {
            if may_hold(&view, &d.member, &access) {
                assert_eq!(
                    d.heads(id).as_ref(),
                    Some(&want),
                    "case differs or missing on a device with access"
                );
            } else {
                assert!(!d.holds(id), "a device without access stored a case");
            }
        }
    }
}
