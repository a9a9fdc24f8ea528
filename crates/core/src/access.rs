//! Who may hold a case: the rule that decides which cases a device receives by sync and
//! which cases a member may share. It lives here, not in sync or api, so both use the
//! same answer.
//!
//! A member may hold a case when they are active on the roster and are
//! - a team manager (they allocate, supervise and close every case), or
//! - the case's allocated worker, or
//! - a member the case is shared with (`shared_with`, e.g. a domestic-abuse
//!   practitioner working with the family).
//!
//! Sharing and unsharing is done by the allocated worker or a team manager. Unsharing
//! stops future sync to that member's devices; what a device already holds stays there
//! (protected by its at-rest encryption), and the UI says so.

use automerge::{ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use chrono::{DateTime, Utc};

use crate::case::CaseDoc;
use crate::team::TeamView;
use crate::{CoreError, MemberId, MemberRole};

/// The parts of a case that decide who may hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseAccess {
    pub allocated_to: MemberId,
    pub shared_with: Vec<MemberId>,
}

/// Whether `member` may hold (receive, keep in sync) a case with this access.
pub fn may_hold(team: &TeamView, member: &MemberId, case: &CaseAccess) -> bool {
    let Some(m) = team.member(member) else {
        return false;
    };
    m.active
        && (m.role == MemberRole::TeamManager
            || &case.allocated_to == member
            || case.shared_with.contains(member))
}

/// Whether `by` may share or unshare a case: its allocated worker or a team manager.
pub fn check_share(team: &TeamView, by: &MemberId, case: &CaseAccess) -> Result<(), CoreError> {
    let ok = team.member(by).is_some_and(|m| {
        m.active && (m.role == MemberRole::TeamManager || &case.allocated_to == by)
    });
    if ok {
        Ok(())
    } else {
        Err(CoreError::NotPermitted {
            action: "share or unshare a case".into(),
            who_may: "the case's allocated worker or a team manager".into(),
        })
    }
}

/// The access fields of any Automerge document that is a case (`None` otherwise), so
/// sync can decide without building a typed case.
pub fn case_access<D: ReadDoc>(doc: &D) -> Option<CaseAccess> {
    let text = |obj: &automerge::ObjId, key: &str| match doc.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(v) => Some(v.to_string()),
            _ => None,
        },
        _ => None,
    };
    if text(&automerge::ROOT, "kind").as_deref() != Some("case") {
        return None;
    }
    let allocated_to = text(&automerge::ROOT, "allocated_to")?.parse().ok()?;
    let shared_with = match doc.get(automerge::ROOT, "shared_with").ok().flatten() {
        Some((Value::Object(ObjType::Map), obj)) => doc
            .keys(&obj)
            .filter_map(|k| k.parse::<MemberId>().ok())
            .collect(),
        _ => Vec::new(),
    };
    Some(CaseAccess {
        allocated_to,
        shared_with,
    })
}

impl CaseDoc {
    /// Who may hold this case.
    pub fn access(&self) -> Result<CaseAccess, CoreError> {
        case_access(&self.doc)
            .ok_or_else(|| CoreError::Document("case without an allocation".into()))
    }

    /// Shares the case with `member` (on the roster, active), by its allocated worker or
    /// a team manager.
    pub fn share(
        &mut self,
        team: &TeamView,
        member: &MemberId,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let access = self.access()?;
        check_share(team, by, &access)?;
        match team.member(member) {
            Some(m) if m.active => {}
            _ => {
                return Err(CoreError::Invalid(
                    "a case can only be shared with an active member of the team".into(),
                ));
            }
        }
        if access.shared_with.contains(member) || &access.allocated_to == member {
            return Err(CoreError::Invalid(
                "the member already has this case".into(),
            ));
        }
        let shared = match self.doc.get(automerge::ROOT, "shared_with")? {
            Some((Value::Object(ObjType::Map), obj)) => obj,
            _ => self
                .doc
                .put_object(automerge::ROOT, "shared_with", ObjType::Map)?,
        };
        let entry = self
            .doc
            .put_object(&shared, member.as_str(), ObjType::Map)?;
        self.doc.put(&entry, "by", by.as_str())?;
        self.doc.put(&entry, "at", now.timestamp_millis())?;
        self.commit("case.share", now);
        Ok(())
    }

    /// Stops sharing the case with `member`.
    pub fn unshare(
        &mut self,
        team: &TeamView,
        member: &MemberId,
        by: &MemberId,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let access = self.access()?;
        check_share(team, by, &access)?;
        if !access.shared_with.contains(member) {
            return Err(CoreError::Invalid(
                "the case is not shared with this member".into(),
            ));
        }
        if let Some((Value::Object(ObjType::Map), shared)) =
            self.doc.get(automerge::ROOT, "shared_with")?
        {
            self.doc.delete(&shared, member.as_str())?;
        }
        self.commit("case.unshare", now);
        Ok(())
    }
}

/// Whether a change to the team document written from `device` is acceptable: only a
/// team manager's device, not revoked, changes the roster and settings. Sync checks
/// every received change of the team document against the roster as it stood before
/// that change.
pub fn may_change_team(team: &TeamView, device: &crate::team::DeviceId) -> bool {
    team.devices
        .iter()
        .find(|d| &d.id == device)
        .filter(|d| !d.revoked)
        .and_then(|d| team.member(&d.member))
        .is_some_and(|m| m.active && m.role == MemberRole::TeamManager)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::Member;

    fn member(n: u8, role: MemberRole, active: bool) -> Member {
        Member {
            id: MemberId::from_random([n; 16]),
            name: format!("M{n}"),
            role,
            active,
        }
    }

    fn team(members: Vec<Member>) -> TeamView {
        use crate::team::{DeviceId, NewTeam, TeamDoc};
        let now = chrono::Utc::now();
        let device = DeviceId::from_random([8; 16]);
        let doc = TeamDoc::create(
            NewTeam {
                id: crate::TeamId::from_random([9; 16]),
                name: "T".into(),
                first_member: MemberId::from_random([99; 16]),
                member_name: "First".into(),
                member_role: MemberRole::SocialWorker,
                device: device.clone(),
            },
            &device.actor([0; 8]),
            now,
        )
        .unwrap();
        let mut view = doc.view().unwrap();
        view.members = members;
        view
    }

    #[test]
    fn who_may_hold_and_who_may_share() {
        let manager = member(1, MemberRole::TeamManager, true);
        let worker = member(2, MemberRole::SocialWorker, true);
        let dap = member(3, MemberRole::DomesticAbusePractitioner, true);
        let former = member(4, MemberRole::SocialWorker, false);
        let t = team(vec![
            manager.clone(),
            worker.clone(),
            dap.clone(),
            former.clone(),
        ]);
        let mut case = CaseAccess {
            allocated_to: worker.id.clone(),
            shared_with: Vec::new(),
        };
        assert!(may_hold(&t, &manager.id, &case));
        assert!(may_hold(&t, &worker.id, &case));
        assert!(!may_hold(&t, &dap.id, &case));
        assert!(!may_hold(&t, &MemberId::from_random([5; 16]), &case));
        case.shared_with.push(dap.id.clone());
        assert!(may_hold(&t, &dap.id, &case));
        // An inactive member holds nothing, even their own allocation.
        case.allocated_to = former.id.clone();
        assert!(!may_hold(&t, &former.id, &case));
        case.allocated_to = worker.id.clone();
        assert!(check_share(&t, &worker.id, &case).is_ok());
        assert!(check_share(&t, &manager.id, &case).is_ok());
        let e = check_share(&t, &dap.id, &case).unwrap_err();
        assert!(
            e.to_string().contains("allocated worker or a team manager"),
            "{e}"
        );
    }
}
