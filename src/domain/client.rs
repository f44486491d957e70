//! Clients in the DI process: target groups, DI status, age consistency (di-rules §2).

use chrono::{Datelike, NaiveDate};

use super::DomainError;
use super::codes::{MunicipalityCode, closed_set};

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
    /// A group of the children's pathway (its teams, plans and services), whose members may
    /// have grown into young people leaving care (see [`TargetGroup::admits_age`]).
    pub fn is_child(self) -> bool {
        self != TargetGroup::AdultWithMentalDisorder
    }

    /// The ages the group admits, as `(min, max)` inclusive, in whole years
    /// (CLIENT-TARGET-GROUP-AGE): orphans and children without parental care until the young
    /// person age limit (under 24, so care leavers stay in the group), children with
    /// functional impairments under 18, the adult group 18 or over.
    pub fn ages(self) -> (Option<i32>, Option<i32>) {
        match self {
            TargetGroup::OrphanOrNoParentalCare => (None, Some(YOUNG_PERSON_AGE_LIMIT - 1)),
            TargetGroup::ChildWithFunctionalImpairment => (None, Some(ADULT_AGE - 1)),
            TargetGroup::AdultWithMentalDisorder => (Some(ADULT_AGE), None),
        }
    }

    pub fn admits_age(self, age: i32) -> bool {
        let (min, max) = self.ages();
        min.is_none_or(|min| age >= min) && max.is_none_or(|max| age <= max)
    }
}

closed_set! {
    /// Where a client stands in the DI process on a day (`DI-STATUS-DERIVED`): in an
    /// institutional placement, else in a community one, else on a waiting list (an open
    /// entry), else in no service and on no list.
    pub enum DiStatus {
        InInstitution = "in_institution",
        WaitingList = "waiting_list",
        InCommunity = "in_community",
        NoService = "no_service",
    }
}

impl DiStatus {
    /// The status's name in Latvian and in English (the statistics' `di_status_label`).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            DiStatus::InInstitution => ("institūcijā", "in an institution"),
            DiStatus::WaitingList => ("rindā uz pakalpojumu", "on the waiting list"),
            DiStatus::InCommunity => (
                "sabiedrībā balstītā pakalpojumā",
                "in a community-based service",
            ),
            DiStatus::NoService => (
                "bez pakalpojuma un nav rindā",
                "in no service and on no waiting list",
            ),
        }
    }
}

/// The age of majority: the adult group begins here, the group of children with functional
/// impairments and the child placement rules (INV-C06/C07) end here.
pub const ADULT_AGE: i32 = 18;

/// Young people (jaunieši) leaving out-of-family care are supported until this age: a youth
/// home keeps them "ne ilgāk kā 24 gadu vecumam" (di-rules §3 C3, INV-C03) and they need
/// extra support for independent life (§2, L5419-5441). So the orphan group admits them until
/// this age, and a care leaver of 18 to 23 can be placed in a youth home.
pub const YOUNG_PERSON_AGE_LIMIT: i32 = 24;

/// Age in whole years on `on`.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// The client's age on `today` fits the group ([`TargetGroup::ages`]); the birth date is not
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
    if !group.admits_age(age) {
        return Err(DomainError::TargetGroupAge {
            target_group: group.as_str(),
            admitted: AgeRange::of(group),
        });
    }
    Ok(())
}

/// The ages a target group admits, inclusive, as a rule violation states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeRange {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

impl AgeRange {
    pub fn of(group: TargetGroup) -> Self {
        let (min, max) = group.ages();
        Self { min, max }
    }

    /// The range in Latvian, completing "tajā uzņem personas …".
    pub fn lv(self) -> String {
        match (self.min, self.max) {
            (Some(min), None) => format!("no {min} gadu vecuma"),
            (None, Some(max)) => format!("jaunākas par {} gadiem", max + 1),
            (Some(min), Some(max)) => format!("vecumā no {min} līdz {max} gadiem"),
            (None, None) => "jebkurā vecumā".into(),
        }
    }
}

impl std::fmt::Display for AgeRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(min), None) => write!(f, "{min} or over"),
            (None, Some(max)) => write!(f, "under {}", max + 1),
            (Some(min), Some(max)) => write!(f, "{min} to {max}"),
            (None, None) => f.write_str("of any age"),
        }
    }
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

/// A transfer of a client's case, as the owner on a day is read from it.
#[derive(Debug, Clone, Copy)]
pub struct Transfer<'a> {
    pub on: NaiveDate,
    pub from: &'a MunicipalityCode,
    pub to: &'a MunicipalityCode,
}

/// The municipality that owns the case on `day`: the receiving one of the last transfer dated
/// on or before it, else the giving one of the first transfer after it, else `current` (a
/// case never transferred). `transfers` in the order recorded, which is the order of their
/// dates (CASE-TRANSFER-DATED).
pub fn owner_on<'a>(
    current: &'a MunicipalityCode,
    transfers: &[Transfer<'a>],
    day: NaiveDate,
) -> &'a MunicipalityCode {
    transfers
        .iter()
        .rev()
        .find(|t| t.on <= day)
        .map(|t| t.to)
        .or_else(|| transfers.iter().find(|t| t.on > day).map(|t| t.from))
        .unwrap_or(current)
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
    fn client_target_group_age_children_under_18_and_the_adult_group_18_or_over() {
        let today = d("2026-11-23");
        let child = TargetGroup::ChildWithFunctionalImpairment;
        let adult = TargetGroup::AdultWithMentalDisorder;
        assert!(check_target_group_age(child, d("2008-11-24"), today).is_ok());
        assert_eq!(
            check_target_group_age(child, d("2008-11-23"), today),
            Err(DomainError::TargetGroupAge {
                target_group: "child_with_functional_impairment",
                admitted: AgeRange {
                    min: None,
                    max: Some(17)
                }
            })
        );
        assert!(check_target_group_age(adult, d("2008-11-23"), today).is_ok());
        assert!(check_target_group_age(adult, d("2008-11-24"), today).is_err());
        assert_eq!(
            check_target_group_age(adult, d("2030-01-01"), today),
            Err(DomainError::BirthDateInFuture)
        );
    }

    #[test]
    fn client_target_group_age_inv_c03_care_leavers_stay_in_the_orphan_group_until_24() {
        let today = d("2026-11-23");
        let orphan = TargetGroup::OrphanOrNoParentalCare;
        // A child, and a young person of 18 to 23 leaving out-of-family care (youth homes
        // keep them until 24), are in the group; at 24 they are not.
        assert!(check_target_group_age(orphan, d("2015-01-01"), today).is_ok());
        assert!(check_target_group_age(orphan, d("2008-11-23"), today).is_ok());
        assert!(check_target_group_age(orphan, d("2002-11-24"), today).is_ok());
        assert_eq!(
            check_target_group_age(orphan, d("2002-11-23"), today),
            Err(DomainError::TargetGroupAge {
                target_group: "orphan_or_no_parental_care",
                admitted: AgeRange {
                    min: None,
                    max: Some(23)
                }
            })
        );
        assert_eq!(orphan.ages(), (None, Some(23)));
    }
}

closed_set! {
    /// Where a transfer request stands.
    pub enum TransferRequestStatus {
        /// Asked by the municipality of the new declared residence; the owner has not answered.
        Requested = "requested",
        /// The owner accepted: the case transferred.
        Accepted = "accepted",
        Declined = "declined",
    }
}

/// CASE-TRANSFER-REQUEST: a request is answered once, by the case owner.
pub fn check_request_open(status: TransferRequestStatus) -> Result<(), DomainError> {
    match status {
        TransferRequestStatus::Requested => Ok(()),
        other => Err(DomainError::TransferRequestAnswered {
            state: other.as_str(),
        }),
    }
}

#[cfg(test)]
mod transfer_request_tests {
    use super::*;

    #[test]
    fn case_transfer_request_is_answered_once() {
        assert_eq!(check_request_open(TransferRequestStatus::Requested), Ok(()));
        for status in [
            TransferRequestStatus::Accepted,
            TransferRequestStatus::Declined,
        ] {
            assert_eq!(
                check_request_open(status),
                Err(DomainError::TransferRequestAnswered {
                    state: status.as_str()
                })
            );
        }
    }
}
