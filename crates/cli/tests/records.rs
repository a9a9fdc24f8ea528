//! The chronology and consent commands as scripts use them: real processes, the real
//! encrypted file, one-line errors, and nothing changed when a command is refused.

mod common;

use common::{cli, json, ok};

use std::path::Path;

fn snapshot(dir: &Path, case: &str) -> Vec<String> {
    vec![
        ok(dir, &["case", "show", case, "--json"]),
        ok(dir, &["chronology", "--case", case, "--json"]),
        ok(dir, &["consent", "show", "--case", case, "--json"]),
    ]
}

/// A command that must fail: non-zero exit, one line on stderr containing `expected`,
/// and the case, its chronology and its consent register exactly as before.
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

#[test]
fn the_chronology_gathers_hand_entries_and_derived_events_in_date_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (case, child, mother) = setup(dir);
    let present = format!("{child},{mother}");
    let meeting = ok(
        dir,
        &[
            "meeting",
            "add",
            "--case",
            &case,
            "--date",
            "2026-10-01",
            "--kind",
            "status",
            "--present",
            &present,
        ],
    );
    let rating = ok(
        dir,
        &[
            "rate",
            "--case",
            &case,
            "--meeting",
            &meeting,
            "--measure",
            "ORS",
            "--subject",
            &mother,
            "--items",
            "4,4,5,5",
        ],
    );
    let stage = ok(
        dir,
        &[
            "stage",
            "set",
            "--case",
            &case,
            "--person",
            &mother,
            "--problem",
            "domestic-abuse",
            "--stage",
            "preparation",
            "--date",
            "2026-10-05",
        ],
    );
    let event = ok(
        dir,
        &[
            "chronology",
            "add",
            "--case",
            &case,
            "--date",
            "2026-09-12",
            "--what",
            "Police attended a domestic incident.",
            "--source",
            "police notification",
            "--impact",
            "Zofia was woken and frightened.",
        ],
    );
    assert_eq!(event.len(), 36, "prints the event id: {event}");
    ok(
        dir,
        &[
            "consent",
            "set",
            "--case",
            &case,
            "--person",
            &mother,
            "--purpose",
            "share with school",
            "--status",
            "given",
            "--date",
            "2026-09-20",
        ],
    );

    let events = json(dir, &["chronology", "--case", &case, "--json"]);
    let events = events.as_array().unwrap();
    let rows: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap(),
                e["source"].as_str().unwrap(),
                e["record"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        &rows[..5],
        &[
            ("2026-09-12", "significant-event", event.as_str()),
            ("2026-09-20", "consent", rows[1].2),
            ("2026-10-01", "meeting", meeting.as_str()),
            ("2026-10-01", "rating", rating.as_str()),
            ("2026-10-05", "stage-of-change", stage.as_str()),
        ]
    );
    // The case was opened today (the system clock), after everything typed above.
    assert_eq!(rows[5].1, "episode-opened");
    assert_eq!(rows.len(), 6);
    assert_eq!(events[0]["impact"], "Zofia was woken and frightened.");
    assert_eq!(events[0]["information_source"], "police notification");
    assert_eq!(
        events[3]["summary"],
        "ORS by Małgorzata (parent): total 18.0"
    );
    assert!(events[2]["impact"].is_null());

    let text = ok(dir, &["chronology", "--case", &case]);
    assert!(text.contains("2026-09-12  significant-event"), "{text}");
    assert!(
        text.contains("impact on the child: Zofia was woken"),
        "{text}"
    );
}

#[test]
fn chronology_refusals_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (case, _, _) = setup(dir);
    refused(
        dir,
        &case,
        &[
            "chronology",
            "add",
            "--case",
            &case,
            "--date",
            "2999-01-01",
            "--what",
            "Later",
        ],
        "lies in the future",
    );
    refused(
        dir,
        &case,
        &[
            "chronology",
            "add",
            "--case",
            &case,
            "--date",
            "2026-01-01",
            "--what",
            " ",
        ],
        "is empty",
    );
    refused(
        dir,
        &case,
        &[
            "chronology",
            "add",
            "--case",
            &case,
            "--date",
            "01/01/2026",
            "--what",
            "x",
        ],
        "not a date",
    );
    let out = cli(dir, &["chronology"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--case"));
}

#[test]
fn consent_set_withdraw_and_share_without() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (case, child, mother) = setup(dir);
    let set = |status: &str, date: &str| {
        ok(
            dir,
            &[
                "consent",
                "set",
                "--case",
                &case,
                "--person",
                &mother,
                "--purpose",
                "share with school",
                "--status",
                status,
                "--date",
                date,
            ],
        )
    };
    refused(
        dir,
        &case,
        &[
            "consent",
            "set",
            "--case",
            &case,
            "--person",
            &mother,
            "--purpose",
            "share with school",
            "--status",
            "withdrawn",
            "--date",
            "2026-03-01",
        ],
        "only be withdrawn once it has been given",
    );
    refused(
        dir,
        &case,
        &[
            "consent",
            "set",
            "--case",
            &case,
            "--person",
            &mother,
            "--purpose",
            "x",
            "--status",
            "maybe",
        ],
        "unknown consent status",
    );
    let given = set("given", "2026-02-01");
    let withdrawn = set("withdrawn", "2026-05-01");
    let reg = json(dir, &["consent", "show", "--case", &case, "--json"]);
    assert_eq!(reg["current"].as_array().unwrap().len(), 1);
    assert_eq!(reg["current"][0]["status"], "withdrawn");
    assert_eq!(reg["current"][0]["record"], withdrawn.as_str());
    assert_eq!(reg["current"][0]["person"], mother.as_str());
    let history: Vec<(&str, &str)> = reg["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        vec![(given.as_str(), "given"), (withdrawn.as_str(), "withdrawn")]
    );

    refused(
        dir,
        &case,
        &[
            "consent",
            "share-without",
            "--case",
            &case,
            "--person",
            &child,
            "--purpose",
            "share with police",
            "--basis",
            "  ",
        ],
        "legal basis",
    );
    let out = cli(
        dir,
        &[
            "consent",
            "share-without",
            "--case",
            &case,
            "--person",
            &child,
            "--purpose",
            "share with police",
        ],
    );
    assert!(!out.status.success(), "--basis is required");
    let shared = ok(
        dir,
        &[
            "consent",
            "share-without",
            "--case",
            &case,
            "--person",
            &child,
            "--purpose",
            "share with police",
            "--basis",
            "s47 enquiry",
            "--date",
            "2026-06-01",
        ],
    );
    let reg = json(dir, &["consent", "show", "--case", &case, "--json"]);
    assert_eq!(reg["shared_without_consent"][0]["id"], shared.as_str());
    assert_eq!(reg["shared_without_consent"][0]["basis"], "s47 enquiry");
    let text = ok(dir, &["consent", "show", "--case", &case]);
    assert!(text.contains("withdrawn since 2026-05-01"), "{text}");
    assert!(text.contains("legal basis: s47 enquiry"), "{text}");
}
