//! Indicator tables as data (issue 18, point 6): what a programme's indicators are, which
//! date a yearly series reads, which target is in force on a date, and how a value counted
//! in today's municipalities is compared with a target set in the municipalities of
//! 2009–2021 (the 2021 reform's mapping).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::codes::closed_set;
use super::disclosure::{Measure, MetricClass};

closed_set! {
    /// The programme an indicator belongs to.
    pub enum Programme {
        /// Kurzeme planning region's social services development programme (seed 000/001).
        Kurzeme = "KURZEME",
        /// Latgale planning region's social services development programme 2010–2017 (seed 003).
        Latgale = "LATGALE",
        /// The deinstitutionalisation plan's result indicators (seed 002).
        DiPlan = "DI_PLAN",
    }
}

closed_set! {
    /// What an indicator's value counts.
    pub enum Unit {
        Providers = "providers",
        Municipalities = "municipalities",
        Services = "services",
        Items = "items",
        Persons = "persons",
        Institutions = "institutions",
        Families = "families",
    }
}

closed_set! {
    /// How the record computes an indicator's value on a date.
    pub enum IndicatorMeasure {
        /// Providers of the region in the register (registered, not excluded).
        Providers = "providers",
        /// Municipalities with a running service of the listed types.
        Municipalities = "municipalities",
        /// Running services of the listed types (every type when none is listed).
        Services = "services",
        /// Municipalities where a staff member or mentor has completed a training programme.
        TrainedMunicipalities = "trained_municipalities",
        /// Staff employed (persons).
        Staff = "staff",
        /// Clients receiving a service: a placement active that day (persons).
        Recipients = "recipients",
        /// Municipalities offering every component of the minimum package (Latgale).
        MinimumPackage = "minimum_package",
        /// Institutional services closed since the baseline.
        InstitutionsClosed = "institutions_closed",
        /// DI transitions since the baseline: clients who left an institution (persons).
        Transitions = "transitions",
        /// Staff and mentors who completed the indicator's training programme (persons).
        TrainedStaff = "trained_staff",
        /// Not computable from the record: it needs documents or activity reports.
        None = "none",
    }
}

impl IndicatorMeasure {
    /// The statistics measure the value is a count of (`None`: nothing is counted).
    pub fn metric(self) -> Option<Measure> {
        Some(match self {
            IndicatorMeasure::Providers => Measure::Providers,
            IndicatorMeasure::Municipalities
            | IndicatorMeasure::TrainedMunicipalities
            | IndicatorMeasure::MinimumPackage => Measure::Municipalities,
            IndicatorMeasure::Services | IndicatorMeasure::InstitutionsClosed => Measure::Services,
            IndicatorMeasure::Staff => Measure::Staff,
            IndicatorMeasure::Recipients => Measure::Clients,
            IndicatorMeasure::Transitions => Measure::Transitions,
            IndicatorMeasure::TrainedStaff => Measure::TrainedStaff,
            IndicatorMeasure::None => return None,
        })
    }

    /// Whether the value counts persons, so that disclosure control applies: the decision
    /// is `domain::disclosure`'s; the rest are registry counts, exact for everyone.
    pub fn counts_persons(self) -> bool {
        self.metric()
            .is_some_and(|m| m.class() == MetricClass::Persons)
    }
}

closed_set! {
    /// The municipalities an indicator's target counts in.
    pub enum Geography {
        /// Today's municipalities (from the 2021 reform).
        Current = "current",
        /// The municipalities of 2009–2021: Kurzeme's 2015 targets ("in 20 municipalities").
        Municipalities2009 = "municipalities_2009",
    }
}

/// A target of an indicator: the value to reach by the end of `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub year: i32,
    pub value: i32,
}

/// IND-TARGET: the target in force on `day`: the first one of `day`'s year or later, or,
/// once every target year has passed, the last one.
pub fn target_on(targets: &[Target], day: NaiveDate) -> Option<Target> {
    let mut sorted = targets.to_vec();
    sorted.sort_by_key(|t| t.year);
    sorted
        .iter()
        .find(|t| t.year >= day.year())
        .or(sorted.last())
        .copied()
}

/// The most points a series reads.
pub const MAX_SERIES_POINTS: usize = 50;

/// IND-SERIES: a yearly series from `from` to `to`: `to`, and each year before it back to
/// `from`, oldest first (so the last point is the value on `to`). `None` when it would be
/// longer than [`MAX_SERIES_POINTS`].
pub fn yearly(from: NaiveDate, to: NaiveDate) -> Option<Vec<NaiveDate>> {
    let mut points = Vec::new();
    let mut day = to;
    while day >= from {
        if points.len() == MAX_SERIES_POINTS {
            return None;
        }
        points.push(day);
        let Some(before) = day.checked_sub_months(Months::new(12)) else {
            break;
        };
        day = before;
    }
    points.reverse();
    Some(points)
}

/// A count of 2009–2021 municipalities, known only within bounds: the record places a
/// service in one of today's municipalities, and one of them may have had several
/// predecessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bounds {
    /// Each of today's municipalities counted holds at least one former one that counts.
    pub at_least: i64,
    /// Every predecessor of each of today's municipalities counted.
    pub at_most: i64,
}

/// IND-GEOGRAPHY-2009: how many municipalities of 2009–2021 a set of today's municipalities
/// (`counted`) stands for, by `predecessors` (today's municipality → how many of the
/// programme region's former municipalities it succeeded). A municipality with no
/// predecessor in the region (Tukums joined Kurzeme in 2021) stands for none.
pub fn former_bounds<'a>(
    counted: impl IntoIterator<Item = &'a str>,
    predecessors: &BTreeMap<String, i64>,
) -> Bounds {
    let mut bounds = Bounds {
        at_least: 0,
        at_most: 0,
    };
    for m in counted.into_iter().collect::<BTreeSet<_>>() {
        if let Some(&n) = predecessors.get(m).filter(|n| **n > 0) {
            bounds.at_least += 1;
            bounds.at_most += n;
        }
    }
    bounds
}

/// IND-TARGET-MET: whether a target is reached: by the value, or in the 2009 geography by
/// its bounds (`None` while the bounds straddle the target, or without a value or target).
pub fn target_met(
    target: Option<Target>,
    value: Option<i64>,
    former: Option<Bounds>,
) -> Option<bool> {
    let target = i64::from(target?.value);
    match former {
        Some(b) if b.at_least >= target => Some(true),
        Some(b) if b.at_most < target => Some(false),
        Some(_) => None,
        None => value.map(|v| v >= target),
    }
}

closed_set! {
    /// A component of Latgale's minimum package of social services (003:4088-4120).
    pub enum PackageComponent {
        /// Sociālais dienests: the municipal social service, seen as its social work.
        SocialService = "social_service",
        /// Aprūpe mājās veciem cilvēkiem, invalīdiem (vai SAC).
        HomeCare = "home_care",
        /// Krīzes telpas ģimenēm ar bērniem (or a crisis centre).
        CrisisRooms = "crisis_rooms",
        /// Daudzveidīgs (multifunkcionāls) sociālo pakalpojumu centrs.
        MultifunctionalCentre = "multifunctional_centre",
    }
}

impl PackageComponent {
    /// The service types that provide the component.
    pub fn service_types(self) -> &'static [&'static str] {
        match self {
            PackageComponent::SocialService => &["social_work"],
            PackageComponent::HomeCare => &[
                "home_care",
                "home_care_mobile_brigade",
                "municipal_social_care_centre",
            ],
            PackageComponent::CrisisRooms => &["crisis_room", "crisis_centre"],
            PackageComponent::MultifunctionalCentre => &["multifunctional_centre"],
        }
    }
}

/// MIN-PACKAGE: the components a municipality lacks, from the types of its running services.
pub fn missing_components<'a>(running: impl IntoIterator<Item = &'a str>) -> Vec<PackageComponent> {
    let running: BTreeSet<&str> = running.into_iter().collect();
    PackageComponent::ALL
        .into_iter()
        .filter(|c| !c.service_types().iter().any(|t| running.contains(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn ind_target_the_first_target_of_the_year_or_later_else_the_last() {
        let targets = [
            Target {
                year: 2016,
                value: 180,
            },
            Target {
                year: 2015,
                value: 80,
            },
        ];
        assert_eq!(
            target_on(&targets, d("2014-06-30")).map(|t| t.value),
            Some(80)
        );
        assert_eq!(
            target_on(&targets, d("2015-12-31")).map(|t| t.value),
            Some(80)
        );
        assert_eq!(
            target_on(&targets, d("2016-01-01")).map(|t| t.value),
            Some(180)
        );
        assert_eq!(
            target_on(&targets, d("2026-01-01")).map(|t| t.value),
            Some(180)
        );
        assert_eq!(target_on(&[], d("2026-01-01")), None);
    }

    #[test]
    fn ind_series_counts_back_a_year_at_a_time_from_to() {
        assert_eq!(
            yearly(d("2023-01-01"), d("2025-11-30")),
            Some(vec![d("2023-11-30"), d("2024-11-30"), d("2025-11-30")])
        );
        // A leap day falls back to the month's last day.
        assert_eq!(
            yearly(d("2023-01-01"), d("2024-02-29")),
            Some(vec![d("2023-02-28"), d("2024-02-29")])
        );
        assert_eq!(
            yearly(d("2025-01-01"), d("2025-01-01")),
            Some(vec![d("2025-01-01")])
        );
        assert_eq!(yearly(d("1900-01-01"), d("2025-01-01")), None);
    }

    #[test]
    fn ind_geography_2009_bounds_a_count_of_former_municipalities() {
        // Kurzeme: South Kurzeme succeeded 8, Kuldīga 3, Liepāja 1; Tukums none.
        let predecessors: BTreeMap<String, i64> = [("112", 8), ("050", 3), ("LPX", 1)]
            .map(|(m, n)| (m.to_string(), n))
            .into();
        let bounds = former_bounds(["112", "050", "LPX", "099", "050"], &predecessors);
        assert_eq!(
            bounds,
            Bounds {
                at_least: 3,
                at_most: 12
            }
        );
    }

    #[test]
    fn ind_target_met_by_value_or_by_bounds() {
        let target = Some(Target {
            year: 2018,
            value: 10,
        });
        assert_eq!(target_met(target, Some(10), None), Some(true));
        assert_eq!(target_met(target, Some(9), None), Some(false));
        let within = |at_least, at_most| Some(Bounds { at_least, at_most });
        assert_eq!(target_met(target, Some(3), within(10, 12)), Some(true));
        assert_eq!(target_met(target, Some(3), within(3, 9)), Some(false));
        assert_eq!(target_met(target, Some(3), within(3, 12)), None);
        assert_eq!(target_met(None, Some(3), None), None);
    }

    #[test]
    fn disc_indicators_count_persons_only_where_disclosure_says_so() {
        let persons: Vec<_> = IndicatorMeasure::ALL
            .into_iter()
            .filter(|m| m.counts_persons())
            .collect();
        assert_eq!(
            persons,
            vec![
                IndicatorMeasure::Staff,
                IndicatorMeasure::Recipients,
                IndicatorMeasure::Transitions,
                IndicatorMeasure::TrainedStaff,
            ]
        );
    }

    #[test]
    fn min_package_names_each_missing_component() {
        assert_eq!(
            missing_components([
                "social_work",
                "home_care",
                "crisis_centre",
                "multifunctional_centre"
            ]),
            vec![]
        );
        assert_eq!(
            missing_components(["social_work", "municipal_social_care_centre"]),
            vec![
                PackageComponent::CrisisRooms,
                PackageComponent::MultifunctionalCentre
            ]
        );
    }
}
