//! The casework commands (workbook, supervision, stage) as scripts use them: real
//! processes, the real encrypted file, one-line errors, and nothing changed when a
//! command is refused.

mod common;

use common::{cli, json, ok};

use std::path::Path;

use serde_json::Value;

/// The case and all its casework, as the JSON commands print them.
fn snapshot(dir: &Path, case: &str) -> Vec<String> {
    vec![
        ok(dir, &["case", "show", case, "--json"]),
        ok(dir, &["workbook", "show", "--case", case, "--json"]),
        ok(dir, &["supervision", "show", "--case", case, "--json"]),
        ok(dir, &["stage", "show", "--case", case, "--json"]),
    ]
}

/// Runs a command that must fail: non-zero exit, one line on stderr containing
/// `expected`, and the case and its casework exactly as before.
fn refused(dir: &Path, case: &str, args: &[&str], expected: &str) {
    let before = snapshot(dir, case);
    let out = cli(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert_eq!(snapshot(dir, case), before, "{args:?} changed the case");
}

fn init(dir: &Path, role: &str) {
    ok(
        dir,
        &[
            "init",
            "--team",
            "Vesterby FS",
            "--member",
            "Bjørn Holm",
            "--role",
            role,
        ],
    );
}

/// A case with a child and a mother: (case, child, mother).
fn family(dir: &Path) -> (String, String, String) {
    let case = ok(dir, &["case", "add", "--family", "Wiśniewska"]);
    let person = |name: &str, role: &str| {
        ok(
            dir,
            &[
                "person", "add", "--case", &case, "--name", name, "--role", role,
            ],
        )
    };
    let child = person("Zofia", "child");
    let mother = person("Małgorzata", "parent");
    (case, child, mother)
}

#[test]
fn the_workbook_flow_of_a_social_worker() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "social-worker");
    let (case, child, mother) = family(dir);
    let about = format!("{child},{mother}");
    let analysis = ok(
        dir,
        &[
            "workbook",
            "write",
            "--case",
            &case,
            "--section",
            "module-7",
            "--text",
            "Mother's insight is growing.",
            "--about",
            &mother,
            "--kind",
            "reflection",
            "--date",
            "2026-10-01",
        ],
    );
    let key = ok(
        dir,
        &[
            "workbook",
            "write",
            "--case",
            &case,
            "--section",
            "key-information",
            "--text",
            "Two children at home.",
            "--about",
            &about,
            "--kind",
            "reflection",
        ],
    );

    let wb = json(dir, &["workbook", "show", "--case", &case, "--json"]);
    let sections: Vec<&str> = wb["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(sections[1], "key-information");
    assert_eq!(sections[8], "module-7");
    let entries: Vec<&Value> = wb["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["entries"].as_array().unwrap())
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["id"], key.as_str(), "in section order, not date");
    assert_eq!(entries[1]["id"], analysis.as_str());
    for e in &entries {
        assert_eq!(e["role"], "social-worker");
        assert_eq!(e["kind"], "reflection");
        assert_eq!(e["status"]["status"], "draft");
    }
    assert_eq!(entries[0]["about"].as_array().unwrap().len(), 2);
    assert_eq!(entries[1]["about"][0], mother.as_str());

    let text = ok(dir, &["workbook", "show", "--case", &case]);
    assert!(text.contains("Key Information"), "{text}");
    assert!(text.contains("by Bjørn Holm (social-worker)"), "{text}");
    assert!(text.contains("Two children at home."), "{text}");

    ok(
        dir,
        &[
            "workbook",
            "edit",
            "--case",
            &case,
            "--entry",
            &analysis,
            "--text",
            "Mother's insight is growing slowly.",
        ],
    );
    ok(
        dir,
        &[
            "workbook", "finalise", "--case", &case, "--entry", &analysis,
        ],
    );
    refused(
        dir,
        &case,
        &[
            "workbook", "edit", "--case", &case, "--entry", &analysis, "--text", "x",
        ],
        "write a new entry",
    );
    refused(
        dir,
        &case,
        &["workbook", "finalise", "--case", &case],
        "1 workbook entries are not finalised",
    );

    // Bad values, each refused without a trace.
    let write = |section: &str, kind: &str, date: &str, about: &str| -> Vec<String> {
        [
            "workbook",
            "write",
            "--case",
            &case,
            "--section",
            section,
            "--text",
            "t",
            "--kind",
            kind,
            "--date",
            date,
            "--about",
            about,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let bad = [
        (
            write("module-9", "fact", "2026-10-01", &mother),
            "unknown workbook section",
        ),
        (
            write("module-1", "gossip", "2026-10-01", &mother),
            "unknown entry kind",
        ),
        (
            write("module-1", "fact", "2099-01-01", &mother),
            "in the future",
        ),
        (
            write("module-1", "fact", "2026-10-01", &case),
            "is not in this case",
        ),
    ];
    for (args, expected) in &bad {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(dir, &case, &args, expected);
    }

    let done = ok(
        dir,
        &[
            "workbook",
            "finalise",
            "--case",
            &case,
            "--section",
            "key-information",
        ],
    );
    assert_eq!(done, key);
    ok(dir, &["workbook", "finalise", "--case", &case]);
    let wb = json(dir, &["workbook", "show", "--case", &case, "--json"]);
    assert_eq!(wb["status"]["status"], "signed");
    assert_eq!(wb["sign_offs"].as_array().unwrap().len(), 1);

    // A social worker may not finalise (or add) case supervision.
    refused(
        dir,
        &case,
        &["supervision", "finalise", "--case", &case, "--record", &key],
        "only a team manager may finalise a case supervision record",
    );
    refused(
        dir,
        &case,
        &[
            "supervision",
            "add",
            "--case",
            &case,
            "--date",
            "2026-11-01",
            "--rag",
            "green",
        ],
        "only a team manager or business support may add a case supervision record",
    );
}

#[test]
fn a_team_manager_adds_and_finalises_supervision() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "team-manager");
    let (case, _, _) = family(dir);
    let me = ok(dir, &["team", "show", "--json"]);
    let me: Value = serde_json::from_str(&me).unwrap();
    let me = me["members"][0]["id"].as_str().unwrap().to_string();
    let file = tmp.path().join("supervision.json");
    std::fs::write(
        &file,
        serde_json::json!({
            "attended": [me],
            "plan": "Continue the plan.",
            "cycle_of_change": "Mother in contemplation.",
        })
        .to_string(),
    )
    .unwrap();
    let record = ok(
        dir,
        &[
            "supervision",
            "add",
            "--case",
            &case,
            "--date",
            "2026-11-20",
            "--rag",
            "amber",
            "--decision",
            "Keep the child protection plan",
            "--reason",
            "Risk remains",
            "--decision",
            "Refer mother to the DA worker",
            "--reason",
            "Incident in October",
            "--json-file",
            file.to_str().unwrap(),
        ],
    );
    let shown = json(dir, &["supervision", "show", "--case", &case, "--json"]);
    let r = &shown[0];
    assert_eq!(r["id"], record.as_str());
    assert_eq!(r["status"]["status"], "draft");
    assert_eq!(r["fields"]["chair"], me.as_str());
    assert_eq!(r["fields"]["rag"], "amber");
    assert_eq!(r["fields"]["plan"], "Continue the plan.");
    let d = r["fields"]["decisions"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[1]["decision"], "Refer mother to the DA worker");
    assert_eq!(d[1]["reason"], "Incident in October");

    refused(
        dir,
        &case,
        &[
            "supervision",
            "add",
            "--case",
            &case,
            "--date",
            "2026-11-20",
            "--rag",
            "purple",
        ],
        "unknown RAG rating",
    );
    refused(
        dir,
        &case,
        &[
            "supervision",
            "add",
            "--case",
            &case,
            "--date",
            "2026-11-20",
            "--rag",
            "red",
            "--decision",
            "A decision without a reason",
        ],
        "each decision needs a reason",
    );

    ok(
        dir,
        &[
            "supervision",
            "finalise",
            "--case",
            &case,
            "--record",
            &record,
        ],
    );
    let shown = json(dir, &["supervision", "show", "--case", &case, "--json"]);
    assert_eq!(shown[0]["status"]["status"], "signed");
    assert_eq!(shown[0]["finalised"]["by"], me.as_str());
    let text = ok(dir, &["supervision", "show", "--case", &case]);
    assert!(
        text.contains("signed by Bjørn Holm (team-manager)"),
        "{text}"
    );
    assert!(text.contains("Incident in October"), "{text}");
    refused(
        dir,
        &case,
        &[
            "supervision",
            "finalise",
            "--case",
            &case,
            "--record",
            &record,
        ],
        "already finalised",
    );
    // A team manager writes in the workbook but does not finalise it.
    ok(
        dir,
        &[
            "workbook",
            "write",
            "--case",
            &case,
            "--section",
            "module-8",
            "--text",
            "Views.",
        ],
    );
    refused(
        dir,
        &case,
        &["workbook", "finalise", "--case", &case],
        "only a social worker may finalise the workbook",
    );
}

#[test]
fn stages_of_change_give_a_history_in_date_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "social-worker");
    let (case, child, mother) = family(dir);
    let stage = |stage: &str, date: &str, quote: &str| {
        ok(
            dir,
            &[
                "stage",
                "set",
                "--case",
                &case,
                "--person",
                &mother,
                "--problem",
                "substance-misuse",
                "--stage",
                stage,
                "--date",
                date,
                "--quote",
                quote,
            ],
        )
    };
    let later = stage("preparation", "2026-11-02", "I've booked the clinic.");
    let earlier = stage("contemplation", "2026-10-05", "Maybe I drink too much.");
    let series = json(dir, &["stage", "show", "--case", &case, "--json"]);
    assert_eq!(series.as_array().unwrap().len(), 1);
    assert_eq!(series[0]["person"], mother.as_str());
    assert_eq!(series[0]["problem"], "substance-misuse");
    let h = series[0]["history"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["id"], earlier.as_str());
    assert_eq!(h[0]["stage"], "contemplation");
    assert_eq!(h[1]["id"], later.as_str());
    assert_eq!(h[1]["quote"], "I've booked the clinic.");
    let text = ok(dir, &["stage", "show", "--case", &case]);
    assert!(text.contains("Małgorzata: substance-misuse"), "{text}");

    let set = |person: &str, problem: &str, stage: &str, date: &str| -> Vec<String> {
        [
            "stage",
            "set",
            "--case",
            &case,
            "--person",
            person,
            "--problem",
            problem,
            "--stage",
            stage,
            "--date",
            date,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let bad = [
        (
            set(&mother, "gambling", "action", "2026-11-01"),
            "unknown problem area",
        ),
        (
            set(&mother, "other", "denial", "2026-11-01"),
            "unknown stage of change",
        ),
        (
            set(&mother, "other", "action", "2099-11-01"),
            "in the future",
        ),
        (
            set(&case, "other", "action", "2026-11-01"),
            "is not in this case",
        ),
        (
            set(&child, "other", "action", "2026-11-01"),
            "parents and carers",
        ),
    ];
    for (args, expected) in &bad {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(dir, &case, &args, expected);
    }
}
