//! Placements: what a service accepts, the client's DI status that follows from placements,
//! DI transitions and time limits (di-rules §3, §7.3; INV-C03, INV-C06, INV-C07, INV-A11).

use chrono::{Months, NaiveDate};

use super::DomainError;
use super::client::{ADULT_AGE, DiStatus, TargetGroup, Transfer, age_on, owner_on};
use super::codes::{MunicipalityCode, ServiceTypeCode, TargetGroupCode, closed_set};
use super::interval::{Interval, first_day_over, maximal_runs};
use super::policy::Policy;

/// What a placement needs to know about the service.
#[derive(Debug, Clone)]
pub struct ServiceFacts<'a> {
    pub service_type: &'a str,
    pub institutional: bool,
    pub active: bool,
    pub target_groups: &'a [TargetGroupCode],
}

/// The service must be active and serve the client's target group; youth home residents
/// are placed before their 24th birthday (INV-C03). Capacity is enforced by the database.
pub fn check_placement(
    policy: &Policy,
    service: &ServiceFacts<'_>,
    group: TargetGroup,
    birth_date: NaiveDate,
    start: NaiveDate,
) -> Result<(), DomainError> {
    if !service.active {
        return Err(DomainError::ServiceNotActive);
    }
    if !service.target_groups.iter().any(|g| *g == *group.as_str()) {
        return Err(DomainError::TargetGroupNotServed {
            service_type: service.service_type.to_string(),
            target_groups: vec![group.as_str().to_string()],
        });
    }
    if service.service_type == ServiceTypeCode::YOUTH_HOME {
        let age = age_on(birth_date, start);
        if age >= policy.youth_home_age_limit {
            return Err(DomainError::YouthHomeAge {
                limit: policy.youth_home_age_limit,
            });
        }
    }
    Ok(())
}

/// What a client's DI status is derived from: its placements (`(institutional, interval)`)
/// and its waiting-list entries (each open from the day added to the day closed).
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseDays<'a> {
    pub placements: &'a [(bool, Interval)],
    pub waiting: &'a [Interval],
}

impl CaseDays<'_> {
    /// The DI status on `day` (`DI-STATUS-DERIVED`): an institutional placement that day
    /// means `in_institution`, otherwise a community placement `in_community`, otherwise an
    /// open waiting-list entry `waiting_list`, otherwise `no_service`.
    pub fn di_status_on(&self, day: NaiveDate) -> DiStatus {
        let active = |institutional: bool| {
            self.placements
                .iter()
                .any(|(i, p)| *i == institutional && p.active_on(day))
        };
        if active(true) {
            DiStatus::InInstitution
        } else if active(false) {
            DiStatus::InCommunity
        } else if self.waiting.iter().any(|w| w.active_on(day)) {
            DiStatus::WaitingList
        } else {
            DiStatus::NoService
        }
    }

    /// The days a placement or an entry is active.
    fn active_on(&self, day: NaiveDate) -> bool {
        self.placements.iter().any(|(_, p)| p.active_on(day))
            || self.waiting.iter().any(|w| w.active_on(day))
    }
}

/// The case's owner and DI status over time, as runs over the days the client is in the
/// record: from their registration on, and before it on the days a (back-dated) placement
/// or waiting-list entry of theirs is active. Each run has one owner (`client::owner_on`)
/// and one status ([`CaseDays::di_status_on`]).
pub fn case_runs(
    registered_on: NaiveDate,
    current_owner: &MunicipalityCode,
    case: CaseDays<'_>,
    transfers: &[Transfer<'_>],
) -> Vec<(Interval, (MunicipalityCode, DiStatus))> {
    let changes = case
        .placements
        .iter()
        .map(|(_, p)| p)
        .chain(case.waiting)
        .flat_map(|p| [Some(p.start), p.end])
        .flatten()
        .chain(transfers.iter().map(|t| t.on))
        .chain([registered_on]);
    maximal_runs(changes, |day| {
        let in_record = day >= registered_on || case.active_on(day);
        in_record.then(|| {
            (
                owner_on(current_owner, transfers, day).clone(),
                case.di_status_on(day),
            )
        })
    })
}

/// The days the client moved from institution to community (INV-A11: a reassessment becomes
/// due): in an institution the day before, in the community that day. Each with the index of
/// the community placement active that day.
pub fn transitions(placements: &[(bool, Interval)]) -> Vec<(NaiveDate, usize)> {
    let case = CaseDays {
        placements,
        waiting: &[],
    };
    let mut days: Vec<NaiveDate> = placements
        .iter()
        .flat_map(|(_, p)| [Some(p.start), p.end])
        .flatten()
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .filter(|day| {
            day.pred_opt().is_some_and(|before| {
                case.di_status_on(before) == DiStatus::InInstitution
                    && case.di_status_on(*day) == DiStatus::InCommunity
            })
        })
        .filter_map(|day| {
            placements
                .iter()
                .position(|(i, p)| !*i && p.active_on(day))
                .map(|index| (day, index))
        })
        .collect()
}

/// A PATCH of the DI status may only say what the placements and waiting-list entries say
/// (DI-STATUS-DERIVED).
pub fn check_di_status(
    requested: DiStatus,
    derived: DiStatus,
    on: NaiveDate,
) -> Result<(), DomainError> {
    if requested == derived {
        Ok(())
    } else {
        Err(DomainError::DiStatusContradictsPlacements {
            requested: requested.as_str(),
            derived: derived.as_str(),
            on,
        })
    }
}

/// INV-A03: a resident of a state social care centre (VSAC) on the start day enters a
/// community service only with their voluntary consent, given by then.
pub fn check_consent(
    placements: &[(bool, Interval, bool)],
    community: bool,
    consent_on: Option<NaiveDate>,
    start: NaiveDate,
) -> Result<(), DomainError> {
    let vsac_resident = placements
        .iter()
        .any(|(_, p, in_vsac)| *in_vsac && p.active_on(start));
    if community && vsac_resident && consent_on.is_none_or(|on| on > start) {
        return Err(DomainError::VsacConsentRequired);
    }
    Ok(())
}

/// A placement fits on every day it covers: within the capacity valid that day (a day
/// without an active period has none) and without a second placement of the client in the
/// same service.
pub fn check_fits(
    in_service: &[Interval],
    of_client_in_service: &[Interval],
    capacity: &[(Interval, i64)],
    candidate: &Interval,
) -> Result<(), DomainError> {
    let always = [(
        Interval {
            start: NaiveDate::MIN,
            end: None,
        },
        1,
    )];
    if let Some(on) = first_day_over(of_client_in_service, &always, candidate) {
        return Err(DomainError::AlreadyPlaced { on });
    }
    if let Some(on) = first_day_over(in_service, capacity, candidate) {
        return Err(DomainError::ServiceFull { on });
    }
    Ok(())
}

closed_set! {
    /// The rule that limits how long a placement lasts, by its rule id.
    pub enum TimeLimitRule {
        /// A youth home's resident reaches the age limit.
        YouthHomeAge = "INV-C03",
        /// A small child in a social care centre.
        SmallChild = "INV-C06",
        /// A child in a social care centre.
        Child = "INV-C07",
    }
}

/// A limit that runs out during a placement: shown as a due item, not a rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLimit {
    pub rule: TimeLimitRule,
    /// When the placement should end.
    pub due_on: NaiveDate,
    /// The absolute limit, when the rule has one beyond `due_on`.
    pub hard_limit_on: Option<NaiveDate>,
}

fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The time limit of a placement, if one applies, judged on the age at its start: a child in a
/// social care centre, aged ≤ 3 (3 months, at most 6; INV-C06) or 4 to 17 (6 months, at most
/// 12 in an extreme situation; INV-C07); a youth home resident until the 24th birthday
/// (INV-C03).
pub fn time_limit(
    policy: &Policy,
    service_type: &str,
    birth_date: NaiveDate,
    start: NaiveDate,
) -> Option<TimeLimit> {
    match service_type {
        ServiceTypeCode::MUNICIPAL_SOCIAL_CARE_CENTRE
        | ServiceTypeCode::STATE_SOCIAL_CARE_CENTRE => {
            let age = age_on(birth_date, start);
            let (rule, (standard, max)) = if age <= policy.small_child_max_age {
                (TimeLimitRule::SmallChild, policy.small_child_months)
            } else if age < ADULT_AGE {
                (TimeLimitRule::Child, policy.child_months)
            } else {
                return None;
            };
            Some(TimeLimit {
                rule,
                due_on: add_months(start, standard),
                hard_limit_on: Some(add_months(start, max)),
            })
        }
        ServiceTypeCode::YOUTH_HOME => {
            let limit = u32::try_from(policy.youth_home_age_limit).unwrap_or(24) * 12;
            Some(TimeLimit {
                rule: TimeLimitRule::YouthHomeAge,
                due_on: add_months(birth_date, limit),
                hard_limit_on: None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn service<'a>(service_type: &'a str, groups: &'a [TargetGroupCode]) -> ServiceFacts<'a> {
        ServiceFacts {
            service_type,
            institutional: false,
            active: true,
            target_groups: groups,
        }
    }

    #[test]
    fn inv_a11_case_runs_follow_placements_and_transfers_from_the_first_day_in_the_record() {
        let (a, b) = (MunicipalityCode::new("050"), MunicipalityCode::new("007"));
        let i = |s: &str, e: Option<&str>| Interval::new(d(s), e.map(d)).expect("interval");
        let placements = [
            (true, i("2024-01-01", Some("2024-06-01"))),
            (false, i("2024-05-01", None)),
        ];
        // Transferred from `a` to `b` (now the owner) on 2025-01-01.
        let transfers = [Transfer {
            on: d("2025-01-01"),
            from: &a,
            to: &b,
        }];
        let case = CaseDays {
            placements: &placements,
            waiting: &[],
        };
        let runs = case_runs(d("2024-03-01"), &b, case, &transfers);
        assert_eq!(
            runs,
            vec![
                (
                    i("2024-01-01", Some("2024-06-01")),
                    (a.clone(), DiStatus::InInstitution)
                ),
                (
                    i("2024-06-01", Some("2025-01-01")),
                    (a.clone(), DiStatus::InCommunity)
                ),
                (i("2025-01-01", None), (b.clone(), DiStatus::InCommunity)),
            ]
        );
        // From registration on in no service; a back-dated placement that ended before the
        // registration is in the record, the days between are not. A waiting-list entry
        // makes the days it is open `waiting_list` (a back-dated one brings them into the
        // record too), unless a placement is active.
        let placements = [
            (false, i("2023-01-01", Some("2023-02-01"))),
            (false, i("2024-04-01", Some("2024-05-01"))),
        ];
        let none = (a.clone(), DiStatus::NoService);
        let community = (a.clone(), DiStatus::InCommunity);
        let waiting = (a.clone(), DiStatus::WaitingList);
        let case = CaseDays {
            placements: &placements,
            waiting: &[],
        };
        assert_eq!(
            case_runs(d("2024-03-01"), &a, case, &[]),
            vec![
                (i("2023-01-01", Some("2023-02-01")), community.clone()),
                (i("2024-03-01", Some("2024-04-01")), none.clone()),
                (i("2024-04-01", Some("2024-05-01")), community.clone()),
                (i("2024-05-01", None), none.clone()),
            ]
        );
        let entries = [
            i("2024-02-15", Some("2024-04-20")),
            i("2024-06-01", Some("2024-07-01")),
            i("2024-08-01", None),
        ];
        let case = CaseDays {
            placements: &placements,
            waiting: &entries,
        };
        assert_eq!(
            case_runs(d("2024-03-01"), &a, case, &[]),
            vec![
                (i("2023-01-01", Some("2023-02-01")), community.clone()),
                (i("2024-02-15", Some("2024-04-01")), waiting.clone()),
                (i("2024-04-01", Some("2024-05-01")), community),
                (i("2024-05-01", Some("2024-06-01")), none.clone()),
                (i("2024-06-01", Some("2024-07-01")), waiting.clone()),
                (i("2024-07-01", Some("2024-08-01")), none),
                (i("2024-08-01", None), waiting),
            ]
        );
    }

    #[test]
    fn a_service_must_be_active_and_serve_the_clients_group() {
        let groups = vec![TargetGroupCode::new("adult_with_mental_disorder")];
        let p = Policy::default();
        let adult = TargetGroup::AdultWithMentalDisorder;
        assert!(
            check_placement(
                &p,
                &service("group_home", &groups),
                adult,
                d("1980-01-01"),
                d("2026-01-01")
            )
            .is_ok()
        );
        let mut inactive = service("group_home", &groups);
        inactive.active = false;
        assert_eq!(
            check_placement(&p, &inactive, adult, d("1980-01-01"), d("2026-01-01")),
            Err(DomainError::ServiceNotActive)
        );
        let child = TargetGroup::OrphanOrNoParentalCare;
        assert!(
            check_placement(
                &p,
                &service("group_home", &groups),
                child,
                d("2015-01-01"),
                d("2026-01-01")
            )
            .is_err()
        );
    }

    #[test]
    fn youth_home_residents_are_placed_before_their_24th_birthday() {
        let groups = vec![TargetGroupCode::new("orphan_or_no_parental_care")];
        let p = Policy::default();
        let g = TargetGroup::OrphanOrNoParentalCare;
        let s = service("youth_home", &groups);
        assert!(check_placement(&p, &s, g, d("2002-06-02"), d("2026-06-01")).is_ok());
        assert_eq!(
            check_placement(&p, &s, g, d("2002-06-01"), d("2026-06-01")),
            Err(DomainError::YouthHomeAge { limit: 24 })
        );
    }

    fn span(start: &str, end: Option<&str>) -> Interval {
        Interval::new(d(start), end.map(d)).expect("interval")
    }

    /// DI status is derived from the placements active on the day, then the open entries;
    /// the move is a transition on the day the institutional placement ends with a
    /// community one active (INV-A11).
    #[test]
    fn di_status_follows_the_placements_and_entries_of_the_day_and_a_move_to_community_is_a_transition()
     {
        use DiStatus::*;
        let history = [
            (true, span("2025-01-01", Some("2025-06-01"))),
            (false, span("2025-05-01", None)),
        ];
        let waiting = [span("2024-10-01", None)];
        let case = CaseDays {
            placements: &history,
            waiting: &waiting,
        };
        assert_eq!(case.di_status_on(d("2024-09-30")), NoService);
        assert_eq!(case.di_status_on(d("2024-12-31")), WaitingList);
        assert_eq!(case.di_status_on(d("2025-05-15")), InInstitution);
        assert_eq!(case.di_status_on(d("2025-06-01")), InCommunity);
        assert_eq!(transitions(&history), vec![(d("2025-06-01"), 1)]);
        // Waiting list to community is no transition; a planned move is one on its day.
        assert!(transitions(&[(false, span("2025-05-01", None))]).is_empty());
        let planned = [
            (true, span("2020-01-01", Some("2027-01-10"))),
            (false, span("2027-01-10", None)),
        ];
        let case = CaseDays {
            placements: &planned,
            waiting: &[],
        };
        assert_eq!(case.di_status_on(d("2026-12-06")), InInstitution);
        assert_eq!(transitions(&planned), vec![(d("2027-01-10"), 1)]);
        assert!(check_di_status(InInstitution, InInstitution, d("2026-12-06")).is_ok());
        assert!(matches!(
            check_di_status(InCommunity, InInstitution, d("2026-12-06")),
            Err(DomainError::DiStatusContradictsPlacements { .. })
        ));
    }

    /// INV-A03: a VSAC resident's community placement needs consent given by its start.
    #[test]
    fn inv_a03_vsac_residents_need_consent_for_a_community_placement() {
        let vsac = [(true, span("2020-01-01", None), true)];
        let start = d("2026-12-06");
        assert_eq!(
            check_consent(&vsac, true, None, start),
            Err(DomainError::VsacConsentRequired)
        );
        assert_eq!(
            check_consent(&vsac, true, Some(d("2026-12-07")), start),
            Err(DomainError::VsacConsentRequired)
        );
        assert!(check_consent(&vsac, true, Some(d("2026-12-01")), start).is_ok());
        assert!(check_consent(&vsac, false, None, start).is_ok());
        let other = [(true, span("2020-01-01", None), false)];
        assert!(check_consent(&other, true, None, start).is_ok());
    }

    /// Capacity on every day, and one placement of a client in a service at a time.
    #[test]
    fn a_placement_fits_on_every_day() {
        let capacity = [(span("2026-01-01", None), 1)];
        let taken = [span("2026-01-01", Some("2027-01-06"))];
        assert_eq!(
            check_fits(&taken, &[], &capacity, &span("2026-12-06", None)),
            Err(DomainError::ServiceFull {
                on: d("2026-12-06")
            })
        );
        assert!(check_fits(&taken, &[], &capacity, &span("2027-01-06", None)).is_ok());
        assert_eq!(
            check_fits(&[], &taken, &capacity, &span("2026-12-06", None)),
            Err(DomainError::AlreadyPlaced {
                on: d("2026-12-06")
            })
        );
    }

    #[test]
    fn time_limits_become_due_items() {
        let p = Policy::default();
        let small = time_limit(
            &p,
            "municipal_social_care_centre",
            d("2024-01-01"),
            d("2026-01-15"),
        );
        assert_eq!(
            small,
            Some(TimeLimit {
                rule: TimeLimitRule::SmallChild,
                due_on: d("2026-04-15"),
                hard_limit_on: Some(d("2026-07-15"))
            })
        );
        assert_eq!(
            time_limit(
                &p,
                "municipal_social_care_centre",
                d("1990-01-01"),
                d("2026-01-15")
            ),
            None,
            "an adult's stay is not limited"
        );
        let youth = time_limit(&p, "youth_home", d("2005-03-10"), d("2026-01-15"));
        assert_eq!(youth.map(|t| t.due_on), Some(d("2029-03-10")));
        assert_eq!(
            time_limit(&p, "group_home", d("1980-01-01"), d("2026-01-15")),
            None
        );
    }

    #[test]
    fn inv_c07_an_older_child_in_a_social_care_centre_is_due_after_six_months_at_most_twelve() {
        let p = Policy::default();
        for service_type in ["municipal_social_care_centre", "state_social_care_centre"] {
            assert_eq!(
                time_limit(&p, service_type, d("2015-06-01"), d("2026-01-15")),
                Some(TimeLimit {
                    rule: TimeLimitRule::Child,
                    due_on: d("2026-07-15"),
                    hard_limit_on: Some(d("2027-01-15"))
                }),
                "{service_type}"
            );
        }
        // Month ends clamp, as the other limits do.
        let late = time_limit(
            &p,
            "state_social_care_centre",
            d("2015-06-01"),
            d("2025-08-31"),
        );
        assert_eq!(
            late.map(|l| (l.due_on, l.hard_limit_on)),
            Some((d("2026-02-28"), Some(d("2026-08-31"))))
        );
        // Other institutions and community services have no such limit.
        assert_eq!(
            time_limit(
                &p,
                "children_long_term_care_institution",
                d("2015-06-01"),
                d("2026-01-15")
            ),
            None
        );
    }

    #[test]
    fn inv_c06_and_inv_c07_meet_at_the_fourth_birthday_and_end_at_the_eighteenth() {
        let p = Policy::default();
        let rule = |birth: &str, start: &str| {
            time_limit(&p, "municipal_social_care_centre", d(birth), d(start)).map(|l| l.rule)
        };
        // Age is judged on the placement's start, in whole years: up to 3 is INV-C06 (policy
        // `small_child_max_age`), from 4 INV-C07, so no child age falls between them.
        assert_eq!(
            rule("2022-01-15", "2026-01-14"),
            Some(TimeLimitRule::SmallChild)
        );
        assert_eq!(rule("2022-01-15", "2026-01-15"), Some(TimeLimitRule::Child));
        assert_eq!(rule("2008-01-16", "2026-01-15"), Some(TimeLimitRule::Child));
        assert_eq!(rule("2008-01-15", "2026-01-15"), None);
        let limits = |birth: &str| {
            time_limit(
                &p,
                "municipal_social_care_centre",
                d(birth),
                d("2026-01-15"),
            )
            .map(|l| (l.due_on, l.hard_limit_on))
        };
        assert_eq!(
            limits("2022-01-16"),
            Some((d("2026-04-15"), Some(d("2026-07-15"))))
        );
        assert_eq!(
            limits("2022-01-15"),
            Some((d("2026-07-15"), Some(d("2027-01-15"))))
        );
    }
}
