//! What the desktop app needs at the worker's desk beyond the case actions: the
//! caseload rows (rules in `hearth_core::desk`), the scales offered in client scoring
//! mode, the client-mode PIN, and this device's app settings (idle lock, screen
//! calibration). Settings and the PIN hash live in the store's encrypted key-value
//! table: they belong to this device, not to the team's shared documents.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hearth_core::desk::{CaseloadRow, ScaleOffer, caseload_row, scales_offered, scales_offered_at};
use hearth_core::{CaseId, MeetingId, MeetingKind, PersonId};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::workspace::{KIND_CASE, Workspace, random_bytes};

const META_PIN: &str = "app:client_pin";
const META_SETTINGS: &str = "app:settings";
/// The caseload rows, per case: (sequence number, row).
const META_CASELOAD: &str = "app:caseload_rows";
type RowCache = std::collections::BTreeMap<String, (u64, CaseloadRow)>;
const META_PIN_FAILURES: &str = "app:client_pin_failures";
/// Wrong tries in a row before the PIN stops working.
pub const PIN_MAX_FAILURES: u32 = 5;
/// Shorter than this and anyone watching the worker type it can remember it.
const PIN_MIN_DIGITS: usize = 4;
const PIN_MAX_DIGITS: usize = 12;
const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=240;
/// A credible screen: between 10 and 200 pixels per centimetre.
const PX_PER_CM: std::ops::RangeInclusive<f64> = 10.0..=200.0;

/// This device's app settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSettings {
    /// Lock the app after this many minutes without input.
    pub idle_lock_minutes: u32,
    /// Screen calibration for the 10 cm lines of client scoring mode; `None` until
    /// the worker has calibrated this screen.
    pub px_per_cm: Option<f64>,
    /// Whether a client-mode PIN is set (the PIN itself is only kept as a hash).
    #[serde(default)]
    pub pin_set: bool,
    /// Where the desktop saves exported PDFs; `None` until the worker chooses a
    /// folder (the shell then uses the documents folder).
    #[serde(default)]
    pub export_dir: Option<String>,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            idle_lock_minutes: 5,
            px_per_cm: None,
            pin_set: false,
            export_dir: None,
        }
    }
}

/// How strong a new passphrase looks, as a hint (never a block beyond the minimum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PassphraseStrength {
    TooShort,
    Weak,
    Fair,
    Strong,
}

/// A hint for a passphrase being typed: length counts most; a few words beat a
/// short password with symbols.
pub fn passphrase_strength(passphrase: &str) -> PassphraseStrength {
    let chars = passphrase.chars().count();
    let classes = [
        passphrase.chars().any(|c| c.is_lowercase()),
        passphrase.chars().any(|c| c.is_uppercase()),
        passphrase.chars().any(|c| c.is_ascii_digit()),
        passphrase.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let words = passphrase.split_whitespace().count();
    match chars {
        0..=7 => PassphraseStrength::TooShort,
        _ if chars >= 20 || (chars >= 14 && (words >= 3 || classes >= 3)) => {
            PassphraseStrength::Strong
        }
        _ if chars >= 12 || classes >= 3 => PassphraseStrength::Fair,
        _ => PassphraseStrength::Weak,
    }
}

impl Workspace {
    /// The caseload: one row per case with each child's trend and the flags, by
    /// family name. A row depends on its case alone (but for its age, brought up to
    /// today by `age_to`), so rows are kept (encrypted, in the store's meta table) with
    /// the case's sequence number; only cases written since are read again. Unlocking
    /// a caseload of hundreds then reads one blob.
    pub fn caseload(&self) -> Result<Vec<CaseloadRow>> {
        let today = self.clock.today();
        let cached: RowCache = self
            .store
            .get_meta(META_CASELOAD)?
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        // The sequence numbers are read before any view: a case written meanwhile is
        // kept under the older number, so it is read again next time, never trusted.
        let mut fresh = RowCache::new();
        for (id, seq) in self.store.doc_seqs(KIND_CASE)? {
            let row = match cached.get(&id) {
                Some((s, row)) if *s == seq => {
                    let mut row = row.clone();
                    row.age_to(today);
                    row
                }
                _ => {
                    let view = self.case_view(&id.parse::<CaseId>()?)?;
                    caseload_row(&view, &self.measures, today)?
                }
            };
            fresh.insert(id, (seq, row));
        }
        if fresh != cached {
            let bytes = serde_json::to_vec(&fresh)
                .map_err(|e| ApiError::Io(format!("encoding the caseload rows: {e}")))?;
            self.store.set_meta(META_CASELOAD, &bytes)?;
        }
        let mut rows: Vec<CaseloadRow> = fresh.into_values().map(|(_, row)| row).collect();
        rows.sort_by(|a, b| {
            (a.family.to_lowercase(), &a.id).cmp(&(b.family.to_lowercase(), &b.id))
        });
        Ok(rows)
    }

    /// The scales `rater` is offered at `meeting` in client scoring mode.
    pub fn scales_offered(&self, case: &str, meeting: &str, rater: &str) -> Result<ScaleOffer> {
        let case: CaseId = case.parse()?;
        let meeting: MeetingId = meeting.parse()?;
        let rater: PersonId = rater.parse()?;
        let view = self.case_view(&case)?;
        Ok(scales_offered(&view, &self.measures, &meeting, &rater)?)
    }

    pub fn app_settings(&self) -> Result<AppSettings> {
        let mut settings = match self.store.get_meta(META_SETTINGS)? {
            Some(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            None => AppSettings::default(),
        };
        settings.pin_set = self.store.get_meta(META_PIN)?.is_some();
        Ok(settings)
    }

    fn save_settings(&self, settings: &AppSettings) -> Result<()> {
        let bytes = serde_json::to_vec(settings)
            .map_err(|e| ApiError::Io(format!("encoding the settings: {e}")))?;
        Ok(self.store.set_meta(META_SETTINGS, &bytes)?)
    }

    pub fn set_idle_lock_minutes(&self, minutes: u32) -> Result<AppSettings> {
        if !IDLE_LOCK_MINUTES.contains(&minutes) {
            return Err(ApiError::Refused(format!(
                "the idle lock is between {} and {} minutes",
                IDLE_LOCK_MINUTES.start(),
                IDLE_LOCK_MINUTES.end()
            )));
        }
        let mut settings = self.app_settings()?;
        settings.idle_lock_minutes = minutes;
        self.save_settings(&settings)?;
        Ok(settings)
    }

    /// Stores the screen calibration: how many pixels make one centimetre.
    pub fn set_px_per_cm(&self, px_per_cm: f64) -> Result<AppSettings> {
        if !px_per_cm.is_finite() || !PX_PER_CM.contains(&px_per_cm) {
            return Err(ApiError::Refused(format!(
                "a screen has between {} and {} pixels per centimetre",
                PX_PER_CM.start(),
                PX_PER_CM.end()
            )));
        }
        let mut settings = self.app_settings()?;
        settings.px_per_cm = Some(px_per_cm);
        self.save_settings(&settings)?;
        Ok(settings)
    }

    /// Sets the folder the desktop saves PDFs in: an existing folder given as a full
    /// path; an empty text goes back to the default.
    pub fn set_export_dir(&self, dir: &str) -> Result<AppSettings> {
        let dir = dir.trim();
        let mut settings = self.app_settings()?;
        if dir.is_empty() {
            settings.export_dir = None;
        } else {
            let path = std::path::Path::new(dir);
            if !path.is_absolute() || !path.is_dir() {
                return Err(ApiError::Refused(format!(
                    "{dir} is not an existing folder (give its full path)"
                )));
            }
            settings.export_dir = Some(dir.to_string());
        }
        self.save_settings(&settings)?;
        Ok(settings)
    }

    /// Sets the PIN that ends client scoring mode. Only its Argon2id hash is kept.
    pub fn set_client_pin(&self, pin: &str) -> Result<()> {
        let digits = pin.chars().count();
        if !pin.chars().all(|c| c.is_ascii_digit())
            || !(PIN_MIN_DIGITS..=PIN_MAX_DIGITS).contains(&digits)
        {
            return Err(ApiError::Refused(format!(
                "a PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits"
            )));
        }
        let salt = SaltString::encode_b64(&random_bytes::<16>())
            .map_err(|e| ApiError::Io(format!("PIN salt: {e}")))?;
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| ApiError::Io(format!("hashing the PIN: {e}")))?;
        Ok(self.store.set_meta(META_PIN, hash.to_string().as_bytes())?)
    }

    /// Whether `secret` may end client scoring mode: the PIN when one is set, or the
    /// worker's passphrase. A family member who does not know either stays in it. After
    /// [`PIN_MAX_FAILURES`] wrong tries in a row (counted on disk, so restarting the app
    /// does not reset them) the PIN stops working until the passphrase is given: four
    /// digits are too few to survive guessing.
    pub fn may_leave_client_mode(&self, secret: &str) -> Result<ClientModeExit> {
        if secret.is_empty() {
            return Ok(ClientModeExit::Wrong);
        }
        let failures = self.pin_failures()?;
        let pin = self.store.get_meta(META_PIN)?;
        if let Some(stored) = pin.clone()
            && failures < PIN_MAX_FAILURES
        {
            let stored = String::from_utf8(stored)
                .map_err(|_| ApiError::Corrupt("the stored PIN hash".into()))?;
            let hash = PasswordHash::new(&stored)
                .map_err(|_| ApiError::Corrupt("the stored PIN hash".into()))?;
            if Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .is_ok()
            {
                self.set_pin_failures(0)?;
                return Ok(ClientModeExit::Leave);
            }
        }
        match Workspace::unwrap_key(&self.dir, secret) {
            Ok(_) => {
                self.set_pin_failures(0)?;
                Ok(ClientModeExit::Leave)
            }
            Err(ApiError::WrongPassphrase) => {
                if pin.is_none() {
                    return Ok(ClientModeExit::Wrong);
                }
                let failures = failures.saturating_add(1);
                self.set_pin_failures(failures)?;
                Ok(if failures >= PIN_MAX_FAILURES {
                    ClientModeExit::PinBlocked
                } else {
                    ClientModeExit::Wrong
                })
            }
            Err(e) => Err(e),
        }
    }

    fn pin_failures(&self) -> Result<u32> {
        Ok(self
            .store
            .get_meta(META_PIN_FAILURES)?
            .and_then(|b| <[u8; 4]>::try_from(b.as_slice()).ok())
            .map(u32::from_le_bytes)
            .unwrap_or(0))
    }

    fn set_pin_failures(&self, n: u32) -> Result<()> {
        Ok(self.store.set_meta(META_PIN_FAILURES, &n.to_le_bytes())?)
    }

    /// Checks typed item values against a measure without recording anything. The desk
    /// asks first when a score would also record today's meeting, so a typo records
    /// neither the score nor the meeting.
    pub fn check_items(&self, measure: &str, items: &[String]) -> Result<()> {
        let values: Vec<&str> = items.iter().map(String::as_str).collect();
        self.measures.get(measure)?.validate_items(&values)?;
        Ok(())
    }

    /// The scales `rater` would be offered at a meeting of `kind` on `date` that is not
    /// recorded yet (see [`hearth_core::desk::scales_offered_at`]).
    pub fn scales_offered_at(
        &self,
        case: &str,
        date: &str,
        kind: &str,
        rater: &str,
    ) -> Result<ScaleOffer> {
        let case: CaseId = case.parse()?;
        let date = hearth_core::dates::parse_past_date(date, self.clock.today())?;
        let kind: MeetingKind = kind.parse()?;
        let rater: PersonId = rater.parse()?;
        let view = self.case_view(&case)?;
        Ok(scales_offered_at(
            &view,
            &self.measures,
            date,
            kind,
            &rater,
        )?)
    }
}

/// The answer to a try at leaving client scoring mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientModeExit {
    Leave,
    /// Neither the PIN nor the passphrase.
    Wrong,
    /// Too many wrong tries: only the worker's passphrase leaves now.
    PinBlocked,
}

/// The demo team's passphrase, shown on screen: its families are generated, never
/// real people, so the passphrase protects nothing.
pub const DEMO_PASSPHRASE: &str = "demo passphrase";

impl Workspace {
    /// First run without a team of one's own: a workspace with a demo team (this device
    /// as its team manager) and `cases` generated families.
    pub fn create_demo(
        dir: &std::path::Path,
        cases: usize,
        seed: u64,
        clock: Box<dyn crate::clock::Clock>,
    ) -> Result<Workspace> {
        let mut ws = Workspace::init(
            dir,
            DEMO_PASSPHRASE,
            crate::InitRequest {
                team_name: "Demo Family Safeguarding Team",
                member_name: "Demo Manager",
                member_role: "team-manager",
            },
            crate::KdfParams::default(),
            clock,
        )?;
        ws.demo(cases, seed)?;
        Ok(ws)
    }
}

/// The closed lists the app offers in its menus (kebab-case values; the UI translates
/// each through its message catalogue).
#[derive(Clone, Debug, Serialize)]
pub struct Vocabulary {
    pub member_roles: Vec<&'static str>,
    pub person_roles: Vec<&'static str>,
    pub meeting_kinds: Vec<&'static str>,
    pub rating_modes: Vec<&'static str>,
    pub measures: Vec<MeasureInfo>,
}

/// A measure as the app shows it: short item names and the item range.
#[derive(Clone, Debug, Serialize)]
pub struct MeasureInfo {
    pub id: String,
    pub name: String,
    pub outcome: bool,
    pub items: Vec<String>,
    pub max_item: f64,
    pub step: f64,
}

impl Workspace {
    pub fn vocabulary(&self) -> Vocabulary {
        use hearth_core::measures::Purpose;
        use hearth_core::{MeetingKind, MemberRole, PersonRole, RatingMode};
        Vocabulary {
            member_roles: MemberRole::ALL.iter().map(|v| v.as_str()).collect(),
            person_roles: PersonRole::ALL.iter().map(|v| v.as_str()).collect(),
            meeting_kinds: MeetingKind::ALL.iter().map(|v| v.as_str()).collect(),
            rating_modes: RatingMode::ALL.iter().map(|v| v.as_str()).collect(),
            measures: self
                .measures
                .iter()
                .map(|m| MeasureInfo {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    outcome: m.purpose == Purpose::Outcome,
                    items: m.items.iter().map(|i| i.short_name.clone()).collect(),
                    max_item: m.max.as_f64(),
                    step: m.step.as_f64(),
                })
                .collect(),
        }
    }
}

/// The member roles offered on the first-run screen (before any workspace exists).
pub fn member_roles() -> Vec<&'static str> {
    hearth_core::MemberRole::ALL
        .iter()
        .map(|v| v.as_str())
        .collect()
}
