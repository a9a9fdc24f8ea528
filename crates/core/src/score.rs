//! Item values and totals in tenths of a point.
//!
//! A FIT item is a mark on a 10 cm line read to the millimetre: 0.0 to 10.0 in steps
//! of 0.1. Keeping tenths as integers makes every comparison with a cut-off or a
//! reliable-change threshold exact (no 24.999999 below a cut-off of 25).

use crate::CoreError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A value in tenths of a point: an item (0..=100) or a total (0..=400).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tenths(pub i32);

impl Tenths {
    pub const fn from_points(points: i32) -> Self {
        Tenths(points * 10)
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// Parses a typed item value such as "7", "7.3" or "10.0".
    ///
    /// Refuses anything that is not a number with at most one decimal, so "7.35"
    /// (finer than the millimetre the scale is read to) is an error, not a rounding.
    pub fn parse_item(text: &str, max: Tenths) -> Result<Tenths, CoreError> {
        let t = text.trim();
        let bad = || CoreError::InvalidItemValue(t.chars().take(20).collect());
        let (whole, frac) = match t.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 3 {
            return Err(bad());
        }
        if frac.len() > 1 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if t.contains(['.', ',']) && frac.is_empty() {
            return Err(bad());
        }
        let w: i32 = whole.parse().map_err(|_| bad())?;
        let f: i32 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let value = Tenths(w * 10 + f);
        if value > max {
            return Err(CoreError::ItemOutOfRange {
                value: value.as_f64(),
                max: max.as_f64(),
            });
        }
        Ok(value)
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
}

/// In JSON a value is a plain number of points (e.g. 23.4), as users read it.
impl Serialize for Tenths {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// Reads a number of points back (views are cached as JSON); exact for values written
/// by `Serialize`, since every value is a whole number of tenths.
impl<'de> Deserialize<'de> for Tenths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let points = f64::deserialize(d)?;
        if !points.is_finite() || points.abs() > 1e6 {
            return Err(serde::de::Error::custom("not a score"));
        }
        Ok(Tenths((points * 10.0).round() as i32))
    }
}

impl std::ops::Add for Tenths {
    type Output = Tenths;
    fn add(self, o: Tenths) -> Tenths {
        Tenths(self.0 + o.0)
    }
}

impl std::ops::Sub for Tenths {
    type Output = Tenths;
    fn sub(self, o: Tenths) -> Tenths {
        Tenths(self.0 - o.0)
    }
}

impl std::iter::Sum for Tenths {
    fn sum<I: Iterator<Item = Tenths>>(iter: I) -> Tenths {
        Tenths(iter.map(|t| t.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<i32, ()>) {
        let got = Tenths::parse_item(input, Tenths(100))
            .map(|t| t.0)
            .map_err(|_| ());
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn parses_typed_item_values() {
        check("7", Ok(70));
        check("7.3", Ok(73));
        check("7,3", Ok(73));
        check(" 10.0 ", Ok(100));
        check("0", Ok(0));
        check("0.1", Ok(1));
    }

    #[test]
    fn refuses_values_that_are_not_scale_readings() {
        check("10.1", Err(()));
        check("11", Err(()));
        check("-1", Err(()));
        check("7.35", Err(()));
        check("seven", Err(()));
        check("", Err(()));
        check("7.", Err(()));
        check(".5", Err(()));
        check("NaN", Err(()));
        check("1e1", Err(()));
    }

    #[test]
    fn displays_one_decimal() {
        assert_eq!(Tenths(234).to_string(), "23.4");
        assert_eq!(Tenths(-50).to_string(), "-5.0");
        assert_eq!(Tenths(-5).to_string(), "-0.5");
    }
}
