//! Casework benchmark (release): `cargo bench -p hearth-api --bench casework`.
//!
//! Issue 4's workbook: 10 sections x 5 entries x about 400 words plus 12 case
//! supervision records, written through the api as a team manager. Each sample opens
//! the workbook and the supervision records as view models, as the app and the PDF
//! exporter do. The first open after a change builds the cached casework views from
//! the document; later opens read them. Goal: p95 < 20 ms.

use std::time::{Duration, Instant};

use hearth_api::clock::SystemClock;
use hearth_api::{InitRequest, KdfParams, SupervisionRequest, Workspace, WriteEntryRequest};

const SECTIONS: &[&str] = &[
    "case-worker-summary",
    "key-information",
    "module-1",
    "module-2",
    "module-3",
    "module-4",
    "module-5",
    "module-6",
    "module-7",
    "module-8",
];

fn words(n: usize, seed: usize) -> String {
    const W: &[&str] = &[
        "family", "evening", "school", "routine", "worried", "support", "aunt", "progress",
        "safety", "conflict", "calmer", "plan", "goal", "child", "parent", "meeting", "said",
        "home", "weekend", "teacher", "together", "sleep", "football", "tired",
    ];
    (0..n)
        .map(|i| W[(i * 7 + seed * 13 + i / 5) % W.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let mut ws = Workspace::init(
        &dir,
        "benchmark passphrase",
        InitRequest {
            team_name: "Bench",
            member_name: "Manager",
            member_role: "team-manager",
        },
        KdfParams::fast_for_tests(),
        Box::new(SystemClock),
    )
    .unwrap();
    let case = ws.add_case("Bench family", None).unwrap().to_string();
    let t = Instant::now();
    for (s, section) in SECTIONS.iter().enumerate() {
        for e in 0..5 {
            let text = words(400, s * 5 + e);
            ws.write_workbook_entry(WriteEntryRequest {
                case: &case,
                section,
                text: &text,
                about: vec![],
                kind: None,
                date: Some("2026-06-01"),
            })
            .unwrap();
        }
    }
    for i in 0..12 {
        let json = serde_json::json!({
            "cycle_of_change": words(80, i),
            "child_views": words(60, i + 1),
            "parent_views": words(60, i + 2),
            "impact": words(60, i + 3),
            "plan": words(100, i + 4),
        })
        .to_string();
        ws.add_supervision(SupervisionRequest {
            case: &case,
            date: "2026-06-02",
            rag: Some("amber"),
            decisions: (0..3).map(|d| words(20, d)).collect(),
            reasons: (0..3).map(|d| words(30, d + 1)).collect(),
            json: Some(&json),
        })
        .unwrap();
    }
    println!(
        "setup: 50 entries x 400 words + 12 supervision records written in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let open = |ws: &Workspace| {
        let t = Instant::now();
        let workbook = ws.workbook(&case).unwrap();
        let supervisions = ws.supervisions(&case).unwrap();
        assert_eq!(
            workbook
                .sections
                .iter()
                .map(|s| s.entries.len())
                .sum::<usize>(),
            50
        );
        assert_eq!(supervisions.len(), 12);
        t.elapsed()
    };
    let first = open(&ws);
    let mut samples: Vec<Duration> = (0..100).map(|_| open(&ws)).collect();
    samples.sort();
    println!(
        "first open after a change (builds the cached views): {:.1} ms",
        ms(first)
    );
    println!(
        "open + render workbook and supervision view models: p50 {:.2} ms  p95 {:.2} ms  max {:.2} ms (n=100, goal p95 < 20 ms)",
        ms(samples[50]),
        ms(samples[95]),
        ms(samples[99])
    );
    // Reopening the workspace keeps the cache (it is in the encrypted file).
    drop(ws);
    let ws = Workspace::open(&dir, "benchmark passphrase", Box::new(SystemClock)).unwrap();
    println!("after reopening the workspace: {:.2} ms", ms(open(&ws)));
}
