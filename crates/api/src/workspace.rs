//! An unlocked workspace: the encrypted store, the team document, and who this device
//! acts as. Every user action is a method in one of the sibling modules.

use std::path::{Path, PathBuf};

use automerge::ActorId;
use hearth_core::case::CaseDoc;
use hearth_core::measures::MeasureSet;
use hearth_core::team::{DeviceId, NewTeam, TeamDoc, TeamView};
use hearth_core::{CaseId, MemberId, MemberRole, TeamId};
use hearth_store::{DataKey, KdfParams, KeyEnvelope, Store};
use rand::Rng;

use crate::clock::{Clock, SystemClock};
use crate::error::{ApiError, Result};

pub(crate) const KIND_CASE: &str = "case";
pub(crate) const KIND_TEAM: &str = "team";
pub(crate) const META_TEAM: &str = "team_id";
pub(crate) const META_MEMBER: &str = "member_id";
pub(crate) const META_DEVICE: &str = "device_id";
/// Incremental chunks kept per document before they are folded into a snapshot.
const COMPACT_AFTER_CHUNKS: u64 = 64;

pub struct Workspace {
    pub(crate) dir: PathBuf,
    pub(crate) store: Store,
    pub(crate) team: TeamDoc,
    pub(crate) team_id: TeamId,
    pub(crate) member: MemberId,
    pub(crate) actor: ActorId,
    pub(crate) measures: MeasureSet,
    pub(crate) clock: Box<dyn Clock>,
    /// Local-norms inputs per case, reused while the case is unchanged.
    pub(crate) norms: std::sync::Mutex<crate::norms::NormsCache>,
    /// The case saved last, still loaded (see [`Workspace::load_case`]).
    pub(crate) kept: std::sync::Mutex<Option<KeptCase>>,
}

/// A case document as it was saved, at the store sequence number of that save. A
/// meeting's ratings are written to one case one after another, and loading the
/// Automerge document is most of a write's time; the kept copy is used only while
/// the store still ends at that sequence number (no other writer since).
pub(crate) struct KeptCase {
    id: CaseId,
    doc: CaseDoc,
    seq: u64,
}

/// What `init` needs: the team and the first member (this device's user).
pub struct InitRequest<'a> {
    pub team_name: &'a str,
    pub member_name: &'a str,
    pub member_role: &'a str,
}

/// Who this workspace acts as.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WhoAmI {
    pub team: String,
    pub member: MemberId,
    pub name: String,
    pub role: MemberRole,
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill(&mut b);
    b
}

impl Workspace {
    /// True when `dir` already holds a workspace.
    pub fn exists(dir: &Path) -> bool {
        Store::exists(dir)
    }

    /// Creates a new workspace with a new team whose first member is this device's user.
    /// Refuses an existing workspace. Everything is checked before anything is written.
    pub fn init(
        dir: &Path,
        passphrase: &str,
        request: InitRequest<'_>,
        kdf: KdfParams,
        clock: Box<dyn Clock>,
    ) -> Result<Workspace> {
        if Store::exists(dir) {
            return Err(ApiError::WorkspaceExists(dir.display().to_string()));
        }
        check_passphrase(passphrase)?;
        let role: MemberRole = request.member_role.parse()?;
        let now = clock.now();
        let device = DeviceId::from_random(random_bytes());
        let actor = device.actor(random_bytes());
        let team_id = TeamId::from_random(random_bytes());
        let member = MemberId::from_random(random_bytes());
        // Sync identity: this device's Noise key and the team's first key, named in the
        // founding change of the roster (see `sync`).
        let sync_keys = hearth_sync::keys::StaticKeys::generate();
        let team_keys = hearth_sync::keys::TeamKeys::new(1, hearth_sync::keys::random_key());
        let key_check = hearth_sync::keys::key_check(&team_keys.key);
        // Build the team document first: a bad name fails here, before any file exists.
        let mut team = TeamDoc::create_with_keys(
            NewTeam {
                id: team_id.clone(),
                name: request.team_name.to_string(),
                first_member: member.clone(),
                member_name: request.member_name.to_string(),
                member_role: role,
                device: device.clone(),
            },
            Some((&sync_keys.public_hex(), &key_check)),
            &actor,
            now,
        )?;
        let store = Store::create(dir, passphrase, kdf)?;
        crate::sync::store_identity(&store, &sync_keys, &team_keys)?;
        store.set_meta(META_DEVICE, device.as_str().as_bytes())?;
        store.set_meta(META_MEMBER, member.as_str().as_bytes())?;
        store.set_meta(META_TEAM, team_id.as_str().as_bytes())?;
        store.append_chunk(team_id.as_str(), KIND_TEAM, &team.save_incremental())?;
        let measures = team.measures()?;
        Ok(Workspace {
            dir: dir.to_path_buf(),
            store,
            team,
            team_id,
            member,
            actor,
            measures,
            clock,
            norms: Default::default(),
            kept: Default::default(),
        })
    }

    /// Unlocks an existing workspace with the passphrase.
    pub fn open(dir: &Path, passphrase: &str, clock: Box<dyn Clock>) -> Result<Workspace> {
        if !Store::exists(dir) {
            return Err(ApiError::NoWorkspace(dir.display().to_string()));
        }
        let store = Store::open(dir, passphrase)?;
        Self::from_store(dir, store, clock)
    }

    /// The slow half of unlocking: derive the key-encryption key from the passphrase
    /// (Argon2id) and unwrap the data key. Separate so the app can do it off the UI
    /// thread and benchmarks can time the rest alone.
    pub fn unwrap_key(dir: &Path, passphrase: &str) -> Result<DataKey> {
        if !Store::exists(dir) {
            return Err(ApiError::NoWorkspace(dir.display().to_string()));
        }
        Ok(KeyEnvelope::load(dir)?.unwrap(passphrase)?)
    }

    /// The fast half of unlocking: open the encrypted file with an unwrapped data key.
    pub fn open_with_key(dir: &Path, key: &DataKey, clock: Box<dyn Clock>) -> Result<Workspace> {
        let store = Store::open_with_key(dir, key)?;
        Self::from_store(dir, store, clock)
    }

    /// Unlocks with the system clock.
    pub fn open_default(dir: &Path, passphrase: &str) -> Result<Workspace> {
        Self::open(dir, passphrase, Box::new(SystemClock))
    }

    pub(crate) fn from_store(dir: &Path, store: Store, clock: Box<dyn Clock>) -> Result<Workspace> {
        let meta = |key: &str| -> Result<String> {
            let bytes = store
                .get_meta(key)?
                .ok_or_else(|| ApiError::Corrupt(format!("workspace without {key}")))?;
            String::from_utf8(bytes).map_err(|_| ApiError::Corrupt(format!("bad {key}")))
        };
        let device = DeviceId::parse(&meta(META_DEVICE)?)?;
        let member: MemberId = meta(META_MEMBER)?.parse()?;
        let team_id: TeamId = meta(META_TEAM)?.parse()?;
        let actor = device.actor(random_bytes());
        let loaded = store
            .load(team_id.as_str())?
            .ok_or_else(|| ApiError::Corrupt("workspace without its team document".into()))?;
        let team = TeamDoc::load(loaded.parts(), &actor)?;
        let measures = team.measures()?;
        Ok(Workspace {
            dir: dir.to_path_buf(),
            store,
            team,
            team_id,
            member,
            actor,
            measures,
            clock,
            norms: Default::default(),
            kept: Default::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn team(&self) -> Result<TeamView> {
        Ok(self.team.view()?)
    }

    pub fn measures(&self) -> &MeasureSet {
        &self.measures
    }

    pub fn whoami(&self) -> Result<WhoAmI> {
        let team = self.team.view()?;
        let me = team.member(&self.member).ok_or_else(|| {
            ApiError::Corrupt("this workspace's member is not in the roster".into())
        })?;
        Ok(WhoAmI {
            team: team.name.clone(),
            member: me.id.clone(),
            name: me.name.clone(),
            role: me.role,
        })
    }

    /// Re-wraps the data key under a new passphrase; nothing else is re-encrypted.
    pub fn change_passphrase(&mut self, old: &str, new: &str) -> Result<()> {
        check_passphrase(new)?;
        self.store
            .change_passphrase(old, new, KdfParams::default())?;
        Ok(())
    }

    // ---- documents -------------------------------------------------------------

    pub(crate) fn case_ids(&self) -> Result<Vec<CaseId>> {
        self.store
            .list_docs(KIND_CASE)?
            .into_iter()
            .map(|id| id.parse().map_err(ApiError::from))
            .collect()
    }

    /// Loads a case document, with the store's sequence number it is current at.
    pub(crate) fn load_case(&self, id: &CaseId) -> Result<(CaseDoc, u64)> {
        let kept = self
            .kept
            .lock()
            .ok()
            .and_then(|mut k| k.take_if(|k| &k.id == id));
        if let Some(k) = kept
            && self.store.last_seq(id.as_str())? == Some(k.seq)
        {
            return Ok((k.doc, k.seq));
        }
        let loaded = self
            .store
            .load(id.as_str())?
            .ok_or_else(|| ApiError::CaseNotFound(id.to_string()))?;
        Ok((CaseDoc::load(loaded.parts(), &self.actor)?, loaded.last_seq))
    }

    /// Makes the changes of `doc` since it was loaded (at `base_seq`) durable, with its
    /// new summary and view in the same transaction; then folds chunks into a snapshot
    /// when enough have gathered (after the edit is safe, never instead of it).
    pub(crate) fn save_case(&self, id: &CaseId, mut doc: CaseDoc, base_seq: u64) -> Result<()> {
        let bytes = doc.save_incremental();
        if bytes.is_empty() {
            return Ok(());
        }
        let (summary, view, _) = crate::views::encode_view(&doc)?;
        let seq = self.store.append_chunk_with_view(
            id.as_str(),
            KIND_CASE,
            &bytes,
            base_seq,
            &summary,
            &view,
        )?;
        // Only when nobody else (a sync session, the CLI) appended since `doc` was
        // loaded: else the snapshot would lack their chunk and compaction would delete
        // it. A later save compacts instead.
        if seq == base_seq + 1 && self.store.chunk_count(id.as_str())? >= COMPACT_AFTER_CHUNKS {
            self.store.compact(id.as_str(), &doc.save(), seq)?;
        }
        // Kept only when it holds everything stored: with another writer's chunk in
        // between, the next load reads the store instead.
        if seq == base_seq + 1
            && let Ok(mut kept) = self.kept.lock()
        {
            *kept = Some(KeptCase {
                id: id.clone(),
                doc,
                seq,
            });
        }
        Ok(())
    }

    pub(crate) fn save_team(&mut self) -> Result<()> {
        let bytes = self.team.save_incremental();
        if !bytes.is_empty() {
            self.store
                .append_chunk(self.team_id.as_str(), KIND_TEAM, &bytes)?;
        }
        self.measures = self.team.measures()?;
        Ok(())
    }
}

/// A passphrase protects every family's record on a laptop that can be lost.
pub(crate) fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < 8 {
        return Err(ApiError::Refused(
            "the passphrase must have at least 8 characters".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_core::case::NewPerson;
    use hearth_core::{PersonId, PersonRole};

    /// Another writer appends to a case between our load and our save, when our save
    /// is due to compact: their change must survive.
    #[test]
    fn compaction_never_drops_a_chunk_written_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let pass = "correct horse battery";
        let mut ws = Workspace::init(
            dir.path(),
            pass,
            crate::InitRequest {
                team_name: "T",
                member_name: "M",
                member_role: "social-worker",
            },
            crate::KdfParams::fast_for_tests(),
            Box::new(SystemClock),
        )
        .unwrap();
        let case = ws.add_case("Holm", None).unwrap();
        // Enough chunks that the other writer's and ours make the save compact.
        let mut i = 0;
        while ws.store.chunk_count(case.as_str()).unwrap() < COMPACT_AFTER_CHUNKS - 2 {
            ws.add_person(case.as_str(), &format!("P{i}"), "parent", None, None)
                .unwrap();
            i += 1;
        }
        let (mut doc, base) = ws.load_case(&case).unwrap();
        let mut other = Workspace::open(dir.path(), pass, Box::new(SystemClock)).unwrap();
        other
            .add_person(case.as_str(), "Written meanwhile", "child", None, None)
            .unwrap();
        let today = ws.clock.today();
        doc.add_person(
            NewPerson {
                id: PersonId::from_random(random_bytes()),
                name: "Ours".into(),
                role: PersonRole::Parent,
                born: None,
                party: None,
            },
            today,
            ws.clock.now(),
        )
        .unwrap();
        ws.save_case(&case, doc, base).unwrap();
        drop((ws, other));
        let ws = Workspace::open(dir.path(), pass, Box::new(SystemClock)).unwrap();
        let view = ws.case(case.as_str()).unwrap();
        let names: Vec<&str> = view.people.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"Written meanwhile"), "{names:?}");
        assert!(names.contains(&"Ours"), "{names:?}");
    }
}
