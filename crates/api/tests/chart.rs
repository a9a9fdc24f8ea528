//! The FIT graph through the api: the scene the desktop app and the PDFs draw.

mod common;

use common::{init, init_as, open, rate};
use hearth_api::core::Tenths;
use hearth_api::core::chart::{ExpectedStatus, PanelKind, ReferenceKind};

#[test]
fn a_ten_year_old_and_her_mother_give_two_ors_lines_and_the_cutoff_at_32() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let case = ws.add_case("Østergård", None).unwrap().to_string();
    let child = ws
        .add_person(&case, "Ida", "child", Some("2016-05-01"), None)
        .unwrap()
        .to_string();
    let mother = ws
        .add_person(&case, "Anne", "parent", Some("1988-02-02"), None)
        .unwrap()
        .to_string();
    let meeting = ws
        .add_meeting(
            &case,
            "2026-11-20",
            "status",
            &[child.clone(), mother.clone()],
            "",
        )
        .unwrap()
        .to_string();
    ws.rate(rate(&case, &meeting, "CORS", &child, None, "4,5,3.5,6"))
        .unwrap();
    ws.rate(rate(
        &case,
        &meeting,
        "ORS",
        &child,
        Some(&mother),
        "5,5,5,5.5",
    ))
    .unwrap();
    ws.rate(rate(&case, &meeting, "CSRS", &child, None, "9,9,8.5,9"))
        .unwrap();
    drop(ws);

    let ws = open(dir.path());
    let scene = ws.chart(&case, &child).unwrap();
    assert_eq!(scene.subject_name, "Ida");
    let outcome = &scene.panels[0];
    assert_eq!(outcome.kind, PanelKind::Outcome);
    let lines: Vec<(&str, &str, Tenths)> = outcome
        .series
        .iter()
        .map(|s| (s.measure.as_str(), s.rater_name.as_str(), s.points[0].total))
        .collect();
    assert_eq!(
        lines,
        [("CORS", "Ida", Tenths(185)), ("ORS", "Anne", Tenths(205))]
    );
    let cutoffs: Vec<(ReferenceKind, Tenths)> = outcome
        .reference_lines
        .iter()
        .map(|l| (l.kind, l.value))
        .collect();
    assert_eq!(cutoffs, [(ReferenceKind::Cutoff, Tenths(320))]);
    let session = &scene.panels[1];
    assert_eq!(session.series[0].measure, "CSRS");
    assert_eq!(session.reference_lines[0].value, Tenths(360));
    // A new team has no closed episodes for local norms yet.
    assert_eq!(
        scene.expected,
        ExpectedStatus::NotEnoughData { have: 0, need: 10 }
    );
}

#[test]
fn someone_outside_the_case_has_no_graph() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let a = ws.add_case("A", None).unwrap().to_string();
    let b = ws.add_case("B", None).unwrap().to_string();
    let child_of_b = ws
        .add_person(&b, "Bo", "child", Some("2015-01-01"), None)
        .unwrap()
        .to_string();
    let err = ws.chart(&a, &child_of_b).unwrap_err();
    assert!(err.to_string().contains("not in this case"), "{err}");
    assert!(ws.chart(&a, "not-an-id").is_err());
}

#[test]
fn the_expected_band_appears_once_the_team_has_enough_closed_episodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Manager", "team-manager");
    ws.demo(40, 5).unwrap();
    // A subject with at least two own outcome ratings in the current episode.
    let mut found = None;
    for c in ws.list_cases().unwrap() {
        let case = c.id.to_string();
        for p in ws.case(&case).unwrap().people {
            let scene = ws.chart(&case, p.id.as_str()).unwrap();
            if scene.panels[0]
                .series
                .iter()
                .any(|s| s.self_rated && s.points.len() >= 2)
            {
                found = Some((case.clone(), p.id.to_string()));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let (case, subject) = found.expect("the demo has someone rated twice");
    let have = ws
        .expected_response(&case, &subject, None)
        .unwrap()
        .episodes
        .unwrap();

    ws.set_etr_min_episodes(have as u32 + 1).unwrap();
    let scene = ws.chart(&case, &subject).unwrap();
    assert_eq!(
        scene.expected,
        ExpectedStatus::NotEnoughData {
            have,
            need: have + 1
        }
    );
    assert!(scene.panels[0].band.is_none());

    ws.set_etr_min_episodes(have as u32).unwrap();
    let scene = ws.chart(&case, &subject).unwrap();
    assert!(matches!(scene.expected, ExpectedStatus::Shown { .. }));
    let band = scene.panels[0].band.as_ref().expect("a band");
    assert!(band.expected.len() >= 2);
    assert_eq!(band.outline.len(), 2 * band.expected.len());
}

#[test]
fn the_team_view_counts_the_demo_teams_families() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Manager", "team-manager");
    ws.demo(30, 3).unwrap();
    let open = ws
        .list_cases()
        .unwrap()
        .iter()
        .filter(|c| c.status == Some(hearth_api::core::case::EpisodeStatus::Open))
        .count();
    let s = ws.team_fit_summary().unwrap();
    assert_eq!(s.scope, hearth_api::core::analytics::FitScope::Team);
    assert_eq!(s.open_families, open);
    assert!(s.covered_families <= s.open_families);
    assert!(s.measured_closed_episodes > 0, "the demo closes episodes");

    // Shares are hidden until there are enough measured closed episodes.
    let measured = s.measured_closed_episodes as u32;
    ws.set_etr_min_episodes(measured + 1).unwrap();
    assert!(
        ws.team_fit_summary()
            .unwrap()
            .reliable_improvement
            .is_none()
    );
    ws.set_etr_min_episodes(measured).unwrap();
    let shown = ws.team_fit_summary().unwrap();
    let reliable = shown.reliable_improvement.expect("shown at the minimum");
    assert_eq!(reliable.of, s.measured_closed_episodes);
}
