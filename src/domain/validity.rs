//! Validity periods of reference data (municipalities merge and disappear; 2021 reform).

use chrono::NaiveDate;

use super::DomainError;

/// A closed date interval; `to = None` means still valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Validity {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// Data dated `date` may reference municipality `code` only while it exists (SPEC §3).
pub fn ensure_municipality_valid(
    code: &crate::domain::codes::MunicipalityCode,
    validity: Validity,
    date: NaiveDate,
) -> Result<(), DomainError> {
    if validity.contains(date) {
        Ok(())
    } else {
        Err(DomainError::MunicipalityNotValid {
            code: code.to_string(),
            date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn an_open_validity_contains_every_later_date() {
        let v = Validity {
            from: d("2021-07-01"),
            to: None,
        };
        assert!(v.contains(d("2021-07-01")));
        assert!(v.contains(d("2099-01-01")));
        assert!(!v.contains(d("2021-06-30")));
    }

    #[test]
    fn a_closed_validity_includes_its_last_day_and_not_the_next() {
        let v = Validity {
            from: d("2021-07-01"),
            to: Some(d("2025-06-30")),
        };
        assert!(v.contains(d("2025-06-30")));
        assert!(!v.contains(d("2025-07-01")));
    }

    #[test]
    fn referencing_a_dissolved_municipality_is_rejected() {
        let v = Validity {
            from: d("2021-07-01"),
            to: Some(d("2025-06-30")),
        };
        assert!(ensure_municipality_valid(&"102".into(), v, d("2025-06-30")).is_ok());
        assert_eq!(
            ensure_municipality_valid(&"102".into(), v, d("2026-01-01")),
            Err(DomainError::MunicipalityNotValid {
                code: "102".into(),
                date: d("2026-01-01")
            })
        );
    }
}
