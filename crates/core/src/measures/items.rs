//! Checking typed item values against a measure.

use super::Measure;
use crate::{CoreError, Tenths};

impl Measure {
    /// Parses one typed value per item ("7.3"), checking the count, the range and the
    /// step. Returns the values in tenths, in item order.
    pub fn validate_items(&self, values: &[&str]) -> Result<Vec<Tenths>, CoreError> {
        if values.len() != self.items.len() {
            return Err(CoreError::WrongItemCount {
                measure: self.id.clone(),
                expected: self.items.len(),
                given: values.len(),
            });
        }
        values
            .iter()
            .map(|text| {
                let value = Tenths::parse_item(text, self.max)?;
                if value < self.min || value.0 % self.step.0 != 0 {
                    return Err(CoreError::ItemOffScale {
                        value: value.as_f64(),
                        min: self.min.as_f64(),
                        max: self.max.as_f64(),
                        step: self.step.as_f64(),
                    });
                }
                Ok(value)
            })
            .collect()
    }
}
