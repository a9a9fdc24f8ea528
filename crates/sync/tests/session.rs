//! The sync session state machine driven over the in-memory network: who gets which
//! case, convergence under faults, resumption, and the team document's guard.

mod harness;

use automerge::{ROOT, transaction::Transactable};
use harness::{Ending, Faults, assert_converged, heal, rng, session, team};
use hearth_sync::keys::{TeamKeys, key_check};
use hearth_sync::message::Message;
use hearth_sync::session::{Out, Peer, Session};
use proptest::prelude::*;

#[test]
fn a_case_reaches_its_worker_and_managers_but_not_others() {
    let mut t = team(3); // 0 manager, 1 social worker, 2 domestic-abuse practitioner
    let worker = t.devices[1].member.clone();
    let case = t.devices[0].create_case(&worker, "Family A", 1);
    let mut r = rng(1);
    assert_eq!(
        session(&mut t, 0, 1, Faults::default(), &mut r),
        Ending::Finished
    );
    assert_eq!(
        session(&mut t, 0, 2, Faults::default(), &mut r),
        Ending::Finished
    );
    assert_eq!(
        session(&mut t, 1, 2, Faults::default(), &mut r),
        Ending::Finished
    );
    assert!(t.devices[1].holds(&case));
    assert!(
        !t.devices[2].holds(&case),
        "practitioner without access stored the case"
    );
    assert_eq!(t.devices[0].heads(&case), t.devices[1].heads(&case));
    // Shared with the practitioner: now it travels, even from the worker's device.
    let practitioner = t.devices[2].member.clone();
    t.devices[1].share(&case, &practitioner);
    assert_eq!(
        session(&mut t, 1, 2, Faults::default(), &mut r),
        Ending::Finished
    );
    assert!(t.devices[2].holds(&case));
    heal(&mut t, &mut r);
    assert_converged(&mut t);
}

#[test]
fn a_peer_that_may_not_hold_a_case_gets_no_answer_about_it() {
    let mut t = team(3);
    let worker = t.devices[1].member.clone();
    let case = t.devices[1].create_case(&worker, "Family B", 2);
    // The practitioner's device asks for the case by id anyway.
    let mut fake = automerge::AutoCommit::new();
    let mut state = automerge::sync::State::new();
    use automerge::sync::SyncDoc;
    let ask = fake.sync().generate_sync_message(&mut state).unwrap();
    let asker = Peer {
        device: t.devices[2].device.clone(),
        member: t.devices[2].member.clone(),
    };
    let d1 = &mut t.devices[1];
    let mut peer_s = Session::new(
        asker,
        TeamKeys::new(1, [9; 32]),
        Default::default(),
        Default::default(),
    );
    let outs = peer_s
        .handle(
            &mut d1.replica,
            hearth_sync::message::Message::Sync {
                doc: case.clone(),
                data: ask.encode(),
            },
        )
        .unwrap();
    let sent: Vec<_> = outs
        .iter()
        .filter_map(|o| match o {
            Out::Send(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0],
        hearth_sync::message::Message::Decline { doc: case }
    );
}

/// Two devices with 20 cases in sync, then one case edited on device 0; runs the
/// second session message by message (with `forget` dropping device 1's record of what
/// the first agreed on). Returns the Sync messages and the offered cases it took, and
/// the docs device 0 sent.
fn reconnect_after_one_edit(forget: bool) -> (usize, usize, usize) {
    let mut t = team(2);
    let worker = t.devices[1].member.clone();
    let cases: Vec<String> = (0..20)
        .map(|i| t.devices[0].create_case(&worker, "Family", 10 + i))
        .collect();
    let mut r = rng(3);
    assert_eq!(
        session(&mut t, 0, 1, Faults::default(), &mut r),
        Ending::Finished
    );
    t.devices[0].edit(&cases[3], "note", 1);
    if forget {
        t.devices[1].agreed.clear();
    }
    let (d0, d1) = t.devices.split_at_mut(1);
    let (a, b) = (&mut d0[0], &mut d1[0]);
    let mut sa = Session::new(
        Peer {
            device: b.device.clone(),
            member: b.member.clone(),
        },
        a.keys.clone(),
        a.states[b.device.as_str()].clone(),
        a.agreed[b.device.as_str()].clone(),
    );
    let mut sb = Session::new(
        Peer {
            device: a.device.clone(),
            member: a.member.clone(),
        },
        b.keys.clone(),
        b.states[a.device.as_str()].clone(),
        b.agreed.get(a.device.as_str()).cloned().unwrap_or_default(),
    );
    let mut to_b: Vec<_> = sa.start(&mut a.replica).into_iter().collect();
    let mut to_a: Vec<_> = sb.start(&mut b.replica).into_iter().collect();
    let (mut syncs, mut offered) = (0, 0);
    let mut count = |m: &Message| match m {
        Message::Sync { .. } => syncs += 1,
        Message::Offer { docs } => offered += docs.len(),
        _ => {}
    };
    for _ in 0..1000 {
        if sa.is_finished() && sb.is_finished() {
            break;
        }
        let mut next_b = Vec::new();
        for o in to_b.drain(..) {
            if let Out::Send(m) = o {
                count(&m);
                next_b.extend(sb.handle(&mut b.replica, m).unwrap());
            }
        }
        let mut next_a = Vec::new();
        for o in to_a.drain(..) {
            if let Out::Send(m) = o {
                count(&m);
                next_a.extend(sa.handle(&mut a.replica, m).unwrap());
            }
        }
        to_a = next_b;
        to_b = next_a;
    }
    assert!(sa.is_finished() && sb.is_finished());
    assert_eq!(b.heads(&cases[3]), a.heads(&cases[3]));
    // Both sides end agreeing on every case, whatever they started from.
    assert_eq!(sa.agreed().unwrap().len(), 20);
    assert_eq!(sa.agreed(), sb.agreed());
    (syncs, offered, sa.stats.docs_sent)
}

#[test]
fn a_reconnect_sends_only_what_changed() {
    let (syncs, offered, sent) = reconnect_after_one_edit(false);
    assert_eq!(sent, 1, "only the edited case travels");
    // Team doc (one each way) plus a few round trips for the one case, not 20 cases.
    assert!(syncs <= 8, "{syncs} sync messages for one changed case");
    // Both remember what the last session agreed: only the edited case is offered.
    assert_eq!(offered, 1, "{offered} cases offered for one changed case");
}

#[test]
fn a_device_that_lost_its_record_of_the_last_session_gets_full_offers() {
    let (syncs, offered, sent) = reconnect_after_one_edit(true);
    assert_eq!(sent, 1);
    assert!(syncs <= 8, "{syncs} sync messages for one changed case");
    // The Hello digests differ: both offer all 20 cases, as on a first session.
    assert_eq!(offered, 40);
}

#[test]
fn a_roster_change_from_a_non_manager_is_refused() {
    let mut t = team(2);
    let mut r = rng(4);
    // The social worker's device writes into the team document directly, as a
    // modified client could.
    t.devices[1].team_change(|doc, _| {
        let a = doc.automerge();
        a.put(ROOT, "name", "Taken over").unwrap();
        a.commit();
    });
    let before = t.devices[0].team_heads();
    assert_eq!(
        session(&mut t, 0, 1, Faults::default(), &mut r),
        Ending::Broken
    );
    assert_eq!(
        t.devices[0].team_heads(),
        before,
        "the manager's roster kept the change"
    );
}

#[test]
fn revocation_reaches_the_others_with_the_new_key() {
    let mut t = team(3);
    let mut r = rng(5);
    let revoked = t.devices[2].device.clone();
    let new_key = [42u8; 32];
    t.devices[0].team_change(|doc, by| {
        doc.revoke_device(&revoked, 2, &key_check(&new_key), by, harness::now())
            .unwrap();
    });
    t.devices[0].keys.rotate(2, new_key);
    assert_eq!(
        session(&mut t, 0, 1, Faults::default(), &mut r),
        Ending::Finished
    );
    assert_eq!(t.devices[1].keys.epoch, 2);
    assert_eq!(t.devices[1].keys.key, new_key);
    let view = t.devices[1].replica.team.view().unwrap();
    assert!(view.devices.iter().any(|d| d.id == revoked && d.revoked));
}

#[test]
fn a_key_that_does_not_match_the_team_document_is_ignored() {
    let mut t = team(2);
    let mut r = rng(6);
    // Device 1 claims a newer key that no team manager published.
    t.devices[1].keys.rotate(2, [66; 32]);
    assert_eq!(
        session(&mut t, 0, 1, Faults::default(), &mut r),
        Ending::Finished
    );
    assert_eq!(t.devices[0].keys.epoch, 1);
}

#[test]
fn converges_after_partitions_faults_and_crashes() {
    for seed in 0..20 {
        let mut r = rng(seed);
        let mut t = team(4);
        let members: Vec<_> = t.devices.iter().map(|d| d.member.clone()).collect();
        let mut cases = Vec::new();
        for i in 0..6u8 {
            let creator = if i % 2 == 0 { 0 } else { 1 };
            let alloc = if creator == 0 {
                members[1 + (i as usize % 3)].clone()
            } else {
                members[1].clone()
            };
            cases.push((
                t.devices[creator].create_case(&alloc, "Family", 50 + i),
                creator,
            ));
        }
        let faults = Faults {
            drop: 0.05,
            duplicate: 0.05,
            reorder: 0.1,
            kill: 0.01,
        };
        for step in 0..40 {
            let a = r.random_range(0..4);
            let b = (a + r.random_range(1..4)) % 4;
            let _ = session(&mut t, a, b, faults, &mut r);
            // Edits on whichever device holds a case.
            let (case, _) = &cases[step % cases.len()];
            let holders: Vec<usize> = (0..4)
                .filter(|d| t.devices[*d].replica.cases.contains_key(case))
                .collect();
            let d = holders[r.random_range(0..holders.len())];
            t.devices[d].edit(case, &format!("k{}", r.random_range(0..5)), step as i64);
        }
        heal(&mut t, &mut r);
        assert_converged(&mut t);
    }
}

use rand::Rng;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn random_edits_on_three_to_five_peers_converge(
        n in 3usize..=5,
        seed in any::<u64>(),
        edits in proptest::collection::vec((0usize..5, 0usize..4, 0u8..6, any::<i64>()), 1..40),
        sessions in proptest::collection::vec((0usize..5, 0usize..5), 0..20),
    ) {
        let mut r = rng(seed);
        let mut t = team(n);
        let members: Vec<_> = t.devices.iter().map(|d| d.member.clone()).collect();
        let cases: Vec<String> = (0..4u8)
            .map(|i| {
                let alloc = members[(i as usize % (n - 1)) + 1].clone();
                t.devices[0].create_case(&alloc, "Family", 100 + i)
            })
            .collect();
        for (i, (dev, case, key, value)) in edits.into_iter().enumerate() {
            let dev = dev % n;
            let case = &cases[case];
            if t.devices[dev].replica.cases.contains_key(case) {
                t.devices[dev].edit(case, &format!("k{key}"), value);
            }
            if let Some((a, b)) = sessions.get(i) {
                let (a, b) = (a % n, b % n);
                if a != b {
                    let _ = session(&mut t, a, b, Faults { drop: 0.02, duplicate: 0.02, reorder: 0.05, kill: 0.0 }, &mut r);
                }
            }
        }
        heal(&mut t, &mut r);
        assert_converged(&mut t);
    }
}
