//! Dates typed by people: parsed strictly and never accepted in the future.

use chrono::NaiveDate;

use crate::CoreError;

/// Parses `YYYY-MM-DD` and refuses a date after `today` (which the caller passes in).
pub fn parse_past_date(text: &str, today: NaiveDate) -> Result<NaiveDate, CoreError> {
    let t = text.trim();
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|_| t.len() == 10)
        .ok_or_else(|| CoreError::InvalidDate(t.chars().take(20).collect()))?;
    not_in_future(date, today)
}

pub fn not_in_future(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, CoreError> {
    if date > today {
        return Err(CoreError::FutureDate {
            date: date.to_string(),
            today: today.to_string(),
        });
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, ok: bool) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_past_date(input, today).is_ok(), ok, "{input:?}");
    }

    #[test]
    fn accepts_real_past_dates_only() {
        check("2026-11-23", true);
        check("2020-02-29", true);
        check("2026-11-24", false);
        check("2021-02-29", false);
        check("2026-13-01", false);
        check("23/11/2026", false);
        check("2026-1-5", false);
        check("yesterday", false);
        check("", false);
    }
}
