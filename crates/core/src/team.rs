//! The team document: the roster (members, their roles and devices) and the team's
//! settings (measure overrides, analytics thresholds). It syncs to every member.
//!
//! Schema (version 1):
//! ```text
//! { kind: "team", schema: 1, id, name, created_at: ms,
//!   members:  { <member-id>: { name, role, active, added_at } },
//!   devices:  { <device-hex>: { member, added_at, revoked } },
//!   settings: { measure_overrides: { <measure-id>: json }, etr_min_episodes,
//!               drift?: { first_contact_days, review_min_weeks, review_max_weeks,
//!                         reason_after_months, reason_valid_months,
//!                         reflective_review_months, unrated_meetings } } }
//! ```
//! Every change carries an actor id that starts with the writing device's id, so the
//! roster maps any change back to a member ("who changed it, when").
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
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TeamSettings {
    /// Measure overrides as JSON objects (see `MeasureSet::with_overrides`).
    pub measure_overrides: Vec<String>,
    pub etr_min_episodes: u32,
    /// The thresholds of the drift prompts (see `crate::prompts`).
    pub drift: DriftSettings,
}

impl TeamView {
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.iter().find(|m| &m.id == id)
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
        Ok(TeamView {
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
