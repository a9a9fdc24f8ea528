//! Export benchmark (release): the graph snapshot, a parenting assessment of about 30
//! pages with 3 graphs, and LibreOffice converting an equivalent DOCX to PDF (the
//! status quo: the workbook exported to Word, then to PDF), as a ratio.
//!
//! `cargo bench -p hearth-report --bench export`
//! The LibreOffice comparison is skipped, with a message, when `soffice` is absent.

#[path = "../tests/support/fixtures.rs"]
mod fixtures;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use hearth_core::casework::Rag;
use hearth_report::*;

const WORDS: &str = "Søren told me that mornings are calmer now and that his mum Łucja walks him to school. \
Dafydd Ŵyn Ŷnys has attended every session of the programme and speaks openly about what he has learned. \
The school reports that attendance has risen and that Søren is settled in class. \
We talked about what happens when things become difficult again and who the family can call. ";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ctx(title: &str) -> DocumentContext {
    DocumentContext {
        team: "Øresund Family Safeguarding".into(),
        case_reference: "FS-2025-0042".into(),
        title: title.into(),
        generated_by: "Ağca Gül".into(),
        generated_on: d(2025, 11, 20),
        generated_at: Utc.with_ymd_and_hms(2025, 11, 20, 14, 30, 0).unwrap(),
        protective_marking: Some("OFFICIAL-SENSITIVE".into()),
        language: Language::English,
    }
}

const SECTIONS: [&str; 10] = [
    "Case Worker Summary",
    "Key Information",
    "Module 1: Why are we involved?",
    "Module 2: Parental/family history",
    "Module 3: Parents' understanding of the impact of their behaviour on their child(ren)",
    "Module 4: Direct work with children",
    "Module 5: Parenting capacity part 1",
    "Module 6: Parenting capacity part 2",
    "Module 7: Analysis & recommendations",
    "Module 8: Comments and views",
];
const ENTRIES_PER_SECTION: usize = 4;
/// Repeats of `WORDS` (about 64 words) per entry.
const REPEATS: usize = 6;

fn assessment() -> ParentingAssessment {
    let sections = SECTIONS
        .iter()
        .map(|t| AssessmentSection {
            title: t.to_string(),
            entries: (0..ENTRIES_PER_SECTION)
                .map(|i| AssessmentEntry {
                    author: "Ağca Gül".into(),
                    discipline: if i % 2 == 0 {
                        "Social worker"
                    } else {
                        "Recovery worker"
                    }
                    .into(),
                    date: d(2025, 3, 1 + i as u32),
                    kind: "Analysis".into(),
                    about: vec![fixtures::CHILD.into()],
                    text: WORDS.repeat(REPEATS),
                    finalised: true,
                })
                .collect(),
        })
        .collect();
    ParentingAssessment {
        family: "Ærøskøbing".into(),
        children: vec![PersonLine {
            name: fixtures::CHILD.into(),
            detail: "Child, born 4 May 2016".into(),
        }],
        adults: vec![PersonLine {
            name: fixtures::MOTHER.into(),
            detail: "Parent".into(),
        }],
        author: "Ağca Gül".into(),
        date: d(2025, 11, 20),
        sections,
        graphs: vec![fixtures::scene(), fixtures::scene(), fixtures::scene()],
        supervision: Some(SupervisionDecisions {
            date: d(2025, 6, 12),
            chair: "Gwenllïan Ŷr".into(),
            rag: Some(Rag::Green),
            decisions: vec![DecisionLine {
                decision: "Close to early help".into(),
                reason: "Goals met.".into(),
            }],
        }),
        sign_off: SignOffState::Draft,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // Parse the fonts once, as a long-running app would have.
    let graph = Document::Graph(GraphSnapshot {
        family: "Ærøskøbing".into(),
        scene: fixtures::scene(),
    });
    render(&graph, &ctx("FIT graph")).unwrap();
    let g = time(50, || render(&graph, &ctx("FIT graph")).unwrap());
    println!(
        "graph snapshot (1 page):            median {:7.2} ms over 50 runs (goal < 50 ms)",
        ms(g)
    );

    let a = assessment();
    let doc = Document::ParentingAssessment(a.clone());
    let bytes = render(&doc, &ctx("Parenting assessment")).unwrap();
    let tmp = std::env::temp_dir().join(format!("hearth-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let pdf = tmp.join("assessment.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let pages = page_count(&pdf);
    let p = time(20, || render(&doc, &ctx("Parenting assessment")).unwrap());
    println!(
        "parenting assessment ({pages} pages, 3 graphs, {} KiB): median {:7.2} ms over 20 runs (goal < 300 ms)",
        bytes.len() / 1024,
        ms(p)
    );

    match Command::new("soffice").arg("--version").output() {
        Ok(o) if o.status.success() => {
            let docx = tmp.join("assessment.docx");
            std::fs::write(&docx, docx_bytes(&a)).unwrap();
            let profile = tmp.join("lo-profile");
            let convert = || {
                let out = Command::new("soffice")
                    .arg(format!(
                        "-env:UserInstallation=file://{}",
                        profile.display()
                    ))
                    .args(["--headless", "--convert-to", "pdf", "--outdir"])
                    .arg(&tmp)
                    .arg(&docx)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "soffice failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            convert(); // the first run creates the profile
            let lo = time(3, convert);
            let lo_pages = page_count(&tmp.join("assessment.pdf"));
            println!(
                "LibreOffice headless DOCX -> PDF ({lo_pages} pages, same text, graphs as item tables): median {:7.0} ms over 3 runs",
                ms(lo)
            );
            println!(
                "ratio hearth / LibreOffice: {:.3}x (goal <= 0.1x)",
                ms(p) / ms(lo)
            );
        }
        _ => println!(
            "LibreOffice comparison skipped: `soffice` is not installed (apt-get install libreoffice-writer-nogui)"
        ),
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

fn page_count(pdf: &Path) -> String {
    Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_else(|| "?".into())
}

// ---- a minimal DOCX (stored zip, no compression dependency) -----------------------

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(text: &str, style: Option<&str>, bold: bool) -> String {
    let ppr = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    format!(
        "<w:p>{ppr}<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        esc(text)
    )
}

fn table(rows: &[Vec<String>]) -> String {
    let mut s = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>",
    );
    for r in rows {
        s.push_str("<w:tr>");
        for c in r {
            s.push_str(&format!("<w:tc>{}</w:tc>", para(c, None, false)));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}

/// The same content as the PDF: cover, sections and entries, each graph's change
/// facts and item table (a Word export has no vector chart), supervision, sign-off.
fn docx_bytes(a: &ParentingAssessment) -> Vec<u8> {
    let mut body = String::new();
    body.push_str(&para("Parenting assessment", Some("Title"), false));
    body.push_str(&para(&format!("The {} family", a.family), None, false));
    body.push_str(&para(&format!("Author: {}", a.author), None, false));
    for s in &a.sections {
        body.push_str(&para(&s.title, Some("Heading1"), false));
        for e in &s.entries {
            body.push_str(&para(
                &format!("{}, {}: {}", e.author, e.discipline, e.date),
                None,
                true,
            ));
            body.push_str(&para(&e.text, None, false));
        }
    }
    for g in &a.graphs {
        body.push_str(&para(
            &format!("Outcome graph: {}", g.subject_name),
            Some("Heading1"),
            false,
        ));
        for c in &g.changes {
            body.push_str(&para(
                &format!("{}, {}: {} to {}", c.rater_name, c.measure, c.first, c.last),
                None,
                false,
            ));
        }
        let mut rows = vec![{
            let mut h = vec!["Rater".to_string(), "Measure".into(), "Item".into()];
            h.extend(g.table.columns.iter().map(|d| d.to_string()));
            h
        }];
        for r in &g.table.rows {
            let mut row = vec![
                r.rater_name.clone(),
                r.measure.clone(),
                r.item.clone().unwrap_or_else(|| "Total".into()),
            ];
            row.extend(
                r.cells
                    .iter()
                    .map(|c| c.map(|v| v.to_string()).unwrap_or_default()),
            );
            rows.push(row);
        }
        body.push_str(&table(&rows));
    }
    body.push_str(&para("Case supervision decisions", Some("Heading1"), false));
    body.push_str(&para("Sign-off", Some("Heading1"), false));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1560\" w:right=\"1134\" w:bottom=\"1320\" w:left=\"1134\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    stored_zip(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ])
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive with every entry stored (method 0).
fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let len = data.len() as u32;
        let header = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date (1980-01-01)
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&len.to_le_bytes());
            h.extend_from_slice(&len.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_dir {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend(central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
