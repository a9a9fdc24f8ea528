//! The team document: the roster (members, their roles and devices) and the team's
//! settings (measure overrides, analytics thresholds). It syncs to every member.
//!
//! Schema (version 1):
//! ```text
//! { kind: "team", schema: 1, id, name, created_at: ms,
//!   members:  { <member-id>: { name, role, active, added_at } },
//!   devices:  { <device-hex>: { member, added_at, revoked, key?: hex } },
//!   team_key?: { epoch, check: hex },
//!   settings: { measure_overrides: { <measure-id>: json }, etr_min_episodes,
//!               drift?: { first_contact_days, review_min_weeks, review_max_weeks,
//!                         reason_after_months, reason_valid_months,
//!                         reflective_review_months, unrated_meetings } } }
//! ```
//! Every change carries an actor id that starts with the writing device's id, so the
//! roster maps any change back to a member ("who changed it, when").
//! `devices.*.key` is the device's Noise static public key (sync accepts a peer only
//! when its key is here and not revoked); `team_key` names the current team-key epoch
//! and a hash of the key (never the key), so a device can check a key handed to it.
//! `settings.drift` is created on first write: an older team reads the defaults, and a
//! missing key reads its default.

use automerge::{ActorId, AutoCommit, ObjType, ROOT, transaction::Transactable};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::case::required_text;
use crate::doc_access::{bool_at, int_at, keys, obj_at, required_obj, str_at};
use crate::measures::MeasureSet;
use crate::prompts::DriftSettings;
use crate::{CoreError, MemberId, MemberRole, TeamId};

pub const TEAM_SCHEMA: i64 = 1;
/// Local expected-response norms need this many closed episodes unless the team says otherwise.
pub const DEFAULT_ETR_MIN_EPISODES: u32 = 10;

/// A device: 16 random bytes, shown as hex. A process writing from the device uses an
/// actor id of these 16 bytes followed by 8 random bytes of its own, so two processes
/// on one device never reuse an actor's sequence numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DeviceId(String);

impl DeviceId {
    pub fn from_random(bytes: [u8; 16]) -> Self {
        DeviceId(hex(&bytes))
    }

    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let t = text.trim().to_ascii_lowercase();
        if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(DeviceId(t))
        } else {
            Err(CoreError::InvalidId(text.chars().take(40).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The actor id for one process session on this device.
    pub fn actor(&self, session: [u8; 8]) -> ActorId {
        let mut bytes = Vec::with_capacity(24);
        for i in 0..16 {
            bytes.push(u8::from_str_radix(&self.0[2 * i..2 * i + 2], 16).unwrap_or(0));
        }
        bytes.extend_from_slice(&session);
        ActorId::from(bytes)
    }

    /// The device an actor id belongs to.
    pub fn of_actor(actor: &ActorId) -> Option<DeviceId> {
        let bytes = actor.to_bytes();
        (bytes.len() >= 16).then(|| DeviceId(hex(&bytes[..16])))
    }
}

/// The drift settings as stored, one integer per key.
fn drift_fields(d: &DriftSettings) -> [(&'static str, u32); 7] {
    [
        ("first_contact_days", d.first_contact_days),
        ("review_min_weeks", d.review_min_weeks),
        ("review_max_weeks", d.review_max_weeks),
        ("reason_after_months", d.reason_after_months),
        ("reason_valid_months", d.reason_valid_months),
        ("reflective_review_months", d.reflective_review_months),
        ("unrated_meetings", d.unrated_meetings),
    ]
}

/// The team's drift settings; each missing or unreadable key reads its default.
fn read_drift(doc: &AutoCommit, settings: &automerge::ObjId) -> DriftSettings {
    let mut d = DriftSettings::default();
    let Some(obj) = obj_at(doc, settings, "drift") else {
        return d;
    };
    let get = |key: &str, default: u32| {
        int_at(doc, &obj, key)
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0)
            .unwrap_or(default)
    };
    d.first_contact_days = get("first_contact_days", d.first_contact_days);
    d.review_min_weeks = get("review_min_weeks", d.review_min_weeks);
    d.review_max_weeks = get("review_max_weeks", d.review_max_weeks);
    d.reason_after_months = get("reason_after_months", d.reason_after_months);
    d.reason_valid_months = get("reason_valid_months", d.reason_valid_months);
    d.reflective_review_months = get("reflective_review_months", d.reflective_review_months);
    d.unrated_meetings = get("unrated_meetings", d.unrated_meetings);
    if d.review_min_weeks > d.review_max_weeks {
        d.review_min_weeks = d.review_max_weeks;
    }
    d
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TeamView {
    pub id: TeamId,
    pub name: String,
    pub members: Vec<Member>,
    pub devices: Vec<Device>,
    pub settings: TeamSettings,
    /// The current team-key epoch (0: none yet) and the hash of that key.
    pub key_epoch: u32,
    pub key_check: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub role: MemberRole,
    pub active: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Device {
    pub id: DeviceId,
    pub member: MemberId,
    pub revoked: bool,
    /// The device's sync (Noise static) public key, hex; absent on a device that never
    /// set up sync.
    pub key: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TeamSettings {
    /// Measure overrides as JSON objects (see `MeasureSet::with_overrides`).
    pub measure_overrides: Vec<String>,
    pub etr_min_episodes: u32,
    /// The thresholds of the drift prompts (see `crate::prompts`).
    pub drift: DriftSettings,
    /// The protective marking printed on every page of the team's PDFs (e.g.
    /// "OFFICIAL-SENSITIVE"); `None` prints none. Stored as `settings.protective_marking`.
    pub protective_marking: Option<String>,
}

impl TeamView {
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.iter().find(|m| &m.id == id)
    }

    /// The device whose sync key is `key` (hex), revoked or not.
    pub fn device_by_key(&self, key: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.key.as_deref() == Some(key))
    }

    /// The member who wrote a change, from its actor id.
    pub fn member_of_actor(&self, actor: &ActorId) -> Option<&Member> {
        let device = DeviceId::of_actor(actor)?;
        let d = self.devices.iter().find(|d| d.id == device)?;
        self.member(&d.member)
    }
}

pub struct NewTeam {
    pub id: TeamId,
    pub name: String,
    pub first_member: MemberId,
    pub member_name: String,
    pub member_role: MemberRole,
    pub device: DeviceId,
}

pub struct TeamDoc {
    doc: AutoCommit,
    /// The heads the store already holds (see `CaseDoc::save_incremental`).
    saved: Vec<automerge::ChangeHash>,
}

impl TeamDoc {
    pub fn create(new: NewTeam, actor: &ActorId, now: DateTime<Utc>) -> Result<TeamDoc, CoreError> {
        Self::create_with_keys(new, None, actor, now)
    }

    /// A new team whose first device is ready to sync: its Noise public key and the
    /// first team-key epoch (`check` is the key's hash) are in the founding change.
    pub fn create_with_keys(
        new: NewTeam,
        keys: Option<(&str, &str)>,
        actor: &ActorId,
        now: DateTime<Utc>,
    ) -> Result<TeamDoc, CoreError> {
        let name = required_text("team name", &new.name)?;
        let member_name = required_text("member name", &new.member_name)?;
        let mut doc = AutoCommit::new().with_actor(actor.clone());
        doc.put(ROOT, "kind", "team")?;
        doc.put(ROOT, "schema", TEAM_SCHEMA)?;
        doc.put(ROOT, "id", new.id.as_str())?;
        doc.put(ROOT, "name", name.as_str())?;
        doc.put(ROOT, "created_at", now.timestamp_millis())?;
        doc.put_object(ROOT, "members", ObjType::Map)?;
        doc.put_object(ROOT, "devices", ObjType::Map)?;
        let settings = doc.put_object(ROOT, "settings", ObjType::Map)?;
        doc.put_object(&settings, "measure_overrides", ObjType::Map)?;
        doc.put(
            &settings,
            "etr_min_episodes",
            i64::from(DEFAULT_ETR_MIN_EPISODES),
        )?;
        let mut team = TeamDoc {
            doc,
            saved: Vec::new(),
        };
        team.write_member(&new.first_member, &member_name, new.member_role, now)?;
        team.write_device(&new.device, &new.first_member, now)?;
        if let Some((device_key, check)) = keys {
            team.write_device_key(&new.device, device_key)?;
            team.write_team_key(1, check)?;
        }
        team.commit("team.create", now);
        Ok(team)
    }

    pub fn load<'a>(
        chunks: impl IntoIterator<Item = &'a [u8]>,
        actor: &ActorId,
    ) -> Result<TeamDoc, CoreError> {
        let mut doc = AutoCommit::new();
        for chunk in chunks {
            doc.load_incremental(chunk)?;
        }
        let mut team = TeamDoc {
            doc: doc.with_actor(actor.clone()),
            saved: Vec::new(),
        };
        team.saved = team.doc.get_heads();
        if str_at(&team.doc, &ROOT, "kind").as_deref() != Some("team") {
            return Err(CoreError::Document("not a team document".into()));
        }
        match int_at(&team.doc, &ROOT, "schema") {
            Some(v) if v <= TEAM_SCHEMA => Ok(team),
            _ => Err(CoreError::Document(
                "team document of an unknown schema; update this device".into(),
            )),
        }
    }

    /// The changes made since the document was loaded or last saved.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved);
        self.saved = self.doc.get_heads();
        bytes
    }

    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    pub fn merge(&mut self, other: &mut TeamDoc) -> Result<(), CoreError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    pub fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn view(&self) -> Result<TeamView, CoreError> {
        let doc = &self.doc;
        let members_obj = required_obj(doc, &ROOT, "members")?;
        let mut members: Vec<(i64, Member)> = keys(doc, &members_obj)
            .into_iter()
            .filter_map(|key| {
                let m = obj_at(doc, &members_obj, &key)?;
                Some((
                    int_at(doc, &m, "added_at").unwrap_or(0),
                    Member {
                        id: key.parse().ok()?,
                        name: str_at(doc, &m, "name")?,
                        role: str_at(doc, &m, "role")?.parse().ok()?,
                        active: bool_at(doc, &m, "active").unwrap_or(true),
                    },
                ))
            })
            .collect();
        members.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        let devices_obj = required_obj(doc, &ROOT, "devices")?;
        let devices = keys(doc, &devices_obj)
            .into_iter()
            .filter_map(|key| {
                let d = obj_at(doc, &devices_obj, &key)?;
                Some(Device {
                    id: DeviceId::parse(&key).ok()?,
                    member: str_at(doc, &d, "member")?.parse().ok()?,
                    revoked: bool_at(doc, &d, "revoked").unwrap_or(false),
                    key: str_at(doc, &d, "key"),
                })
            })
            .collect();
        let settings = required_obj(doc, &ROOT, "settings")?;
        let overrides = obj_at(doc, &settings, "measure_overrides");
        let measure_overrides = overrides
            .map(|o| {
                keys(doc, &o)
                    .into_iter()
                    .filter_map(|k| str_at(doc, &o, &k))
                    .collect()
            })
            .unwrap_or_default();
        let team_key = obj_at(doc, &ROOT, "team_key");
        let key_epoch = team_key
            .as_ref()
            .and_then(|k| int_at(doc, k, "epoch"))
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let key_check = team_key.as_ref().and_then(|k| str_at(doc, k, "check"));
        Ok(TeamView {
            key_epoch,
            key_check,
            id: str_at(doc, &ROOT, "id")
                .ok_or_else(|| CoreError::Document("team without an id".into()))?
                .parse()?,
            name: str_at(doc, &ROOT, "name").unwrap_or_default(),
            members: members.into_iter().map(|(_, m)| m).collect(),
            devices,
            settings: TeamSettings {
                measure_overrides,
                etr_min_episodes: int_at(doc, &settings, "etr_min_episodes")
                    .and_then(|v| u32::try_from(v).ok())
                    .unwrap_or(DEFAULT_ETR_MIN_EPISODES),
                drift: read_drift(doc, &settings),
                protective_marking: str_at(doc, &settings, "protective_marking")
                    .filter(|m| !m.trim().is_empty()),
            },
        })
    }

    /// The team's measures: the shipped definitions with the team's overrides applied.
    pub fn measures(&self) -> Result<MeasureSet, CoreError> {
        let view = self.view()?;
        let overrides: Vec<&str> = view
            .settings
            .measure_overrides
            .iter()
            .map(String::as_str)
            .collect();
        MeasureSet::builtin().with_overrides(&overrides)
    }

    /// Sets (or replaces) the team's override of one measure, after checking that the
    /// resulting definitions are valid. Only a team manager may change team settings.
    pub fn set_measure_override(
        &mut self,
        json: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| CoreError::Invalid(format!("measure override is not JSON: {e}")))?;
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .ok_or_else(|| CoreError::Invalid("measure override without an \"id\"".into()))?
            .to_ascii_uppercase();
        let mut all = self.view()?.settings.measure_overrides;
        all.retain(|o| {
            serde_json::from_str::<serde_json::Value>(o)
                .ok()
                .and_then(|v| {
                    v.get("id")
                        .and_then(|i| i.as_str())
                        .map(str::to_ascii_uppercase)
                })
                != Some(id.clone())
        });
        all.push(json.to_string());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        MeasureSet::builtin().with_overrides(&refs)?;
        let settings = required_obj(&self.doc, &ROOT, "settings")?;
        let overrides = match obj_at(&self.doc, &settings, "measure_overrides") {
            Some(o) => o,
            None => self
                .doc
                .put_object(&settings, "measure_overrides", ObjType::Map)?,
        };
        self.doc.put(&overrides, id.as_str(), json)?;
        self.commit("team.measure-override", now);
        Ok(())
    }

    pub fn set_etr_min_episodes(
        &mut self,
        value: u32,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        if value < 2 {
            return Err(CoreError::Invalid(
                "local norms need at least 2 closed episodes".into(),
            ));
        }
        let settings = required_obj(&self.doc, &ROOT, "settings")?;
        self.doc
            .put(&settings, "etr_min_episodes", i64::from(value))?;
        self.commit("team.etr-min-episodes", now);
        Ok(())
    }

    /// Sets the protective marking of the team's documents (team managers only); an
    /// empty text removes it. One line of at most 60 characters: it is printed in the
    /// header and footer of every page.
    pub fn set_protective_marking(
        &mut self,
        marking: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        let m = marking.trim();
        if m.chars().count() > 60 || m.chars().any(char::is_control) {
            return Err(CoreError::Invalid(
                "a protective marking is one line of at most 60 characters".into(),
            ));
        }
        let settings = required_obj(&self.doc, &ROOT, "settings")?;
        self.doc.put(&settings, "protective_marking", m)?;
        self.commit("team.protective-marking", now);
        Ok(())
    }

    /// Sets the thresholds of the drift prompts (team managers only). They only change
    /// what prompts show: a prompt never blocks an action.
    pub fn set_drift_settings(
        &mut self,
        value: &DriftSettings,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        value.validate()?;
        let settings = required_obj(&self.doc, &ROOT, "settings")?;
        let drift = match obj_at(&self.doc, &settings, "drift") {
            Some(o) => o,
            None => self.doc.put_object(&settings, "drift", ObjType::Map)?,
        };
        for (key, v) in drift_fields(value) {
            self.doc.put(&drift, key, i64::from(v))?;
        }
        self.commit("team.drift-settings", now);
        Ok(())
    }

    /// Adds a member to the roster; only a team manager may.
    pub fn add_member(
        &mut self,
        id: &MemberId,
        name: &str,
        role: MemberRole,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        let name = required_text("member name", name)?;
        self.write_member(id, &name, role, now)?;
        self.commit("team.member-add", now);
        Ok(())
    }

    /// Checks that every change `received` holds beyond this document was written from
    /// a team manager's device that is not revoked, judged against the roster as it
    /// stood before that change (changes are replayed in causal order). Sync calls this
    /// before it keeps any received change of the team document.
    pub fn check_received(&self, received: &mut AutoCommit) -> Result<(), CoreError> {
        let mut mine = self.doc.clone();
        let heads = mine.get_heads();
        let changes = received.get_changes(&heads);
        let mut check = TeamDoc {
            doc: mine,
            saved: Vec::new(),
        };
        for change in changes {
            let view = check.view()?;
            let allowed = DeviceId::of_actor(change.actor_id())
                .is_some_and(|d| crate::access::may_change_team(&view, &d));
            if !allowed {
                return Err(CoreError::NotPermitted {
                    action: "change the team's roster and settings".into(),
                    who_may: "a team manager's device".into(),
                });
            }
            check.doc.apply_changes([change])?;
        }
        Ok(())
    }

    /// Adds a paired device (with its sync key) for a member; only a team manager may.
    pub fn add_device(
        &mut self,
        device: &DeviceId,
        member: &MemberId,
        key: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        let view = self.view()?;
        if view.member(member).is_none() {
            return Err(CoreError::Invalid("no such member on the roster".into()));
        }
        if view.devices.iter().any(|d| &d.id == device) || view.device_by_key(key).is_some() {
            return Err(CoreError::Invalid(
                "this device is already on the roster".into(),
            ));
        }
        self.write_device(device, member, now)?;
        self.write_device_key(device, key)?;
        self.commit("team.device-add", now);
        Ok(())
    }

    /// Records this device's sync key when the roster has none for it yet (a workspace
    /// made before sync existed); only a team manager may, like every roster change.
    pub fn set_device_key(
        &mut self,
        device: &DeviceId,
        key: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        self.write_device_key(device, key)?;
        self.commit("team.device-key", now);
        Ok(())
    }

    /// Sets the team-key epoch and the new key's hash (first key, or a rotation).
    pub fn set_team_key(
        &mut self,
        epoch: u32,
        check: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        self.write_team_key(epoch, check)?;
        self.commit("team.key", now);
        Ok(())
    }

    /// Revokes a device and moves the team to a new key epoch in one change: peers that
    /// receive it refuse the device and accept the new key only if its hash matches.
    pub fn revoke_device(
        &mut self,
        device: &DeviceId,
        epoch: u32,
        check: &str,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        self.require_manager(by)?;
        let view = self.view()?;
        match view.devices.iter().find(|d| &d.id == device) {
            None => return Err(CoreError::Invalid("no such device on the roster".into())),
            Some(d) if d.revoked => {
                return Err(CoreError::Invalid("the device is already revoked".into()));
            }
            Some(_) => {}
        }
        if epoch <= view.key_epoch {
            return Err(CoreError::Invalid(
                "a new team key needs a new epoch".into(),
            ));
        }
        let devices = required_obj(&self.doc, &ROOT, "devices")?;
        let d = required_obj(&self.doc, &devices, device.as_str())?;
        self.doc.put(&d, "revoked", true)?;
        self.write_team_key(epoch, check)?;
        self.commit("team.device-revoke", now);
        Ok(())
    }

    fn write_device_key(&mut self, device: &DeviceId, key: &str) -> Result<(), CoreError> {
        let devices = required_obj(&self.doc, &ROOT, "devices")?;
        let d = obj_at(&self.doc, &devices, device.as_str())
            .ok_or_else(|| CoreError::Invalid("no such device on the roster".into()))?;
        self.doc.put(&d, "key", key)?;
        Ok(())
    }

    fn write_team_key(&mut self, epoch: u32, check: &str) -> Result<(), CoreError> {
        let k = match obj_at(&self.doc, &ROOT, "team_key") {
            Some(k) => k,
            None => self.doc.put_object(ROOT, "team_key", ObjType::Map)?,
        };
        self.doc.put(&k, "epoch", i64::from(epoch))?;
        self.doc.put(&k, "check", check)?;
        Ok(())
    }

    fn require_manager(&self, by: &MemberId) -> Result<(), CoreError> {
        let view = self.view()?;
        match view.member(by) {
            Some(m) if m.role == MemberRole::TeamManager && m.active => Ok(()),
            _ => Err(CoreError::Invalid(
                "only a team manager may change the team's roster and settings".into(),
            )),
        }
    }

    fn write_member(
        &mut self,
        id: &MemberId,
        name: &str,
        role: MemberRole,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let members = required_obj(&self.doc, &ROOT, "members")?;
        let m = self.doc.put_object(&members, id.as_str(), ObjType::Map)?;
        self.doc.put(&m, "name", name)?;
        self.doc.put(&m, "role", role.as_str())?;
        self.doc.put(&m, "active", true)?;
        self.doc.put(&m, "added_at", now.timestamp_millis())?;
        Ok(())
    }

    fn write_device(
        &mut self,
        device: &DeviceId,
        member: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let devices = required_obj(&self.doc, &ROOT, "devices")?;
        let d = self
            .doc
            .put_object(&devices, device.as_str(), ObjType::Map)?;
        self.doc.put(&d, "member", member.as_str())?;
        self.doc.put(&d, "revoked", false)?;
        self.doc.put(&d, "added_at", now.timestamp_millis())?;
        Ok(())
    }

    fn commit(&mut self, action: &str, now: DateTime<Utc>) {
        self.doc.commit_with(
            automerge::transaction::CommitOptions::default()
                .with_message(action)
                .with_time(now.timestamp_millis()),
        );
    }
}
