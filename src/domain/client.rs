//! Clients in the DI process: target groups, DI status, age consistency (di-rules §2).

use chrono::{Datelike, NaiveDate};

use super::DomainError;
use super::codes::closed_set;

closed_set! {
    /// The three DI target groups (di-rules §2).
    pub enum TargetGroup {
        /// Orphan or child left without parental care.
        OrphanOrNoParentalCare = "orphan_or_no_parental_care",
        /// Child with functional impairments.
        ChildWithFunctionalImpairment = "child_with_functional_impairment",
        /// Adult with a mental disorder (intellectual disability or mental illness).
        AdultWithMentalDisorder = "adult_with_mental_disorder",
    }
}

impl From<TargetGroup> for super::codes::TargetGroupCode {
    /// Every DI group is a group of the catalogue.
    fn from(group: TargetGroup) -> Self {
        Self::from(group.as_str())
    }
}

impl TargetGroup {
    pub fn is_child(self) -> bool {
        self != TargetGroup::AdultWithMentalDisorder
    }
}

closed_set! {
    /// Where a client stands in the DI process.
    pub enum DiStatus {
        InInstitution = "in_institution",
        WaitingList = "waiting_list",
        InCommunity = "in_community",
    }
}

/// Age in whole years on `on`.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// Child groups are under 18, the adult group 18 or over, on `today`; the birth date is not
/// in the future.
pub fn check_target_group_age(
    group: TargetGroup,
    birth_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if birth_date > today {
        return Err(DomainError::BirthDateInFuture);
    }
    let age = age_on(birth_date, today);
    if group.is_child() != (age < 18) {
        return Err(DomainError::TargetGroupAge {
            target_group: group.as_str(),
            age,
        });
    }
    Ok(())
}

/// A transfer takes effect on its date: it is recorded on or after that day, never ahead,
/// and not dated before the client's last transfer (CASE-TRANSFER-DATED).
pub fn check_transfer_date(
    on: NaiveDate,
    today: NaiveDate,
    not_before: NaiveDate,
) -> Result<(), DomainError> {
    if on > today {
        return Err(DomainError::TransferInFuture);
    }
    if on < not_before {
        return Err(DomainError::TransferOutOfOrder { not_before });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_are_dated_between_the_last_transfer_and_today() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let today = d("2026-12-06");
        assert!(check_transfer_date(today, today, d("2026-01-01")).is_ok());
        assert!(check_transfer_date(d("2026-01-01"), today, d("2026-01-01")).is_ok());
        assert_eq!(
            check_transfer_date(d("2026-12-07"), today, d("2026-01-01")),
            Err(DomainError::TransferInFuture)
        );
        assert_eq!(
            check_transfer_date(d("2025-12-31"), today, d("2026-01-01")),
            Err(DomainError::TransferOutOfOrder {
                not_before: d("2026-01-01")
            })
        );
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("2008-11-23"), d("2026-11-23")), 18);
        assert_eq!(age_on(d("2008-11-24"), d("2026-11-23")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
    }

    #[test]
    fn child_groups_are_under_18_and_the_adult_group_18_or_over() {
        let today = d("2026-11-23");
        let child = TargetGroup::OrphanOrNoParentalCare;
        let adult = TargetGroup::AdultWithMentalDisorder;
        assert!(check_target_group_age(child, d("2008-11-24"), today).is_ok());
        assert!(check_target_group_age(child, d("2008-11-23"), today).is_err());
        assert!(check_target_group_age(adult, d("2008-11-23"), today).is_ok());
        assert!(check_target_group_age(adult, d("2008-11-24"), today).is_err());
        assert_eq!(
            check_target_group_age(adult, d("2030-01-01"), today),
            Err(DomainError::BirthDateInFuture)
        );
    }
}
