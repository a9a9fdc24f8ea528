//! The set of measures a team uses: the shipped definitions plus the team's overrides.

use super::{Measure, definition};
use crate::CoreError;
use serde_json::Value;
use std::sync::OnceLock;

/// The shipped definitions, outcome measures first: this order is the order of
/// series on a graph.
const BUILTIN: [&str; 7] = [
    include_str!("../../measures/ors.json"),
    include_str!("../../measures/cors.json"),
    include_str!("../../measures/ycors.json"),
    include_str!("../../measures/srs.json"),
    include_str!("../../measures/csrs.json"),
    include_str!("../../measures/ycsrs.json"),
    include_str!("../../measures/gsrs.json"),
];

/// An ordered set of measures with unique (case-insensitive) ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureSet {
    measures: Vec<Measure>,
}

impl MeasureSet {
    /// The seven shipped measures.
    pub fn builtin() -> MeasureSet {
        Self::shipped().clone()
    }

    /// The shipped measures, parsed once.
    pub(super) fn shipped() -> &'static MeasureSet {
        static SET: OnceLock<MeasureSet> = OnceLock::new();
        SET.get_or_init(|| {
            let measures = BUILTIN
                .iter()
                .map(|json| definition::parse(json))
                .collect::<Result<Vec<_>, _>>();
            // The files are compiled in and every one is parsed by the unit tests, so
            // this cannot fail in a build whose tests pass.
            MeasureSet {
                measures: measures.expect("the shipped measure definitions are valid"),
            }
        })
    }

    /// The measure with this id, ignoring case ("ors" finds ORS).
    pub fn get(&self, id: &str) -> Result<&Measure, CoreError> {
        self.position(id)
            .map(|i| &self.measures[i])
            .ok_or_else(|| CoreError::UnknownMeasure(id.chars().take(40).collect()))
    }

    /// The ids, in the set's order.
    pub fn ids(&self) -> Vec<&str> {
        self.measures.iter().map(|m| m.id.as_str()).collect()
    }

    /// The measures, in the set's order.
    pub fn iter(&self) -> impl Iterator<Item = &Measure> {
        self.measures.iter()
    }

    /// The index of a measure in the set's order.
    pub fn position(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        self.measures
            .iter()
            .position(|m| m.id.eq_ignore_ascii_case(id))
    }

    /// This set with a team's overrides applied in order. Each override is a JSON
    /// object with an `id`: for a known id, its other fields replace those fields of
    /// that measure (the id keeps its shipped spelling); for a new id it must be a
    /// complete definition, added at the end. The result is checked like a shipped
    /// file, so an override that makes a measure inconsistent is refused.
    pub fn with_overrides(&self, overrides_json: &[&str]) -> Result<MeasureSet, CoreError> {
        let mut set = self.clone();
        for text in overrides_json {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| definition::invalid("override", e.to_string()))?;
            let Value::Object(mut fields) = value else {
                return Err(definition::invalid("override", "not a JSON object"));
            };
            let Some(id) = fields.get("id").and_then(Value::as_str).map(str::to_string) else {
                return Err(definition::invalid("override", "no \"id\" field"));
            };
            match set.position(&id) {
                Some(i) => {
                    fields.remove("id");
                    let mut merged = definition::to_value(&set.measures[i]);
                    if let Value::Object(base) = &mut merged {
                        base.extend(fields);
                    }
                    set.measures[i] = definition::from_value(merged)?;
                }
                None => set
                    .measures
                    .push(definition::from_value(Value::Object(fields))?),
            }
        }
        Ok(set)
    }
}
