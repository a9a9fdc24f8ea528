//! Change history: changes made on two devices of two members list the right member
//! names, actions and times, oldest first; an unknown device gives no member.

use automerge::{ROOT, ReadDoc, transaction::Transactable};
use chrono::{DateTime, Duration, TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase, NewMeeting};
use hearth_core::team::{DeviceId, NewTeam, TeamDoc};
use hearth_core::{CaseId, EpisodeId, MeetingId, MeetingKind, MemberId, MemberRole, TeamId};

fn meeting(doc: &mut CaseDoc, n: u8, now: DateTime<Utc>) {
    doc.add_meeting(
        NewMeeting {
            id: MeetingId::from_random([n; 16]),
            date: now.date_naive(),
            kind: MeetingKind::Assessment,
            present: Vec::new(),
            notes: String::new(),
        },
        now.date_naive(),
        now,
    )
    .unwrap();
}

#[test]
fn changes_on_two_devices_map_to_their_members_in_time_order() {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let tm = MemberId::from_random([1; 16]);
    let sw = MemberId::from_random([2; 16]);
    let laptop = DeviceId::from_random([10; 16]);
    let tablet = DeviceId::from_random([20; 16]);
    let stranger = DeviceId::from_random([30; 16]);
    let mut team = TeamDoc::create(
        NewTeam {
            id: TeamId::from_random([3; 16]),
            name: "FS North".into(),
            first_member: tm.clone(),
            member_name: "Tove Manager".into(),
            member_role: MemberRole::TeamManager,
            device: laptop.clone(),
        },
        &laptop.actor([1; 8]),
        t0,
    )
    .unwrap();
    team.add_member(&sw, "Sam Worker", MemberRole::SocialWorker, &tm, t0)
        .unwrap();
    // Register the second device to the social worker (the schema's devices map).
    {
        let am = team.automerge();
        let devices = am.get(ROOT, "devices").unwrap().unwrap().1;
        let d = am
            .put_object(&devices, tablet.as_str(), automerge::ObjType::Map)
            .unwrap();
        am.put(&d, "member", sw.as_str()).unwrap();
        am.put(&d, "revoked", false).unwrap();
        am.put(&d, "added_at", t0.timestamp_millis()).unwrap();
        am.commit_with(
            automerge::transaction::CommitOptions::default()
                .with_message("team.device-add")
                .with_time(t0.timestamp_millis()),
        );
    }
    let roster = team.view().unwrap();
    assert_eq!(roster.devices.len(), 2);

    let mut on_laptop = CaseDoc::create(
        NewCase {
            id: CaseId::from_random([4; 16]),
            first_episode: EpisodeId::from_random([5; 16]),
            family_name: "Family".into(),
            reference: None,
            allocated_to: sw.clone(),
        },
        &laptop.actor([1; 8]),
        t0.date_naive(),
        t0,
    )
    .unwrap();
    // The tablet works on its own copy; the laptop works on; then they merge.
    let mut on_tablet = on_laptop.fork(&tablet.actor([2; 8]));
    let t1 = t0 + Duration::hours(1);
    let t2 = t0 + Duration::hours(2);
    let t3 = t0 + Duration::hours(3);
    meeting(&mut on_tablet, 11, t2);
    meeting(&mut on_laptop, 12, t1);
    on_laptop.merge(&mut on_tablet).unwrap();
    // A copy from a device the roster does not know.
    let mut unknown = on_laptop.fork(&stranger.actor([3; 8]));
    meeting(&mut unknown, 13, t3);
    on_laptop.merge(&mut unknown).unwrap();

    let history = on_laptop.history(&roster);
    let got: Vec<(DateTime<Utc>, &str, Option<&str>, &str)> = history
        .iter()
        .map(|e| {
            (
                e.at,
                e.action.as_str(),
                e.member_name.as_deref(),
                e.device.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (t0, "case.create", Some("Tove Manager"), laptop.as_str()),
            (t1, "meeting.add", Some("Tove Manager"), laptop.as_str()),
            (t2, "meeting.add", Some("Sam Worker"), tablet.as_str()),
            (t3, "meeting.add", None, stranger.as_str()),
        ]
    );
    assert_eq!(history[0].member.as_ref(), Some(&tm));
    assert_eq!(history[2].member.as_ref(), Some(&sw));
    assert_eq!(history[3].member, None);

    // One record: only the changes that touched it.
    let of = |doc: &mut CaseDoc, n: u8| -> Vec<(DateTime<Utc>, String, Option<String>)> {
        doc.record_history(&roster, MeetingId::from_random([n; 16]).as_str())
            .into_iter()
            .map(|e| (e.at, e.action, e.member_name))
            .collect()
    };
    assert_eq!(
        of(&mut on_laptop, 11),
        vec![(t2, "meeting.add".into(), Some("Sam Worker".into()))]
    );
    assert_eq!(
        of(&mut on_laptop, 12),
        vec![(t1, "meeting.add".into(), Some("Tove Manager".into()))]
    );
    // A later edit inside the record (its notes) counts too.
    let t4 = t0 + Duration::hours(4);
    on_laptop
        .set_meeting_notes(&MeetingId::from_random([11; 16]), "Met at home", t4)
        .unwrap();
    let notes = of(&mut on_laptop, 11);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[1].0, t4);
    assert_eq!(of(&mut on_laptop, 12).len(), 1);
    assert!(of(&mut on_laptop, 99).is_empty());

    // The same function reads the team document's own history.
    let team_history = hearth_core::history::history(team.automerge(), &roster);
    assert_eq!(team_history[0].action, "team.create");
    assert_eq!(team_history[1].action, "team.member-add");
    assert_eq!(team_history[2].action, "team.device-add");
}
