//! What the desktop app asks of the api at the worker's desk: caseload rows with
//! trends and flags, the scales offered in client mode, the client-mode PIN and the
//! app settings.

mod common;

use common::{PASS, all_bytes, clock, contains, init, open, rate};
use hearth_api::ClientModeExit::{Leave, PinBlocked, Wrong};
use hearth_api::core::desk::CaseloadFlag;
use hearth_api::{PIN_MAX_FAILURES, PassphraseStrength, passphrase_strength};

/// A family with a 10-year-old (born 2016-05-01) and her mother.
fn family(ws: &mut hearth_api::Workspace) -> (String, String, String) {
    let case = ws.add_case("Wiśniewska", Some("V-77")).unwrap().to_string();
    let child = ws
        .add_person(&case, "Zofia", "child", Some("2016-05-01"), None)
        .unwrap()
        .to_string();
    let mum = ws
        .add_person(&case, "Małgorzata", "parent", Some("1988-01-01"), None)
        .unwrap()
        .to_string();
    (case, child, mum)
}

#[test]
fn caseload_row_has_the_childs_own_trend_and_the_flags_from_the_analytics() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mum) = family(&mut ws);
    for (date, cors, ors) in [
        ("2026-09-01", "5,5,5,5", "4,4,4,4"),
        ("2026-09-20", "5,5,5,6", "4,4,4,5"),
        ("2026-10-10", "5,6,5,6", "5,4,4,5"),
    ] {
        let m = ws
            .add_meeting(&case, date, "status", &[child.clone(), mum.clone()], "")
            .unwrap()
            .to_string();
        ws.rate(rate(&case, &m, "CORS", &child, None, cors))
            .unwrap();
        ws.rate(rate(&case, &m, "ORS", &child, Some(&mum), ors))
            .unwrap();
        ws.rate(rate(&case, &m, "CSRS", &child, None, "10,10,10,10"))
            .unwrap();
    }
    let rows = ws.caseload().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.family, "Wiśniewska");
    assert_eq!(row.children.len(), 1);
    let trend = &row.children[0];
    // The child's own CORS, not the mother's ORS about her.
    assert_eq!(trend.measure.as_deref(), Some("CORS"));
    let totals: Vec<f64> = trend.totals.iter().map(|t| t.as_f64()).collect();
    assert_eq!(totals, [20.0, 21.0, 22.0]);
    assert_eq!(trend.cutoff.map(|c| c.as_f64()), Some(32.0));
    // Below 32, three ratings without reliable improvement, CSRS always 40; and the
    // last meeting (10 October) lies more than six weeks before "today" (23 November).
    assert_eq!(
        row.flags,
        [
            CaseloadFlag::NotImproving,
            CaseloadFlag::BelowCutoff,
            CaseloadFlag::SrsAlwaysMax,
            CaseloadFlag::NothingRecordedLately
        ]
    );
    assert_eq!(row.last_meeting.unwrap().to_string(), "2026-10-10");
}

#[test]
fn a_recent_meeting_clears_nothing_recorded_lately_and_a_new_case_has_no_trend() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mum) = family(&mut ws);
    let row = &ws.caseload().unwrap()[0];
    assert!(row.flags.is_empty(), "opened today: {:?}", row.flags);
    assert!(row.children[0].totals.is_empty());
    assert_eq!(row.children[0].measure, None);
    ws.add_meeting(&case, "2026-11-20", "status", &[child, mum], "")
        .unwrap();
    assert!(ws.caseload().unwrap()[0].flags.is_empty());
}

#[test]
fn caseload_rows_follow_writes_from_another_process_and_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mum) = family(&mut ws);
    ws.add_meeting(
        &case,
        "2026-11-20",
        "status",
        &[child.clone(), mum.clone()],
        "",
    )
    .unwrap();
    assert!(ws.caseload().unwrap()[0].flags.is_empty(), "kept rows now");
    // Another process (the CLI, a sync) writes the same file: the row is read again.
    let mut other = open(dir.path());
    other
        .add_person(&case, "Jan", "sibling", Some("2019-02-02"), None)
        .unwrap();
    drop(other);
    let mut names: Vec<String> = ws.caseload().unwrap()[0]
        .children
        .iter()
        .map(|c| c.name.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["Jan", "Zofia"]);
    // Six weeks after the last meeting, on another day, the row says so.
    drop(ws);
    let later = hearth_api::Workspace::open(
        dir.path(),
        PASS,
        Box::new(hearth_api::clock::FixedClock(
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 1, 10, 9, 0, 0).unwrap(),
        )),
    )
    .unwrap();
    assert_eq!(
        later.caseload().unwrap()[0].flags,
        [CaseloadFlag::NothingRecordedLately]
    );
}

#[test]
fn client_mode_offers_scales_by_age_and_no_session_scale_in_a_network_meeting() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mum) = family(&mut ws);
    let toddler = ws
        .add_person(&case, "Jan", "sibling", Some("2023-03-01"), None)
        .unwrap()
        .to_string();
    let present = [child.clone(), mum.clone(), toddler.clone()];
    let status = ws
        .add_meeting(&case, "2026-11-20", "status", &present, "")
        .unwrap()
        .to_string();
    let network = ws
        .add_meeting(&case, "2026-11-21", "network", &present, "")
        .unwrap()
        .to_string();

    let child_offer = ws.scales_offered(&case, &status, &child).unwrap();
    assert_eq!(child_offer.outcome.as_deref(), Some("CORS"));
    assert_eq!(child_offer.session.as_deref(), Some("CSRS"));
    assert_eq!(child_offer.age, Some(10));
    assert!(!child_offer.faces);
    let mum_offer = ws.scales_offered(&case, &status, &mum).unwrap();
    assert_eq!(mum_offer.outcome.as_deref(), Some("ORS"));
    assert_eq!(
        mum_offer.session.as_deref(),
        Some("SRS"),
        "not the group SRS"
    );
    let toddler_offer = ws.scales_offered(&case, &status, &toddler).unwrap();
    assert_eq!(toddler_offer.outcome.as_deref(), Some("YCORS"));
    assert!(toddler_offer.faces, "the young child's version has faces");

    let in_network = ws.scales_offered(&case, &network, &child).unwrap();
    assert_eq!(in_network.outcome.as_deref(), Some("CORS"));
    assert_eq!(in_network.session, None);
    assert_eq!(in_network.session_withheld.as_deref(), Some("network"));
}

#[test]
fn a_meeting_not_yet_recorded_offers_what_the_recorded_one_will() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mum) = family(&mut ws);
    // The child turns 10 on 2016-05-01 + 10 years: the age is taken at the planned date.
    let before_birthday = ws
        .scales_offered_at(&case, "2021-04-30", "status", &child)
        .unwrap();
    assert_eq!(before_birthday.age, Some(4));
    assert!(before_birthday.faces);
    let today = ws
        .scales_offered_at(&case, "2026-11-20", "status", &child)
        .unwrap();
    let present = [child.clone(), mum.clone()];
    let m = ws
        .add_meeting(&case, "2026-11-20", "status", &present, "")
        .unwrap()
        .to_string();
    assert_eq!(today, ws.scales_offered(&case, &m, &child).unwrap());
    let network = ws
        .scales_offered_at(&case, "2026-11-20", "network", &mum)
        .unwrap();
    assert_eq!(network.session, None);
    // A date in the future, an unknown kind or a stranger is refused.
    assert!(
        ws.scales_offered_at(&case, "2030-01-01", "status", &child)
            .is_err()
    );
    assert!(
        ws.scales_offered_at(&case, "2026-11-20", "party", &child)
            .is_err()
    );
    let other = ws.add_case("Holm", None).unwrap().to_string();
    assert!(
        ws.scales_offered_at(&other, "2026-11-20", "status", &child)
            .is_err()
    );
}

#[test]
fn typed_items_are_checked_without_recording_anything() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, _, _) = family(&mut ws);
    let before = ws.case(&case).unwrap();
    let items = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    ws.check_items("ORS", &items("4 4 5,5 6")).unwrap();
    ws.check_items("cors", &items("10 0 0.1 9.9")).unwrap();
    for (measure, typed) in [
        ("ORS", "4 4 5"),
        ("ORS", "4 4 5 11"),
        ("ORS", "4 4 5 x"),
        ("XYZ", "1 2 3 4"),
    ] {
        assert!(
            ws.check_items(measure, &items(typed)).is_err(),
            "{measure} {typed}"
        );
    }
    assert_eq!(ws.case(&case).unwrap(), before, "checking records nothing");
}

#[test]
fn a_child_without_a_date_of_birth_gets_no_guessed_scale() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let case = ws.add_case("Holm", None).unwrap().to_string();
    let child = ws
        .add_person(&case, "Ida", "child", None, None)
        .unwrap()
        .to_string();
    let m = ws
        .add_meeting(
            &case,
            "2026-11-20",
            "status",
            std::slice::from_ref(&child),
            "",
        )
        .unwrap()
        .to_string();
    let err = ws.scales_offered(&case, &m, &child).unwrap_err();
    assert!(err.to_string().contains("date of birth"), "{err}");
}

#[test]
fn client_mode_is_left_with_the_pin_or_the_passphrase_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let ws = init(dir.path());
    // Without a PIN, the passphrase.
    assert_eq!(ws.may_leave_client_mode("").unwrap(), Wrong);
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), Wrong);
    assert_eq!(ws.may_leave_client_mode(PASS).unwrap(), Leave);
    assert!(!ws.app_settings().unwrap().pin_set);

    for bad in ["123", "12a4", "1234567890123", ""] {
        assert!(ws.set_client_pin(bad).is_err(), "{bad:?} accepted");
    }
    assert!(
        !ws.app_settings().unwrap().pin_set,
        "a refused PIN sets nothing"
    );
    ws.set_client_pin("4711").unwrap();
    assert!(ws.app_settings().unwrap().pin_set);
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), Leave);
    assert_eq!(ws.may_leave_client_mode("4712").unwrap(), Wrong);
    assert_eq!(ws.may_leave_client_mode(PASS).unwrap(), Leave);
    drop(ws);

    // Kept (as a hash only) across unlocks; the PIN is not on disk in plain text.
    let ws = open(dir.path());
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), Leave);
    for (name, bytes) in all_bytes(dir.path()) {
        assert!(!contains(&bytes, b"4711"), "PIN in plain text in {name}");
    }
}

#[test]
fn guessing_the_pin_blocks_it_until_the_passphrase_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let ws = init(dir.path());
    ws.set_client_pin("4711").unwrap();
    for guess in 1..PIN_MAX_FAILURES {
        assert_eq!(
            ws.may_leave_client_mode(&format!("{guess:04}")).unwrap(),
            Wrong
        );
    }
    // A right PIN in between starts the count again.
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), Leave);
    for guess in 1..PIN_MAX_FAILURES {
        assert_eq!(
            ws.may_leave_client_mode(&format!("{guess:04}")).unwrap(),
            Wrong
        );
    }
    assert_eq!(ws.may_leave_client_mode("9999").unwrap(), PinBlocked);
    drop(ws);
    // Restarting the app does not reset the count; the right PIN no longer leaves.
    let ws = open(dir.path());
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), PinBlocked);
    // The worker's passphrase does, and makes the PIN work again.
    assert_eq!(ws.may_leave_client_mode(PASS).unwrap(), Leave);
    assert_eq!(ws.may_leave_client_mode("4711").unwrap(), Leave);
}

#[test]
fn settings_are_checked_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let ws = init(dir.path());
    let s = ws.app_settings().unwrap();
    assert_eq!((s.idle_lock_minutes, s.px_per_cm), (5, None));
    assert!(ws.set_idle_lock_minutes(0).is_err());
    assert!(ws.set_idle_lock_minutes(241).is_err());
    assert!(ws.set_px_per_cm(f64::NAN).is_err());
    assert!(ws.set_px_per_cm(3.0).is_err());
    assert_eq!(
        ws.app_settings().unwrap(),
        s,
        "refused settings change nothing"
    );
    ws.set_idle_lock_minutes(15).unwrap();
    ws.set_px_per_cm(41.5).unwrap();
    drop(ws);
    let s = open(dir.path()).app_settings().unwrap();
    assert_eq!((s.idle_lock_minutes, s.px_per_cm), (15, Some(41.5)));
}

#[test]
fn the_passphrase_hint_rewards_length() {
    assert_eq!(passphrase_strength("abc"), PassphraseStrength::TooShort);
    assert_eq!(passphrase_strength("abcdefgh"), PassphraseStrength::Weak);
    assert_eq!(
        passphrase_strength("abcdefghijkl"),
        PassphraseStrength::Fair
    );
    assert_eq!(
        passphrase_strength("correct horse battery staple"),
        PassphraseStrength::Strong
    );
}

#[test]
fn the_demo_team_opens_with_its_shown_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hearth_api::Workspace::create_demo(dir.path(), 6, 7, clock()).unwrap();
    assert_eq!(ws.caseload().unwrap().len(), 6);
    drop(ws);
    let ws = hearth_api::Workspace::open(dir.path(), hearth_api::DEMO_PASSPHRASE, clock()).unwrap();
    assert_eq!(ws.whoami().unwrap().role.as_str(), "team-manager");
}
