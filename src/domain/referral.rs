//! Referrals (issue 15): the case owner refers its client to a service; the provider accepts,
//! holding one place for a while (REF-HOLD), or declines; the municipality revokes, or places
//! the client, which turns the hold into the placement.

use chrono::{Days, NaiveDate};

use super::DomainError;
use super::codes::closed_set;
use super::interval::Interval;

closed_set! {
    /// Where a referral stands, as stored.
    pub enum ReferralStatus {
        /// Sent; the provider has not answered.
        Referred = "referred",
        /// Accepted: one place held until `hold_until` (then it reads as `expired`).
        Accepted = "accepted",
        Declined = "declined",
        /// Withdrawn by the referring municipality.
        Revoked = "revoked",
        /// The client was placed in the service; the hold became the placement.
        Placed = "placed",
    }
}

closed_set! {
    /// Where a referral stands on a day, as shown: the stored status, or `expired` for an
    /// accepted referral whose hold has run out.
    pub enum ReferralState {
        Referred = "referred",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Placed = "placed",
        /// Accepted, but not placed before the hold ran out: the place is free again.
        Expired = "expired",
    }
}

/// REF-HOLD: the state of a referral on `today`: an accepted one expires on `hold_until`.
pub fn state_on(
    status: ReferralStatus,
    hold_until: Option<NaiveDate>,
    today: NaiveDate,
) -> ReferralState {
    match status {
        ReferralStatus::Referred => ReferralState::Referred,
        ReferralStatus::Accepted if hold_until.is_some_and(|end| end <= today) => {
            ReferralState::Expired
        }
        ReferralStatus::Accepted => ReferralState::Accepted,
        ReferralStatus::Declined => ReferralState::Declined,
        ReferralStatus::Revoked => ReferralState::Revoked,
        ReferralStatus::Placed => ReferralState::Placed,
    }
}

/// REF-STEP: what may happen next. The provider answers a referral that is still `referred`;
/// the municipality revokes one that is `referred` or `accepted` (an expired hold included).
pub fn check_answer(state: ReferralState) -> Result<(), DomainError> {
    match state {
        ReferralState::Referred => Ok(()),
        other => Err(DomainError::ReferralClosed {
            state: other.as_str(),
        }),
    }
}

/// REF-STEP for a revocation (see `check_answer`).
pub fn check_revoke(state: ReferralState) -> Result<(), DomainError> {
    match state {
        ReferralState::Referred | ReferralState::Accepted | ReferralState::Expired => Ok(()),
        other => Err(DomainError::ReferralClosed {
            state: other.as_str(),
        }),
    }
}

/// REF-HOLD: the days an accept holds a place: from `accepted_on` for `hold_days`, the
/// interval that counts against the service's capacity like a placement's.
pub fn hold(accepted_on: NaiveDate, hold_days: u32) -> Interval {
    Interval {
        start: accepted_on,
        end: accepted_on.checked_add_days(Days::new(u64::from(hold_days))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn ref_hold_an_accept_holds_a_place_until_the_hold_runs_out() {
        let accepted = date("2026-03-01");
        let held = hold(accepted, 14);
        assert_eq!(held.end, Some(date("2026-03-15")));
        assert!(held.active_on(date("2026-03-14")));
        assert!(!held.active_on(date("2026-03-15")));
        let until = held.end;
        let on = |day| state_on(ReferralStatus::Accepted, until, date(day));
        assert_eq!(on("2026-03-14"), ReferralState::Accepted);
        assert_eq!(on("2026-03-15"), ReferralState::Expired);
        // Other states do not expire.
        for status in [
            ReferralStatus::Referred,
            ReferralStatus::Declined,
            ReferralStatus::Revoked,
            ReferralStatus::Placed,
        ] {
            assert_eq!(
                state_on(status, until, date("2027-01-01")).as_str(),
                status.as_str()
            );
        }
    }

    #[test]
    fn ref_step_answers_once_and_revokes_only_what_is_open() {
        assert_eq!(check_answer(ReferralState::Referred), Ok(()));
        for state in [
            ReferralState::Accepted,
            ReferralState::Declined,
            ReferralState::Revoked,
            ReferralState::Placed,
            ReferralState::Expired,
        ] {
            assert!(check_answer(state).is_err(), "{state}");
        }
        for state in [
            ReferralState::Referred,
            ReferralState::Accepted,
            ReferralState::Expired,
        ] {
            assert_eq!(check_revoke(state), Ok(()));
        }
        for state in [
            ReferralState::Declined,
            ReferralState::Revoked,
            ReferralState::Placed,
        ] {
            assert_eq!(
                check_revoke(state),
                Err(DomainError::ReferralClosed {
                    state: state.as_str()
                })
            );
        }
    }
}
