//! Service decisions: the municipality's administrative act that grants a client a service,
//! refuses it or ends it (issue 15), and the rule that a placement needs a granted decision
//! that covers it (DEC-PLACEMENT-COVERED).

use chrono::{Months, NaiveDate};

use super::DomainError;
use super::codes::{ServiceTypeCode, closed_set};
use super::ids::{DecisionId, ServiceId};

closed_set! {
    /// What the decision decided.
    pub enum DecisionOutcome {
        /// The service is granted from `valid_from` (to `valid_to`, when set).
        Granted = "granted",
        /// The service is refused.
        Refused = "refused",
        /// The service ends: no grant of its type covers a day from `valid_from` on.
        Ended = "ended",
    }
}

closed_set! {
    /// Who took the decision.
    pub enum DecisionMaker {
        /// The social service's commission.
        Commission = "commission",
        /// An authorised official.
        Official = "official",
    }
}

closed_set! {
    /// Where an appeal against a decision stands.
    pub enum AppealOutcome {
        /// Filed, not yet decided.
        Pending = "pending",
        /// The decision stands.
        Upheld = "upheld",
        /// The decision is set aside: a granted service is no longer granted.
        Overturned = "overturned",
    }
}

/// The appeal period when a decision does not state its own: one month from the decision,
/// the usual period for contesting an administrative act.
pub const APPEAL_PERIOD: Months = Months::new(1);

/// The appeal deadline: the one the decision states, or one month after it was taken (the
/// last day of the calendar, for a decision date a month before its end, which `check_terms`
/// refuses as in the future anyway).
pub fn appeal_deadline(decided_on: NaiveDate, stated: Option<NaiveDate>) -> NaiveDate {
    stated.unwrap_or_else(|| {
        decided_on
            .checked_add_months(APPEAL_PERIOD)
            .unwrap_or(NaiveDate::MAX)
    })
}

/// What is wrong with a decision's terms or its appeal (DEC-TERMS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermsProblem {
    DecidedInFuture,
    GrantWithoutStart,
    RefusalWithValidity,
    EndWithoutDate,
    EndWithValidTo,
    ValidToBeforeFrom,
    AppealDeadlineBeforeDecision,
    AppealBeforeDecision,
    AppealOutcomeWithoutDate,
    PendingAppealWithDate,
    AppealDecidedBeforeFiled,
    AppealInFuture,
}

impl TermsProblem {
    pub fn en(self) -> &'static str {
        match self {
            TermsProblem::DecidedInFuture => "the decision date is in the future",
            TermsProblem::GrantWithoutStart => "a granted service needs valid_from",
            TermsProblem::RefusalWithValidity => "a refusal has no valid_from or valid_to",
            TermsProblem::EndWithoutDate => {
                "an ending needs valid_from, the first day without the service"
            }
            TermsProblem::EndWithValidTo => "an ending has no valid_to",
            TermsProblem::ValidToBeforeFrom => "valid_to is before valid_from",
            TermsProblem::AppealDeadlineBeforeDecision => {
                "the appeal deadline is before the decision date"
            }
            TermsProblem::AppealBeforeDecision => "the appeal is dated before the decision",
            TermsProblem::AppealOutcomeWithoutDate => "a decided appeal needs decided_on",
            TermsProblem::PendingAppealWithDate => "a pending appeal has no decided_on",
            TermsProblem::AppealDecidedBeforeFiled => "the appeal is decided before it was filed",
            TermsProblem::AppealInFuture => "the appeal's dates are in the future",
        }
    }

    pub fn lv(self) -> &'static str {
        match self {
            TermsProblem::DecidedInFuture => "lēmuma datums ir nākotnē",
            TermsProblem::GrantWithoutStart => {
                "piešķirtam pakalpojumam jānorāda valid_from (sākuma diena)"
            }
            TermsProblem::RefusalWithValidity => "atteikumam nav valid_from un valid_to",
            TermsProblem::EndWithoutDate => {
                "izbeigšanai jānorāda valid_from, pirmā diena bez pakalpojuma"
            }
            TermsProblem::EndWithValidTo => "izbeigšanai nav valid_to",
            TermsProblem::ValidToBeforeFrom => "valid_to ir pirms valid_from",
            TermsProblem::AppealDeadlineBeforeDecision => {
                "pārsūdzēšanas termiņš ir pirms lēmuma datuma"
            }
            TermsProblem::AppealBeforeDecision => "pārsūdzība datēta pirms lēmuma",
            TermsProblem::AppealOutcomeWithoutDate => "izlemtai pārsūdzībai jānorāda decided_on",
            TermsProblem::PendingAppealWithDate => "neizlemtai pārsūdzībai nav decided_on",
            TermsProblem::AppealDecidedBeforeFiled => "pārsūdzība izlemta pirms tās iesniegšanas",
            TermsProblem::AppealInFuture => "pārsūdzības datumi ir nākotnē",
        }
    }
}

/// A decision's terms as recorded.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    pub outcome: DecisionOutcome,
    pub service_type: &'a ServiceTypeCode,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub appeal_deadline: NaiveDate,
    pub prior_work_summary: Option<&'a str>,
}

/// DEC-TERMS: the dates fit the outcome (a grant from a day, perhaps to a day; a refusal
/// without dates; an ending from the first day without the service), nothing is decided ahead
/// of today, and the appeal deadline is not before the decision. INV-A14: a grant of a place
/// in a state social care centre (VSAC) attaches the summary of prior social and family work
/// that justifies it.
pub fn check_terms(t: &Terms<'_>, today: NaiveDate) -> Result<(), DomainError> {
    use DecisionOutcome as O;
    let problem = match (t.outcome, t.valid_from, t.valid_to) {
        _ if t.decided_on > today => Some(TermsProblem::DecidedInFuture),
        (O::Granted, None, _) => Some(TermsProblem::GrantWithoutStart),
        (O::Refused, Some(_), _) | (O::Refused, _, Some(_)) => {
            Some(TermsProblem::RefusalWithValidity)
        }
        (O::Ended, None, _) => Some(TermsProblem::EndWithoutDate),
        (O::Ended, _, Some(_)) => Some(TermsProblem::EndWithValidTo),
        (_, Some(from), Some(to)) if to < from => Some(TermsProblem::ValidToBeforeFrom),
        _ if t.appeal_deadline < t.decided_on => Some(TermsProblem::AppealDeadlineBeforeDecision),
        _ => None,
    };
    if let Some(problem) = problem {
        return Err(DomainError::DecisionTerms { problem });
    }
    let vsac = t.service_type.is(ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE);
    let summary = t.prior_work_summary.is_some_and(|s| !s.trim().is_empty());
    if t.outcome == O::Granted && vsac && !summary {
        return Err(DomainError::VsacDecisionWithoutSummary);
    }
    Ok(())
}

/// An appeal as recorded: filed on a day, then decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appeal {
    pub filed_on: NaiveDate,
    pub outcome: AppealOutcome,
    pub decided_on: Option<NaiveDate>,
}

/// DEC-TERMS for an appeal: filed on or after the decision, not ahead of today; decided (with
/// the day) or pending (without one), and not decided before it was filed. DEC-APPEAL-FINAL:
/// an appeal once decided is not recorded again.
pub fn check_appeal(
    decided_on: NaiveDate,
    recorded: Option<&Appeal>,
    appeal: &Appeal,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if recorded.is_some_and(|r| r.outcome != AppealOutcome::Pending) {
        return Err(DomainError::AppealDecided);
    }
    let problem = match (appeal.outcome, appeal.decided_on) {
        _ if appeal.filed_on < decided_on => Some(TermsProblem::AppealBeforeDecision),
        (AppealOutcome::Pending, Some(_)) => Some(TermsProblem::PendingAppealWithDate),
        (AppealOutcome::Upheld | AppealOutcome::Overturned, None) => {
            Some(TermsProblem::AppealOutcomeWithoutDate)
        }
        (_, Some(on)) if on < appeal.filed_on => Some(TermsProblem::AppealDecidedBeforeFiled),
        (_, on) if appeal.filed_on > today || on.is_some_and(|on| on > today) => {
            Some(TermsProblem::AppealInFuture)
        }
        _ => None,
    };
    match problem {
        Some(problem) => Err(DomainError::DecisionTerms { problem }),
        None => Ok(()),
    }
}

/// What the coverage rule needs to know of a client's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFacts {
    pub id: DecisionId,
    pub outcome: DecisionOutcome,
    pub service_type: ServiceTypeCode,
    pub service_id: Option<ServiceId>,
    pub decided_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub appeal_outcome: Option<AppealOutcome>,
}

impl DecisionFacts {
    fn stands(&self) -> bool {
        self.appeal_outcome != Some(AppealOutcome::Overturned)
    }

    /// A grant that covers `day` by its own terms, for a service of `service_type`.
    fn grants(&self, service_type: &ServiceTypeCode, service: ServiceId, day: NaiveDate) -> bool {
        self.outcome == DecisionOutcome::Granted
            && self.stands()
            && self.service_type == *service_type
            && self.service_id.is_none_or(|s| s == service)
            && self.valid_from.is_some_and(|from| from <= day)
            && self.valid_to.is_none_or(|to| day <= to)
    }

    /// An ending of `grant`'s service type, taken on or after the grant, in force on `day`.
    fn ends(&self, grant: &DecisionFacts, day: NaiveDate) -> bool {
        self.outcome == DecisionOutcome::Ended
            && self.stands()
            && self.service_type == grant.service_type
            && self
                .service_id
                .is_none_or(|s| grant.service_id.is_none_or(|g| g == s))
            && self.decided_on >= grant.decided_on
            && self.valid_from.is_some_and(|from| from <= day)
    }
}

/// DEC-PLACEMENT-COVERED: the decisions that allow a placement of the client in `service` (of
/// `service_type`) starting on `day`: granted for that type (and that service, when the grant
/// names one), valid that day, not set aside on appeal, and not ended by a later ending of
/// the type in force that day. Latest decision first.
pub fn covering<'a>(
    decisions: &'a [DecisionFacts],
    service_type: &ServiceTypeCode,
    service: ServiceId,
    day: NaiveDate,
) -> Vec<&'a DecisionFacts> {
    let mut found: Vec<&DecisionFacts> = decisions
        .iter()
        .filter(|d| d.grants(service_type, service, day))
        .filter(|grant| !decisions.iter().any(|e| e.ends(grant, day)))
        .collect();
    found.sort_by_key(|d| std::cmp::Reverse((d.decided_on, d.id)));
    found
}

/// The decision a new placement rests on: the one named, when it covers the placement, or
/// else the latest that does (DEC-PLACEMENT-COVERED).
pub fn decision_for_placement(
    decisions: &[DecisionFacts],
    named: Option<DecisionId>,
    service_type: &ServiceTypeCode,
    service: ServiceId,
    day: NaiveDate,
) -> Result<DecisionId, DomainError> {
    let covering = covering(decisions, service_type, service, day);
    let chosen = match named {
        Some(id) => covering.iter().find(|d| d.id == id),
        None => covering.first(),
    };
    chosen
        .map(|d| d.id)
        .ok_or(DomainError::PlacementNotDecided {
            service_type: service_type.as_str().to_string(),
            on: day,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn group_home() -> ServiceTypeCode {
        ServiceTypeCode::new("group_home")
    }

    fn grant(id: i64, from: &str, to: Option<&str>) -> DecisionFacts {
        DecisionFacts {
            id: DecisionId(id),
            outcome: DecisionOutcome::Granted,
            service_type: group_home(),
            service_id: None,
            decided_on: date(from) - chrono::Days::new(10),
            valid_from: Some(date(from)),
            valid_to: to.map(date),
            appeal_outcome: None,
        }
    }

    fn terms(outcome: DecisionOutcome, from: Option<&str>, to: Option<&str>) -> Terms<'static> {
        static GROUP_HOME: std::sync::LazyLock<ServiceTypeCode> =
            std::sync::LazyLock::new(group_home);
        Terms {
            outcome,
            service_type: &GROUP_HOME,
            decided_on: date("2026-03-01"),
            valid_from: from.map(date),
            valid_to: to.map(date),
            appeal_deadline: date("2026-04-01"),
            prior_work_summary: None,
        }
    }

    fn problem(r: Result<(), DomainError>) -> Option<TermsProblem> {
        match r {
            Err(DomainError::DecisionTerms { problem }) => Some(problem),
            Ok(()) => None,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn dec_terms_fit_the_outcome() {
        use DecisionOutcome as O;
        let today = date("2026-06-01");
        let cases = [
            (O::Granted, Some("2026-03-10"), None, None),
            (O::Granted, Some("2026-03-10"), Some("2026-03-10"), None),
            (
                O::Granted,
                None,
                None,
                Some(TermsProblem::GrantWithoutStart),
            ),
            (
                O::Granted,
                Some("2026-03-10"),
                Some("2026-03-09"),
                Some(TermsProblem::ValidToBeforeFrom),
            ),
            (O::Refused, None, None, None),
            (
                O::Refused,
                Some("2026-03-10"),
                None,
                Some(TermsProblem::RefusalWithValidity),
            ),
            (O::Ended, Some("2026-05-01"), None, None),
            (O::Ended, None, None, Some(TermsProblem::EndWithoutDate)),
            (
                O::Ended,
                Some("2026-05-01"),
                Some("2026-06-01"),
                Some(TermsProblem::EndWithValidTo),
            ),
        ];
        for (outcome, from, to, expected) in cases {
            let got = problem(check_terms(&terms(outcome, from, to), today));
            assert_eq!(got, expected, "{outcome} {from:?} {to:?}");
        }
        let mut t = terms(O::Refused, None, None);
        t.appeal_deadline = date("2026-02-28");
        assert_eq!(
            problem(check_terms(&t, today)),
            Some(TermsProblem::AppealDeadlineBeforeDecision)
        );
        assert_eq!(
            problem(check_terms(&t, date("2026-02-01"))),
            Some(TermsProblem::DecidedInFuture)
        );
    }

    #[test]
    fn inv_a14_a_vsac_grant_attaches_the_prior_work_summary() {
        let vsac = ServiceTypeCode::new(ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE);
        let mut t = terms(DecisionOutcome::Granted, Some("2026-03-10"), None);
        t.service_type = &vsac;
        let today = date("2026-06-01");
        assert_eq!(
            check_terms(&t, today),
            Err(DomainError::VsacDecisionWithoutSummary)
        );
        t.prior_work_summary = Some("  ");
        assert_eq!(
            check_terms(&t, today),
            Err(DomainError::VsacDecisionWithoutSummary)
        );
        t.prior_work_summary = Some("Family support since 2024; day centre; no progress.");
        assert_eq!(check_terms(&t, today), Ok(()));
        // A refusal of a VSAC place needs no justification for out-of-family care.
        t.outcome = DecisionOutcome::Refused;
        t.valid_from = None;
        t.prior_work_summary = None;
        assert_eq!(check_terms(&t, today), Ok(()));
    }

    #[test]
    fn dec_terms_an_appeal_is_dated_and_decided_once() {
        let decided = date("2026-03-01");
        let today = date("2026-06-01");
        let filed = |outcome, on: Option<&str>| Appeal {
            filed_on: date("2026-03-20"),
            outcome,
            decided_on: on.map(date),
        };
        let pending = filed(AppealOutcome::Pending, None);
        assert_eq!(check_appeal(decided, None, &pending, today), Ok(()));
        let upheld = filed(AppealOutcome::Upheld, Some("2026-04-20"));
        assert_eq!(
            check_appeal(decided, Some(&pending), &upheld, today),
            Ok(())
        );
        assert_eq!(
            check_appeal(decided, Some(&upheld), &upheld, today),
            Err(DomainError::AppealDecided)
        );
        let cases = [
            (
                Appeal {
                    filed_on: date("2026-02-27"),
                    ..pending
                },
                TermsProblem::AppealBeforeDecision,
            ),
            (
                filed(AppealOutcome::Pending, Some("2026-04-20")),
                TermsProblem::PendingAppealWithDate,
            ),
            (
                filed(AppealOutcome::Overturned, None),
                TermsProblem::AppealOutcomeWithoutDate,
            ),
            (
                filed(AppealOutcome::Upheld, Some("2026-03-19")),
                TermsProblem::AppealDecidedBeforeFiled,
            ),
            (
                filed(AppealOutcome::Upheld, Some("2026-06-02")),
                TermsProblem::AppealInFuture,
            ),
        ];
        for (appeal, expected) in cases {
            assert_eq!(
                problem(check_appeal(decided, Some(&pending), &appeal, today)),
                Some(expected),
                "{appeal:?}"
            );
        }
    }

    #[test]
    fn dec_placement_covered_by_a_grant_valid_on_the_start_day() {
        let home = group_home();
        let service = ServiceId(7);
        let decisions = [grant(1, "2026-01-01", Some("2026-06-30"))];
        let on = |day| decision_for_placement(&decisions, None, &home, service, date(day));
        assert_eq!(on("2026-01-01"), Ok(DecisionId(1)));
        assert_eq!(
            on("2026-06-30"),
            Ok(DecisionId(1)),
            "valid_to is the last day"
        );
        assert_eq!(
            on("2026-07-01"),
            Err(DomainError::PlacementNotDecided {
                service_type: "group_home".into(),
                on: date("2026-07-01")
            })
        );
        assert!(on("2025-12-31").is_err());
        // Another service type is not covered.
        let day_centre = ServiceTypeCode::new("day_centre");
        assert!(
            decision_for_placement(&decisions, None, &day_centre, service, date("2026-02-01"))
                .is_err()
        );
    }

    #[test]
    fn dec_placement_covered_not_by_refusals_overturned_grants_or_other_services() {
        let home = group_home();
        let day = date("2026-02-01");
        let mut refused = grant(1, "2026-01-01", None);
        refused.outcome = DecisionOutcome::Refused;
        let mut overturned = grant(2, "2026-01-01", None);
        overturned.appeal_outcome = Some(AppealOutcome::Overturned);
        let mut named = grant(3, "2026-01-01", None);
        named.service_id = Some(ServiceId(8));
        let decisions = [refused, overturned, named];
        assert!(decision_for_placement(&decisions, None, &home, ServiceId(7), day).is_err());
        assert_eq!(
            decision_for_placement(&decisions, None, &home, ServiceId(8), day),
            Ok(DecisionId(3))
        );
        // A pending or upheld appeal leaves the grant standing.
        let mut upheld = grant(4, "2026-01-01", None);
        upheld.appeal_outcome = Some(AppealOutcome::Upheld);
        assert_eq!(
            decision_for_placement(&[upheld], None, &home, ServiceId(7), day),
            Ok(DecisionId(4))
        );
    }

    #[test]
    fn dec_placement_covered_until_an_ending_takes_effect() {
        let home = group_home();
        let service = ServiceId(7);
        let granted = grant(1, "2026-01-01", None);
        let ending = DecisionFacts {
            id: DecisionId(2),
            outcome: DecisionOutcome::Ended,
            decided_on: date("2026-04-01"),
            valid_from: Some(date("2026-05-01")),
            ..granted.clone()
        };
        let decisions = [granted.clone(), ending];
        let on = |day| decision_for_placement(&decisions, None, &home, service, date(day));
        assert_eq!(on("2026-04-30"), Ok(DecisionId(1)));
        assert!(on("2026-05-01").is_err(), "the ending is in force");
        // A grant taken after the ending is not ended by it.
        let mut regrant = grant(3, "2026-06-01", None);
        regrant.decided_on = date("2026-05-20");
        let decisions = [granted, decisions[1].clone(), regrant];
        assert_eq!(
            decision_for_placement(&decisions, None, &home, service, date("2026-06-01")),
            Ok(DecisionId(3))
        );
    }

    #[test]
    fn dec_placement_covered_by_the_named_decision_or_the_latest() {
        let home = group_home();
        let service = ServiceId(7);
        let older = grant(1, "2026-01-01", None);
        let mut newer = grant(2, "2026-01-15", None);
        newer.decided_on = date("2026-01-10");
        let decisions = [older, newer];
        let day = date("2026-02-01");
        assert_eq!(
            decision_for_placement(&decisions, None, &home, service, day),
            Ok(DecisionId(2))
        );
        assert_eq!(
            decision_for_placement(&decisions, Some(DecisionId(1)), &home, service, day),
            Ok(DecisionId(1))
        );
        assert!(
            decision_for_placement(&decisions, Some(DecisionId(9)), &home, service, day).is_err(),
            "a decision that does not cover the placement is refused, not replaced"
        );
    }
}
