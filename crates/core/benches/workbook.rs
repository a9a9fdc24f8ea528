//! Workbook benchmark (release): `cargo bench -p hearth-core --bench workbook`.
//!
//! A case whose workbook has 10 sections x 5 entries x about 400 words, plus 12 case
//! supervision records, is saved; each sample loads it from the saved bytes and renders
//! the workbook and supervision view models. Goal: p95 < 20 ms.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use hearth_core::case::{CaseDoc, NewCase};
use hearth_core::casework::{
    Decision, EntryKind, NewEntry, Rag, SupervisionFields, WorkbookSection,
};
use hearth_core::team::{DeviceId, NewTeam, TeamDoc};
use hearth_core::{
    CaseId, EpisodeId, MemberId, MemberRole, SupervisionId, TeamId, WorkbookEntryId,
};

fn words(n: usize, seed: usize) -> String {
    const W: &[&str] = &[
        "family", "evening", "school", "routine", "worry", "support", "aunt", "progress", "safety",
        "conflict", "calm", "plan", "goal", "child", "parent", "meeting",
    ];
    (0..n)
        .map(|i| W[(i * 7 + seed) % W.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let today = now.date_naive();
    let device = DeviceId::from_random([1; 16]);
    let actor = device.actor([2; 8]);
    let manager = MemberId::from_random([3; 16]);
    let team = TeamDoc::create(
        NewTeam {
            id: TeamId::from_random([4; 16]),
            name: "Bench team".into(),
            first_member: manager.clone(),
            member_name: "Manager".into(),
            member_role: MemberRole::TeamManager,
            device,
        },
        &actor,
        now,
    )
    .unwrap()
    .view()
    .unwrap();
    let mut doc = CaseDoc::create(
        NewCase {
            id: CaseId::from_random([5; 16]),
            first_episode: EpisodeId::from_random([6; 16]),
            family_name: "Bench".into(),
            reference: None,
            allocated_to: manager.clone(),
        },
        &actor,
        today - chrono::Duration::days(300),
        now,
    )
    .unwrap();
    let mut n = 0u8;
    let mut id = || {
        n = n.wrapping_add(1);
        let mut b = [n; 16];
        b[0] = 0xEE;
        b
    };
    for (s, section) in WorkbookSection::ALL.iter().enumerate() {
        for e in 0..5 {
            doc.write_workbook_entry(
                NewEntry {
                    id: WorkbookEntryId::from_random(id()),
                    section: *section,
                    kind: EntryKind::Fact,
                    date: today - chrono::Duration::days((s * 5 + e) as i64),
                    about: vec![],
                    text: words(400, s * 5 + e),
                },
                &team,
                &manager,
                today,
                now,
            )
            .unwrap();
        }
    }
    for i in 0..12 {
        doc.add_supervision(
            &SupervisionId::from_random(id()),
            &SupervisionFields {
                date: today - chrono::Duration::days(20 * i),
                chair: manager.clone(),
                attended: vec![manager.clone()],
                sent_summary: vec![],
                progress: [(manager.clone(), words(120, i as usize))]
                    .into_iter()
                    .collect(),
                cycle_of_change: words(80, 1),
                child_views: words(60, 2),
                parent_views: words(60, 3),
                impact: words(60, 4),
                plan: words(100, 5),
                decisions: (0..3)
                    .map(|d| Decision {
                        decision: words(20, d),
                        reason: words(30, d + 1),
                    })
                    .collect(),
                rag: Some(Rag::Amber),
            },
            &team,
            &manager,
            today,
            now,
        )
        .unwrap();
    }
    let bytes = doc.save();
    println!(
        "case document with 50 workbook entries and 12 supervision records: {} KiB",
        bytes.len() / 1024
    );

    let mut samples: Vec<Duration> = (0..100)
        .map(|_| {
            let t = Instant::now();
            let doc = CaseDoc::load([bytes.as_slice()], &actor).unwrap();
            let workbook = doc.workbook().unwrap();
            let supervisions = doc.supervisions().unwrap();
            std::hint::black_box((workbook, supervisions));
            t.elapsed()
        })
        .collect();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let t = Instant::now();
    let loaded = CaseDoc::load([bytes.as_slice()], &actor).unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let wb = loaded.workbook().unwrap();
    let render_wb = t.elapsed();
    let t = Instant::now();
    let sv = loaded.supervisions().unwrap();
    let render_sv = t.elapsed();
    let json = serde_json::to_vec(&(&wb, &sv)).unwrap();
    let t = Instant::now();
    let _: (
        hearth_core::casework::WorkbookView,
        Vec<hearth_core::casework::SupervisionView>,
    ) = serde_json::from_slice(&json).unwrap();
    println!(
        "one sample split: load {:.2} ms, workbook view {:.2} ms, supervision views {:.2} ms; the same view models decoded from JSON ({} KiB): {:.2} ms",
        ms(load),
        ms(render_wb),
        ms(render_sv),
        json.len() / 1024,
        ms(t.elapsed())
    );
    println!(
        "open + render workbook and supervision view models: p50 {:.2} ms  p95 {:.2} ms  max {:.2} ms (n=100, goal p95 < 20 ms)",
        ms(samples[50]),
        ms(samples[95]),
        ms(samples[99])
    );
}
