//! Tariffs (issue 18): the financing model's prices as reference data: Table 3's monthly
//! packages by care level and living situation and its unit prices, the children's short-term
//! care tariffs, the hourly floors (di-rules §7.4: INV-F01, INV-F10, INV-F11, INV-F12). Each
//! code has versions, each valid over days; a new version closes the one before it.

use chrono::NaiveDate;

use super::DomainError;
use super::codes::closed_set;

closed_set! {
    /// What a tariff prices.
    pub enum TariffKind {
        /// An adult DI client's monthly package by care level and living situation (Table 3).
        MonthlyPackage = "monthly_package",
        /// An adult service's price per billing unit (Table 3, INV-F12).
        UnitPrice = "unit_price",
        /// A children's short-term care tariff (INV-F11).
        ChildShortTerm = "child_short_term",
        /// The least an hour of a specialist's work may cost (INV-F10).
        HourlyFloor = "hourly_floor",
    }
}

closed_set! {
    /// What an amount is per.
    pub enum TariffUnit {
        Month = "month",
        PersonDay = "person_day",
        Hour = "hour",
        /// A night's care, billed apart from the day's (INV-F11).
        Night = "night",
    }
}

/// TARIFF-VERSION: a new version of a tariff takes effect on `valid_from`, after the day the
/// latest version took effect (its own `valid_from`, `None` when it holds since the record
/// began), so that the latest keeps at least one day; it then ends the day before, the
/// returned `valid_to` (inclusive). Versions never overlap and leave no gap.
pub fn check_new_version(
    latest_from: Option<NaiveDate>,
    valid_from: NaiveDate,
) -> Result<NaiveDate, DomainError> {
    match valid_from.pred_opt() {
        Some(previous_to) if latest_from.is_none_or(|from| valid_from > from) => Ok(previous_to),
        _ => Err(DomainError::TariffVersionOutOfOrder),
    }
}

/// What a child received in a 24-hour period of short-term care (di-rules §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortTermStay {
    /// Day care without accommodation (sub-points 21.1.7.1 and 21.1.7.4).
    Day,
    /// Care with accommodation for the whole 24 hours (21.1.7.2 and 21.1.7.3).
    WithAccommodation,
}

/// INV-F11: the children's short-term care tariffs (tariffs.csv codes) billed for one 24-hour
/// period: the day's or the stay's by whether the day is a working day, and the night tariff
/// only for a night without day care in the same 24 hours (the rule names the day services of
/// 21.1.7.1 and 21.1.7.4; a stay with accommodation already covers its night).
pub fn child_short_term_tariffs(
    working_day: bool,
    stay: Option<ShortTermStay>,
    night: bool,
) -> Vec<&'static str> {
    let day = match (stay, working_day) {
        (Some(ShortTermStay::Day), true) => Some("cst_workday_day_no_accommodation"),
        (Some(ShortTermStay::Day), false) => Some("cst_weekend_holiday_day_no_accommodation"),
        (Some(ShortTermStay::WithAccommodation), true) => {
            Some("cst_workday_24h_with_accommodation")
        }
        (Some(ShortTermStay::WithAccommodation), false) => {
            Some("cst_weekend_holiday_24h_with_accommodation")
        }
        (None, _) => None,
    };
    match day {
        Some(code) => vec![code],
        None if night => vec!["cst_night"],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn tariff_version_follows_the_one_in_force_and_closes_it_the_day_before() {
        // The seed's tariffs hold since the record began.
        assert_eq!(
            check_new_version(None, day("2027-01-01")),
            Ok(day("2026-12-31"))
        );
        assert_eq!(
            check_new_version(Some(day("2027-01-01")), day("2027-07-01")),
            Ok(day("2027-06-30"))
        );
        // Not on or before the day the latest version took effect.
        for early in ["2027-01-01", "2026-06-01"] {
            assert_eq!(
                check_new_version(Some(day("2027-01-01")), day(early)),
                Err(DomainError::TariffVersionOutOfOrder)
            );
        }
    }

    #[test]
    fn inv_f11_the_night_tariff_is_not_billed_with_day_care_in_the_same_24_hours() {
        use ShortTermStay::*;
        assert_eq!(child_short_term_tariffs(true, None, true), ["cst_night"]);
        assert_eq!(child_short_term_tariffs(false, None, true), ["cst_night"]);
        assert_eq!(
            child_short_term_tariffs(true, Some(Day), true),
            ["cst_workday_day_no_accommodation"]
        );
        assert_eq!(
            child_short_term_tariffs(false, Some(Day), true),
            ["cst_weekend_holiday_day_no_accommodation"]
        );
        assert_eq!(
            child_short_term_tariffs(false, Some(WithAccommodation), true),
            ["cst_weekend_holiday_24h_with_accommodation"]
        );
        assert_eq!(
            child_short_term_tariffs(true, Some(WithAccommodation), false),
            ["cst_workday_24h_with_accommodation"]
        );
        assert!(child_short_term_tariffs(true, None, false).is_empty());
    }

    #[test]
    fn inv_f11_every_short_term_code_is_a_tariff_of_the_csv() {
        let path = format!("{}/reference/tariffs.csv", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("tariffs.csv");
        for working in [true, false] {
            for stay in [
                None,
                Some(ShortTermStay::Day),
                Some(ShortTermStay::WithAccommodation),
            ] {
                for code in child_short_term_tariffs(working, stay, true) {
                    assert!(text.contains(&format!(",{code},")), "{code}");
                }
            }
        }
    }
}
