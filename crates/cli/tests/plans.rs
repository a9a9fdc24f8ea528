//! The plan commands as scripts use them: real processes, the real
//! encrypted file, one-line errors, and nothing changed when a command is refused.

mod common;

use common::{cli, json, ok};

use std::path::Path;

use serde_json::Value;

fn snapshot(dir: &Path, case: &str) -> Vec<String> {
    vec![
        ok(dir, &["case", "show", case, "--json"]),
        ok(dir, &["plan", "show", "--case", case, "--json"]),
        ok(dir, &["chronology", "--case", case, "--json"]),
    ]
}

/// A command that must fail: non-zero exit, one line on stderr containing `expected`,
/// and the case, its plans and its chronology exactly as before.
fn refused(dir: &Path, case: &str, args: &[&str], expected: &str) {
    let before = snapshot(dir, case);
    let out = cli(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert_eq!(snapshot(dir, case), before, "{args:?} changed the case");
}

/// A workspace with a case, a child and a mother: (case, child, mother).
fn setup(dir: &Path) -> (String, String, String) {
    ok(
        dir,
        &[
            "init",
            "--team",
            "Vesterby FS",
            "--member",
            "Bjørn Holm",
            "--role",
            "social-worker",
        ],
    );
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

fn write(dir: &Path, name: &str, json: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(json).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn a_plan_is_added_reviewed_and_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = tempfile::tempdir().unwrap();
    let (case, child, mother) = setup(dir);
    let me = json(dir, &["team", "show", "--json"])["members"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let plan_file = write(
        files.path(),
        "plan.json",
        &serde_json::json!({
            "date": "2026-09-01",
            "goals": [
                {"goal": "We want Zofia to feel safe at home",
                 "actions": ["Mum goes to the Safer Us group"],
                 "who_helps": "Domestic-abuse practitioner",
                 "success": "Zofia says home is calm"},
                {"goal": "Zofia gets to school on time"}
            ],
            "risks": [{"risk": "Dad returns", "managed": "Safety plan"}],
            "child_views": "I want it quiet at night.",
            "review_date": "2026-11-01"
        }),
    );
    let plan = ok(
        dir,
        &["plan", "add", "--case", &case, "--json-file", &plan_file],
    );
    assert_eq!(plan.len(), 36, "prints the plan id: {plan}");
    let review_file = write(
        files.path(),
        "review.json",
        &serde_json::json!({
            "date": "2026-10-15",
            "attended_people": [mother, child],
            "attended_members": [me],
            "progress": [{"goal": 1, "progress": "Group: 4 of 8 sessions"}],
            "changes": "Add a bedtime goal",
            "next_review": "2026-12-15"
        }),
    );
    let review = ok(
        dir,
        &[
            "plan",
            "review",
            "--case",
            &case,
            "--plan",
            &plan,
            "--json-file",
            &review_file,
        ],
    );
    let plans = json(dir, &["plan", "show", "--case", &case, "--json"]);
    assert_eq!(plans[0]["id"], plan.as_str());
    assert_eq!(
        plans[0]["fields"]["goals"][1]["goal"],
        "Zofia gets to school on time"
    );
    assert_eq!(plans[0]["reviews"][0]["id"], review.as_str());
    assert_eq!(plans[0]["next_review"], "2026-12-15");
    let text = ok(dir, &["plan", "show", "--case", &case]);
    assert!(
        text.contains("goal 1: We want Zofia to feel safe at home"),
        "{text}"
    );
    assert!(
        text.contains("attended Małgorzata, Zofia, Bjørn Holm"),
        "{text}"
    );
    let chronology = json(dir, &["chronology", "--case", &case, "--json"]);
    let sources: Vec<&str> = chronology
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(&sources[..2], &["plan", "plan-review"]);
}

#[test]
fn plan_refusals_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = tempfile::tempdir().unwrap();
    let (case, _, mother) = setup(dir);
    let no_goals = write(
        files.path(),
        "a.json",
        &serde_json::json!({"goals": [], "review_date": "2099-01-01"}),
    );
    refused(
        dir,
        &case,
        &["plan", "add", "--case", &case, "--json-file", &no_goals],
        "at least one goal",
    );
    let unknown = write(
        files.path(),
        "b.json",
        &serde_json::json!({"goals": [{"goal": "x"}], "review_date": "2099-01-01", "owner": "me"}),
    );
    refused(
        dir,
        &case,
        &["plan", "add", "--case", &case, "--json-file", &unknown],
        "unknown field",
    );
    let good = write(
        files.path(),
        "c.json",
        &serde_json::json!({"date": "2026-09-01", "goals": [{"goal": "x"}], "review_date": "2026-11-01"}),
    );
    let plan = ok(dir, &["plan", "add", "--case", &case, "--json-file", &good]);
    let bad_review = write(
        files.path(),
        "d.json",
        &serde_json::json!({"date": "2026-10-01", "attended_people": [mother],
                            "progress": [{"goal": 2, "progress": "y"}],
                            "next_review": "2026-12-01"}),
    );
    refused(
        dir,
        &case,
        &[
            "plan",
            "review",
            "--case",
            &case,
            "--plan",
            &plan,
            "--json-file",
            &bad_review,
        ],
        "no goal 2",
    );
    let no_next = write(
        files.path(),
        "e.json",
        &serde_json::json!({"attended_people": [mother]}),
    );
    refused(
        dir,
        &case,
        &[
            "plan",
            "review",
            "--case",
            &case,
            "--plan",
            &plan,
            "--json-file",
            &no_next,
        ],
        "next_review",
    );
}
