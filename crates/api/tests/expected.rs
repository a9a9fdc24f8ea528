//! The expected-response curve through the api: local norms from the team's own closed
//! episodes (with the minimum-data guard), or a parameter file.

mod common;

use common::*;
use hearth_api::Workspace;

fn manager(dir: &std::path::Path) -> Workspace {
    init_as(dir, "Birgitte", "team-manager")
}

/// An open case's parent with own outcome ratings (parents rate themselves with the
/// ORS at every meeting, so closed demo episodes give plenty of ORS norms).
fn rated_parent(ws: &Workspace) -> (String, String) {
    for c in ws.list_cases().unwrap() {
        let view = ws.case(c.id.as_str()).unwrap();
        if view.episodes.last().unwrap().status != hearth_api::core::case::EpisodeStatus::Open {
            continue;
        }
        for p in view
            .people
            .iter()
            .filter(|p| p.role == hearth_api::core::PersonRole::Parent)
        {
            if view
                .ratings
                .iter()
                .any(|r| r.subject == p.id && r.rater == p.id && !r.versions.is_empty())
            {
                return (c.id.to_string(), p.id.to_string());
            }
        }
    }
    panic!("no rated parent in the demo");
}

/// How many closed episodes the local norms for this parent's ratings draw on.
fn closed_episodes(ws: &Workspace, case: &str, parent: &str) -> usize {
    ws.expected_response(case, parent, None)
        .unwrap()
        .episodes
        .unwrap()
}

#[test]
fn local_norms_give_a_curve_only_with_enough_closed_episodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = manager(dir.path());
    ws.demo(40, 5).unwrap();
    let (case, parent) = rated_parent(&ws);
    let have = closed_episodes(&ws, &case, &parent);
    assert!(have >= 3, "the demo has closed episodes: {have}");

    // At the team's minimum exactly: a curve.
    ws.set_etr_min_episodes(have as u32).unwrap();
    let e = ws.expected_response(&case, &parent, None).unwrap();
    assert_eq!(e.model, "local-norms");
    let curve = e.curve.expect("enough closed episodes for a curve");
    assert_eq!(
        curve.points[0].expected,
        e.intake.unwrap(),
        "the curve starts at the intake"
    );
    for p in &curve.points {
        assert!(p.low <= p.expected && p.expected <= p.high);
    }

    // One more than there is: not enough data, said in words.
    ws.set_etr_min_episodes(have as u32 + 1).unwrap();
    let e = ws.expected_response(&case, &parent, None).unwrap();
    assert!(e.curve.is_none());
    let why = e.unavailable.unwrap();
    assert!(why.contains("not enough"), "{why}");
}

#[test]
fn a_parameter_file_gives_the_curve_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = manager(dir.path());
    ws.demo(6, 2).unwrap();
    let (case, parent) = rated_parent(&ws);
    let measure = ws
        .expected_response(&case, &parent, None)
        .unwrap()
        .measure
        .unwrap();
    // Fictional numbers: Hearth ships no vendor coefficients.
    let params = format!(
        r#"{{"model": "linear-by-session", "measure": "{measure}",
            "sessions": [{{"session": 2, "intercept": 5.0, "slope": 0.9, "sd": 3.0}}]}}"#
    );
    let e = ws.expected_response(&case, &parent, Some(&params)).unwrap();
    assert_eq!(e.model, "parameters");
    assert!(e.curve.is_some(), "{:?}", e.unavailable);
    let bad = r#"{"model": "linear-by-session", "measure": "ORS", "sessions": [{"session": 2, "intercept": 5.0, "slope": 0.9, "sd": -1}]}"#;
    assert!(ws.expected_response(&case, &parent, Some(bad)).is_err());
}

#[test]
fn the_demo_writes_the_casework_its_member_may_write() {
    // A team manager's demo: workbook, plans, stages and case supervision records.
    let dir = tempfile::tempdir().unwrap();
    let mut ws = manager(dir.path());
    ws.demo(4, 3).unwrap();
    let mut supervisions = 0;
    for c in ws.list_cases().unwrap() {
        let id = c.id.as_str();
        let workbook = ws.workbook(id).unwrap();
        assert_eq!(workbook.sections.len(), 10);
        assert!(
            workbook.sections.iter().all(|s| !s.entries.is_empty()),
            "every section has text"
        );
        supervisions += ws.supervisions(id).unwrap().len();
    }
    assert!(
        supervisions > 0,
        "a team manager's demo has case supervision records"
    );

    // A social worker may not chair supervision: their demo has none, but a workbook.
    let sw = tempfile::tempdir().unwrap();
    let mut ws = init(sw.path());
    ws.demo(3, 3).unwrap();
    for c in ws.list_cases().unwrap() {
        assert!(ws.supervisions(c.id.as_str()).unwrap().is_empty());
        assert!(
            !ws.workbook(c.id.as_str()).unwrap().sections[0]
                .entries
                .is_empty()
        );
    }
}

#[test]
fn closing_an_episode_adds_it_to_the_norms_of_the_same_open_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = manager(dir.path());
    ws.demo(20, 9).unwrap();
    let (case, parent) = rated_parent(&ws);
    let before = closed_episodes(&ws, &case, &parent);
    // Asked twice without a change: the same answer (from the per-case cache).
    let again = ws.expected_response(&case, &parent, None).unwrap();
    assert_eq!(again.episodes, Some(before));

    ws.close_case(&case, "2026-11-20", "goals met").unwrap();
    let after = closed_episodes(&ws, &case, &parent);
    assert!(
        after > before,
        "{after} closed episodes after closing one, {before} before"
    );
}

#[test]
fn the_kept_norms_follow_a_closure_made_by_another_process_while_locked() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = manager(dir.path());
    ws.demo(20, 9).unwrap();
    let (case, parent) = rated_parent(&ws);
    let before = closed_episodes(&ws, &case, &parent);
    drop(ws);
    // Unlocked again: the same answer, from the kept inputs.
    let ws = open(dir.path());
    let kept = ws.expected_response(&case, &parent, None).unwrap().episodes;
    assert_eq!(kept, Some(before));
    drop(ws);
    // Another process (the CLI) closes the episode; the next unlock counts it.
    let mut cli = open(dir.path());
    cli.close_case(&case, "2026-11-20", "goals met").unwrap();
    drop(cli);
    let ws = open(dir.path());
    let after = closed_episodes(&ws, &case, &parent);
    assert!(
        after > before,
        "{after} closed-episode series after closing one, {before} before"
    );
}
