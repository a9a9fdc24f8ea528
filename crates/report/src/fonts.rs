//! The embedded fonts: DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, see
//! `fonts/LICENSE-DejaVu.txt`). Shipped in the repository, never read from the system,
//! so every machine prints the same glyphs; DejaVu covers every Latin letter a Danish,
//! Welsh, Polish or Turkish name needs (æøå, ŵŷ, łż, ğış). The PDF embeds only the
//! glyphs a document uses (printpdf subsets on save).

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use printpdf::ParsedFont;

use crate::ReportError;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A parsed face with a cache of advance widths (in em) per character: wrapping
/// measures every word, and the cmap and hmtx look-ups are the slow part.
pub(crate) struct LoadedFace {
    pub(crate) parsed: ParsedFont,
    units_per_em: f32,
    widths: RwLock<HashMap<char, f32>>,
}

impl LoadedFace {
    fn load(bytes: &[u8]) -> Result<LoadedFace, ReportError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| ReportError::Font("an embedded font does not parse".into()))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        Ok(LoadedFace {
            parsed,
            units_per_em,
            widths: RwLock::new(HashMap::new()),
        })
    }

    /// The advance width of `c` in em (0 for a character the font lacks: the caller
    /// checks coverage separately, see [`missing_glyphs`]).
    pub(crate) fn advance(&self, c: char) -> f32 {
        if let Ok(w) = self.widths.read()
            && let Some(v) = w.get(&c)
        {
            return *v;
        }
        let v = self
            .parsed
            .lookup_glyph_index(c as u32)
            .map(|g| f32::from(self.parsed.get_horizontal_advance(g)) / self.units_per_em)
            .unwrap_or(0.0);
        if let Ok(mut w) = self.widths.write() {
            w.insert(c, v);
        }
        v
    }

    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.parsed
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }
}

pub(crate) struct Fonts {
    pub(crate) regular: LoadedFace,
    pub(crate) bold: LoadedFace,
}

impl Fonts {
    pub(crate) fn face(&self, f: Face) -> &LoadedFace {
        match f {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// The fonts, parsed once per process (parsing takes longer than laying out a page).
pub(crate) fn fonts() -> Result<&'static Fonts, ReportError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: LoadedFace::load(REGULAR).map_err(|e| e.to_string())?,
                bold: LoadedFace::load(BOLD).map_err(|e| e.to_string())?,
            })
        })
        .as_ref()
        .map_err(|e| ReportError::Font(e.clone()))
}

/// The characters of `text` (after NFC normalisation) that the regular face cannot
/// print, without repeats. Layout characters (newline, tab) are not counted.
pub fn missing_glyphs(text: &str) -> Result<Vec<char>, ReportError> {
    let f = fonts()?;
    let mut out = Vec::new();
    for c in crate::layout::normalise(text).chars() {
        if !c.is_control() && !f.regular.has_glyph(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}
