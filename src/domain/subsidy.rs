//! Money follows the client (issue 18, points 2 and 3; di-rules §7.4, §9.4): the services
//! delivered to a client per month, the adult DI client's monthly subsidy set by the care
//! level (INV-F01, INV-F02) and the municipality's monthly claim, paid per result
//! (INV-F06, INV-F07).
//!
//! Decisions the seeds leave open, taken here:
//! - **The month's care level** is the level of the assessment current on the month's last
//!   day (`history::current_on`, INV-A01): a reassessment during the month sets the whole
//!   month, without pro-rating. The billing period is the month (INV-F07), and the subsidy
//!   changes only through the level (INV-F02), never through the services delivered.
//! - **Where the client lives** is a group apartment when, on the month's last day, the client
//!   is placed in a group home (`group_home`, `group_home_with_care`), and at home (with
//!   family or in a social house) otherwise. Table 3 has no group-apartment package for
//!   level I: such a client is paid the level's only package.
//! - **A result** (INV-F06) is a month in which the client received a community service on
//!   at least one day: a month without any delivery is not claimed.
//! - **The halving** (INV-F01) compares the working days on which any community service was
//!   delivered with the month's working days (Monday to Friday, not a public holiday): fewer
//!   than half halves the package, exactly half does not. Half a package of an odd number of
//!   cents rounds the half cent up.

use chrono::{Datelike, Months, NaiveDate, Weekday};

use super::DomainError;
use super::assessment::CareLevel;
use super::client::TargetGroup;
use super::codes::{MunicipalityCode, ServiceTypeCode, closed_set};
use super::history::{Dated, current_on};
use super::ids::{AssessmentId, ClientId, TariffId};
use super::interval::Interval;

closed_set! {
    /// Where a client of a Table 3 monthly package lives.
    pub enum LivingSituation {
        /// With family or in a social house (levels I–III).
        WithFamilyOrSocialHouse = "with_family_or_social_house",
        /// With family (level IV).
        WithFamily = "with_family",
        GroupApartment = "group_apartment",
    }
}

impl LivingSituation {
    fn in_group_apartment(self) -> bool {
        self == LivingSituation::GroupApartment
    }
}

/// A calendar month, shown and parsed as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(NaiveDate);

impl Month {
    /// `"2027-01"` → January 2027.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        Some(Month(first))
    }

    /// The month `day` falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month(day.with_day(1).unwrap_or(day))
    }

    pub fn first(self) -> NaiveDate {
        self.0
    }

    pub fn last(self) -> NaiveDate {
        self.next().0.pred_opt().unwrap_or(self.0)
    }

    pub fn next(self) -> Month {
        Month(self.0.checked_add_months(Months::new(1)).unwrap_or(self.0))
    }

    pub fn previous(self) -> Month {
        Month(self.0.checked_sub_months(Months::new(1)).unwrap_or(self.0))
    }

    /// Day `day` (1-based) of the month, if the month has it.
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        self.0.with_day(day)
    }

    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last();
        self.0.iter_days().take_while(move |d| *d <= last)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m"))
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Month::parse(&text).ok_or_else(|| serde::de::Error::custom("a month is YYYY-MM"))
    }
}

impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-(0[1-9]|1[0-2])$"))
            .examples([serde_json::json!("2027-01")])
            .description(Some("A calendar month, `YYYY-MM`."))
            .into()
    }
}

impl utoipa::ToSchema for Month {}

/// The days of a month on which a service was delivered: bit `d - 1` is day `d`. Stored as
/// that number (`db::types`); a stored number with a bit beyond day 31 is an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::BigInt)]
pub struct MonthDays(pub(crate) i64);

impl MonthDays {
    /// The days numbered `days` (1-based) of `month`; `None` for a day the month does not have.
    pub fn of(month: Month, days: &[u32]) -> Option<MonthDays> {
        days.iter().try_fold(MonthDays(0), |set, &d| {
            month.day(d)?;
            Some(MonthDays(set.0 | 1 << (d - 1)))
        })
    }

    /// As stored; `None` for a stored value with a bit beyond day 31.
    pub fn from_stored(bits: i64) -> Option<MonthDays> {
        (0..1 << 31).contains(&bits).then_some(MonthDays(bits))
    }

    pub fn union(self, other: MonthDays) -> MonthDays {
        MonthDays(self.0 | other.0)
    }

    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The day numbers, in order.
    pub fn numbers(self) -> Vec<u32> {
        (1..=31).filter(|d| self.0 & 1 << (d - 1) != 0).collect()
    }

    /// The dates in `month`.
    pub fn dates(self, month: Month) -> impl Iterator<Item = NaiveDate> {
        self.numbers().into_iter().filter_map(move |d| month.day(d))
    }
}

/// A month's working days: Monday to Friday, except the public holidays (reference data).
#[derive(Debug, Clone)]
pub struct Calendar {
    pub month: Month,
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    pub fn is_working(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    pub fn working_days(&self) -> u32 {
        self.month.days().filter(|d| self.is_working(*d)).count() as u32
    }
}

/// A Table 3 monthly package in force in the month (a tariff version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub tariff_id: TariffId,
    pub code: String,
    pub care_level: CareLevel,
    pub living_situation: LivingSituation,
    pub cents: i64,
}

/// The package of `level` for a client in a group apartment or not: the level's
/// group-apartment package or its package at home; a level with one package only (level I)
/// has it wherever the client lives.
pub fn package_for(
    packages: &[Package],
    level: CareLevel,
    in_group_apartment: bool,
) -> Option<&Package> {
    let of_level = || packages.iter().filter(move |p| p.care_level == level);
    of_level()
        .find(|p| p.living_situation.in_group_apartment() == in_group_apartment)
        .or_else(|| of_level().next().filter(|_| of_level().count() == 1))
}

/// A month's subsidy for one client (INV-F01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subsidy {
    pub package_cents: i64,
    /// Working days on which a community service was delivered.
    pub delivered_days: u32,
    pub working_days: u32,
    /// Fewer than half of the working days had a delivery: the package is halved.
    pub halved: bool,
    pub due_cents: i64,
}

/// INV-F01: the package, halved when community services were delivered on fewer than half
/// of the month's working days (`delivered`: the days of every community service together).
pub fn subsidy(package_cents: i64, delivered: MonthDays, calendar: &Calendar) -> Subsidy {
    let delivered_days = delivered
        .dates(calendar.month)
        .filter(|d| calendar.is_working(*d))
        .count() as u32;
    let working_days = calendar.working_days();
    let halved = 2 * delivered_days < working_days;
    Subsidy {
        package_cents,
        delivered_days,
        working_days,
        halved,
        due_cents: if halved {
            (package_cents + 1) / 2
        } else {
            package_cents
        },
    }
}

/// One adult DI client's month, as the claim of the municipality that owned the case on the
/// month's last day sees it.
#[derive(Debug, Clone)]
pub struct ClientMonth {
    pub municipality: MunicipalityCode,
    pub client_id: ClientId,
    /// The assessment current on the month's last day (INV-A01), if any.
    pub assessment: Option<Dated>,
    /// Placed in a group home on the month's last day.
    pub in_group_apartment: bool,
    /// The days of every community service delivered in the month together.
    pub delivered: MonthDays,
}

/// The service types that are a group apartment in Table 3's terms.
pub const GROUP_APARTMENTS: [&str; 2] = [
    ServiceTypeCode::GROUP_HOME,
    ServiceTypeCode::GROUP_HOME_WITH_CARE,
];

/// What a client's claim months are computed from: the client's runs (when, whose case,
/// which target group), assessments and placements in a group apartment.
#[derive(Debug, Clone, Copy)]
pub struct ClientRecord<'a> {
    pub client_id: ClientId,
    pub runs: &'a [(Interval, MunicipalityCode, TargetGroup)],
    pub assessments: &'a [Dated],
    pub group_apartments: &'a [Interval],
}

/// INV-F06: the client's month with community services `delivered` counts in the claim of
/// the municipality that owned the case on the month's last day, if the client was an
/// adult DI client then, with the assessment current then (INV-A01) and the group-apartment
/// placement active then (Table 3's living situation); `None` otherwise.
pub fn client_month(
    client: ClientRecord<'_>,
    month: Month,
    delivered: MonthDays,
) -> Option<ClientMonth> {
    let last = month.last();
    let (_, municipality, _) = client.runs.iter().find(|(run, _, group)| {
        run.active_on(last) && *group == TargetGroup::AdultWithMentalDisorder
    })?;
    Some(ClientMonth {
        municipality: municipality.clone(),
        client_id: client.client_id,
        assessment: current_on(client.assessments, last).copied(),
        in_group_apartment: client.group_apartments.iter().any(|p| p.active_on(last)),
        delivered,
    })
}

/// What a month's claims are computed from.
pub struct MonthFacts {
    pub calendar: Calendar,
    /// The monthly packages in force on the month's last day.
    pub packages: Vec<Package>,
    pub clients: Vec<ClientMonth>,
}

/// The assessment that set a month's care level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessed {
    pub id: AssessmentId,
    pub assessed_on: NaiveDate,
    pub care_level: CareLevel,
}

impl From<Dated> for Assessed {
    fn from(d: Dated) -> Self {
        Assessed {
            id: d.id,
            assessed_on: d.assessed_on,
            care_level: d.care_level,
        }
    }
}

/// A client's subsidy for a month (INV-F01, INV-F02, INV-F06), with every input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub municipality: MunicipalityCode,
    pub client_id: ClientId,
    pub month: Month,
    pub assessment: Option<Assessed>,
    pub living_situation: Option<LivingSituation>,
    pub package: Option<(TariffId, String)>,
    pub subsidy: Subsidy,
}

/// INV-F06: the month's result lines, one per adult DI client with a care level who received
/// a community service on some day of the month, by municipality and client.
pub fn lines(facts: &MonthFacts) -> Vec<Line> {
    let mut lines: Vec<Line> = facts
        .clients
        .iter()
        .filter(|c| !c.delivered.is_empty())
        .filter_map(|c| {
            let assessment = c.assessment?;
            let package = package_for(&facts.packages, assessment.care_level, c.in_group_apartment);
            let cents = package.map_or(0, |p| p.cents);
            Some(Line {
                municipality: c.municipality.clone(),
                client_id: c.client_id,
                month: facts.calendar.month,
                assessment: Some(assessment.into()),
                living_situation: package.map(|p| p.living_situation),
                package: package.map(|p| (p.tariff_id, p.code.clone())),
                subsidy: subsidy(cents, c.delivered, &facts.calendar),
            })
        })
        .collect();
    lines.sort_by(|a, b| (&a.municipality, a.client_id).cmp(&(&b.municipality, b.client_id)));
    lines
}

/// The sum of the lines' amounts.
pub fn total(amounts: impl IntoIterator<Item = i64>) -> i64 {
    amounts.into_iter().sum()
}

/// INV-F12: what a delivery costs: the units delivered (in hundredths: days, or hours) times
/// the Table 3 unit price of its service type, in cents, the half cent up.
pub fn cost_cents(quantity_hundredths: i64, price_cents: i64) -> i64 {
    (quantity_hundredths * price_cents + 50).div_euclid(100)
}

/// CLAIM-ADJUST: what a closed month's claim for a client changes by now: the subsidy due
/// for that month as the record now shows it, less what the closed claims already paid for
/// it (the month's own line and the adjustments since); `None` when nothing changed.
pub fn adjustment(due_now: i64, already_claimed: i64) -> Option<i64> {
    Some(due_now - already_claimed).filter(|delta| *delta != 0)
}

/// CLAIM-CLOSE: a municipality's monthly claim is closed (frozen) once the month is over
/// (from the first day of the next month), one month after the other: the first closed
/// claim may be any month, each later one is the month after the last closed.
pub fn check_close(
    month: Month,
    today: NaiveDate,
    last_closed: Option<Month>,
) -> Result<(), DomainError> {
    if let Some(last) = last_closed
        && month <= last
    {
        return Err(DomainError::ClaimClosed);
    }
    if month.last() >= today {
        return Err(DomainError::ClaimMonthNotOver {
            closes_on: month.next().first(),
        });
    }
    match last_closed {
        Some(last) if month != last.next() => Err(DomainError::ClaimOutOfOrder {
            expected: last.next().to_string(),
        }),
        _ => Ok(()),
    }
}

/// DELIVERY-PLACED: a service is delivered in a month the client is placed in it, on days
/// the client is placed in it (`placements`: the client's placements in that service), and a
/// delivery is recorded after the day (a month not begun has none).
pub fn check_delivered_days(
    month: Month,
    days: MonthDays,
    placements: &[Interval],
    today: NaiveDate,
) -> Result<(), DomainError> {
    if month.first() > today {
        return Err(DomainError::DeliveryInFuture { day: month.first() });
    }
    let whole = Interval {
        start: month.first(),
        end: Some(month.next().first()),
    };
    if !placements.iter().any(|p| p.overlaps(&whole)) {
        return Err(DomainError::DeliveryOutsidePlacement { day: month.first() });
    }
    for day in days.dates(month) {
        if day > today {
            return Err(DomainError::DeliveryInFuture { day });
        }
        if !placements.iter().any(|p| p.active_on(day)) {
            return Err(DomainError::DeliveryOutsidePlacement { day });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn month(s: &str) -> Month {
        Month::parse(s).expect("a month")
    }

    fn calendar(m: &str, holidays: &[&str]) -> Calendar {
        Calendar {
            month: month(m),
            holidays: holidays.iter().map(|h| day(h)).collect(),
        }
    }

    #[test]
    fn inv_f06_a_month_counts_for_the_case_owner_of_an_adult_on_its_last_day() {
        let run = |from: &str, to: Option<&str>, owner: &str, group| {
            let interval = Interval {
                start: day(from),
                end: to.map(day),
            };
            (interval, MunicipalityCode::new(owner), group)
        };
        use TargetGroup::{
            AdultWithMentalDisorder as Adult, ChildWithFunctionalImpairment as Child,
        };
        // A child until 2026-03-15, then an adult of Kuldīga, transferred to Rīga on 04-30.
        let runs = [
            run("2025-01-01", Some("2026-03-15"), "050", Child),
            run("2026-03-15", Some("2026-04-30"), "050", Adult),
            run("2026-04-30", None, "001", Adult),
        ];
        let assessed = |id: i64, on: &str, care_level| Dated {
            id: AssessmentId(id),
            assessed_on: day(on),
            care_level,
            next_reassessment_due: day("2027-01-01"),
        };
        let assessments = [
            assessed(1, "2026-02-01", CareLevel::Ii),
            assessed(2, "2026-04-10", CareLevel::Iii),
        ];
        let homes = [Interval {
            start: day("2026-04-01"),
            end: Some(day("2026-04-30")),
        }];
        let client = ClientRecord {
            client_id: ClientId(7),
            runs: &runs,
            assessments: &assessments,
            group_apartments: &homes,
        };
        let days = MonthDays::of(month("2026-03"), &[2, 3]).expect("days");
        // February: still a child on its last day, no month.
        assert!(client_month(client, month("2026-02"), days).is_none());
        // March: an adult of Kuldīga on the 31st, assessed at level II then, at home.
        let march = client_month(client, month("2026-03"), days).expect("March");
        assert_eq!(march.municipality.as_str(), "050");
        assert_eq!(march.assessment.map(|a| a.care_level), Some(CareLevel::Ii));
        assert!(!march.in_group_apartment);
        // April: Rīga's on the 30th (the transfer day), level III; the group home ended
        // that day, so not in it on the last day.
        let april = client_month(client, month("2026-04"), days).expect("April");
        assert_eq!(april.municipality.as_str(), "001");
        assert_eq!(april.assessment.map(|a| a.care_level), Some(CareLevel::Iii));
        assert!(!april.in_group_apartment);
        let homes = [Interval {
            start: day("2026-04-01"),
            end: None,
        }];
        let placed = ClientRecord {
            group_apartments: &homes,
            ..client
        };
        assert!(
            client_month(placed, month("2026-04"), days)
                .expect("April")
                .in_group_apartment
        );
    }

    /// Table 3 (002:6557-6577) as the seed prints it.
    fn table_3() -> Vec<Package> {
        use CareLevel::*;
        use LivingSituation::*;
        [
            (I, WithFamilyOrSocialHouse, 37188),
            (Ii, WithFamilyOrSocialHouse, 39048),
            (Ii, GroupApartment, 61368),
            (Iii, WithFamilyOrSocialHouse, 62306),
            (Iii, GroupApartment, 86268),
            (Iv, WithFamily, 78986),
            (Iv, GroupApartment, 91248),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (care_level, living_situation, cents))| Package {
            tariff_id: TariffId(i as i64 + 1),
            code: format!("pkg_{care_level}_{living_situation}"),
            care_level,
            living_situation,
            cents,
        })
        .collect()
    }

    #[test]
    fn months_parse_and_know_their_days() {
        let feb = month("2028-02");
        assert_eq!(feb.to_string(), "2028-02");
        assert_eq!(feb.last(), day("2028-02-29"));
        assert_eq!(feb.next(), month("2028-03"));
        assert_eq!(month("2027-01").previous(), month("2026-12"));
        assert_eq!(Month::of(day("2027-03-17")), month("2027-03"));
        assert_eq!(feb.days().count(), 29);
        for bad in ["2027-13", "2027-1", "27-01", "2027-00", "2027/01", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn delivered_days_are_a_set_of_the_month_s_days() {
        let feb = month("2027-02");
        let days = MonthDays::of(feb, &[1, 2, 2, 28]).expect("days of February");
        assert_eq!(days.numbers(), vec![1, 2, 28]);
        assert_eq!(days.count(), 3);
        assert_eq!(MonthDays::of(feb, &[29]), None);
        assert_eq!(MonthDays::of(feb, &[0]), None);
        let both = days.union(MonthDays::of(feb, &[3]).expect("day 3"));
        assert_eq!(both.count(), 4);
        assert_eq!(MonthDays::from_stored(both.0), Some(both));
        assert_eq!(MonthDays::from_stored(1 << 40), None);
    }

    #[test]
    fn working_days_leave_out_weekends_and_public_holidays() {
        // January 2027: 21 weekdays, New Year's Day on a Friday.
        assert_eq!(calendar("2027-01", &["2027-01-01"]).working_days(), 20);
        // May 2027: 21 weekdays; 1 May a Saturday, 4 May a Tuesday.
        assert_eq!(
            calendar("2027-05", &["2027-05-01", "2027-05-04"]).working_days(),
            20
        );
    }

    /// INV-F01 / INV-F02, every Table 3 row to the cent.
    #[test]
    fn inv_f01_each_table_3_package_is_the_month_s_subsidy() {
        let packages = table_3();
        let cases = [
            (CareLevel::I, false, 37188),
            (CareLevel::I, true, 37188),
            (CareLevel::Ii, false, 39048),
            (CareLevel::Ii, true, 61368),
            (CareLevel::Iii, false, 62306),
            (CareLevel::Iii, true, 86268),
            (CareLevel::Iv, false, 78986),
            (CareLevel::Iv, true, 91248),
        ];
        let jan = calendar("2027-01", &["2027-01-01"]);
        let every_working_day =
            MonthDays::of(jan.month, &(1..=31).collect::<Vec<_>>()).expect("every day of January");
        for (level, group_apartment, cents) in cases {
            let package = package_for(&packages, level, group_apartment).expect("a package");
            assert_eq!(package.cents, cents, "{level} {group_apartment}");
            let s = subsidy(package.cents, every_working_day, &jan);
            assert_eq!(s.due_cents, cents);
            assert!(!s.halved);
            let halved = subsidy(package.cents, MonthDays::default(), &jan);
            assert_eq!(halved.due_cents, cents / 2, "Table 3's totals are even");
        }
    }

    /// INV-F01: exactly half of the working days is not "fewer than half".
    #[test]
    fn inv_f01_halving_starts_below_half_of_the_working_days() {
        // January 2027 has 20 working days; the 4th..8th, 11th..15th are ten of them.
        let jan = calendar("2027-01", &["2027-01-01"]);
        let ten = MonthDays::of(jan.month, &[4, 5, 6, 7, 8, 11, 12, 13, 14, 15]).expect("days");
        let s = subsidy(86268, ten, &jan);
        assert_eq!(
            (s.delivered_days, s.working_days, s.halved),
            (10, 20, false)
        );
        assert_eq!(s.due_cents, 86268);
        // Nine working days and two Saturdays and the holiday: still nine.
        let nine =
            MonthDays::of(jan.month, &[1, 2, 9, 4, 5, 6, 7, 8, 11, 12, 13, 14]).expect("days");
        let s = subsidy(86268, nine, &jan);
        assert_eq!((s.delivered_days, s.halved), (9, true));
        assert_eq!(s.due_cents, 43134);
        // An odd package rounds the half cent up.
        assert_eq!(subsidy(101, nine, &jan).due_cents, 51);
    }

    #[test]
    fn inv_f12_a_delivery_costs_its_units_at_the_unit_price() {
        // Table 3's level III group-apartment package, priced unit by unit (002:6571).
        let package = [
            (1000, 1494), // day centre, 10 days
            (1500, 1052), // group apartment, 15 days
            (1500, 1500), // group apartment with care, 15 days
            (1000, 1344), // workshops, 10 days
            (450, 720),   // group sessions, 4.5 hours
            (800, 1546),  // consultations, 8 hours
            (800, 500),   // mentor, 8 hours
        ];
        let total: i64 = package.iter().map(|(q, p)| cost_cents(*q, *p)).sum();
        assert_eq!(total, 86268);
        // 11.25 hours of group sessions: 81.00; a third of a cent rounds.
        assert_eq!(cost_cents(1125, 720), 8100);
        assert_eq!(cost_cents(1, 332), 3);
    }

    #[test]
    fn claim_adjust_is_the_difference_or_nothing() {
        assert_eq!(adjustment(86268, 43134), Some(43134));
        assert_eq!(adjustment(0, 62306), Some(-62306));
        assert_eq!(adjustment(62306, 62306), None);
    }

    #[test]
    fn claim_close_after_the_month_and_in_order() {
        let today = day("2027-03-01");
        assert_eq!(check_close(month("2027-02"), today, None), Ok(()));
        assert_eq!(
            check_close(month("2027-03"), today, None),
            Err(DomainError::ClaimMonthNotOver {
                closes_on: day("2027-04-01")
            })
        );
        assert_eq!(
            check_close(month("2027-02"), today, Some(month("2027-01"))),
            Ok(())
        );
        assert_eq!(
            check_close(month("2027-02"), today, Some(month("2026-12"))),
            Err(DomainError::ClaimOutOfOrder {
                expected: "2027-01".into()
            })
        );
        assert_eq!(
            check_close(month("2027-01"), today, Some(month("2027-01"))),
            Err(DomainError::ClaimClosed)
        );
    }

    #[test]
    fn delivery_placed_days_lie_in_a_placement_and_not_ahead() {
        let jan = month("2027-01");
        let placed = [Interval {
            start: day("2027-01-10"),
            end: Some(day("2027-01-20")),
        }];
        let today = day("2027-02-01");
        let inside = MonthDays::of(jan, &[10, 19]).expect("days");
        assert_eq!(check_delivered_days(jan, inside, &placed, today), Ok(()));
        // Nothing delivered is a record of a month placed, not of any month.
        let none = MonthDays::default();
        assert_eq!(check_delivered_days(jan, none, &placed, today), Ok(()));
        assert_eq!(
            check_delivered_days(month("2026-12"), none, &placed, today),
            Err(DomainError::DeliveryOutsidePlacement {
                day: day("2026-12-01")
            })
        );
        assert_eq!(
            check_delivered_days(month("2027-02"), none, &placed, day("2027-01-31")),
            Err(DomainError::DeliveryInFuture {
                day: day("2027-02-01")
            })
        );
        let outside = MonthDays::of(jan, &[9, 10]).expect("days");
        assert_eq!(
            check_delivered_days(jan, outside, &placed, today),
            Err(DomainError::DeliveryOutsidePlacement {
                day: day("2027-01-09")
            })
        );
        assert_eq!(
            check_delivered_days(jan, inside, &placed, day("2027-01-15")),
            Err(DomainError::DeliveryInFuture {
                day: day("2027-01-19")
            })
        );
    }
}
