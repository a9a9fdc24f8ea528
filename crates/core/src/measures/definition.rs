//! Measure definitions as JSON: values in points as people read them (`"cutoff": 32`,
//! `"step": 0.1`), converted to tenths on load and checked for consistency, so a bad
//! team override is refused when it is loaded, not when a score is graphed.

use super::{AgeRange, CutoffBand, Item, Measure, Purpose};
use crate::{CoreError, Tenths};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    id: String,
    name: String,
    purpose: String,
    items: Vec<RawItem>,
    min: f64,
    max: f64,
    step: f64,
    ages: RawAges,
    cutoffs: Vec<RawBand>,
    reliable_change: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    short_name: String,
    #[serde(default)]
    wording: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAges {
    min: Option<u32>,
    max: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min_age: u32,
    max_age: Option<u32>,
    cutoff: Option<f64>,
}

/// Parses one complete measure definition.
pub(super) fn parse(json: &str) -> Result<Measure, CoreError> {
    let value: Value = serde_json::from_str(json).map_err(|e| invalid("?", e.to_string()))?;
    from_value(value)
}

/// Builds a measure from a JSON object, checking every field.
pub(super) fn from_value(value: Value) -> Result<Measure, CoreError> {
    let id = id_of(&value).unwrap_or("?").to_string();
    let raw: RawMeasure = serde_json::from_value(value).map_err(|e| invalid(&id, e.to_string()))?;
    raw.into_measure().map_err(|reason| invalid(&id, reason))
}

/// The measure as the JSON object it was loaded from, so an override can replace
/// some of its fields and the result is checked exactly like a shipped file.
pub(super) fn to_value(m: &Measure) -> Value {
    let raw = RawMeasure {
        id: m.id.clone(),
        name: m.name.clone(),
        purpose: match m.purpose {
            Purpose::Outcome => "outcome",
            Purpose::Session => "session",
        }
        .to_string(),
        items: m
            .items
            .iter()
            .map(|i| RawItem {
                id: i.id.clone(),
                short_name: i.short_name.clone(),
                wording: i.wording.clone(),
            })
            .collect(),
        min: m.min.as_f64(),
        max: m.max.as_f64(),
        step: m.step.as_f64(),
        ages: RawAges {
            min: m.ages.min,
            max: m.ages.max,
        },
        cutoffs: m
            .cutoffs
            .iter()
            .map(|b| RawBand {
                min_age: b.min_age,
                max_age: b.max_age,
                cutoff: b.cutoff.map(Tenths::as_f64),
            })
            .collect(),
        reliable_change: m.reliable_change.as_f64(),
    };
    // Serialising plain strings, numbers and options cannot fail; Null is never reached.
    serde_json::to_value(raw).unwrap_or(Value::Null)
}

/// The `id` field of a JSON object, if it has one.
pub(super) fn id_of(value: &Value) -> Option<&str> {
    value.get("id").and_then(Value::as_str)
}

pub(super) fn invalid(id: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidMeasureDefinition {
        id: id.chars().take(40).collect(),
        reason: reason.into(),
    }
}

/// Points to tenths, refusing anything finer than 0.1 (a definition is typed by a
/// person, so 0.15 is a mistake to report, not a value to round).
fn tenths(field: &str, points: f64) -> Result<Tenths, String> {
    let scaled = points * 10.0;
    let rounded = scaled.round();
    if !points.is_finite() || rounded.abs() > 1.0e6 || (scaled - rounded).abs() > 1.0e-6 {
        return Err(format!("{field} {points} is not a multiple of 0.1"));
    }
    // In range by the check above.
    Ok(Tenths(rounded as i32))
}

impl RawMeasure {
    fn into_measure(self) -> Result<Measure, String> {
        let id = self.id.trim().to_string();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err("the id must be one word".into());
        }
        if self.name.trim().is_empty() {
            return Err("the name is empty".into());
        }
        let purpose = match self.purpose.trim().to_ascii_lowercase().as_str() {
            "outcome" => Purpose::Outcome,
            "session" => Purpose::Session,
            other => {
                return Err(format!(
                    "unknown purpose {other:?}; expected outcome or session"
                ));
            }
        };
        let items = check_items(self.items)?;
        let min = tenths("min", self.min)?;
        let max = tenths("max", self.max)?;
        let step = tenths("step", self.step)?;
        if min.0 < 0 {
            return Err("min is below 0".into());
        }
        if min >= max {
            return Err(format!("min {min} is not below max {max}"));
        }
        if step.0 <= 0 || min.0 % step.0 != 0 || max.0 % step.0 != 0 {
            return Err(format!(
                "step {step} does not divide min {min} and max {max}"
            ));
        }
        if let (Some(lo), Some(hi)) = (self.ages.min, self.ages.max)
            && lo > hi
        {
            return Err(format!("ages {lo}-{hi} are reversed"));
        }
        let mut measure = Measure {
            id,
            name: self.name.trim().to_string(),
            purpose,
            items,
            min,
            max,
            step,
            ages: AgeRange {
                min: self.ages.min,
                max: self.ages.max,
            },
            cutoffs: Vec::new(),
            reliable_change: tenths("reliable_change", self.reliable_change)?,
        };
        measure.cutoffs = check_bands(self.cutoffs, &measure)?;
        let span = measure.max_total() - measure.min_total();
        if measure.reliable_change.0 <= 0 || measure.reliable_change > span {
            return Err(format!(
                "reliable_change {} is not between 0.1 and {span}",
                measure.reliable_change
            ));
        }
        Ok(measure)
    }
}

fn check_items(raw: Vec<RawItem>) -> Result<Vec<Item>, String> {
    if raw.is_empty() {
        return Err("there are no items".into());
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(raw.len());
    for item in raw {
        let id = item.id.trim().to_string();
        if id.is_empty() || item.short_name.trim().is_empty() {
            return Err("an item has an empty id or short name".into());
        }
        if !seen.insert(id.clone()) {
            return Err(format!("item id {id:?} appears twice"));
        }
        items.push(Item {
            id,
            short_name: item.short_name.trim().to_string(),
            wording: item.wording.filter(|w| !w.trim().is_empty()),
        });
    }
    Ok(items)
}

/// Bands must cover every age exactly once: from 0, contiguous, the last open-ended.
/// An empty list means no cut-off at any age.
fn check_bands(raw: Vec<RawBand>, m: &Measure) -> Result<Vec<CutoffBand>, String> {
    let mut bands: Vec<CutoffBand> = Vec::with_capacity(raw.len());
    for band in raw {
        let cutoff = band.cutoff.map(|c| tenths("cutoff", c)).transpose()?;
        if let Some(c) = cutoff
            && (c < m.min_total() || c > m.max_total())
        {
            return Err(format!(
                "cut-off {c} lies outside the totals {}-{}",
                m.min_total(),
                m.max_total()
            ));
        }
        if let Some(hi) = band.max_age
            && hi < band.min_age
        {
            return Err(format!(
                "cut-off band ages {}-{hi} are reversed",
                band.min_age
            ));
        }
        let expected_start = match bands.last() {
            None => 0,
            Some(prev) => match prev.max_age {
                Some(hi) => hi + 1,
                None => return Err("cut-off bands overlap: an open-ended band is not last".into()),
            },
        };
        if band.min_age < expected_start {
            return Err(format!("cut-off bands overlap at age {}", band.min_age));
        }
        if band.min_age > expected_start {
            return Err(format!(
                "cut-off bands leave ages {expected_start}-{} uncovered",
                band.min_age - 1
            ));
        }
        bands.push(CutoffBand {
            min_age: band.min_age,
            max_age: band.max_age,
            cutoff,
        });
    }
    if let Some(last) = bands.last()
        && let Some(hi) = last.max_age
    {
        return Err(format!(
            "cut-off bands leave ages from {} uncovered",
            hi + 1
        ));
    }
    Ok(bands)
}
