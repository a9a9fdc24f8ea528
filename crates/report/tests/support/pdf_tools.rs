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
