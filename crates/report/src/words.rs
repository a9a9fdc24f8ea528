//! The words hearth-report writes itself, in the languages a document can be written in,
//! kept as one catalogue per language like the desktop's (`ui/src/lib/i18n`). Names,
//! measure and item names, and the worker's own texts come from the model unchanged.
//!
//! Only the FIT graph snapshot is offered in Danish so far (the FIT method in Hearth
//! comes from a Danish municipality); the Family Safeguarding documents are English,
//! because their workbook headings and letter drafts are.

use std::fmt::Display;

use chrono::{Datelike, NaiveDate};
use hearth_core::Tenths;

/// The language a document is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    English,
    Danish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Danish];

    /// The code the desktop and the CLI use: "en", "da".
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Danish => "da",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    fn catalogue(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Language::English => EN,
            Language::Danish => DA,
        }
    }

    /// The graph snapshot's title, for its header, metadata and file name.
    pub fn graph_title(self) -> &'static str {
        self.text("graph.title")
    }

    /// The text for `key`. A key missing from a catalogue prints as itself, so a
    /// mistake shows in the document (and in the tests that read it) instead of panicking.
    pub(crate) fn text(self, key: &'static str) -> &'static str {
        self.catalogue()
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, v)| v)
    }

    /// The text for `key` with each `{name}` replaced by its value, in one pass, so a
    /// value that itself holds braces (a name typed that way) is printed as it is.
    pub(crate) fn fill(self, key: &'static str, params: &[(&str, &dyn Display)]) -> String {
        let mut out = String::new();
        let mut rest = self.text(key);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, value) = params.iter().find(|(n, _)| *n == name)?;
                Some((value.to_string(), close))
            });
            match value {
                Some((value, close)) => {
                    out.push_str(&value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A number of points as this language writes it: "27.3", "27,3".
    pub(crate) fn points(self, t: Tenths) -> String {
        let s = t.to_string();
        match self {
            Language::English => s,
            Language::Danish => s.replace('.', ","),
        }
    }

    /// Whose: "Søren's"; in Danish "Sørens", and "Lars'" after s, x or z.
    pub(crate) fn possessive(self, name: &str) -> String {
        match self {
            Language::English => format!("{name}'s"),
            Language::Danish if name.ends_with(['s', 'x', 'z', 'S', 'X', 'Z']) => {
                format!("{name}'")
            }
            Language::Danish => format!("{name}s"),
        }
    }

    /// A change with its sign: "+3.4", "-2,0".
    pub(crate) fn signed_points(self, t: Tenths) -> String {
        if t.0 > 0 {
            format!("+{}", self.points(t))
        } else {
            self.points(t)
        }
    }

    /// A date as a case file writes it: "3 March 2025", "3. marts 2025".
    pub fn long_date(self, d: NaiveDate) -> String {
        self.date(d, DateStyle::Long)
    }

    /// A date under a graph: "3 Mar 2025", "3. mar. 2025".
    pub(crate) fn axis_date(self, d: NaiveDate) -> String {
        self.date(d, DateStyle::Axis)
    }

    /// A date heading a table column: "3 Mar 25", "3. mar. 25".
    pub(crate) fn column_date(self, d: NaiveDate) -> String {
        self.date(d, DateStyle::Column)
    }

    fn date(self, d: NaiveDate, style: DateStyle) -> String {
        let year = match style {
            DateStyle::Column => format!("{:02}", d.year() % 100),
            DateStyle::Long | DateStyle::Axis => d.year().to_string(),
        };
        let long = matches!(style, DateStyle::Long);
        match self {
            Language::English => {
                let month = d.format(if long { "%B" } else { "%b" });
                format!("{} {month} {year}", d.day())
            }
            Language::Danish => {
                let i = d.month0() as usize;
                let month = if long { DA_MONTHS[i] } else { DA_SHORT[i] };
                format!("{}. {month} {year}", d.day())
            }
        }
    }
}

/// How much of a date: the month's name in full, or short with the year in full or in
/// two digits.
#[derive(Clone, Copy)]
enum DateStyle {
    Long,
    Axis,
    Column,
}

const DA_MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const DA_SHORT: [&str; 12] = [
    "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
];

const EN: &[(&str, &str)] = &[
    // The frame of every page.
    ("frame.case", "Case {reference}"),
    ("frame.draft_title", "{title} (DRAFT)"),
    ("frame.generated", "Generated by {member} on {date}"),
    ("frame.page", "Page {n} of {total}"),
    // The graph snapshot.
    ("graph.title", "FIT graph"),
    ("graph.heading", "FIT graph: {name} ({family})"),
    ("chart.heading", "Outcome graph: {name}"),
    (
        "chart.nothing",
        "Nothing has been rated for this person in this episode yet.",
    ),
    ("chart.outcome_panel", "{measures}: well-being (outcome)"),
    ("chart.session_panel", "{measures}: the meeting (session)"),
    ("chart.cutoff", "cut-off {value}"),
    ("chart.own_rating", "{name} (own rating)"),
    (
        "chart.expected.shown",
        "The shaded band is the expected response for {owner} own {measure} ratings, from where they started; the dotted line is its middle.",
    ),
    (
        "chart.expected.no_own_rating",
        "No expected-response band: {name} has not rated themself on an outcome measure yet.",
    ),
    (
        "chart.expected.too_few_ratings",
        "No expected-response band yet: it needs at least two of the person's own ratings.",
    ),
    (
        "chart.expected.not_enough_data",
        "No expected-response band: the team's local norms need {need} closed episodes and have {have}.",
    ),
    (
        "chart.expected.no_model",
        "No expected-response band: the team has no expected-response model.",
    ),
    (
        "chart.expected.not_for_measure",
        "No expected-response band: the team's model does not cover {measure}.",
    ),
    ("chart.changes", "What changed, first to last rating"),
    (
        "chart.change",
        "{who}, {measure}: {first} to {last} ({change}) over {ratings} ratings",
    ),
    ("chart.reliable.improved", "; reliable improvement"),
    ("chart.reliable.deteriorated", "; reliable deterioration"),
    ("chart.reliable.none", "; no reliable change"),
    (
        "chart.clinical.yes",
        "; clinically significant (now above the cut-off of {cutoff})",
    ),
    (
        "chart.clinical.below",
        "; still below the cut-off of {cutoff}",
    ),
    (
        "chart.clinical.no",
        "; not clinically significant (cut-off {cutoff})",
    ),
    (
        "chart.flag.not_improving",
        "; not improving: talk about it with the family",
    ),
    (
        "chart.flag.srs_below",
        "; last session rating under 36: talk about the working relationship",
    ),
    (
        "chart.flag.srs_always_max",
        "; always the maximum: the feedback may not be frank",
    ),
    ("chart.table.rater", "Rater"),
    ("chart.table.measure", "Measure"),
    ("chart.table.item", "Item"),
    ("chart.table.total", "Total"),
    ("chart.table.heading", "Item scores"),
    (
        "chart.table.heading_part",
        "Item scores ({part} of {parts})",
    ),
];

const DA: &[(&str, &str)] = &[
    ("frame.case", "Sag {reference}"),
    ("frame.draft_title", "{title} (UDKAST)"),
    ("frame.generated", "Dannet af {member} den {date}"),
    ("frame.page", "Side {n} af {total}"),
    ("graph.title", "FIT-graf"),
    ("graph.heading", "FIT-graf: {name} ({family})"),
    ("chart.heading", "Udviklingsgraf: {name}"),
    (
        "chart.nothing",
        "Der er ikke scoret noget for denne person i dette forløb endnu.",
    ),
    ("chart.outcome_panel", "{measures}: trivsel (outcome)"),
    ("chart.session_panel", "{measures}: samarbejdet (session)"),
    ("chart.cutoff", "skæringspunkt {value}"),
    ("chart.own_rating", "{name} (egen scoring)"),
    (
        "chart.expected.shown",
        "Det skraverede bånd viser den forventede udvikling for {owner} egne {measure}-scoringer ud fra udgangspunktet; den prikkede linje er midten.",
    ),
    (
        "chart.expected.no_own_rating",
        "Intet bånd for forventet udvikling: {name} har ikke scoret sig selv på en outcome-skala endnu.",
    ),
    (
        "chart.expected.too_few_ratings",
        "Intet bånd for forventet udvikling endnu: det kræver mindst to af personens egne scoringer.",
    ),
    (
        "chart.expected.not_enough_data",
        "Intet bånd for forventet udvikling: teamets lokale normer kræver {need} afsluttede forløb og har {have}.",
    ),
    (
        "chart.expected.no_model",
        "Intet bånd for forventet udvikling: teamet har ingen model for forventet udvikling.",
    ),
    (
        "chart.expected.not_for_measure",
        "Intet bånd for forventet udvikling: teamets model dækker ikke {measure}.",
    ),
    (
        "chart.changes",
        "Hvad ændrede sig fra første til seneste scoring",
    ),
    (
        "chart.change",
        "{who}, {measure}: {first} til {last} ({change}) over {ratings} scoringer",
    ),
    ("chart.reliable.improved", "; pålidelig forbedring"),
    ("chart.reliable.deteriorated", "; pålidelig forværring"),
    ("chart.reliable.none", "; ingen pålidelig ændring"),
    (
        "chart.clinical.yes",
        "; klinisk betydende (nu over skæringspunktet på {cutoff})",
    ),
    (
        "chart.clinical.below",
        "; stadig under skæringspunktet på {cutoff}",
    ),
    (
        "chart.clinical.no",
        "; ikke klinisk betydende (skæringspunkt {cutoff})",
    ),
    (
        "chart.flag.not_improving",
        "; ingen forbedring: tal med familien om det",
    ),
    (
        "chart.flag.srs_below",
        "; seneste sessionsscoring under 36: tal om samarbejdet",
    ),
    (
        "chart.flag.srs_always_max",
        "; altid maksimum: tilbagemeldingen er måske ikke ærlig",
    ),
    ("chart.table.rater", "Bedømmer"),
    ("chart.table.measure", "Skala"),
    ("chart.table.item", "Punkt"),
    ("chart.table.total", "I alt"),
    ("chart.table.heading", "Punktscoringer"),
    (
        "chart.table.heading_part",
        "Punktscoringer ({part} af {parts})",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_language_has_every_key_with_the_same_placeholders() {
        for lang in Language::ALL {
            let keys: Vec<&str> = lang.catalogue().iter().map(|(k, _)| *k).collect();
            let english: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, english, "{lang:?} has other keys, or another order");
            for (key, text) in lang.catalogue() {
                assert_eq!(
                    placeholders(text),
                    placeholders(Language::English.text(key)),
                    "{lang:?} {key}"
                );
            }
        }
    }

    #[test]
    fn dates_and_numbers_as_each_language_writes_them() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert_eq!(Language::English.long_date(d), "3 March 2025");
        assert_eq!(Language::Danish.long_date(d), "3. marts 2025");
        assert_eq!(Language::English.axis_date(d), "3 Mar 2025");
        assert_eq!(Language::English.column_date(d), "3 Mar 25");
        assert_eq!(Language::Danish.axis_date(d), "3. mar. 2025");
        assert_eq!(Language::Danish.column_date(d), "3. mar. 25");
        assert_eq!(Language::Danish.points(Tenths(273)), "27,3");
        assert_eq!(Language::English.points(Tenths(-40)), "-4.0");
        assert_eq!(Language::Danish.possessive("Søren"), "Sørens");
        assert_eq!(Language::Danish.possessive("Lars"), "Lars'");
        assert_eq!(Language::English.possessive("Lars"), "Lars's");
        assert_eq!(Language::from_code("da"), Some(Language::Danish));
        assert_eq!(Language::from_code("de"), None);
    }

    #[test]
    fn a_filled_text_replaces_every_placeholder() {
        let s = Language::Danish.fill("frame.page", &[("n", &2), ("total", &5)]);
        assert_eq!(s, "Side 2 af 5");
        // A value is never read as a template, even one naming a later placeholder.
        let s = Language::English.fill(
            "chart.expected.shown",
            &[("owner", &"{measure}'s"), ("measure", &"ORS")],
        );
        assert!(s.contains("for {measure}'s own ORS ratings"), "{s}");
    }
}
