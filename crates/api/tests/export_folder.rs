//! Exporting from the desktop: what a case offers as it moves from first ratings to
//! closure, and PDFs saved into a folder under names that name no one, never
//! replacing a file.

mod common;

use std::path::Path;
use std::process::Command;

use common::{init_as, rate};
use hearth_api::{ExportKind, ExportRequest, Language, SupervisionRequest};

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn offers_follow_the_case_and_pdfs_land_in_the_folder_without_names_or_clobbering() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut ws = init_as(dir.path(), "Tove Lund", "team-manager");
    let case = ws.add_case("Kjærsgaard", Some("N-1")).unwrap().to_string();
    let child = ws
        .add_person(&case, "Åse Øby", "child", Some("2016-02-10"), None)
        .unwrap()
        .to_string();
    let baby = ws
        .add_person(&case, "Ida", "child", Some("2025-01-10"), None)
        .unwrap()
        .to_string();
    let mum = ws
        .add_person(
            &case,
            "Gülşen Kjærsgaard",
            "parent",
            Some("1990-01-01"),
            None,
        )
        .unwrap()
        .to_string();

    // Nothing rated yet: only the (draft) parenting assessment.
    let offers = ws.export_offers(&case).unwrap();
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offers[0].kind, ExportKind::ParentingAssessment);
    assert!(offers[0].draft);

    let m = ws
        .add_meeting(
            &case,
            "2026-11-02",
            "status",
            &[child.clone(), mum.clone()],
            "",
        )
        .unwrap()
        .to_string();
    ws.rate(rate(&case, &m, "CORS", &child, None, "5,5,5,5"))
        .unwrap();
    ws.rate(rate(&case, &m, "ORS", &mum, None, "4,4,4,4"))
        .unwrap();

    // A graph for each person rated (the child first), none for the baby nobody rated.
    let offers = ws.export_offers(&case).unwrap();
    let graphs: Vec<_> = offers
        .iter()
        .filter(|o| o.kind == ExportKind::Graph)
        .map(|o| o.subject_name.clone().unwrap())
        .collect();
    assert_eq!(graphs, ["Åse Øby", "Gülşen Kjærsgaard"]);
    assert!(
        !offers
            .iter()
            .any(|o| o.subject.as_ref().map(|s| s.to_string()) == Some(baby.clone()))
    );

    // Exported twice: two files, the second numbered, neither named after anyone.
    let req = ExportRequest {
        kind: ExportKind::Graph,
        case: &case,
        subject: Some(&child),
        record: None,
        language: Language::English,
    };
    let first = ws.export_to_folder(&req, out.path()).unwrap();
    let second = ws.export_to_folder(&req, out.path()).unwrap();
    assert_eq!(
        files(out.path()),
        [
            "FIT graph N-1 2026-11-23 (2).pdf",
            "FIT graph N-1 2026-11-23.pdf"
        ]
    );
    assert_eq!(first.path, out.path().join("FIT graph N-1 2026-11-23.pdf"));
    assert_ne!(first.path, second.path);
    let text = pdf_text(&first.path);
    assert!(text.contains("Åse Øby"), "{text}");
    assert!(text.contains("N-1"));

    // In Danish (the desktop's language) the graph is named and written in Danish.
    let danish = ws
        .export_to_folder(
            &ExportRequest {
                language: Language::Danish,
                ..req.clone()
            },
            out.path(),
        )
        .unwrap();
    assert_eq!(danish.path, out.path().join("FIT-graf N-1 2026-11-23.pdf"));
    let text = pdf_text(&danish.path);
    assert!(
        text.contains("Åse Øby") && text.contains("Side 1 af 1") && text.contains("Sag N-1"),
        "{text}"
    );
    std::fs::remove_file(&danish.path).unwrap();

    // A case without a reference is named by the start of its id.
    let plain = ws.add_case("Kjærsgaard", None).unwrap().to_string();
    let plain_child = ws
        .add_person(&plain, "Åse Øby", "child", Some("2016-02-10"), None)
        .unwrap()
        .to_string();
    let unnamed = ws
        .export_to_folder(
            &ExportRequest {
                kind: ExportKind::Graph,
                case: &plain,
                subject: Some(&plain_child),
                record: None,
                language: Language::English,
            },
            out.path(),
        )
        .unwrap();
    assert_eq!(
        unnamed.path.file_name().unwrap().to_string_lossy(),
        format!("FIT graph {} 2026-11-23.pdf", &plain[..8])
    );
    std::fs::remove_file(&unnamed.path).unwrap();

    // A folder that does not exist, or a relative path, is refused and writes nothing.
    let missing = out.path().join("nope");
    let e = ws.export_to_folder(&req, &missing).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!missing.exists());
    assert!(
        ws.export_to_folder(&req, Path::new("relative/dir"))
            .is_err()
    );
    // A document that cannot be made yet (no closing summary) leaves no file.
    let e = ws
        .export_to_folder(
            &ExportRequest {
                kind: ExportKind::ClosingSummary,
                case: &case,
                subject: None,
                record: None,
                language: Language::English,
            },
            out.path(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("closing summary"), "{e}");
    assert_eq!(files(out.path()).len(), 2);

    // Supervision, the closure decision and the closing summary: the record, the summary
    // and the letters are offered.
    ws.add_supervision(SupervisionRequest {
        case: &case,
        date: "2026-11-20",
        rag: Some("green"),
        decisions: vec!["Close the case".into()],
        reasons: vec!["Goals met".into()],
        json: None,
    })
    .unwrap();
    ws.decide_closure(&case, "2026-11-23", "Goals met").unwrap();
    assert!(
        !ws.export_offers(&case)
            .unwrap()
            .iter()
            .any(|o| o.kind == ExportKind::Letter),
        "letters are drafted from the closing summary, not yet written"
    );
    ws.write_closing_summary(
        &case,
        r#"{"what_changed": "Åse sleeps at home again.", "child_views": "Åse feels safe."}"#,
    )
    .unwrap();
    let offers = ws.export_offers(&case).unwrap();
    let summary = offers
        .iter()
        .find(|o| o.kind == ExportKind::ClosingSummary)
        .expect("the closing summary is offered");
    assert!(summary.draft, "not signed off yet");
    let sup = offers
        .iter()
        .find(|o| o.kind == ExportKind::Supervision)
        .expect("the supervision record is offered");
    assert_eq!(sup.record_date.unwrap().to_string(), "2026-11-20");
    assert!(sup.draft, "not finalised yet");
    let letters: Vec<_> = offers
        .iter()
        .filter(|o| o.kind == ExportKind::Letter)
        .map(|o| o.subject_name.clone())
        .collect();
    assert_eq!(
        letters,
        [None, Some("Åse Øby".into()), Some("Ida".into())],
        "the family's letter, then one per child"
    );

    let letter = ws
        .export_to_folder(
            &ExportRequest {
                kind: ExportKind::Letter,
                case: &case,
                subject: Some(&child),
                record: None,
                // Asked for in Danish: the letter's draft is English, so the letter is.
                language: Language::Danish,
            },
            out.path(),
        )
        .unwrap();
    assert_eq!(
        letter.path.file_name().unwrap(),
        "Closure letter to a child N-1 2026-11-23.pdf"
    );
    let text = pdf_text(&letter.path);
    assert!(text.contains("Åse") && text.contains("Page 1 of"), "{text}");
    // No leftover temporary files.
    assert!(
        files(out.path()).iter().all(|f| f.ends_with(".pdf")),
        "{:?}",
        files(out.path())
    );
}

#[test]
fn the_export_folder_setting_takes_only_an_existing_full_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let ws = init_as(dir.path(), "Tove Lund", "team-manager");
    assert_eq!(ws.app_settings().unwrap().export_dir, None);
    let path = out.path().to_str().unwrap();
    assert_eq!(
        ws.set_export_dir(path).unwrap().export_dir.as_deref(),
        Some(path)
    );
    for bad in ["relative/folder", &format!("{path}/missing")] {
        let e = ws.set_export_dir(bad).unwrap_err();
        assert!(e.to_string().contains("not an existing folder"), "{e}");
    }
    // Kept after a refusal and after reopening; an empty text goes back to the default.
    drop(ws);
    let ws = common::open(dir.path());
    assert_eq!(ws.app_settings().unwrap().export_dir.as_deref(), Some(path));
    assert_eq!(ws.set_export_dir("  ").unwrap().export_dir, None);
}
