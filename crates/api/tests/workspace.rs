//! The api against the real encrypted file: the whole flow of a FIT meeting, reopening,
//! wrong passphrases, damaged files, and that names never reach the disk in the clear.

mod common;

use common::*;
use hearth_api::{ApiError, Workspace};

#[test]
fn a_meeting_with_three_raters_gives_the_outcome_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let case = ws
        .add_case("Kjærsgaard", Some("N-2026-114"))
        .unwrap()
        .to_string();
    let child = ws
        .add_person(&case, "Åse Kjærsgaard", "child", Some("2016-02-10"), None)
        .unwrap()
        .to_string();
    let mother = ws
        .add_person(
            &case,
            "Mette Kjærsgaard",
            "parent",
            Some("1989-07-01"),
            None,
        )
        .unwrap()
        .to_string();
    let m1 = ws
        .add_meeting(
            &case,
            "2026-09-01",
            "status",
            &[child.clone(), mother.clone()],
            "",
        )
        .unwrap()
        .to_string();
    let m2 = ws
        .add_meeting(
            &case,
            "2026-10-15",
            "status",
            &[child.clone(), mother.clone()],
            "",
        )
        .unwrap()
        .to_string();
    ws.rate(rate(&case, &m1, "CORS", &child, None, "6,6,6,6"))
        .unwrap();
    ws.rate(rate(&case, &m1, "ORS", &child, Some(&mother), "5,5,5,5"))
        .unwrap();
    ws.rate(rate(&case, &m1, "CSRS", &child, None, "9,9,9,9.5"))
        .unwrap();
    ws.rate(rate(&case, &m2, "CORS", &child, None, "8.5,8.5,8.5,8.5"))
        .unwrap();
    ws.rate(rate(&case, &m2, "ORS", &child, Some(&mother), "6,6,6,6"))
        .unwrap();
    drop(ws);

    // Everything survives closing and reopening the encrypted file.
    let ws = open(dir.path());
    let out = serde_json::to_value(ws.outcomes(&case).unwrap()).unwrap();
    assert_eq!(out["case"], case.as_str());
    let subject = out["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["person"] == child.as_str())
        .unwrap();
    assert_eq!(subject["name"], "Åse Kjærsgaard");
    let series = subject["series"].as_array().unwrap();
    let cors = series.iter().find(|s| s["measure"] == "CORS").unwrap();
    assert_eq!(cors["rater"], child.as_str());
    assert_eq!(cors["cutoff"], 32.0);
    assert_eq!(cors["first"], 24.0);
    assert_eq!(cors["last"], 34.0);
    assert_eq!(cors["reliable_change"], "improved");
    assert_eq!(cors["clinically_significant"], true);
    let ors = series.iter().find(|s| s["measure"] == "ORS").unwrap();
    assert_eq!(ors["rater"], mother.as_str());
    assert_eq!(ors["change"], 4.0);
    assert_eq!(ors["reliable_change"], "none");
    assert_eq!(ors["points"].as_array().unwrap().len(), 2);
    let csrs = series.iter().find(|s| s["measure"] == "CSRS").unwrap();
    assert_eq!(csrs["cutoff"], 36.0);
    assert!(csrs["reliable_change"].is_null());
}

#[test]
fn a_correction_changes_the_series_and_keeps_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let case = ws.add_case("Yılmaz", None).unwrap().to_string();
    let p = ws
        .add_person(&case, "Gülşen Yılmaz", "parent", Some("1985-01-01"), None)
        .unwrap()
        .to_string();
    let m = ws
        .add_meeting(&case, "2026-11-01", "status", &[], "")
        .unwrap()
        .to_string();
    let r = ws
        .rate(rate(&case, &m, "ORS", &p, None, "5,5,5,5"))
        .unwrap()
        .rating
        .to_string();
    ws.correct_rating(&case, &r, &items("5,5,5,7"), "misread the paper form")
        .unwrap();
    let ws = open(dir.path());
    let out = serde_json::to_value(ws.outcomes(&case).unwrap()).unwrap();
    assert_eq!(out["subjects"][0]["series"][0]["last"], 22.0);
    let view = ws.case(&case).unwrap();
    assert_eq!(view.ratings[0].versions.len(), 2);
    assert_eq!(
        view.ratings[0].versions[1].reason.as_deref(),
        Some("misread the paper form")
    );
}

#[test]
fn the_wrong_passphrase_is_refused_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    ws.add_case("Nørgaard", None).unwrap();
    drop(ws);
    let before = all_bytes(dir.path());
    let err = Workspace::open(dir.path(), "not the passphrase", clock())
        .err()
        .unwrap();
    assert!(matches!(err, ApiError::WrongPassphrase), "{err:?}");
    assert_eq!(err.to_string(), "wrong passphrase");
    assert_eq!(all_bytes(dir.path()), before);
}

#[test]
fn init_refuses_an_existing_workspace() {
    let dir = tempfile::tempdir().unwrap();
    drop(init(dir.path()));
    let before = all_bytes(dir.path());
    let err = Workspace::init(
        dir.path(),
        PASS,
        hearth_api::InitRequest {
            team_name: "T",
            member_name: "M",
            member_role: "social-worker",
        },
        hearth_api::KdfParams::fast_for_tests(),
        clock(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, ApiError::WorkspaceExists(_)), "{err:?}");
    assert_eq!(all_bytes(dir.path()), before);
}

#[test]
fn bad_input_at_init_leaves_no_workspace_behind() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    for (team, member, role, pass) in [
        ("Team", "Me", "wizard", PASS),
        ("", "Me", "social-worker", PASS),
        ("Team", "Me", "social-worker", "short"),
    ] {
        let r = Workspace::init(
            &ws,
            pass,
            hearth_api::InitRequest {
                team_name: team,
                member_name: member,
                member_role: role,
            },
            hearth_api::KdfParams::fast_for_tests(),
            clock(),
        );
        assert!(r.is_err());
        assert!(!Workspace::exists(&ws), "a refused init left files behind");
    }
}

#[test]
fn a_damaged_file_gives_a_clear_error_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    ws.demo(5, 3).unwrap();
    drop(ws);
    let db = dir.path().join("hearth.db");
    let len = std::fs::metadata(&db).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    file.set_len(len / 2).unwrap();
    drop(file);
    let before = all_bytes(dir.path());
    let err = Workspace::open(dir.path(), PASS, clock()).err().unwrap();
    assert!(matches!(err, ApiError::Corrupt(_)), "{err:?}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert_eq!(all_bytes(dir.path()), before);
}

#[test]
fn names_written_through_the_api_never_reach_the_disk_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let family = "Zielińska-Brzęczek";
    let case = ws
        .add_case(family, Some("REF-SECRET-77"))
        .unwrap()
        .to_string();
    let p = ws
        .add_person(&case, "Grażyna Zielińska-Brzęczek", "parent", None, None)
        .unwrap()
        .to_string();
    let m = ws
        .add_meeting(
            &case,
            "2026-11-01",
            "status",
            &[],
            "Talked about Grażyna's new job",
        )
        .unwrap()
        .to_string();
    ws.rate(rate(&case, &m, "ORS", &p, None, "5,5,5,5"))
        .unwrap();
    let needles: Vec<Vec<u8>> = [
        family,
        "Zieli",
        "REF-SECRET-77",
        "new job",
        "Nordby",
        "Hanne Holm",
    ]
    .iter()
    .flat_map(|s| {
        let utf16: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        [s.as_bytes().to_vec(), utf16]
    })
    .collect();
    // While open (WAL in use) and after closing.
    for files in [all_bytes(dir.path()), {
        drop(ws);
        all_bytes(dir.path())
    }] {
        assert!(!files.is_empty());
        for (name, bytes) in &files {
            for n in &needles {
                assert!(
                    !contains(bytes, n),
                    "{name} holds {:?} in the clear",
                    String::from_utf8_lossy(n)
                );
            }
            assert!(!name.contains("Zieli"));
        }
    }
}

#[test]
fn the_demo_makes_realistic_families_the_same_way_each_time() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let mut wa = init(a.path());
    let mut wb = init(b.path());
    wa.demo(20, 42).unwrap();
    wb.demo(20, 42).unwrap();
    let la = wa.list_cases().unwrap();
    let lb = wb.list_cases().unwrap();
    assert_eq!(la.len(), 20);
    let names = |l: &[hearth_api::core::case::CaseSummary]| {
        l.iter()
            .map(|c| (c.family.name.clone(), c.children.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&la), names(&lb));
    let mut closed = 0;
    let mut collateral = 0;
    for c in &la {
        let view = wa.case(c.id.as_str()).unwrap();
        assert!(!view.meetings.is_empty());
        assert!(view.people.iter().any(|p| p.role.is_child()));
        closed += usize::from(
            view.episodes.last().unwrap().status == hearth_api::core::case::EpisodeStatus::Closed,
        );
        collateral += view.ratings.iter().filter(|r| r.rater != r.subject).count();
        // Every demo case computes its outcomes.
        wa.outcomes(c.id.as_str()).unwrap();
    }
    assert!(closed > 0, "some demo episodes are closed");
    assert!(collateral > 0, "demo has collateral raters");
}

#[test]
fn two_processes_writing_one_case_never_leave_a_stale_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = init(dir.path());
    let case = a.add_case("Bennett", None).unwrap().to_string();
    let mut b = open(dir.path());
    // Interleaved writes from two handles, as the app and the CLI would make them.
    let pa = a
        .add_person(&case, "Claire Bennett", "parent", None, None)
        .unwrap();
    let pb = b
        .add_person(&case, "Jack Bennett", "child", Some("2015-01-01"), None)
        .unwrap();
    let ma = a
        .add_meeting(&case, "2026-11-01", "status", &[], "")
        .unwrap();
    for ws in [&a, &b, &open(dir.path())] {
        let view = ws.case(&case).unwrap();
        let people: Vec<_> = view.people.iter().map(|p| p.id.clone()).collect();
        assert!(
            people.contains(&pa) && people.contains(&pb),
            "a handle's view lost a change"
        );
        assert!(view.meetings.iter().any(|m| m.id == ma));
        let list = ws.list_cases().unwrap();
        assert_eq!(list[0].children, vec!["Jack Bennett".to_string()]);
    }
}

#[test]
fn cached_casework_views_follow_every_change_from_any_handle() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = init(dir.path());
    let case = a.add_case("Okafor", None).unwrap().to_string();
    let write = |ws: &mut hearth_api::Workspace, text: &str| {
        ws.write_workbook_entry(hearth_api::WriteEntryRequest {
            case: &case,
            section: "module-1",
            text,
            about: vec![],
            kind: None,
            date: None,
        })
        .unwrap();
    };
    let texts = |ws: &hearth_api::Workspace| -> Vec<String> {
        ws.workbook(&case).unwrap().sections[2]
            .entries
            .iter()
            .map(|e| e.text.clone())
            .collect()
    };
    write(&mut a, "first");
    assert_eq!(texts(&a), ["first"]);
    assert_eq!(texts(&a), ["first"], "read again from the cache");
    // Another handle (another process) writes: the cache built at the old state is
    // not used any more, by either handle.
    let mut b = open(dir.path());
    write(&mut b, "second");
    assert_eq!(texts(&a).len(), 2);
    assert_eq!(texts(&b).len(), 2);
}

/// A handle keeps the case it saved last loaded, for the next write of a meeting.
/// Another handle's write in between must be seen: here it closes the case, so the
/// first handle's next meeting is refused instead of written to a closed episode.
#[test]
fn a_case_kept_loaded_after_a_write_still_sees_another_handles_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = init(dir.path());
    let case = a.add_case("Bennett", None).unwrap().to_string();
    let child = a
        .add_person(&case, "Jack Bennett", "child", Some("2015-01-01"), None)
        .unwrap()
        .to_string();
    let m = a
        .add_meeting(
            &case,
            "2026-11-01",
            "status",
            std::slice::from_ref(&child),
            "",
        )
        .unwrap()
        .to_string();
    // Consecutive writes through the kept copy.
    a.rate(rate(&case, &m, "CORS", &child, None, "5,5,5,5"))
        .unwrap();
    a.rate(rate(&case, &m, "CSRS", &child, None, "9,9,9,9"))
        .unwrap();
    assert_eq!(open(dir.path()).case(&case).unwrap().ratings.len(), 2);

    let mut b = open(dir.path());
    b.close_case(&case, "2026-11-23", "goals met").unwrap();
    let e = a
        .add_meeting(&case, "2026-11-23", "status", &[], "")
        .unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    let view = open(dir.path()).case(&case).unwrap();
    assert_eq!(
        view.meetings.len(),
        1,
        "no meeting was added to the closed case"
    );
}
