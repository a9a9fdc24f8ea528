//! Caseload benchmark (release): `cargo bench -p hearth-api --bench caseload`.
//!
//! On a workspace filled by `demo --cases 500` it times what a worker waits for:
//! unlocking (the KDF apart) and listing every case, opening one case with its outcome
//! numbers, recording one rating durably, and outcomes for every open case; it reports
//! the file size. Beside it, in the same run, the same list/open/write on plain SQLite
//! rows (no encryption, no CRDT) give the ratio the issue asks for.
//! Set HEARTH_BENCH_CASES to change the caseload size.

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_api::clock::SystemClock;
use hearth_api::core::analytics::{RatingInput, SubjectInput, case_outcomes};
use hearth_api::core::case::EpisodeStatus;
use hearth_api::core::measures::MeasureSet;
use hearth_api::{InitRequest, KdfParams, RateRequest, Workspace};
use rusqlite::{Connection, params};

const PASS: &str = "benchmark passphrase";

struct Stats {
    samples: Vec<Duration>,
}

impl Stats {
    fn time<T>(n: usize, mut f: impl FnMut(usize) -> T) -> Stats {
        let mut samples = Vec::with_capacity(n);
        for i in 0..n {
            let t = Instant::now();
            std::hint::black_box(f(i));
            samples.push(t.elapsed());
        }
        Stats::from(samples)
    }
    fn from(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        Stats { samples }
    }
    fn pct(&self, p: f64) -> f64 {
        let i = ((self.samples.len() as f64 - 1.0) * p).round() as usize;
        self.samples[i].as_secs_f64() * 1000.0
    }
    fn line(&self, name: &str, goal: &str) {
        println!(
            "{name:<48} p50 {:>8.2} ms  p95 {:>8.2} ms  max {:>8.2} ms  (n={}, goal {goal})",
            self.pct(0.5),
            self.pct(0.95),
            self.pct(1.0),
            self.samples.len()
        );
    }
}

/// The rating every write benchmark records: an ORS typed from paper.
fn paper_ors<'a>(case: &'a str, meeting: &'a str, subject: &'a str) -> RateRequest<'a> {
    RateRequest {
        case,
        meeting,
        measure: "ORS",
        subject,
        rater: None,
        items: vec!["5".into(), "6".into(), "7".into(), "8".into()],
        mode: Some("paper"),
        not_given: None,
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

fn main() {
    let cases: usize = std::env::var("HEARTH_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let t = Instant::now();
    let mut ws = Workspace::init(
        &dir,
        PASS,
        InitRequest {
            team_name: "Bench team",
            member_name: "Bench worker",
            member_role: "social-worker",
        },
        KdfParams::default(),
        Box::new(SystemClock),
    )
    .unwrap();
    ws.demo(cases, 1).unwrap();
    println!(
        "setup: init + demo --cases {cases} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let ids: Vec<String> = ws
        .list_cases()
        .unwrap()
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let ratings: usize = ids
        .iter()
        .map(|id| ws.case(id).unwrap().ratings.len())
        .sum();
    println!("caseload: {} cases, {ratings} ratings", ids.len());
    drop(ws);

    // Unlock: the KDF alone, then everything else.
    let kdf = Stats::time(5, |_| Workspace::unwrap_key(&dir, PASS).unwrap());
    kdf.line("KDF: Argon2id unwrap of the data key", "(reported apart)");
    let key = Workspace::unwrap_key(&dir, PASS).unwrap();
    let unlock_list = Stats::time(20, |_| {
        let ws = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
        ws.list_cases().unwrap().len()
    });
    unlock_list.line("unlock (excluding KDF) + list all cases", "< 200 ms");

    let mut ws = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
    let list_only = Stats::time(20, |_| ws.list_cases().unwrap().len());
    list_only.line("list all cases (already unlocked)", "-");
    let open_one = Stats::time(200, |i| {
        let id = &ids[(i * 7919) % ids.len()];
        ws.outcomes(id).unwrap()
    });
    open_one.line("open one case + compute its outcomes", "p95 < 20 ms");

    // The desktop app's "open a case": its view, then the first child's graph (chart
    // scene with the expected band from the team's local norms).
    let open_graph = Stats::time(100, |i| {
        let id = &ids[(i * 7919) % ids.len()];
        let view = ws.case(id).unwrap();
        match view.people.iter().find(|p| p.role.is_child()) {
            Some(child) => ws.chart(id, child.id.as_str()).unwrap().panels.len(),
            None => 0,
        }
    });
    open_graph.line(
        "open one case + its first child's chart scene",
        "p95 < 100 ms",
    );

    // Durable writes: one rating each in a fresh meeting of 100 different open cases
    // (typical case sizes, not one case grown out of proportion).
    let mut targets = Vec::new();
    for id in &ids {
        let view = ws.case(id).unwrap();
        if view.episodes.last().unwrap().status != EpisodeStatus::Open {
            continue;
        }
        let subject = view.people[0].id.to_string();
        let meeting = ws
            .add_meeting(id, "2026-01-05", "status", &[], "")
            .unwrap()
            .to_string();
        targets.push((id.clone(), meeting, subject));
        if targets.len() == 100 {
            break;
        }
    }
    let write = Stats::time(targets.len(), |i| {
        let (case, meeting, subject) = &targets[i];
        ws.rate(paper_ors(case, meeting, subject)).unwrap()
    });
    write.line("record one rating durably", "p95 < 10 ms");

    // The usual order at a meeting: the meeting is recorded, then its scores one after
    // another, so a rating's case was mostly just written (and is kept loaded).
    let mut next = Vec::with_capacity(targets.len());
    for (case, _, subject) in &targets {
        let meeting = ws
            .add_meeting(case, "2026-01-12", "status", &[], "")
            .unwrap()
            .to_string();
        let t = Instant::now();
        std::hint::black_box(ws.rate(paper_ors(case, &meeting, subject)).unwrap());
        next.push(t.elapsed());
    }
    Stats::from(next).line("record a rating right after its meeting", "p95 < 10 ms");

    let all_open = Stats::time(5, |_| {
        let mut n = 0;
        for c in ws.list_cases().unwrap() {
            if c.status == Some(EpisodeStatus::Open) {
                ws.outcomes(c.id.as_str()).unwrap();
                n += 1;
            }
        }
        n
    });
    all_open.line("outcomes for every open case", "< 100 ms");
    drop(ws);
    println!(
        "file size: {:.1} MiB for {} cases",
        dir_size(&dir) as f64 / 1048576.0,
        ids.len()
    );

    // ---- the same on plain SQLite rows ----------------------------------------------
    let plain_path = tmp.path().join("plain.db");
    let ws = Workspace::open_with_key(&dir, &key, Box::new(SystemClock)).unwrap();
    let plain = Connection::open(&plain_path).unwrap();
    plain
        .execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
             CREATE TABLE cases(id TEXT PRIMARY KEY, family TEXT, reference TEXT, status TEXT);
             CREATE TABLE people(id TEXT PRIMARY KEY, case_id TEXT, name TEXT, born TEXT, role TEXT);
             CREATE TABLE meetings(id TEXT PRIMARY KEY, case_id TEXT, date TEXT, kind TEXT);
             CREATE TABLE ratings(id TEXT PRIMARY KEY, case_id TEXT, meeting TEXT, date TEXT, measure TEXT,
                                  subject TEXT, rater TEXT, i1 INT, i2 INT, i3 INT, i4 INT);
             CREATE INDEX people_case ON people(case_id);
             CREATE INDEX meetings_case ON meetings(case_id);
             CREATE INDEX ratings_case ON ratings(case_id);",
        )
        .unwrap();
    plain.execute_batch("BEGIN").unwrap();
    for id in &ids {
        let v = ws.case(id).unwrap();
        plain
            .execute(
                "INSERT INTO cases VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    v.family.name,
                    v.family.reference,
                    format!("{:?}", v.episodes.last().unwrap().status)
                ],
            )
            .unwrap();
        for p in &v.people {
            plain
                .execute(
                    "INSERT INTO people VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        p.id.as_str(),
                        id,
                        p.name,
                        p.born.map(|b| b.to_string()),
                        p.role.as_str()
                    ],
                )
                .unwrap();
        }
        for m in &v.meetings {
            plain
                .execute(
                    "INSERT INTO meetings VALUES (?1, ?2, ?3, ?4)",
                    params![m.id.as_str(), id, m.date.to_string(), m.kind.as_str()],
                )
                .unwrap();
        }
        for r in &v.ratings {
            let it = r.current_items().map(|i| i.to_vec()).unwrap_or_default();
            let get = |k: usize| it.get(k).map(|t| t.0);
            plain
                .execute(
                    "INSERT INTO ratings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        r.id.as_str(),
                        id,
                        r.meeting.as_str(),
                        r.date.to_string(),
                        r.measure,
                        r.subject.as_str(),
                        r.rater.as_str(),
                        get(0),
                        get(1),
                        get(2),
                        get(3)
                    ],
                )
                .unwrap();
        }
    }
    plain.execute_batch("COMMIT").unwrap();
    drop(plain);
    drop(ws);

    let measures = MeasureSet::builtin();
    let plain_list = Stats::time(20, |_| {
        let c = Connection::open(&plain_path).unwrap();
        let mut s = c
            .prepare(
                "SELECT c.id, c.family, c.reference, c.status,
                        (SELECT group_concat(name, ', ') FROM people p WHERE p.case_id = c.id AND p.role = 'child')
                 FROM cases c ORDER BY lower(c.family)",
            )
            .unwrap();
        let rows: Vec<(String, String, String, String, Option<String>)> = s
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.len()
    });
    let conn = Connection::open(&plain_path).unwrap();
    let plain_open = Stats::time(200, |i| {
        let id = &ids[(i * 7919) % ids.len()];
        let mut s = conn
            .prepare_cached("SELECT id, name, born, role FROM people WHERE case_id = ?1")
            .unwrap();
        let subjects: Vec<SubjectInput> = s
            .query_map([id], |r| {
                Ok(SubjectInput {
                    person: r.get::<_, String>(0)?.parse().unwrap(),
                    name: r.get(1)?,
                    born: r.get::<_, Option<String>>(2)?.map(|b| b.parse().unwrap()),
                    role: r.get::<_, String>(3)?.parse().unwrap(),
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut s = conn
            .prepare_cached("SELECT id, meeting, date, measure, subject, rater, i1, i2, i3, i4 FROM ratings WHERE case_id = ?1 AND i1 IS NOT NULL")
            .unwrap();
        let ratings: Vec<RatingInput> = s
            .query_map([id], |r| {
                Ok(RatingInput {
                    rating: r.get::<_, String>(0)?.parse().unwrap(),
                    meeting: r.get::<_, String>(1)?.parse().unwrap(),
                    date: r.get::<_, String>(2)?.parse().unwrap(),
                    measure: r.get(3)?,
                    subject: r.get::<_, String>(4)?.parse().unwrap(),
                    rater: r.get::<_, String>(5)?.parse().unwrap(),
                    items: (6..10)
                        .map(|k| hearth_api::core::Tenths(r.get(k).unwrap()))
                        .collect(),
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let subjects: Vec<SubjectInput> = subjects
            .into_iter()
            .filter(|s| s.role.is_child() || ratings.iter().any(|r| r.subject == s.person))
            .collect();
        case_outcomes(&subjects, &ratings, &measures).unwrap()
    });
    let plain_write = Stats::time(targets.len(), |i| {
        let (case, meeting, subject) = &targets[i];
        conn.execute(
            "INSERT INTO ratings VALUES (?1, ?2, ?3, '2026-01-05', 'ORS', ?4, ?4, 50, 60, 70, 80)",
            params![format!("bench-{i}"), case, meeting, subject],
        )
        .unwrap()
    });
    println!();
    plain_list.line("plain SQLite: open + list all cases", "-");
    plain_open.line("plain SQLite: open one case + outcomes", "-");
    plain_write.line("plain SQLite: record one rating durably", "-");
    println!(
        "plain SQLite file size: {:.1} MiB",
        std::fs::metadata(&plain_path).unwrap().len() as f64 / 1048576.0
    );
    println!();
    let ratio = |a: &Stats, b: &Stats| a.pct(0.5) / b.pct(0.5);
    println!("ratio Hearth / plain SQLite (p50; goal <= 2x):");
    println!(
        "  list  {:.2}x (unlock with integrity check + list; list alone {:.2}x)",
        ratio(&unlock_list, &plain_list),
        ratio(&list_only, &plain_list)
    );
    println!("  open  {:.2}x", ratio(&open_one, &plain_open));
    println!("  write {:.2}x", ratio(&write, &plain_write));
}
