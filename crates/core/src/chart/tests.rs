use super::*;
use crate::analytics::{
    ExpectedCurve, ExpectedPoint, RatingInput, SubjectInput, SubjectOutcomes, case_outcomes,
};
use crate::measures::MeasureSet;
use crate::{MeetingId, PersonRole, RatingId};

const CHILD: u8 = 1;
const MOTHER: u8 = 2;

fn person(n: u8) -> PersonId {
    PersonId::from_random([n; 16])
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn labels() -> Vec<RaterLabel> {
    vec![
        RaterLabel {
            person: person(CHILD),
            name: "Ida".into(),
        },
        RaterLabel {
            person: person(MOTHER),
            name: "Anne (mother)".into(),
        },
    ]
}

/// Items of 10 cm lines that add up to `total` tenths.
fn items_for(total: i32) -> Vec<Tenths> {
    (0..4)
        .map(|i| Tenths(total / 4 + i32::from(i < total % 4)))
        .collect()
}

fn rating(n: u8, date: &str, measure: &str, rater: u8, total: i32) -> RatingInput {
    RatingInput {
        rating: RatingId::from_random([n, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        meeting: MeetingId::from_random([n, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        date: d(date),
        measure: measure.into(),
        subject: person(CHILD),
        rater: person(rater),
        items: items_for(total),
    }
}

fn outcomes(born: &str, ratings: &[RatingInput]) -> SubjectOutcomes {
    let child = SubjectInput {
        person: person(CHILD),
        name: "Ida".into(),
        born: Some(d(born)),
        role: PersonRole::Child,
    };
    case_outcomes(&[child], ratings, &MeasureSet::builtin())
        .expect("valid ratings")
        .subjects
        .remove(0)
}

/// The scenario: a 10-year-old scores CORS and CSRS, her mother a collateral ORS.
fn ten_year_old() -> SubjectOutcomes {
    outcomes(
        "2016-05-01",
        &[
            rating(1, "2026-09-01", "CORS", CHILD, 180),
            rating(2, "2026-09-01", "ORS", MOTHER, 200),
            rating(3, "2026-09-01", "CSRS", CHILD, 370),
            rating(4, "2026-10-01", "CORS", CHILD, 260),
            rating(5, "2026-10-01", "ORS", MOTHER, 240),
            rating(6, "2026-10-01", "CSRS", CHILD, 340),
        ],
    )
}

fn no_model() -> ExpectedInput {
    ExpectedInput::Missing(ExpectedStatus::NoModel)
}

fn scene(outcomes: &SubjectOutcomes, expected: ExpectedInput) -> ChartScene {
    chart_scene(outcomes, &labels(), &MeasureSet::builtin(), expected)
}

#[test]
fn two_outcome_lines_and_the_cutoff_at_32_for_a_ten_year_old() {
    let scene = scene(&ten_year_old(), no_model());
    let outcome = &scene.panels[0];
    assert_eq!(outcome.kind, PanelKind::Outcome);
    let lines: Vec<(&str, &str)> = outcome
        .series
        .iter()
        .map(|s| (s.measure.as_str(), s.rater_name.as_str()))
        .collect();
    assert_eq!(lines, [("CORS", "Ida"), ("ORS", "Anne (mother)")]);
    assert_eq!(outcome.reference_lines.len(), 1);
    let cutoff = &outcome.reference_lines[0];
    assert_eq!(
        (cutoff.kind, cutoff.value, cutoff.x_from, cutoff.x_to),
        (ReferenceKind::Cutoff, Tenths(320), 0.0, 1.0)
    );
    assert!((cutoff.y - 0.8).abs() < 1e-9);
}

#[test]
fn session_ratings_get_their_own_panel_with_the_36_line() {
    let scene = scene(&ten_year_old(), no_model());
    assert_eq!(scene.panels.len(), 2);
    let session = &scene.panels[1];
    assert_eq!(session.kind, PanelKind::Session);
    assert_eq!(session.series.len(), 1);
    assert_eq!(session.series[0].measure, "CSRS");
    assert_eq!(
        session.reference_lines[0].kind,
        ReferenceKind::SessionThreshold
    );
    assert_eq!(session.reference_lines[0].value, Tenths(360));
}

#[test]
fn no_session_panel_without_session_ratings() {
    let only_ors = outcomes("2016-05-01", &[rating(1, "2026-09-01", "CORS", CHILD, 180)]);
    assert_eq!(scene(&only_ors, no_model()).panels.len(), 1);
}

#[test]
fn points_sit_at_their_totals_and_dates_in_order() {
    let scene = scene(&ten_year_old(), no_model());
    let cors = &scene.panels[0].series[0];
    let totals: Vec<Tenths> = cors.points.iter().map(|p| p.total).collect();
    assert_eq!(totals, [Tenths(180), Tenths(260)]);
    for p in &cors.points {
        assert!((p.y - p.total.0 as f64 / 400.0).abs() < 1e-9);
        assert!((0.0..=1.0).contains(&p.x));
    }
    assert!(cors.points[0].x < cors.points[1].x);
    // Both panels share the axis: the same date is at the same x.
    let csrs = &scene.panels[1].series[0];
    assert_eq!(cors.points[0].x, csrs.points[0].x);
    let axis = scene.x_axis.expect("rated");
    let ticks: Vec<NaiveDate> = axis.ticks.iter().map(|t| t.date).collect();
    assert_eq!(ticks, [d("2026-09-01"), d("2026-10-01")]);
    assert!(axis.start < d("2026-09-01") && axis.end > d("2026-10-01"));
}

#[test]
fn a_rater_keeps_one_style_and_raters_differ_without_colour() {
    let scene = scene(&ten_year_old(), no_model());
    let child_outcome = &scene.panels[0].series[0].style;
    let child_session = &scene.panels[1].series[0].style;
    let mother = &scene.panels[0].series[1].style;
    assert_eq!(child_outcome, child_session);
    assert_ne!(child_outcome.dash, mother.dash);
    assert_ne!(child_outcome.marker, mother.marker);
    assert_eq!(scene.legend.len(), 2);
    assert_eq!(scene.legend[0].rater_name, "Ida");
    assert!(scene.legend[0].self_rated);
    assert_eq!(scene.legend[0].measures, ["CORS", "CSRS"]);
}

#[test]
fn the_first_five_styles_are_all_different_in_dash_and_marker() {
    let styles: Vec<SeriesStyle> = (0..5).map(SeriesStyle::nth).collect();
    for (i, a) in styles.iter().enumerate() {
        for b in &styles[i + 1..] {
            assert_ne!(a.dash, b.dash);
            assert_ne!(a.marker, b.marker);
            assert_ne!(a.colour, b.colour);
        }
    }
    // The sixth rater is not a copy of the first.
    let (first, sixth) = (SeriesStyle::nth(0), SeriesStyle::nth(5));
    assert!(first.dash != sixth.dash || first.marker != sixth.marker);
}

#[test]
fn the_cutoff_moves_at_a_birthday_between_two_ratings() {
    // Turns 13 on 2026-09-15: CORS's 32 before, ORS's 28 after (self-rated ORS at 13).
    let child = outcomes(
        "2013-09-15",
        &[
            rating(1, "2026-09-01", "CORS", CHILD, 200),
            rating(2, "2026-10-01", "ORS", CHILD, 220),
            rating(3, "2026-11-01", "ORS", CHILD, 240),
        ],
    );
    let scene = scene(&child, no_model());
    let lines = &scene.panels[0].reference_lines;
    let values: Vec<Tenths> = lines.iter().map(|l| l.value).collect();
    assert_eq!(values, [Tenths(320), Tenths(280)]);
    let cors = &scene.panels[0].series[0].points[0];
    let ors = &scene.panels[0].series[1].points[0];
    assert!((lines[0].x_to - (cors.x + ors.x) / 2.0).abs() < 1e-9);
    assert_eq!(lines[0].x_to, lines[1].x_from, "segments join");
}

#[test]
fn a_birthday_inside_one_series_splits_the_cutoff_halfway() {
    // A mother's collateral ORS about a child who turns 13 between two ratings.
    let child = outcomes(
        "2013-09-15",
        &[
            rating(1, "2026-09-01", "ORS", MOTHER, 200),
            rating(2, "2026-10-01", "ORS", MOTHER, 220),
        ],
    );
    let scene = scene(&child, no_model());
    let points = &scene.panels[0].series[0].points;
    let lines = &scene.panels[0].reference_lines;
    let values: Vec<Tenths> = lines.iter().map(|l| l.value).collect();
    assert_eq!(values, [Tenths(320), Tenths(280)]);
    let halfway = (points[0].x + points[1].x) / 2.0;
    assert_eq!(lines[0].x_from, 0.0);
    assert!((lines[0].x_to - halfway).abs() < 1e-9);
    assert!((lines[1].x_from - halfway).abs() < 1e-9);
    assert_eq!(lines[1].x_to, 1.0);
}

fn curve(points: &[(i32, i32, i32)]) -> ExpectedInput {
    ExpectedInput::Curve {
        measure: "CORS".into(),
        curve: ExpectedCurve {
            points: points
                .iter()
                .enumerate()
                .map(|(i, &(low, expected, high))| ExpectedPoint {
                    session: i + 1,
                    expected: Tenths(expected),
                    low: Tenths(low),
                    high: Tenths(high),
                })
                .collect(),
        },
    }
}

#[test]
fn the_expected_band_is_drawn_at_the_sessions_that_happened() {
    let scene = scene(
        &ten_year_old(),
        curve(&[(180, 180, 180), (200, 220, 240), (210, 240, 270)]),
    );
    assert_eq!(
        scene.expected,
        ExpectedStatus::Shown {
            measure: "CORS".into()
        }
    );
    let band = scene.panels[0].band.as_ref().expect("band");
    let own = &scene.panels[0].series[0].points;
    // Two sessions happened, so two points of the three-session curve.
    assert_eq!(band.expected.len(), 2);
    assert_eq!(band.expected[1].x, own[1].x);
    assert!((band.expected[1].y - 0.55).abs() < 1e-9);
    // Upper edge left to right, then the lower edge back.
    let ys: Vec<f64> = band.outline.iter().map(|p| p.y).collect();
    assert_eq!(ys, [0.45, 0.6, 0.5, 0.45]);
}

#[test]
fn no_band_without_own_ratings_or_with_only_one() {
    let mothers_only = outcomes(
        "2016-05-01",
        &[
            rating(1, "2026-09-01", "ORS", MOTHER, 200),
            rating(2, "2026-10-01", "ORS", MOTHER, 220),
        ],
    );
    let s = scene(&mothers_only, curve(&[(200, 200, 200), (190, 220, 250)]));
    assert_eq!(s.expected, ExpectedStatus::NoOwnRating);
    assert!(s.panels[0].band.is_none());

    let once = outcomes("2016-05-01", &[rating(1, "2026-09-01", "CORS", CHILD, 200)]);
    let s = scene(&once, curve(&[(200, 200, 200), (190, 220, 250)]));
    assert_eq!(s.expected, ExpectedStatus::TooFewRatings);

    let s = scene(
        &ten_year_old(),
        ExpectedInput::Missing(ExpectedStatus::NotEnoughData { have: 4, need: 10 }),
    );
    assert_eq!(
        s.expected,
        ExpectedStatus::NotEnoughData { have: 4, need: 10 }
    );
    assert!(s.panels[0].band.is_none());
}

#[test]
fn the_item_table_has_a_row_per_item_and_total_under_each_date() {
    let scene = scene(&ten_year_old(), no_model());
    assert_eq!(scene.table.columns, [d("2026-09-01"), d("2026-10-01")]);
    // CORS, ORS and CSRS: four items and a total each.
    assert_eq!(scene.table.rows.len(), 15);
    let cors_total = scene
        .table
        .rows
        .iter()
        .find(|r| r.measure == "CORS" && r.item.is_none())
        .expect("total row");
    assert_eq!(cors_total.cells, [Some(Tenths(180)), Some(Tenths(260))]);
    let first_item = &scene.table.rows[0];
    assert_eq!(first_item.measure, "CORS");
    assert!(first_item.item.is_some());
    let item_sum: i32 = scene.table.rows[0..4]
        .iter()
        .map(|r| r.cells[1].expect("rated").0)
        .sum();
    assert_eq!(item_sum, 260);
}

#[test]
fn change_facts_come_from_the_analytics() {
    let scene = scene(&ten_year_old(), no_model());
    let cors = scene
        .changes
        .iter()
        .find(|c| c.measure == "CORS")
        .expect("CORS change");
    assert_eq!(
        (cors.first, cors.last, cors.change),
        (Tenths(180), Tenths(260), Tenths(80))
    );
    assert_eq!(
        cors.reliable_change,
        Some(crate::analytics::ReliableChange::Improved)
    );
    assert_eq!(cors.clinically_significant, Some(false));
    assert_eq!(cors.cutoff, Some(Tenths(320)));
    let csrs = scene
        .changes
        .iter()
        .find(|c| c.measure == "CSRS")
        .expect("CSRS change");
    assert_eq!(csrs.purpose, Purpose::Session);
    assert_eq!(csrs.reliable_change, None);
    assert!(csrs.flags.contains(&crate::analytics::Flag::SrsBelowCutoff));
}

#[test]
fn nothing_rated_gives_an_empty_outcome_panel() {
    let nothing = outcomes("2016-05-01", &[]);
    let scene = scene(&nothing, no_model());
    assert!(scene.x_axis.is_none());
    assert_eq!(scene.panels.len(), 1);
    assert!(scene.panels[0].series.is_empty());
    assert!(scene.panels[0].reference_lines.is_empty());
    assert!(scene.table.rows.is_empty());
    assert!(scene.legend.is_empty());
}

#[test]
fn the_scene_serialises_for_the_ui() {
    let json = serde_json::to_value(scene(&ten_year_old(), no_model())).expect("json");
    assert_eq!(json["panels"][0]["kind"], "outcome");
    assert_eq!(json["panels"][0]["reference_lines"][0]["value"], 32.0);
    assert_eq!(json["expected"]["status"], "no_model");
}

#[test]
fn date_labels_never_crowd_and_the_first_and_latest_are_labelled() {
    // Monthly ratings with two a week apart in the middle, over a year.
    let dates = [
        "2025-11-03",
        "2025-12-01",
        "2026-01-05",
        "2026-02-02",
        "2026-03-02",
        "2026-03-09",
        "2026-04-06",
        "2026-05-04",
        "2026-06-01",
        "2026-07-06",
        "2026-08-03",
        "2026-09-07",
        "2026-10-05",
        "2026-10-19",
    ];
    let ratings: Vec<RatingInput> = dates
        .iter()
        .enumerate()
        .map(|(i, date)| rating(i as u8, date, "CORS", CHILD, 200 + i as i32))
        .collect();
    let scene = scene(&outcomes("2016-05-01", &ratings), no_model());
    let ticks = scene.x_axis.expect("rated").ticks;
    assert_eq!(ticks.first().map(|t| t.date), Some(d("2025-11-03")));
    assert_eq!(ticks.last().map(|t| t.date), Some(d("2026-10-19")));
    for pair in ticks.windows(2) {
        assert!(
            pair[1].x - pair[0].x >= 0.17,
            "{:?} too close to {:?}",
            pair[1],
            pair[0]
        );
    }
    assert!(
        ticks.len() >= 4,
        "a year of ratings gets several labels: {ticks:?}"
    );
}
