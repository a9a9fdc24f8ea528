//! The PDF outline (bookmarks) as a reader expects it. printpdf writes one entry per
//! anchored heading, but orders them by page and then by title, so two headings on one
//! page are listed alphabetically ("Module 10" before "Module 9"), and it names the page
//! mode with a string, which viewers ignore. This relinks the entries in the order the
//! headings appear and asks viewers to show the outline when the file is opened.

use lopdf::{Document, Object, ObjectId};

use crate::ReportError;

fn pdf_error(e: lopdf::Error) -> ReportError {
    ReportError::Pdf(format!("outline: {e}"))
}

/// `headings` are (title, page from 1) in document order, exactly as they were given to
/// printpdf's `add_bookmark`.
pub(crate) fn put_in_document_order(
    doc: &mut Document,
    headings: &[(String, usize)],
) -> Result<(), ReportError> {
    if headings.is_empty() {
        return Ok(());
    }
    let outlines = doc
        .catalog()
        .and_then(|c| c.get(b"Outlines"))
        .and_then(Object::as_reference)
        .map_err(pdf_error)?;
    let written = linked_entries(doc, outlines, headings.len())?;
    // The entry printpdf wrote k-th is the k-th heading in its (page, title) order; the
    // titles are checked, so a change in printpdf fails loudly instead of misfiling.
    let mut printpdf_order: Vec<usize> = (0..headings.len()).collect();
    printpdf_order
        .sort_by(|&a, &b| (headings[a].1, &headings[a].0).cmp(&(headings[b].1, &headings[b].0)));
    let mut entry_of = vec![written[0]; headings.len()];
    for (k, &heading) in printpdf_order.iter().enumerate() {
        let title = entry_title(doc, written[k])?;
        if title != headings[heading].0 {
            return Err(ReportError::Pdf(format!(
                "outline: entry {k} is {title:?}, expected {:?}",
                headings[heading].0
            )));
        }
        entry_of[heading] = written[k];
    }
    for (i, &id) in entry_of.iter().enumerate() {
        let entry = doc.get_dictionary_mut(id).map_err(pdf_error)?;
        entry.remove(b"Prev");
        entry.remove(b"Next");
        if i > 0 {
            entry.set("Prev", Object::Reference(entry_of[i - 1]));
        }
        if let Some(&next) = entry_of.get(i + 1) {
            entry.set("Next", Object::Reference(next));
        }
    }
    let root = doc.get_dictionary_mut(outlines).map_err(pdf_error)?;
    root.set("First", Object::Reference(entry_of[0]));
    root.set("Last", Object::Reference(entry_of[entry_of.len() - 1]));
    doc.catalog_mut()
        .map_err(pdf_error)?
        .set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    Ok(())
}

/// The outline's entries from `First` along `Next`; exactly `expected` of them.
fn linked_entries(
    doc: &Document,
    outlines: ObjectId,
    expected: usize,
) -> Result<Vec<ObjectId>, ReportError> {
    let mut ids = Vec::with_capacity(expected);
    let mut next = doc
        .get_dictionary(outlines)
        .map_err(pdf_error)?
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    while let Some(id) = next {
        if ids.len() == expected {
            break;
        }
        ids.push(id);
        next = doc
            .get_dictionary(id)
            .map_err(pdf_error)?
            .get(b"Next")
            .and_then(Object::as_reference)
            .ok();
    }
    if ids.len() != expected || next.is_some() {
        return Err(ReportError::Pdf(format!(
            "outline: printpdf wrote another number of entries than the {expected} headings"
        )));
    }
    Ok(ids)
}

/// An entry's title; printpdf writes it as UTF-16BE with a byte-order mark.
fn entry_title(doc: &Document, id: ObjectId) -> Result<String, ReportError> {
    let bytes = doc
        .get_dictionary(id)
        .and_then(|d| d.get(b"Title"))
        .and_then(Object::as_str)
        .map_err(pdf_error)?;
    let units: Vec<u16> = match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect(),
        None => return Ok(String::from_utf8_lossy(bytes).into_owned()),
    };
    String::from_utf16(&units).map_err(|e| ReportError::Pdf(format!("outline title: {e}")))
}
