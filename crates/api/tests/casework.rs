//! Family Safeguarding casework through the api: the workbook, case supervision and
//! stages of change, each action and its refusal, against the real encrypted file.
//! A refused action must change nothing: every refusal here compares the case, the
//! workbook, the supervision records and the stages before and after.

mod common;

use common::*;
use hearth_api::core::casework::{SignOffStatus, Stage, WorkbookSection};
use hearth_api::{ApiError, SupervisionRequest, Workspace, WriteEntryRequest};

/// A case with a child and a mother: (case, child, mother).
fn family(ws: &mut Workspace) -> (String, String, String) {
    let case = ws.add_case("Kjærsgaard", Some("N-1")).unwrap().to_string();
    let child = ws
        .add_person(&case, "Åse", "child", Some("2016-02-10"), None)
        .unwrap()
        .to_string();
    let mother = ws
        .add_person(&case, "Mette", "parent", Some("1989-07-01"), None)
        .unwrap()
        .to_string();
    (case, child, mother)
}

fn entry<'a>(case: &'a str, section: &'a str, text: &'a str) -> WriteEntryRequest<'a> {
    WriteEntryRequest {
        case,
        section,
        text,
        about: Vec::new(),
        kind: None,
        date: None,
    }
}

fn supervision<'a>(case: &'a str, json: Option<&'a str>) -> SupervisionRequest<'a> {
    SupervisionRequest {
        case,
        date: "2026-11-20",
        rag: Some("amber"),
        decisions: vec!["Keep the plan".into(), "Refer to DA worker".into()],
        reasons: vec!["Progress is steady".into(), "Incident in October".into()],
        json,
    }
}

/// Everything the casework commands could change, as JSON.
fn snapshot(ws: &Workspace, case: &str) -> String {
    serde_json::json!({
        "case": serde_json::to_value(ws.case(case).unwrap()).unwrap(),
        "workbook": serde_json::to_value(ws.workbook(case).unwrap()).unwrap(),
        "supervisions": serde_json::to_value(ws.supervisions(case).unwrap()).unwrap(),
        "stages": serde_json::to_value(ws.stages(case).unwrap()).unwrap(),
    })
    .to_string()
}

/// Runs `action`, which must fail with `code` and a message containing `expected`,
/// and checks that nothing changed (also after reopening the workspace).
fn refused<T: std::fmt::Debug>(
    ws: &mut Workspace,
    case: &str,
    code: &str,
    expected: &str,
    action: impl FnOnce(&mut Workspace) -> Result<T, ApiError>,
) {
    let before = snapshot(ws, case);
    let e = action(ws).expect_err("the action should be refused");
    assert_eq!(e.code(), code, "{e}");
    assert!(e.to_string().contains(expected), "{e}");
    assert!(!e.to_string().contains('\n'), "{e}");
    assert_eq!(
        snapshot(ws, case),
        before,
        "a refused action changed the case"
    );
    let reopened = open(ws.dir());
    assert_eq!(snapshot(&reopened, case), before);
}

#[test]
fn workbook_entries_are_written_shown_in_section_order_and_finalised() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mother) = family(&mut ws);
    let later = ws
        .write_workbook_entry(WriteEntryRequest {
            about: vec![mother.clone()],
            kind: Some("reflection"),
            date: Some("2026-11-01"),
            ..entry(&case, "module-2", "Mother spoke about her own childhood.")
        })
        .unwrap();
    let first = ws
        .write_workbook_entry(WriteEntryRequest {
            about: vec![child.clone(), mother.clone()],
            ..entry(&case, "key-information", "Two children at home.")
        })
        .unwrap();

    let wb = open(dir.path()).workbook(&case).unwrap();
    let ids: Vec<_> = wb.sections.iter().map(|s| s.id).collect();
    assert_eq!(ids, WorkbookSection::ALL);
    let entries: Vec<_> = wb.entries().collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0].id, first,
        "key-information comes before module-2"
    );
    assert_eq!(entries[0].kind.as_str(), "fact");
    assert_eq!(
        entries[0].date.to_string(),
        "2026-11-23",
        "defaults to today"
    );
    assert_eq!(entries[1].id, later);
    assert_eq!(entries[1].kind.as_str(), "reflection");
    assert_eq!(entries[1].role.as_str(), "social-worker");
    assert_eq!(entries[1].about.len(), 1);
    assert_eq!(entries[1].status, SignOffStatus::Draft);

    ws.edit_workbook_entry(&case, later.as_str(), "Mother spoke about her childhood.")
        .unwrap();
    assert_eq!(
        ws.workbook(&case).unwrap().entry(&later).unwrap().text,
        "Mother spoke about her childhood."
    );

    ws.finalise_workbook_entry(&case, later.as_str()).unwrap();
    assert_eq!(
        ws.workbook(&case).unwrap().entry(&later).unwrap().status,
        SignOffStatus::Signed
    );
    refused(&mut ws, &case, "invalid", "write a new entry", |ws| {
        ws.edit_workbook_entry(&case, later.as_str(), "changed")
    });
    refused(&mut ws, &case, "invalid", "already finalised", |ws| {
        ws.finalise_workbook_entry(&case, later.as_str())
    });
    refused(&mut ws, &case, "invalid", "not finalised", |ws| {
        ws.finalise_workbook(&case)
    });
    refused(&mut ws, &case, "invalid", "no draft entries", |ws| {
        ws.finalise_workbook_section(&case, "module-2")
    });

    let done = ws
        .finalise_workbook_section(&case, "key-information")
        .unwrap();
    assert_eq!(done, vec![first.clone()]);
    ws.finalise_workbook(&case).unwrap();
    let wb = open(dir.path()).workbook(&case).unwrap();
    assert_eq!(wb.status, SignOffStatus::Signed);
    assert_eq!(wb.sign_offs.len(), 1);
    refused(&mut ws, &case, "invalid", "already finalised", |ws| {
        ws.finalise_workbook(&case)
    });

    // An entry written afterwards shows the workbook as amended after sign-off.
    let third = ws
        .write_workbook_entry(entry(&case, "module-8", "Father's view."))
        .unwrap();
    match ws.workbook(&case).unwrap().status {
        SignOffStatus::AmendedAfterSignOff { changes } => {
            assert_eq!(changes, vec![third.to_string()])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_workbook_input_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, _, mother) = family(&mut ws);
    let e = ws
        .write_workbook_entry(entry(&case, "module-1", "Referral."))
        .unwrap();
    let stranger = case.clone(); // a valid id, but not a person of the case
    refused(
        &mut ws,
        &case,
        "invalid",
        "unknown workbook section",
        |ws| ws.write_workbook_entry(entry(&case, "module-9", "x")),
    );
    refused(&mut ws, &case, "invalid", "unknown entry kind", |ws| {
        ws.write_workbook_entry(WriteEntryRequest {
            kind: Some("opinion"),
            ..entry(&case, "module-1", "x")
        })
    });
    refused(&mut ws, &case, "invalid", "in the future", |ws| {
        ws.write_workbook_entry(WriteEntryRequest {
            date: Some("2026-11-24"),
            ..entry(&case, "module-1", "x")
        })
    });
    refused(&mut ws, &case, "invalid", "not in this case", |ws| {
        ws.write_workbook_entry(WriteEntryRequest {
            about: vec![mother.clone(), stranger.clone()],
            ..entry(&case, "module-1", "x")
        })
    });
    refused(&mut ws, &case, "invalid", "empty", |ws| {
        ws.write_workbook_entry(entry(&case, "module-1", "  "))
    });
    refused(&mut ws, &case, "invalid", "not in this case", |ws| {
        ws.finalise_workbook_entry(&case, &stranger)
    });
    refused(&mut ws, &case, "invalid", "empty", |ws| {
        ws.edit_workbook_entry(&case, e.as_str(), "")
    });
    refused(
        &mut ws,
        &case,
        "invalid",
        "unknown workbook section",
        |ws| ws.finalise_workbook_section(&case, "appendix"),
    );
}

#[test]
fn only_a_social_worker_finalises_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Tove Lund", "team-manager");
    let (case, _, _) = family(&mut ws);
    let e = ws
        .write_workbook_entry(entry(&case, "module-7", "Analysis."))
        .unwrap();
    ws.finalise_workbook_entry(&case, e.as_str()).unwrap();
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "only a social worker may finalise the workbook",
        |ws| ws.finalise_workbook(&case),
    );
}

#[test]
fn business_support_writes_no_entries_or_stages_and_must_name_a_chair() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Tove Lund", "business-support");
    let (case, _, mother) = family(&mut ws);
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "only a practitioner",
        |ws| ws.write_workbook_entry(entry(&case, "module-1", "x")),
    );
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "the entry's author",
        |ws| ws.finalise_workbook_section(&case, "module-1"),
    );
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "only a practitioner",
        |ws| ws.set_stage(&case, &mother, "other", "action", None, None),
    );
    // Business support minutes supervision, but must name the chair.
    refused(&mut ws, &case, "invalid", "chair", |ws| {
        ws.add_supervision(supervision(&case, None))
    });
}

#[test]
fn a_team_manager_adds_and_finalises_a_supervision_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Tove Lund", "team-manager");
    let (case, _, _) = family(&mut ws);
    let me = ws.whoami().unwrap().member.to_string();
    let sw = ws
        .add_member("Hanne Holm", "social-worker")
        .unwrap()
        .to_string();
    let json = serde_json::json!({
        "attended": [me, sw],
        "progress": { sw.clone(): "Weekly visits kept." },
        "plan": "Continue the plan.",
        "child_views": "Åse wants Dad to stop shouting.",
        "decisions": [ { "decision": "Review in 4 weeks", "reason": "Standard" } ],
    })
    .to_string();
    let id = ws.add_supervision(supervision(&case, Some(&json))).unwrap();

    let records = open(dir.path()).supervisions(&case).unwrap();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.id, id);
    assert_eq!(
        r.fields.chair.to_string(),
        me,
        "the chair defaults to the manager"
    );
    assert_eq!(r.fields.attended.len(), 2);
    assert_eq!(r.fields.rag.map(|r| r.as_str()), Some("amber"));
    let decisions: Vec<_> = r
        .fields
        .decisions
        .iter()
        .map(|d| d.decision.as_str())
        .collect();
    assert_eq!(
        decisions,
        ["Review in 4 weeks", "Keep the plan", "Refer to DA worker"]
    );
    assert_eq!(r.fields.decisions[2].reason, "Incident in October");
    assert_eq!(r.status, SignOffStatus::Draft);

    ws.finalise_supervision(&case, id.as_str()).unwrap();
    let r = &open(dir.path()).supervisions(&case).unwrap()[0];
    assert_eq!(r.status, SignOffStatus::Signed);
    assert_eq!(r.sign_offs.len(), 1);
    assert_eq!(r.finalised.as_ref().unwrap().by.to_string(), me);
    refused(&mut ws, &case, "invalid", "already finalised", |ws| {
        ws.finalise_supervision(&case, id.as_str())
    });

    // Bad input, each refused without a trace.
    refused(&mut ws, &case, "invalid", "unknown RAG rating", |ws| {
        ws.add_supervision(SupervisionRequest {
            rag: Some("purple"),
            ..supervision(&case, None)
        })
    });
    refused(
        &mut ws,
        &case,
        "invalid",
        "each decision needs a reason",
        |ws| {
            ws.add_supervision(SupervisionRequest {
                reasons: vec!["only one".into()],
                ..supervision(&case, None)
            })
        },
    );
    refused(&mut ws, &case, "invalid", "in the future", |ws| {
        ws.add_supervision(SupervisionRequest {
            date: "2027-01-01",
            ..supervision(&case, None)
        })
    });
    refused(&mut ws, &case, "invalid", "unknown field", |ws| {
        ws.add_supervision(supervision(&case, Some(r#"{"minutes": "x"}"#)))
    });
    let chair_sw = format!(r#"{{"chair": "{sw}"}}"#);
    refused(&mut ws, &case, "invalid", "must be a team manager", |ws| {
        ws.add_supervision(supervision(&case, Some(&chair_sw)))
    });
    let stranger = format!(r#"{{"attended": ["{case}"]}}"#);
    refused(&mut ws, &case, "invalid", "not on the team roster", |ws| {
        ws.add_supervision(supervision(&case, Some(&stranger)))
    });
    refused(&mut ws, &case, "invalid", "reason for a decision", |ws| {
        ws.add_supervision(SupervisionRequest {
            reasons: vec!["ok".into(), " ".into()],
            ..supervision(&case, None)
        })
    });

    // A record without a RAG rating is refused at finalising.
    let no_rag = ws
        .add_supervision(SupervisionRequest {
            rag: None,
            ..supervision(&case, None)
        })
        .unwrap();
    refused(&mut ws, &case, "invalid", "red/amber/green", |ws| {
        ws.finalise_supervision(&case, no_rag.as_str())
    });
}

#[test]
fn a_social_worker_may_not_add_or_finalise_supervision() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, _, _) = family(&mut ws);
    let record = case.clone();
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "only a team manager may finalise a case supervision record",
        |ws| ws.finalise_supervision(&case, &record),
    );
    refused(
        &mut ws,
        &case,
        "not-permitted",
        "only a team manager or business support may add a case supervision record",
        |ws| ws.add_supervision(supervision(&case, None)),
    );
}

#[test]
fn stages_of_change_keep_a_dated_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = init(dir.path());
    let (case, child, mother) = family(&mut ws);
    let later = ws
        .set_stage(
            &case,
            &mother,
            "domestic-abuse",
            "contemplation",
            Some("I know it scares them."),
            Some("2026-11-10"),
        )
        .unwrap();
    let earlier = ws
        .set_stage(
            &case,
            &mother,
            "domestic-abuse",
            "pre-contemplation",
            None,
            Some("2026-10-01"),
        )
        .unwrap();
    let series = open(dir.path()).stages(&case).unwrap();
    assert_eq!(series.len(), 1);
    let h = &series[0].history;
    assert_eq!(h.len(), 2);
    assert_eq!((&h[0].id, h[0].stage), (&earlier, Stage::PreContemplation));
    assert_eq!((&h[1].id, h[1].stage), (&later, Stage::Contemplation));
    assert_eq!(h[1].quote.as_deref(), Some("I know it scares them."));
    assert_eq!(series[0].current().unwrap().id, later);

    refused(&mut ws, &case, "invalid", "unknown stage of change", |ws| {
        ws.set_stage(&case, &mother, "domestic-abuse", "denial", None, None)
    });
    refused(&mut ws, &case, "invalid", "unknown problem area", |ws| {
        ws.set_stage(&case, &mother, "gambling", "action", None, None)
    });
    refused(&mut ws, &case, "invalid", "parents and carers", |ws| {
        ws.set_stage(&case, &child, "other", "action", None, None)
    });
    refused(&mut ws, &case, "invalid", "not in this case", |ws| {
        ws.set_stage(&case, &case, "other", "action", None, None)
    });
    refused(&mut ws, &case, "invalid", "in the future", |ws| {
        ws.set_stage(&case, &mother, "other", "action", None, Some("2026-12-01"))
    });
}
