//! hearth-report: the PDFs that go into the statutory case file.
