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
}
