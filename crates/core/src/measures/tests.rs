use super::*;
use crate::CoreError;

fn builtin(id: &str) -> Measure {
    MeasureSet::builtin()
        .get(id)
        .expect("builtin measure")
        .clone()
}

fn pts(points: i32) -> Option<Tenths> {
    Some(Tenths::from_points(points))
}

#[test]
fn ships_seven_measures_outcome_first() {
    assert_eq!(
        MeasureSet::builtin().ids(),
        ["ORS", "CORS", "YCORS", "SRS", "CSRS", "YCSRS", "GSRS"]
    );
}

#[test]
fn shipped_definitions_have_four_short_named_items_and_no_wording() {
    fn check(id: &str, purpose: Purpose, names: [&str; 4], ages: (Option<u32>, Option<u32>)) {
        let m = builtin(id);
        assert_eq!(m.purpose, purpose, "{id}");
        let got: Vec<&str> = m.items.iter().map(|i| i.short_name.as_str()).collect();
        assert_eq!(got, names, "{id}");
        assert!(
            m.items.iter().all(|i| i.wording.is_none()),
            "{id} ships wording"
        );
        assert_eq!(
            (m.min, m.max, m.step),
            (Tenths(0), Tenths(100), Tenths(1)),
            "{id}"
        );
        assert_eq!(m.reliable_change, Tenths(50), "{id}");
        assert_eq!((m.ages.min, m.ages.max), ages, "{id}");
        assert_eq!(m.max_total(), Tenths(400), "{id}");
    }
    let ors = ["Individually", "Interpersonally", "Socially", "Overall"];
    let srs = [
        "Relationship",
        "Goals and Topics",
        "Approach or Method",
        "Overall",
    ];
    let cors = ["Me", "Family", "School", "Everything"];
    let csrs = ["Listening", "How Important", "What We Did", "Overall"];
    check("ORS", Purpose::Outcome, ors, (Some(13), None));
    check("CORS", Purpose::Outcome, cors, (Some(6), Some(12)));
    check("YCORS", Purpose::Outcome, cors, (Some(0), Some(5)));
    check("SRS", Purpose::Session, srs, (Some(13), None));
    check("CSRS", Purpose::Session, csrs, (Some(6), Some(12)));
    check("YCSRS", Purpose::Session, csrs, (Some(0), Some(5)));
    check("GSRS", Purpose::Session, srs, (Some(13), None));
}

#[test]
fn no_shipped_file_contains_wording_or_etr_coefficients() {
    for text in [
        include_str!("../../measures/ors.json"),
        include_str!("../../measures/cors.json"),
        include_str!("../../measures/ycors.json"),
        include_str!("../../measures/srs.json"),
        include_str!("../../measures/csrs.json"),
        include_str!("../../measures/ycsrs.json"),
        include_str!("../../measures/gsrs.json"),
    ] {
        assert!(!text.contains("etr") && !text.contains("intercept") && !text.contains("slope"));
        assert_eq!(text.matches("\"wording\": null").count(), 4);
    }
}

#[test]
fn cutoffs_by_age() {
    fn check(id: &str, age: Option<u32>, expected: Option<Tenths>) {
        assert_eq!(
            builtin(id).cutoff_at_age(age),
            expected,
            "{id} at age {age:?}"
        );
    }
    for id in ["ORS", "CORS"] {
        check(id, Some(0), None);
        check(id, Some(5), None);
        check(id, Some(6), pts(32));
        check(id, Some(12), pts(32));
        check(id, Some(13), pts(28));
        check(id, Some(17), pts(28));
        check(id, Some(18), pts(25));
        check(id, Some(90), pts(25));
        check(id, None, None);
    }
    for age in [None, Some(3), Some(8), Some(40)] {
        check("YCORS", age, None);
        for id in ["SRS", "CSRS", "YCSRS", "GSRS"] {
            check(id, age, pts(36));
        }
    }
    assert_eq!(builtin("ORS").adult_cutoff(), pts(25));
    assert_eq!(builtin("YCORS").adult_cutoff(), None);
}

#[test]
fn get_ignores_case_and_refuses_unknown_ids() {
    let set = MeasureSet::builtin();
    assert_eq!(set.get("ors").map(|m| m.id.as_str()), Ok("ORS"));
    assert_eq!(set.get(" Ycsrs ").map(|m| m.id.as_str()), Ok("YCSRS"));
    assert_eq!(
        set.get("PHQ9").map(|m| m.id.clone()),
        Err(CoreError::UnknownMeasure("PHQ9".into()))
    );
}

#[test]
fn validates_typed_items() {
    fn check(id: &str, values: &[&str], expected: Result<Vec<i32>, &str>) {
        let got = builtin(id)
            .validate_items(values)
            .map(|v| v.iter().map(|t| t.0).collect());
        let got = got.map_err(|e| match e {
            CoreError::WrongItemCount { .. } => "count",
            CoreError::ItemOutOfRange { .. } | CoreError::InvalidItemValue(_) => "value",
            CoreError::ItemOffScale { .. } => "scale",
            _ => "other",
        });
        assert_eq!(got, expected, "{id} {values:?}");
    }
    check("ORS", &["7.3", "10", "0", "5,5"], Ok(vec![73, 100, 0, 55]));
    check("SRS", &["10", "10", "10", "10"], Ok(vec![100; 4]));
    check("ORS", &["7", "7", "7"], Err("count"));
    check("ORS", &["7", "7", "7", "7", "7"], Err("count"));
    check("ORS", &["7", "7", "7", "10.1"], Err("value"));
    check("ORS", &["7", "7", "7", "7.35"], Err("value"));
    check("ORS", &["7", "7", "x", "7"], Err("value"));
    // A team's coarser scale: whole points from 1.
    let coarse = MeasureSet::builtin()
        .with_overrides(&[r#"{"id": "ORS", "min": 1, "step": 1}"#])
        .expect("valid override");
    let ors = coarse.get("ORS").expect("ORS");
    assert!(ors.validate_items(&["1", "2", "10", "5"]).is_ok());
    assert!(matches!(
        ors.validate_items(&["1", "2", "10", "5.5"]),
        Err(CoreError::ItemOffScale { .. })
    ));
    assert!(matches!(
        ors.validate_items(&["0", "2", "10", "5"]),
        Err(CoreError::ItemOffScale { .. })
    ));
}

#[test]
fn age_warnings_name_the_measures_for_that_age() {
    fn check(id: &str, age: Option<u32>, expected: Option<&str>) {
        assert_eq!(
            builtin(id).age_warning(age).as_deref(),
            expected,
            "{id} at {age:?}"
        );
    }
    check(
        "CORS",
        Some(30),
        Some(
            "CORS is meant for ages 6-12; this person is 30: ORS is the outcome measure for that age",
        ),
    );
    check(
        "ORS",
        Some(4),
        Some(
            "ORS is meant for ages 13 and over; this person is 4: YCORS is the outcome measure for that age",
        ),
    );
    check(
        "YCSRS",
        Some(6),
        Some(
            "YCSRS is meant for ages 0-5; this person is 6: CSRS is the session measure for that age",
        ),
    );
    check(
        "CSRS",
        Some(13),
        Some(
            "CSRS is meant for ages 6-12; this person is 13: SRS and GSRS are the session measures for that age",
        ),
    );
    check("ORS", Some(13), None);
    check("CORS", Some(6), None);
    check("CORS", Some(12), None);
    check("YCORS", Some(0), None);
    check("YCORS", Some(5), None);
    check("ORS", None, None);
}

/// A definition with one field replaced, as JSON text.
fn ors_with(field: &str, value: &str) -> String {
    let mut v = definition::to_value(&builtin("ORS"));
    v["id"] = "NEW".into();
    v[field] = serde_json::from_str(value).expect("test JSON");
    v.to_string()
}

#[test]
fn refuses_inconsistent_definitions() {
    fn check(field: &str, value: &str, reason_part: &str) {
        let text = ors_with(field, value);
        match definition::parse(&text) {
            Err(CoreError::InvalidMeasureDefinition { id, reason }) => {
                if field != "id" {
                    assert_eq!(id, "NEW");
                }
                assert!(reason.contains(reason_part), "{field}={value}: {reason}");
            }
            other => panic!("{field}={value}: expected an invalid definition, got {other:?}"),
        }
    }
    check("items", "[]", "no items");
    check(
        "items",
        r#"[{"id":"a","short_name":"A"},{"id":"a","short_name":"B"}]"#,
        "twice",
    );
    check("min", "10", "not below max");
    check("min", "11", "not below max");
    check("min", "-1", "below 0");
    check("max", "10.05", "multiple of 0.1");
    check("step", "0.15", "multiple of 0.1");
    check("step", "0", "does not divide");
    check("step", "3", "does not divide");
    check("reliable_change", "4.99", "multiple of 0.1");
    check("reliable_change", "0", "reliable_change");
    check("reliable_change", "41", "reliable_change");
    check("purpose", r#""risk""#, "unknown purpose");
    check("ages", r#"{"min": 12, "max": 6}"#, "reversed");
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":12,"cutoff":32},{"min_age":12,"max_age":null,"cutoff":25}]"#,
        "overlap at age 12",
    );
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":12,"cutoff":32},{"min_age":14,"max_age":null,"cutoff":25}]"#,
        "ages 13-13 uncovered",
    );
    check(
        "cutoffs",
        r#"[{"min_age":6,"max_age":null,"cutoff":32}]"#,
        "ages 0-5 uncovered",
    );
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":17,"cutoff":32}]"#,
        "from 18 uncovered",
    );
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":null,"cutoff":32},{"min_age":1,"max_age":null,"cutoff":32}]"#,
        "open-ended",
    );
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":null,"cutoff":40.1}]"#,
        "outside the totals",
    );
    check(
        "cutoffs",
        r#"[{"min_age":0,"max_age":null,"cutoff":32.25}]"#,
        "multiple of 0.1",
    );
    check("name", r#""""#, "name");
    check("id", r#""two words""#, "one word");
    check("colour", r#""red""#, "unknown field");
    check("step", r#""0.1""#, "invalid type");
}

#[test]
fn converts_points_to_tenths() {
    let m = definition::parse(&ors_with("reliable_change", "6.6")).expect("valid");
    assert_eq!(m.reliable_change, Tenths(66));
    let m = definition::parse(&ors_with("cutoffs", "[]")).expect("valid");
    assert_eq!(m.cutoff_at_age(Some(30)), None);
    // Round trip of every shipped measure through its JSON form.
    for m in MeasureSet::builtin().iter() {
        assert_eq!(
            definition::from_value(definition::to_value(m)).as_ref(),
            Ok(m)
        );
    }
}

#[test]
fn overrides_replace_fields_or_add_measures() {
    let set = MeasureSet::builtin()
        .with_overrides(&[
            r#"{"id": "ors", "reliable_change": 6,
                "cutoffs": [{"min_age": 0, "max_age": 5, "cutoff": null},
                            {"min_age": 6, "max_age": 17, "cutoff": 28},
                            {"min_age": 18, "max_age": null, "cutoff": 25}]}"#,
            r#"{"id": "SRS", "items": [
                {"id": "relationship", "short_name": "Relationship", "wording": "Licensed text 1"},
                {"id": "goals", "short_name": "Goals and Topics", "wording": "Licensed text 2"},
                {"id": "approach", "short_name": "Approach or Method", "wording": "Licensed text 3"},
                {"id": "overall", "short_name": "Overall", "wording": "Licensed text 4"}]}"#,
            &ors_with("name", r#""Local scale""#),
        ])
        .expect("valid overrides");
    let ors = set.get("ORS").expect("ORS");
    assert_eq!(ors.id, "ORS", "the id keeps its shipped spelling");
    assert_eq!(ors.reliable_change, Tenths(60));
    assert_eq!(ors.cutoff_at_age(Some(8)), pts(28));
    assert_eq!(ors.name, "Outcome Rating Scale");
    let srs = set.get("SRS").expect("SRS");
    assert_eq!(srs.items[2].wording.as_deref(), Some("Licensed text 3"));
    assert_eq!(srs.cutoff_at_age(None), pts(36));
    assert_eq!(set.ids().last(), Some(&"NEW"));
    assert_eq!(set.get("new").map(|m| m.name.as_str()), Ok("Local scale"));
    // The shipped set is untouched.
    assert_eq!(
        MeasureSet::builtin().get("ORS").map(|m| m.reliable_change),
        Ok(Tenths(50))
    );
}

#[test]
fn refuses_bad_overrides() {
    fn check(text: &str) {
        let got = MeasureSet::builtin()
            .with_overrides(&["{\"id\": \"CORS\", \"reliable_change\": 6}", text]);
        assert!(
            matches!(got, Err(CoreError::InvalidMeasureDefinition { .. })),
            "{text}: {got:?}"
        );
    }
    check("not json");
    check("[1, 2]");
    check(r#"{"name": "no id"}"#);
    check(r#"{"id": "ORS", "step": 0.05}"#);
    check(r#"{"id": "ORS", "items": []}"#);
    check(r#"{"id": "ORS", "min": 10}"#);
    check(r#"{"id": "ORS", "typo": 1}"#);
    check(r#"{"id": "NEW", "name": "incomplete"}"#);
}
