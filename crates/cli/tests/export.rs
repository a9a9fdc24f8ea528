//! `export` through the real binary: a scripted case whose people have Danish, Welsh,
//! Polish and Turkish names, every document type exported, and each PDF read back
//! with pdftotext (content and order), `qpdf --check` and pdftoppm (every page
//! renders). Plus the file rules: no overwrite without --force, and a failed export
//! leaves no file.

mod common;
#[path = "../../report/tests/support/pdf_tools.rs"]
mod pdf_tools;

use std::path::Path;

use common::{cli, ok};
use pdf_tools::{assert_in_order, check_file, squash};

const MANAGER: &str = "Gwenllïan Ŷr";
const CHILD: &str = "Søren Ærøskøbing";
const SISTER: &str = "Ağca Gül";
const MOTHER: &str = "Łucja Żółć";
const FATHER: &str = "Dafydd Ŵyn Ŷnys";

struct Case {
    id: String,
    child: String,
    sister: String,
}

/// `export graph` of the case's child in `language`.
fn graph_in<'a>(c: &'a Case, language: &'a str) -> Vec<&'a str> {
    vec![
        "graph",
        "--case",
        &c.id,
        "--subject",
        &c.child,
        "--language",
        language,
    ]
}

fn write_json(dir: &Path, name: &str, v: &serde_json::Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p.display().to_string()
}

/// A case from referral to signed closure, with workbook, supervision and ratings.
fn scripted(dir: &Path, files: &Path) -> Case {
    ok(
        dir,
        &[
            "init",
            "--team",
            "Øresund Family Safeguarding",
            "--member",
            MANAGER,
            "--role",
            "team-manager",
        ],
    );
    ok(dir, &["team", "protective-marking", "OFFICIAL-SENSITIVE"]);
    let id = ok(
        dir,
        &[
            "case",
            "waiting",
            "--family",
            "Ærøskøbing",
            "--ref",
            "FS-0042",
            "--date",
            "2025-01-06",
        ],
    );
    ok(
        dir,
        &["case", "open", "--case", &id, "--date", "2025-01-20"],
    );
    let person = |name: &str, role: &str, born: &str| {
        ok(
            dir,
            &[
                "person", "add", "--case", &id, "--name", name, "--role", role, "--born", born,
            ],
        )
    };
    let child = person(CHILD, "child", "2016-05-04");
    let sister = person(SISTER, "child", "2019-09-01");
    let mum = person(MOTHER, "parent", "1988-02-02");
    let _dad = person(FATHER, "parent", "1986-07-07");
    for (date, ors, cors, csrs) in [
        ("2025-02-03", "4,5,4,5", "4.1,5,4.6,4.7", "7,8,7,8"),
        ("2025-03-03", "5,5,5,6", "5.2,5.5,5.5,6", "9,9,8.5,9"),
        ("2025-04-07", "6,6.5,6,7", "7,7.5,7,7.5", "9.5,9,9.5,9.5"),
    ] {
        let m = ok(
            dir,
            &[
                "meeting",
                "add",
                "--case",
                &id,
                "--date",
                date,
                "--kind",
                "care-plan",
            ],
        );
        for (measure, subject, rater, items) in [
            ("ORS", &mum, &mum, ors),
            ("CORS", &child, &child, cors),
            ("CSRS", &child, &child, csrs),
        ] {
            ok(
                dir,
                &[
                    "rate",
                    "--case",
                    &id,
                    "--meeting",
                    &m,
                    "--measure",
                    measure,
                    "--subject",
                    subject,
                    "--rater",
                    rater,
                    "--items",
                    items,
                ],
            );
        }
    }
    ok(
        dir,
        &[
            "workbook",
            "write",
            "--case",
            &id,
            "--section",
            "case-worker-summary",
            "--date",
            "2025-02-10",
            "--about",
            &child,
            "--text",
            &format!("{CHILD} lives with {MOTHER} and {FATHER}."),
        ],
    );
    ok(
        dir,
        &[
            "workbook",
            "write",
            "--case",
            &id,
            "--section",
            "module-7",
            "--date",
            "2025-04-10",
            "--kind",
            "analysis",
            "--text",
            &"The family has made steady progress with the morning routine. ".repeat(40),
        ],
    );
    let me = common::json(dir, &["team", "show", "--json"])["members"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sup = write_json(
        files,
        "sup.json",
        &serde_json::json!({
            "attended": [me],
            "progress": { me.clone(): format!("{FATHER} attends every session.") },
            "child_views": format!("{CHILD} says home is calmer."),
            "plan": "Weekly visits until June."
        }),
    );
    let record = ok(
        dir,
        &[
            "supervision",
            "add",
            "--case",
            &id,
            "--date",
            "2025-04-14",
            "--rag",
            "amber",
            "--decision",
            "Step down to early help",
            "--reason",
            "Risks are reduced.",
            "--json-file",
            &sup,
        ],
    );
    ok(
        dir,
        &[
            "supervision",
            "finalise",
            "--case",
            &id,
            "--record",
            &record,
        ],
    );
    ok(
        dir,
        &[
            "close",
            "decide",
            "--case",
            &id,
            "--date",
            "2025-05-01",
            "--reason",
            "The plan's goals are met",
        ],
    );
    let summary = write_json(
        files,
        "summary.json",
        &serde_json::json!({
            "what_changed": format!("{MOTHER} and {FATHER} keep a calm morning routine."),
            "sustainability_plan": "The school nurse checks in each month.",
            "signposting": "Family Hub drop-in on Tuesdays.",
            "child_views": "Home is quiet now.",
            "family_views": "We feel stronger."
        }),
    );
    ok(
        dir,
        &[
            "closing-summary",
            "write",
            "--case",
            &id,
            "--json-file",
            &summary,
        ],
    );
    ok(dir, &["closing-summary", "sign", "--case", &id]);
    Case { id, child, sister }
}

fn export(dir: &Path, args: &[&str], out: &Path) -> pdf_tools::Checked {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let out_s = out.display().to_string();
    all.extend_from_slice(&["--out", &out_s]);
    ok(dir, &all);
    let keep = tempfile::tempdir().unwrap();
    let copy = keep.path().join("doc.pdf");
    std::fs::copy(out, &copy).unwrap();
    if let Some(o) = std::env::var_os("HEARTH_PDF_OUT") {
        std::fs::copy(out, Path::new(&o).join(out.file_name().unwrap())).unwrap();
    }
    check_file(keep, copy)
}

#[test]
fn every_document_exports_with_names_intact_and_files_are_never_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let c = scripted(dir, files.path());
    let o = |n: &str| out.path().join(n);

    let cs = export(
        dir,
        &["closing-summary", "--case", &c.id],
        &o("closing-summary.pdf"),
    );
    let t = squash(&cs.text);
    assert_in_order(
        &t,
        &[
            "OFFICIAL-SENSITIVE",
            "Øresund Family Safeguarding",
            "Case FS-0042",
            "Closing summary: Ærøskøbing",
            "Episode closed",
            "by Gwenllïan Ŷr",
            "Reason for closure",
            "The plan's goals are met",
            "Łucja Żółć and Dafydd Ŵyn Ŷnys keep a calm morning routine.",
            "Outcome ratings",
            "CORS",
            "Sustainability plan",
            "Signposting",
            "Team manager sign-off",
            "Name Gwenllïan Ŷr",
            "Role Team manager",
            "Generated by Gwenllïan Ŷr",
        ],
    );
    assert!(
        t.contains("Søren") && t.contains("Ærøskøbing") && t.contains("Łucja"),
        "{t}"
    );
    assert!(!t.contains("DRAFT"), "the summary is signed: {t}");

    let g = export(
        dir,
        &["graph", "--case", &c.id, "--subject", &c.child],
        &o("graph.pdf"),
    );
    assert_in_order(
        &squash(&g.text),
        &[
            "FIT graph: Søren Ærøskøbing (Ærøskøbing)",
            "CORS: well-being (outcome)",
            "cut-off 32.0",
            "CSRS: the meeting (session)",
            "36",
            "3 Feb 2025",
            "Søren Ærøskøbing (own rating): CORS, CSRS",
            "What changed, first to last rating",
            "Søren Ærøskøbing (own rating), CORS: 18.4 to 29.0 (+10.6) over 3 ratings; reliable improvement",
            "Item scores",
            "Søren Ærøskøbing CORS",
        ],
    );
    let g_da = export(dir, &graph_in(&c, "da"), &o("graph-da.pdf"));
    assert_in_order(
        &squash(&g_da.text),
        &[
            "Sag FS-0042",
            "FIT-graf: Søren Ærøskøbing (Ærøskøbing)",
            "skæringspunkt 32,0",
            "3. feb. 2025",
            "Søren Ærøskøbing (egen scoring), CORS: 18,4 til 29,0 (+10,6) over 3 scoringer; pålidelig forbedring",
            "Punktscoringer",
            "Side 1 af",
        ],
    );

    let s = export(
        dir,
        &["supervision", "--case", &c.id],
        &o("supervision.pdf"),
    );
    assert_in_order(
        &squash(&s.text),
        &[
            "Case supervision: Ærøskøbing",
            "Date 14 April 2025",
            "Chair Gwenllïan Ŷr",
            "Risk rating (RAG) Amber",
            "Gwenllïan Ŷr (Team manager)",
            "Dafydd Ŵyn Ŷnys attends every session.",
            "Søren Ærøskøbing says home is calmer.",
            "Decision 1: Step down to early help",
            "Why: Risks are reduced.",
            "Finalised by the team manager",
            "Name Gwenllïan Ŷr",
        ],
    );

    let fam = export(dir, &["letter", "--case", &c.id], &o("letter-family.pdf"));
    assert_in_order(
        &squash(&fam.text),
        &["Dear Łucja and Dafydd,", "Best wishes, Gwenllïan Ŷr"],
    );
    assert!(
        !fam.text.contains("CORS") && !fam.text.contains("ORS "),
        "letters never cite a scale"
    );
    let kid = export(
        dir,
        &["letter", "--case", &c.id, "--subject", &c.sister],
        &o("letter-child.pdf"),
    );
    assert_in_order(
        &squash(&kid.text),
        &["Closure letter to Ağca", "Dear Ağca,"],
    );

    let pa = export(
        dir,
        &["parenting-assessment", "--case", &c.id],
        &o("parenting-assessment.pdf"),
    );
    assert!(pa.pages >= 5, "{} pages", pa.pages);
    assert_in_order(
        &squash(&pa.text),
        &[
            "Parenting assessment",
            "The Ærøskøbing family",
            "DRAFT",
            "Søren Ærøskøbing: Child, born 4 May 2016",
            "Ağca Gül: Child, born 1 September 2019",
            "Łucja Żółć: Parent",
            "Case Worker Summary",
            "Gwenllïan Ŷr, Team manager: 10 February 2025 (draft entry)",
            "Søren Ærøskøbing lives with Łucja Żółć and Dafydd Ŵyn Ŷnys.",
            "Key Information",
            "No entries in this section.",
            "Module 7: Analysis & recommendations",
            "steady progress",
            "Module 8: Comments and views",
            "Outcome graphs",
            "Outcome graph: Søren Ærøskøbing",
            "Case supervision decisions",
            "Risk rating (RAG) Amber",
            "Step down to early help",
            "Sign-off by the social worker",
            "DRAFT: not signed off.",
        ],
    );

    // An existing file is kept without --force, byte for byte.
    let target = o("graph.pdf");
    std::fs::write(&target, b"keep me").unwrap();
    let t_s = target.display().to_string();
    let refused = cli(
        dir,
        &[
            "export",
            "graph",
            "--case",
            &c.id,
            "--subject",
            &c.child,
            "--out",
            &t_s,
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    ok(
        dir,
        &[
            "export",
            "graph",
            "--case",
            &c.id,
            "--subject",
            &c.child,
            "--out",
            &t_s,
            "--force",
        ],
    );
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF-"));

    // Failures leave no file: a bad case id, an unknown case, a person not in the
    // case, a missing directory, an unknown document.
    let before: Vec<_> = listing(out.path());
    for (args, needle) in [
        (vec!["closing-summary", "--case", "not-an-id"], ""),
        (
            vec![
                "closing-summary",
                "--case",
                "00000000-0000-4000-8000-000000000000",
            ],
            "not found",
        ),
        (
            vec![
                "graph",
                "--case",
                &c.id,
                "--subject",
                "00000000-0000-4000-8000-000000000000",
            ],
            "not in this case",
        ),
        (
            vec![
                "letter",
                "--case",
                &c.id,
                "--subject",
                "00000000-0000-4000-8000-000000000000",
            ],
            "not a child",
        ),
        (vec!["poster", "--case", &c.id], "unknown document"),
        (graph_in(&c, "de"), "unknown language"),
    ] {
        let f = o("failed.pdf").display().to_string();
        let mut a = vec!["export"];
        a.extend(args.iter().copied());
        a.extend(["--out", f.as_str()]);
        let r = cli(dir, &a);
        assert!(!r.status.success(), "{a:?} succeeded");
        assert!(
            String::from_utf8_lossy(&r.stderr).contains(needle),
            "{a:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        assert_eq!(listing(out.path()), before, "{a:?} left a file behind");
    }
    let missing_dir = out
        .path()
        .join("no-such-dir")
        .join("x.pdf")
        .display()
        .to_string();
    assert!(
        !cli(
            dir,
            &[
                "export",
                "closing-summary",
                "--case",
                &c.id,
                "--out",
                &missing_dir
            ]
        )
        .status
        .success()
    );
    assert_eq!(listing(out.path()), before);
}

#[test]
fn only_a_team_manager_sets_the_protective_marking() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "init",
            "--team",
            "T",
            "--member",
            "Zoë Ørsted",
            "--role",
            "social-worker",
        ],
    );
    let r = cli(dir, &["team", "protective-marking", "OFFICIAL"]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("team manager"));
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}
