//! The command-line interface as scripts use it: real processes, the real encrypted
//! file, exit codes, one-line errors, and nothing changed when a command is refused.

use std::path::Path;
use std::process::{Command, Output};

const PASS: &str = "a long enough passphrase";

fn cli(dir: &Path, args: &[&str]) -> Output {
    cli_with(dir, PASS, args)
}

fn cli_with(dir: &Path, pass: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth-cli"))
        .arg("--data")
        .arg(dir)
        .args(args)
        .env("HEARTH_PASSPHRASE", pass)
        .env_remove("HEARTH_DATA")
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs a command that must fail: non-zero exit, one line on stderr containing
/// `expected`, and the workspace's case exactly as before.
fn refused(dir: &Path, case: &str, args: &[&str], expected: &str) {
    let before = ok(dir, &["case", "show", case, "--json"]);
    let out = cli(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert_eq!(
        ok(dir, &["case", "show", case, "--json"]),
        before,
        "{args:?} changed the case"
    );
}

fn init(dir: &Path) {
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
}

struct Family {
    case: String,
    child: String,
    mother: String,
    meeting: String,
}

fn family(dir: &Path) -> Family {
    let case = ok(
        dir,
        &["case", "add", "--family", "Wiśniewska", "--ref", "V-77"],
    );
    let child = ok(
        dir,
        &[
            "person",
            "add",
            "--case",
            &case,
            "--name",
            "Zofia Wiśniewska",
            "--role",
            "child",
            "--born",
            "2016-05-01",
        ],
    );
    let mother = ok(
        dir,
        &[
            "person",
            "add",
            "--case",
            &case,
            "--name",
            "Małgorzata Wiśniewska",
            "--role",
            "parent",
            "--born",
            "1990-02-02",
        ],
    );
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
    Family {
        case,
        child,
        mother,
        meeting,
    }
}

#[test]
fn the_scripted_flow_from_init_to_outcomes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let f = family(dir);
    let r1 = ok(
        dir,
        &[
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &f.meeting,
            "--measure",
            "CORS",
            "--subject",
            &f.child,
            "--items",
            "5,6,5.5,6",
        ],
    );
    assert_eq!(r1.len(), 36, "prints the rating id: {r1}");
    ok(
        dir,
        &[
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &f.meeting,
            "--measure",
            "ORS",
            "--subject",
            &f.child,
            "--rater",
            &f.mother,
            "--items",
            "4,4,5,5",
            "--mode",
            "paper",
        ],
    );
    ok(
        dir,
        &[
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &f.meeting,
            "--measure",
            "CSRS",
            "--subject",
            &f.child,
            "--not-given",
            "ran out of time",
        ],
    );
    let m2 = ok(
        dir,
        &[
            "meeting",
            "add",
            "--case",
            &f.case,
            "--date",
            "2026-11-01",
            "--kind",
            "status",
        ],
    );
    ok(
        dir,
        &[
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &m2,
            "--measure",
            "CORS",
            "--subject",
            &f.child,
            "--items",
            "8,8,8,9",
        ],
    );
    ok(
        dir,
        &[
            "rating",
            "correct",
            "--case",
            &f.case,
            "--rating",
            &r1,
            "--items",
            "5,6,5.5,6.5",
            "--reason",
            "typed wrong",
        ],
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(dir, &["outcomes", "--case", &f.case, "--json"])).unwrap();
    assert_eq!(json["case"], f.case.as_str());
    let child = json["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["person"] == f.child.as_str())
        .unwrap();
    assert_eq!(child["name"], "Zofia Wiśniewska");
    let cors = child["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["measure"] == "CORS")
        .unwrap();
    assert_eq!(cors["points"].as_array().unwrap().len(), 2);
    assert_eq!(cors["first"], 23.0, "the correction counts");
    assert_eq!(cors["last"], 33.0);
    assert_eq!(cors["change"], 10.0);
    assert_eq!(cors["cutoff"], 32.0);
    assert_eq!(cors["reliable_change"], "improved");
    assert_eq!(cors["clinically_significant"], true);
    assert_eq!(cors["points"][0]["date"], "2026-10-01");
    assert_eq!(cors["points"][0]["meeting"], f.meeting.as_str());
    let ors = child["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["measure"] == "ORS")
        .unwrap();
    assert_eq!(ors["rater"], f.mother.as_str());
    assert_eq!(ors["first"], 18.0);
    assert!(
        ors["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "below_cutoff")
    );

    let list: serde_json::Value =
        serde_json::from_str(&ok(dir, &["case", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["family"]["name"], "Wiśniewska");
    let text = ok(dir, &["case", "list"]);
    assert!(text.contains("Wiśniewska"), "{text}");
}

#[test]
fn bad_input_gets_a_clear_one_line_error_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let f = family(dir);
    let stranger = "00000000-0000-4000-8000-000000000000";
    let rate = |measure: &str, subject: &str, items: &str| -> Vec<String> {
        [
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &f.meeting,
            "--measure",
            measure,
            "--subject",
            subject,
            "--items",
            items,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (rate("ORS", &f.mother, "11,5,5,5"), "outside"),
        (rate("ORS", &f.mother, "five,5,5,5"), "not a number"),
        (rate("ORS", &f.mother, "5,5,5"), "4 items"),
        (rate("PHQ9", &f.mother, "5,5,5,5"), "unknown measure"),
        (rate("ORS", stranger, "5,5,5,5"), "not in this case"),
        (rate("ORS", "Zofia", "5,5,5,5"), "not a valid id"),
        (
            vec![
                "meeting".into(),
                "add".into(),
                "--case".into(),
                f.case.clone(),
                "--date".into(),
                "2031-01-01".into(),
                "--kind".into(),
                "status".into(),
            ],
            "future",
        ),
        (
            vec![
                "meeting".into(),
                "add".into(),
                "--case".into(),
                f.case.clone(),
                "--date".into(),
                "01/10/2026".into(),
                "--kind".into(),
                "status".into(),
            ],
            "not a date",
        ),
        (
            vec![
                "meeting".into(),
                "add".into(),
                "--case".into(),
                f.case.clone(),
                "--date".into(),
                "2026-10-01".into(),
                "--kind".into(),
                "party".into(),
            ],
            "meeting kind",
        ),
        (
            vec![
                "person".into(),
                "add".into(),
                "--case".into(),
                f.case.clone(),
                "--name".into(),
                "X".into(),
                "--role".into(),
                "child".into(),
                "--born".into(),
                "2099-01-01".into(),
            ],
            "future",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(dir, &f.case, &args, expected);
    }
}

#[test]
fn a_measure_for_another_age_is_recorded_with_a_warning_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let f = family(dir);
    let out = cli(
        dir,
        &[
            "rate",
            "--case",
            &f.case,
            "--meeting",
            &f.meeting,
            "--measure",
            "CORS",
            "--subject",
            &f.mother,
            "--items",
            "5,5,5,5",
        ],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("warning: CORS"), "{stderr}");
    assert!(stderr.contains("ORS"), "{stderr}");
}

#[test]
fn the_wrong_passphrase_says_so_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let out = cli_with(
        dir,
        "wrong wrong wrong",
        &["case", "add", "--family", "Pryce"],
    );
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: wrong passphrase"
    );
    assert_eq!(snapshot(), before);
}

#[test]
fn init_refuses_an_existing_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let out = cli(
        tmp.path(),
        &[
            "init",
            "--team",
            "Other",
            "--member",
            "X",
            "--role",
            "team-manager",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn commands_without_a_workspace_say_how_to_make_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = cli(tmp.path(), &["case", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("init"));
}

#[test]
fn a_truncated_file_gives_a_clear_error_and_is_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    ok(dir, &["demo", "--cases", "3"]);
    let db = dir.join("hearth.db");
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 3]).unwrap();
    let out = cli(dir, &["case", "list"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("damaged"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), &bytes[..bytes.len() / 3]);
}

#[test]
fn backup_while_open_elsewhere_and_a_checked_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    init(&dir);
    ok(&dir, &["demo", "--cases", "4"]);
    let cases = ok(&dir, &["case", "list", "--json"]);
    let backup = tmp.path().join("backup.hearth");
    ok(&dir, &["backup", "--out", backup.to_str().unwrap()]);
    // Not overwritten without --force.
    assert!(
        !cli(&dir, &["backup", "--out", backup.to_str().unwrap()])
            .status
            .success()
    );

    // Restore into a fresh directory gives the same caseload.
    let other = tmp.path().join("restored");
    ok(&other, &["restore", "--from", backup.to_str().unwrap()]);
    assert_eq!(ok(&other, &["case", "list", "--json"]), cases);

    // A wrong passphrase or a damaged backup replaces nothing.
    ok(&dir, &["case", "add", "--family", "Bowen"]);
    let now = ok(&dir, &["case", "list", "--json"]);
    let out = cli_with(
        &dir,
        "not the passphrase",
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert!(!out.status.success());
    let bytes = std::fs::read(&backup).unwrap();
    let broken = tmp.path().join("broken.hearth");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    assert!(
        !cli(
            &dir,
            &["restore", "--from", broken.to_str().unwrap(), "--force"]
        )
        .status
        .success()
    );
    assert_eq!(ok(&dir, &["case", "list", "--json"]), now);
}

#[test]
fn the_demo_fills_a_caseload() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    assert_eq!(
        ok(dir, &["demo", "--cases", "6", "--seed", "9"]),
        "6 demo cases added"
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(dir, &["case", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 6);
    for c in list.as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let out: serde_json::Value =
            serde_json::from_str(&ok(dir, &["outcomes", "--case", id, "--json"])).unwrap();
        assert!(!out["subjects"].as_array().unwrap().is_empty());
    }
}

#[test]
fn the_passphrase_can_be_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init(dir);
    ok(dir, &["case", "add", "--family", "Hughes"]);
    let out = Command::new(env!("CARGO_BIN_EXE_hearth-cli"))
        .args(["--data", dir.to_str().unwrap(), "passphrase", "change"])
        .env("HEARTH_PASSPHRASE", PASS)
        .env("HEARTH_NEW_PASSPHRASE", "a brand new passphrase")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!cli(dir, &["case", "list"]).status.success());
    let list = cli_with(dir, "a brand new passphrase", &["case", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("Hughes"));
}

#[test]
fn team_settings_change_the_numbers_and_only_a_manager_may_change_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A social worker may not change the team's measures.
    init(dir);
    let file = tmp.path().join("ors.json");
    std::fs::write(&file, r#"{"id": "ORS", "reliable_change": 6}"#).unwrap();
    let out = cli(
        dir,
        &["team", "measure-override", "--file", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("team manager"));

    let mdir = tmp.path().join("manager");
    ok(
        &mdir,
        &[
            "init",
            "--team",
            "T",
            "--member",
            "Boss",
            "--role",
            "team-manager",
        ],
    );
    let case = ok(&mdir, &["case", "add", "--family", "Holm"]);
    let p = ok(
        &mdir,
        &[
            "person",
            "add",
            "--case",
            &case,
            "--name",
            "Rasmus Holm",
            "--role",
            "parent",
            "--born",
            "1980-01-01",
        ],
    );
    let m1 = ok(
        &mdir,
        &[
            "meeting",
            "add",
            "--case",
            &case,
            "--date",
            "2026-09-01",
            "--kind",
            "status",
        ],
    );
    let m2 = ok(
        &mdir,
        &[
            "meeting",
            "add",
            "--case",
            &case,
            "--date",
            "2026-10-01",
            "--kind",
            "status",
        ],
    );
    ok(
        &mdir,
        &[
            "rate",
            "--case",
            &case,
            "--meeting",
            &m1,
            "--measure",
            "ORS",
            "--subject",
            &p,
            "--items",
            "5,5,5,5",
        ],
    );
    ok(
        &mdir,
        &[
            "rate",
            "--case",
            &case,
            "--meeting",
            &m2,
            "--measure",
            "ORS",
            "--subject",
            &p,
            "--items",
            "6.5,6.5,6,6.5",
        ],
    );
    let change = |dir: &Path| -> serde_json::Value {
        let v: serde_json::Value =
            serde_json::from_str(&ok(dir, &["outcomes", "--case", &case, "--json"])).unwrap();
        v["subjects"][0]["series"][0]["reliable_change"].clone()
    };
    assert_eq!(
        change(&mdir),
        "improved",
        "5.5 points is reliable at the default 5"
    );
    ok(
        &mdir,
        &["team", "measure-override", "--file", file.to_str().unwrap()],
    );
    assert_eq!(change(&mdir), "none", "not at the team's 6");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, r#"{"id": "ORS", "reliable_change": -3}"#).unwrap();
    assert!(
        !cli(
            &mdir,
            &["team", "measure-override", "--file", bad.to_str().unwrap()]
        )
        .status
        .success()
    );
    assert_eq!(change(&mdir), "none", "a refused override changed nothing");
}
