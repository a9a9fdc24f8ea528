//! Shared helpers: write a PDF to a temporary directory and check it with the real
//! poppler and qpdf tools (CI installs them; the tests fail if they are missing,
//! rather than passing without looking).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Checked {
    pub dir: tempfile::TempDir,
    pub pdf: PathBuf,
    /// `pdftotext -layout` output.
    pub text: String,
    pub pages: usize,
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?} (install poppler-utils and qpdf): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes `bytes`, runs `qpdf --check`, renders every page with pdftoppm and
/// extracts the text.
/// With `HEARTH_PDF_OUT=<dir>` set, a copy is kept there as `<name>.pdf` to look at.
pub fn check(name: &str, bytes: &[u8]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("doc.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    if let Some(out) = std::env::var_os("HEARTH_PDF_OUT") {
        std::fs::write(Path::new(&out).join(format!("{name}.pdf")), bytes).unwrap();
    }
    check_file(dir, pdf)
}

pub fn check_file(dir: tempfile::TempDir, pdf: PathBuf) -> Checked {
    let qpdf = run(Command::new("qpdf").arg("--check").arg(&pdf));
    let report = String::from_utf8_lossy(&qpdf.stdout);
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "qpdf --check: {report}"
    );
    let info = run(Command::new("pdfinfo").arg(&pdf));
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo reports the page count");
    let prefix = dir.path().join("page");
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "30"])
        .arg(&pdf)
        .arg(&prefix));
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("page") && name.ends_with(".png")
        })
        .count();
    assert_eq!(rendered, pages, "pdftoppm renders every page");
    // Every font is embedded, subset and has a Unicode map (no base-14 font that
    // would print "?" for a name).
    let fonts = run(Command::new("pdffonts").arg(&pdf));
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts: {fonts}");
    for row in rows {
        assert!(
            row.contains("yes yes yes"),
            "font not embedded+subset+unicode: {row}"
        );
    }
    let text = run(Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-"));
    Checked {
        text: String::from_utf8(text.stdout).expect("pdftotext gives UTF-8"),
        pages,
        dir,
        pdf,
    }
}

/// pdfinfo's metadata field (Title, Author, Subject, ...).
pub fn info_field(pdf: &Path, field: &str) -> String {
    let out = run(Command::new("pdfinfo").arg(pdf));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// Asserts that the needles occur in `text` in this order.
pub fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => {
                panic!("{n:?} is missing or out of order (searched after byte {from}) in:\n{text}")
            }
        }
    }
}

/// The text with runs of whitespace collapsed (pdftotext -layout pads columns).
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pdftotext -layout` output split into pages (pdftotext ends each page with a form
/// feed), so page `i` of the PDF is `pages(text)[i - 1]`.
pub fn pages(text: &str) -> Vec<&str> {
    let mut pages: Vec<&str> = text.split('\u{c}').collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The number of the first page (from 1) whose text has `needle` (whitespace
/// collapsed, so a heading wrapped over two lines is found), starting at page `from`.
pub fn page_of(pages: &[&str], needle: &str, from: usize) -> Option<usize> {
    let needle = squash(needle);
    (from.max(1)..=pages.len()).find(|&n| squash(pages[n - 1]).contains(&needle))
}

/// The page number printed after `title` on a contents page: the title, then dot
/// leaders (or only a gap, when the title leaves no room for them), then the number.
/// `None` when the title is missing or no number follows it.
pub fn contents_number(contents: &str, title: &str) -> Option<usize> {
    let text = squash(contents);
    let at = text.find(&squash(title))? + squash(title).len();
    let rest = text[at..].trim_start_matches(['.', ' ']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether a line of `pdftotext -layout` output ends with dot leaders and a number.
pub fn has_leaders(line: &str) -> bool {
    let rest = line
        .trim_end()
        .trim_end_matches(|c: char| c.is_ascii_digit());
    rest.len() < line.trim_end().len() && rest.trim_end().ends_with('.')
}

/// A word on a page with its box, in points from the top-left (`pdftotext -bbox`).
#[derive(Debug)]
pub struct Word {
    pub text: String,
    pub x_min: f32,
    pub x_max: f32,
    pub y_min: f32,
}

/// The words of page `page` (from 1) with their boxes.
pub fn words(pdf: &Path, page: usize) -> Vec<Word> {
    let p = page.to_string();
    let out = run(Command::new("pdftotext")
        .args(["-bbox", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-"));
    let html = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let from = tag.find(&key).expect("bbox attribute") + key.len();
        tag[from..from + tag[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap();
            Word {
                text: text.to_string(),
                x_min: attr(tag, "xMin"),
                x_max: attr(tag, "xMax"),
                y_min: attr(tag, "yMin"),
            }
        })
        .collect()
}

/// The document catalogue's `/PageMode` as qpdf prints it: `/UseOutlines` (a name, which
/// viewers follow) or `(UseOutlines)` (a string, which they ignore).
pub fn page_mode(pdf: &Path) -> String {
    let trailer = run(Command::new("qpdf").arg("--show-object=trailer").arg(pdf));
    let trailer = String::from_utf8_lossy(&trailer.stdout).to_string();
    let root = trailer
        .split("/Root ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no /Root in the trailer: {trailer}"));
    let catalogue = run(Command::new("qpdf")
        .arg(format!("--show-object={root}"))
        .arg(pdf));
    let catalogue = String::from_utf8_lossy(&catalogue.stdout).to_string();
    catalogue
        .split("/PageMode ")
        .nth(1)
        .and_then(|m| m.split_whitespace().next())
        .unwrap_or_else(|| panic!("no /PageMode in the catalogue: {catalogue}"))
        .to_string()
}

/// The document outline (bookmarks) as (title, page from 1), in outline order, read
/// with `qpdf --json` (python3 reads the JSON: the tests take no JSON dependency).
pub fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let json = run(Command::new("qpdf")
        .args(["--json=2", "--json-key=outlines"])
        .arg(pdf));
    let script = r#"
import json, sys
def walk(items):
    for o in items:
        print("%s\t%s" % (o.get("destpageposfrom1"), o["title"]))
        walk(o.get("kids", []))
walk(json.load(sys.stdin)["outlines"])
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&json.stdout).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "reading qpdf's outline JSON failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (page, title) = l.split_once('\t').expect("page<TAB>title");
            (
                title.to_string(),
                page.parse()
                    .unwrap_or_else(|_| panic!("bookmark {title:?} has no page: {page}")),
            )
        })
        .collect()
}
