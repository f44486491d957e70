//! Waiting lists (issue 15): a client granted a service waits in the municipality's queue for
//! its type, or in one named service's; the queue's order is priority, then the day added
//! (WAIT-ORDER), and an entry closes with a reason.

use chrono::NaiveDate;

use super::DomainError;
use super::codes::closed_set;
use super::decision::{AppealOutcome, DecisionFacts, DecisionOutcome};
use super::ids::{ServiceId, WaitingEntryId};

closed_set! {
    /// How urgently the client needs the service; the queue serves `urgent` first.
    pub enum Priority {
        Urgent = "urgent",
        High = "high",
        Normal = "normal",
    }
}

closed_set! {
    /// Why an entry left the queue.
    pub enum CloseReason {
        /// The client was placed in a service of the queue's type (closed by the placement).
        Placed = "placed",
        /// The municipality or the client withdrew the request.
        Withdrawn = "withdrawn",
        /// The client declined the place offered.
        Declined = "declined",
        Deceased = "deceased",
        /// The case moved to another municipality (closed by the transfer).
        Moved = "moved",
    }
}

impl Priority {
    /// Its place in the queue's order: `urgent` first.
    fn rank(self) -> u8 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
        }
    }
}

/// What the queue's order needs of an open entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub id: WaitingEntryId,
    pub priority: Priority,
    pub added_on: NaiveDate,
}

/// WAIT-ORDER: the open entries of one queue in the order they are served: by priority, then
/// by the day added, then by the order they were recorded (id). Position 1 is served first.
pub fn queue_order(entries: &mut [Queued]) {
    entries.sort_by_key(|e| (e.priority.rank(), e.added_on, e.id));
}

/// How long the client has waited on `today`: the days since the entry was added (0 on that
/// day); a closed entry counts to the day it closed.
pub fn waiting_days(added_on: NaiveDate, closed_on: Option<NaiveDate>, today: NaiveDate) -> i64 {
    (closed_on.unwrap_or(today) - added_on).num_days().max(0)
}

/// WAIT-GRANTED: a client waits on a decision that grants the queue's service type (and its
/// service, when the decision names one), not set aside on appeal, and valid on or after the
/// day added (a grant that lapsed before is no ground to wait).
pub fn check_entry(
    decision: &DecisionFacts,
    service: Option<ServiceId>,
    added_on: NaiveDate,
) -> Result<(), DomainError> {
    let granted = decision.outcome == DecisionOutcome::Granted
        && decision.appeal_outcome != Some(AppealOutcome::Overturned)
        && decision.valid_to.is_none_or(|to| to >= added_on)
        && decision
            .service_id
            .is_none_or(|named| service == Some(named));
    if granted {
        Ok(())
    } else {
        Err(DomainError::WaitingWithoutGrant)
    }
}

/// The day an entry closes when its client is placed (or moves) on `on`: that day, or the day
/// it was added when the event is dated before it.
pub fn closing_day(added_on: NaiveDate, on: NaiveDate) -> NaiveDate {
    on.max(added_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::ServiceTypeCode;
    use crate::domain::ids::DecisionId;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn wait_order_is_priority_then_day_added_then_recording_order() {
        let q = |id, priority, added: &str| Queued {
            id: WaitingEntryId(id),
            priority,
            added_on: date(added),
        };
        let mut queue = [
            q(1, Priority::Normal, "2026-01-01"),
            q(2, Priority::Urgent, "2026-03-01"),
            q(3, Priority::Normal, "2025-12-01"),
            q(4, Priority::High, "2026-02-01"),
            q(5, Priority::Normal, "2026-01-01"),
            q(6, Priority::Urgent, "2026-02-15"),
        ];
        queue_order(&mut queue);
        let order: Vec<i64> = queue.iter().map(|e| e.id.get()).collect();
        assert_eq!(order, [6, 2, 4, 3, 1, 5]);
    }

    #[test]
    fn waiting_days_count_from_the_day_added_to_today_or_the_close() {
        let added = date("2026-01-01");
        assert_eq!(waiting_days(added, None, added), 0);
        assert_eq!(waiting_days(added, None, date("2026-01-31")), 30);
        assert_eq!(
            waiting_days(added, Some(date("2026-01-11")), date("2026-06-01")),
            10
        );
        assert_eq!(closing_day(added, date("2025-12-01")), added);
        assert_eq!(closing_day(added, date("2026-02-01")), date("2026-02-01"));
    }

    #[test]
    fn wait_granted_needs_a_standing_grant_of_the_queue() {
        let grant = DecisionFacts {
            id: DecisionId(1),
            outcome: DecisionOutcome::Granted,
            service_type: ServiceTypeCode::new("group_home"),
            service_id: None,
            decided_on: date("2026-01-01"),
            valid_from: Some(date("2026-01-10")),
            valid_to: Some(date("2026-12-31")),
            appeal_outcome: None,
        };
        let on = date("2026-02-01");
        assert_eq!(check_entry(&grant, None, on), Ok(()));
        assert_eq!(check_entry(&grant, Some(ServiceId(3)), on), Ok(()));
        let refused = DecisionFacts {
            outcome: DecisionOutcome::Refused,
            ..grant.clone()
        };
        let overturned = DecisionFacts {
            appeal_outcome: Some(AppealOutcome::Overturned),
            ..grant.clone()
        };
        let named = DecisionFacts {
            service_id: Some(ServiceId(3)),
            ..grant.clone()
        };
        for (decision, service, day) in [
            (&refused, None, on),
            (&overturned, None, on),
            (&grant, None, date("2027-01-01")),
            (&named, None, on),
            (&named, Some(ServiceId(4)), on),
        ] {
            assert_eq!(
                check_entry(decision, service, day),
                Err(DomainError::WaitingWithoutGrant),
                "{decision:?} {service:?} {day}"
            );
        }
        assert_eq!(check_entry(&named, Some(ServiceId(3)), on), Ok(()));
    }
}
