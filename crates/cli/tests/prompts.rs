//! Drift prompts, the team's drift thresholds and a case's change history, as scripts
//! use them: real processes and the real encrypted file.

mod common;

use common::{cli, json, ok};

use std::path::Path;

use serde_json::Value;

fn refused(dir: &Path, args: &[&str], expected: &str) {
    let before = ok(dir, &["team", "show", "--json"]);
    let out = cli(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert_eq!(ok(dir, &["team", "show", "--json"]), before);
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

fn kinds(prompts: &Value, case: &str) -> Vec<String> {
    prompts
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["case"] == case)
        .map(|p| p["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn prompts_show_for_open_cases_and_never_block_an_action() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "team-manager");
    let case = ok(dir, &["case", "add", "--family", "Wiśniewska"]);
    let quiet = ok(dir, &["case", "add", "--family", "Quiet"]);
    assert_eq!(ok(dir, &["prompts"]), "No prompts.");
    for date in ["2026-01-01", "2026-01-02"] {
        ok(
            dir,
            &[
                "meeting",
                "add",
                "--case",
                &case,
                "--date",
                date,
                "--kind",
                "assessment",
            ],
        );
    }
    let prompts = json(dir, &["prompts", "--json"]);
    assert_eq!(
        kinds(&prompts, &case),
        vec!["ors_not_recorded", "srs_not_recorded"]
    );
    assert!(kinds(&prompts, &quiet).is_empty());
    let p = &prompts[0];
    assert_eq!(p["since"], "2026-01-01");
    assert_eq!(p["level"], "prompt");
    let text = ok(dir, &["prompts"]);
    assert!(text.contains("Wiśniewska"), "{text}");
    assert!(text.contains("ors_not_recorded"), "{text}");
    assert_eq!(
        json(dir, &["prompts", "--case", &case, "--json"]),
        prompts,
        "one case"
    );

    // While the prompts fire, actions go through.
    ok(
        dir,
        &[
            "meeting",
            "add",
            "--case",
            &case,
            "--date",
            "2026-01-03",
            "--kind",
            "status",
        ],
    );

    // The team's thresholds: with four unrated meetings needed, three are not enough.
    ok(dir, &["team", "drift", "--unrated-meetings", "4"]);
    assert!(kinds(&json(dir, &["prompts", "--json"]), &case).is_empty());
    ok(
        dir,
        &[
            "team",
            "drift",
            "--first-contact-days",
            "3",
            "--review-weeks",
            "4,8",
            "--unrated-meetings",
            "3",
        ],
    );
    let drift = &json(dir, &["team", "show", "--json"])["settings"]["drift"];
    assert_eq!(drift["first_contact_days"], 3);
    assert_eq!(drift["review_min_weeks"], 4);
    assert_eq!(drift["review_max_weeks"], 8);
    assert_eq!(drift["unrated_meetings"], 3);
    assert_eq!(drift["reason_after_months"], 9, "untouched options keep");
    assert_eq!(
        kinds(&json(dir, &["prompts", "--json"]), &case),
        vec!["ors_not_recorded", "srs_not_recorded"]
    );
    refused(dir, &["team", "drift", "--review-weeks", "8"], "MIN,MAX");
    refused(dir, &["team", "drift", "--review-weeks", "9,8"], "review");
    refused(
        dir,
        &["team", "drift", "--unrated-meetings", "0"],
        "at least 1",
    );

    // Closing goes through while prompts fire; a closed case has none.
    let opened = json(dir, &["case", "show", &case, "--json"])["episodes"][0]["opened"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        dir,
        &[
            "case", "close", "--case", &case, "--date", &opened, "--reason", "done",
        ],
    );
    assert_eq!(json(dir, &["prompts", "--json"]), serde_json::json!([]));
}

#[test]
fn only_a_team_manager_changes_the_drift_thresholds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "social-worker");
    refused(
        dir,
        &["team", "drift", "--first-contact-days", "3"],
        "team manager",
    );
}

#[test]
fn history_lists_each_change_with_its_member_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "social-worker");
    let case = ok(dir, &["case", "add", "--family", "Wiśniewska"]);
    ok(
        dir,
        &[
            "person", "add", "--case", &case, "--name", "Zofia", "--role", "child",
        ],
    );
    ok(
        dir,
        &[
            "meeting",
            "add",
            "--case",
            &case,
            "--date",
            "2026-01-01",
            "--kind",
            "assessment",
        ],
    );
    let history = json(dir, &["history", "--case", &case, "--json"]);
    let entries = history.as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["case.create", "person.add", "meeting.add"]);
    let me = json(dir, &["team", "show", "--json"])["members"][0]["id"].clone();
    let mut last = String::new();
    for e in entries {
        assert_eq!(e["member_name"], "Bjørn Holm");
        assert_eq!(e["member"], me);
        assert_eq!(e["device"].as_str().unwrap().len(), 32);
        let at = e["at"].as_str().unwrap().to_string();
        assert!(at >= last, "oldest first");
        last = at;
    }
    let text = ok(dir, &["history", "--case", &case]);
    assert_eq!(text.lines().count(), 3);
    assert!(text.lines().all(|l| l.contains("Bjørn Holm")), "{text}");
    let out = cli(dir, &["history", "--case", "not-an-id"]);
    assert!(!out.status.success());
}
