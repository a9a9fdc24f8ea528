//! The closure commands as scripts use them (waiting list, decision, closing summary,
//! sign-off, letters, re-referral): real processes, the real encrypted file, one-line
//! errors, and nothing changed when a command is refused.

mod common;

use common::{cli, json, ok};

use std::path::Path;

use serde_json::Value;

fn snapshot(dir: &Path, case: &str) -> Vec<String> {
    vec![
        ok(dir, &["case", "show", case, "--json"]),
        ok(dir, &["closing-summary", "show", "--case", case, "--json"]),
        ok(dir, &["chronology", "--case", case, "--json"]),
    ]
}

/// A command that must fail: non-zero exit, one line on stderr containing `expected`,
/// and the case, its closure and its chronology exactly as before.
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

fn write(dir: &Path, name: &str, json: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(json).unwrap()).unwrap();
    path.display().to_string()
}

fn status(dir: &Path, case: &str) -> Value {
    let view = json(dir, &["case", "show", case, "--json"]);
    view["episodes"].as_array().unwrap().last().unwrap()["status"].clone()
}

#[test]
fn a_social_worker_may_not_decide_or_sign_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "social-worker");
    let case = ok(
        dir,
        &[
            "case",
            "waiting",
            "--family",
            "Nowak",
            "--ref",
            "R-1",
            "--date",
            "2026-01-05",
        ],
    );
    assert_eq!(case.len(), 36, "prints the case id: {case}");
    assert_eq!(status(dir, &case), "waiting-list");
    refused(
        dir,
        &case,
        &["case", "open", "--case", &case, "--date", "2026-01-01"],
        "before it was referred",
    );
    ok(
        dir,
        &["case", "open", "--case", &case, "--date", "2026-01-20"],
    );
    assert_eq!(status(dir, &case), "open");
    refused(
        dir,
        &case,
        &[
            "close",
            "decide",
            "--case",
            &case,
            "--date",
            "2026-06-01",
            "--reason",
            "Goals met",
        ],
        "only a team manager may decide to close a case",
    );
    refused(
        dir,
        &case,
        &["closing-summary", "sign", "--case", &case],
        "only a team manager may sign off a closing summary",
    );
    let file = write(
        tmp.path(),
        "summary.json",
        &serde_json::json!({"what_changed": "Things are calmer."}),
    );
    refused(
        dir,
        &case,
        &[
            "closing-summary",
            "write",
            "--case",
            &case,
            "--json-file",
            &file,
        ],
        "a team manager decides the closure before",
    );
    refused(
        dir,
        &case,
        &["letters", "draft", "--case", &case],
        "write the closing summary before",
    );
}

#[test]
fn waiting_list_to_open_to_signed_closure_letters_and_re_referral() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = tempfile::tempdir().unwrap();
    init(dir, "team-manager");
    let case = ok(
        dir,
        &[
            "case",
            "waiting",
            "--family",
            "Nowak",
            "--date",
            "2026-01-05",
        ],
    );
    ok(
        dir,
        &["case", "open", "--case", &case, "--date", "2026-01-20"],
    );
    let person = |name: &str, role: &str, born: &str| {
        ok(
            dir,
            &[
                "person", "add", "--case", &case, "--name", name, "--role", role, "--born", born,
            ],
        )
    };
    let mum = person("Anna Nowak", "parent", "1990-04-02");
    let zofia = person("Zofia Nowak", "child", "2017-06-01");
    let _kacper = person("Kacper Nowak", "child", "2012-02-11");
    let plan_file = write(
        files.path(),
        "plan.json",
        &serde_json::json!({
            "date": "2026-02-01",
            "goals": [{"goal": "We want Zofia to feel safe at home"}],
            "review_date": "2026-04-01"
        }),
    );
    let plan = ok(
        dir,
        &["plan", "add", "--case", &case, "--json-file", &plan_file],
    );
    for (date, ors, cors) in [
        ("2026-02-01", "4,5,4,5", "5,5,6,5"),
        ("2026-05-01", "8,7.5,8,8", "9,9,8.5,9"),
    ] {
        let m = ok(
            dir,
            &[
                "meeting",
                "add",
                "--case",
                &case,
                "--date",
                date,
                "--kind",
                "care-plan",
            ],
        );
        for (measure, subject, items) in [("ORS", &mum, ors), ("CORS", &zofia, cors)] {
            ok(
                dir,
                &[
                    "rate",
                    "--case",
                    &case,
                    "--meeting",
                    &m,
                    "--measure",
                    measure,
                    "--subject",
                    subject,
                    "--items",
                    items,
                ],
            );
        }
    }

    refused(
        dir,
        &case,
        &[
            "close",
            "decide",
            "--case",
            &case,
            "--date",
            "2026-06-01",
            "--reason",
            "ORS above the cut-off",
        ],
        "not risk",
    );
    ok(
        dir,
        &[
            "close",
            "decide",
            "--case",
            &case,
            "--date",
            "2026-06-01",
            "--reason",
            "The plan's goals are met",
        ],
    );
    assert_eq!(status(dir, &case), "open", "deciding does not close");

    let help = ok(dir, &["closing-summary", "write", "--help"]);
    for key in [
        "what_changed",
        "plan_goals",
        "sustainability_plan",
        "family_views",
    ] {
        assert!(help.contains(key), "--help documents {key}: {help}");
    }
    let summary = write(
        files.path(),
        "summary.json",
        &serde_json::json!({
            "what_changed": "Anna got an injunction and goes to her group every week.",
            "plan_goals": [{"plan": plan, "goal": 1}],
            "sustainability_plan": "Grandma visits on Sundays.",
            "signposting": "Women's Aid helpline: 0808 2000 247.",
            "child_views": "Zofia says home is quiet now.",
            "family_views": "Anna feels stronger."
        }),
    );
    ok(
        dir,
        &[
            "closing-summary",
            "write",
            "--case",
            &case,
            "--json-file",
            &summary,
        ],
    );
    let shown = json(dir, &["closing-summary", "show", "--case", &case, "--json"]);
    let s = &shown["summary"];
    assert_eq!(s["status"]["status"], "draft");
    assert_eq!(s["fields"]["reason"], "The plan's goals are met");
    assert_eq!(
        s["plan_goals"][0]["text"],
        "We want Zofia to feel safe at home"
    );
    // The FIT numbers are the ones `outcomes` computes for the episode.
    let outcomes = json(dir, &["outcomes", "--case", &case, "--json"]);
    let mut expected = Vec::new();
    for subject in outcomes["subjects"].as_array().unwrap() {
        for series in subject["series"].as_array().unwrap() {
            expected.push((
                subject["person"].clone(),
                series["measure"].clone(),
                series["first"].clone(),
                series["last"].clone(),
                series["reliable_change"].clone(),
                series["clinically_significant"].clone(),
            ));
        }
    }
    let got: Vec<_> = s["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["subject"].clone(),
                l["measure"].clone(),
                l["first"].clone(),
                l["last"].clone(),
                l["reliable_change"].clone(),
                l["clinically_significant"].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 2);
    let text = ok(dir, &["closing-summary", "show", "--case", &case]);
    assert!(text.contains("draft"), "{text}");
    assert!(text.contains("Anna Nowak ORS"), "{text}");

    let letters = ok(dir, &["letters", "draft", "--case", &case]);
    assert!(letters.contains("Dear Anna,"), "{letters}");
    assert!(letters.contains("Dear Zofia,"), "{letters}");
    assert!(letters.contains("Dear Kacper,"), "{letters}");
    assert!(letters.contains("We want Zofia to feel safe at home."));
    for word in letters.split(|c: char| !c.is_alphanumeric()) {
        assert!(!["ORS", "CORS"].contains(&word), "{letters}");
    }
    let drafts = json(dir, &["letters", "draft", "--case", &case, "--json"]);
    assert_eq!(drafts["children"].as_array().unwrap().len(), 2);
    let letter = files.path().join("letter.txt");
    let family = format!("{}\nP.S. Well done.", drafts["family"].as_str().unwrap());
    std::fs::write(&letter, &family).unwrap();
    ok(
        dir,
        &[
            "letters",
            "save",
            "--case",
            &case,
            "--file",
            letter.to_str().unwrap(),
        ],
    );
    let shown = json(dir, &["closing-summary", "show", "--case", &case, "--json"]);
    assert_eq!(shown["letters"]["family"], family.as_str());

    ok(dir, &["closing-summary", "sign", "--case", &case]);
    assert_eq!(status(dir, &case), "closed");
    let shown = json(dir, &["closing-summary", "show", "--case", &case, "--json"]);
    assert_eq!(shown["summary"]["status"]["status"], "signed");
    assert_eq!(shown["episode_status"], "closed");
    let episode = shown["episode"].as_str().unwrap().to_string();
    refused(
        dir,
        &case,
        &[
            "closing-summary",
            "write",
            "--case",
            &case,
            "--json-file",
            &summary,
        ],
        "the case is closed",
    );
    refused(
        dir,
        &case,
        &["closing-summary", "sign", "--case", &case],
        "already signed off",
    );
    let chronology = ok(dir, &["chronology", "--case", &case]);
    assert!(
        chronology.contains("Episode closed: The plan's goals are met"),
        "{chronology}"
    );

    // A re-referral opens a new episode of the same case.
    let view = json(dir, &["case", "show", &case, "--json"]);
    let closed = view["episodes"][0]["closed"].as_str().unwrap().to_string();
    assert_eq!(closed.len(), 10, "closed on the day of the sign-off");
    ok(dir, &["case", "reopen", "--case", &case, "--date", &closed]);
    let view = json(dir, &["case", "show", &case, "--json"]);
    assert_eq!(view["episodes"].as_array().unwrap().len(), 2);
    assert_eq!(status(dir, &case), "open");
    let shown = json(dir, &["closing-summary", "show", "--case", &case, "--json"]);
    assert!(shown["decision"].is_null() && shown["summary"].is_null());
    let old = json(
        dir,
        &[
            "closing-summary",
            "show",
            "--case",
            &case,
            "--episode",
            &episode,
            "--json",
        ],
    );
    assert_eq!(old["summary"]["status"]["status"], "signed");
}

#[test]
fn a_closed_case_is_re_referred_onto_the_waiting_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir, "team-manager");
    let case = ok(dir, &["case", "add", "--family", "Berg"]);
    // `case add` opens the case today.
    let view = json(dir, &["case", "show", &case, "--json"]);
    let today = view["episodes"][0]["opened"].as_str().unwrap().to_string();
    refused(
        dir,
        &case,
        &["case", "waiting", "--case", &case, "--date", &today],
        "already has an episode",
    );
    ok(
        dir,
        &[
            "close",
            "decide",
            "--case",
            &case,
            "--date",
            &today,
            "--reason",
            "Family moved away",
        ],
    );
    let file = write(
        tmp.path(),
        "s.json",
        &serde_json::json!({"what_changed": "The family moved to another area."}),
    );
    ok(
        dir,
        &[
            "closing-summary",
            "write",
            "--case",
            &case,
            "--json-file",
            &file,
        ],
    );
    ok(dir, &["closing-summary", "sign", "--case", &case]);
    ok(dir, &["case", "waiting", "--case", &case, "--date", &today]);
    assert_eq!(status(dir, &case), "waiting-list");
    let list = ok(dir, &["case", "list"]);
    assert!(list.contains("Berg"), "{list}");
}
