//! What a statistics request asks for and what the caller may see: the query string, the
//! caller's area, the labels of dimension values. A statistic's query reads them here.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{Dimension, Filter, Table};
use crate::api::lang::Lang;
use crate::db::{DbConnection, reference, stats as q};
use crate::domain::access::StatisticsAccess;
use crate::domain::assessment::CareLevel;
use crate::domain::client::DiStatus;
use crate::domain::disclosure::{QueryDate, StatsDates, Tally, resolve_dates};
use crate::domain::history::RegisterStatus;
use crate::domain::history::check_answerable;
use crate::domain::plan_goal::GoalStatus;
use crate::domain::registry::Sector;
use crate::error::{ApiError, ApiResult, Detail};

/// The query string every table statistic takes, parsed against [`Filter::ALL`]: each
/// statistic documents and applies the part its descriptor names.
#[derive(Debug, Default)]
pub struct StatsQuery {
    group_by: Option<String>,
    format: Option<String>,
    values: HashMap<Dimension, String>,
    dates: HashMap<Filter, QueryDate>,
}

impl StatsQuery {
    /// Parses the query string's pairs: each name at most once and known to some statistic;
    /// an empty value is no value; a date is `YYYY-MM-DD` or a month `YYYY-MM`.
    pub fn parse(pairs: Vec<(String, String)>) -> ApiResult<StatsQuery> {
        // A parameter's name is the client's text (it may be anything): withheld in English
        // by `withhold_values`, and never written into the Latvian sentence.
        let invalid = |what: String, lv: String| {
            ApiError::BadRequest(Detail::new(
                format!(
                    "Invalid query string: {}",
                    crate::error::withhold_values(&what)
                ),
                format!("Nederīga vaicājuma virkne: {lv}"),
            ))
        };
        let mut query = StatsQuery::default();
        let mut seen = BTreeSet::new();
        for (name, value) in pairs {
            if !seen.insert(name.clone()) {
                return Err(invalid(
                    format!("parameter `{name}` given twice, expected each at most once"),
                    "kāds parametrs norādīts divreiz, katru drīkst norādīt ne vairāk kā vienreiz"
                        .into(),
                ));
            }
            let text = Some(value.clone()).filter(|v| !v.trim().is_empty());
            let filter = Filter::ALL.into_iter().find(|f| f.name() == name);
            match (name.as_str(), filter.map(|f| (f, f.dimension()))) {
                ("group_by", _) => query.group_by = text,
                ("format", _) => query.format = text,
                (_, Some((_, Some(dimension)))) => {
                    query.values.extend(text.map(|text| (dimension, text)));
                }
                (_, Some((date, None))) => {
                    // `name` is one of ours here (it named a date filter).
                    let parsed = QueryDate::parse(&value).map_err(|e| {
                        invalid(
                            format!("{name}: {e}"),
                            format!(
                                "{name}: datums ir YYYY-MM-DD vai mēnesis YYYY-MM, gads no 0001 līdz 9999"
                            ),
                        )
                    })?;
                    query.dates.insert(date, parsed);
                }
                (_, None) => {
                    let known: Vec<&str> = ["group_by", "format"]
                        .into_iter()
                        .chain(Filter::ALL.map(Filter::name))
                        .collect();
                    let known = known.join(", ");
                    return Err(invalid(
                        format!("unknown field `{name}`, expected one of {known}"),
                        format!("nezināms parametrs, gaidīts viens no: {known}"),
                    ));
                }
            }
        }
        Ok(query)
    }

    /// Comma-separated dimensions to group by.
    pub fn group_by(&self) -> Option<&str> {
        self.group_by.as_deref()
    }

    /// `json` or `csv`, when asked for.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// The value asked for on `dimension` (an area or value filter).
    pub fn value(&self, dimension: Dimension) -> Option<&str> {
        self.values.get(&dimension).map(String::as_str)
    }

    /// The date a date filter asks for.
    pub fn date(&self, filter: Filter) -> Option<QueryDate> {
        self.dates.get(&filter).copied()
    }

    /// The dates to read (`domain::disclosure::resolve_dates`: whole, complete months when
    /// `months`), refusing a date the record cannot answer: every date the caller gave
    /// (`as_of`, `from`, `to`) must reach the record's first day (`domain::history`), and a
    /// period must not end before it starts. The defaults are always answered.
    pub fn resolve_dates(&self, conn: &mut DbConnection, months: bool) -> ApiResult<StatsDates> {
        let given = [Filter::AsOf, Filter::From, Filter::To].map(|f| self.date(f));
        let dates = resolve_dates(given, months, crate::domain::today())?;
        if let (Some(_), Some(_)) = (given[1], given[2])
            && dates.to < dates.from
        {
            let (from, to) = (dates.from, dates.to);
            return Err(ApiError::BadRequest(Detail::new(
                format!("the period ends ({to}) before it starts ({from})"),
                format!("periods beidzas ({to}) pirms tā sākuma ({from})"),
            )));
        }
        if self.dates.is_empty() {
            return Ok(dates);
        }
        let first_day = q::first_day(conn)?;
        for filter in [Filter::AsOf, Filter::From, Filter::To] {
            if let Some(date) = self.date(filter) {
                check_answerable(filter.name(), date.last(), first_day)?;
            }
        }
        Ok(dates)
    }

    /// The filters' values and dates in a fixed order (`group_by` and `format` aside: the
    /// grouping is resolved apart, and the format is the answer's, not the table's).
    pub fn filters_key(&self) -> String {
        let mut values: Vec<_> = self.values.iter().collect();
        values.sort();
        let mut dates: Vec<_> = self.dates.iter().map(|(f, d)| (f.name(), d)).collect();
        dates.sort_by_key(|(name, _)| *name);
        format!("{values:?}{dates:?}")
    }

    fn given(&self, filter: Filter) -> bool {
        match filter.dimension() {
            Some(dimension) => self.values.contains_key(&dimension),
            None => self.dates.contains_key(&filter),
        }
    }

    /// Refuses a filter the statistic does not apply, rather than ignoring it silently.
    pub fn only(&self, applies: &[Filter]) -> ApiResult<()> {
        let applied = |f: &Filter| Filter::AREA.contains(f) || applies.contains(f);
        match Filter::ALL
            .into_iter()
            .find(|f| self.given(*f) && !applied(f))
        {
            Some(filter) => Err(ApiError::BadRequest(Detail::new(
                format!("{} does not apply to this statistic", filter.name()),
                format!("{} neattiecas uz šo statistiku", filter.name()),
            ))),
            None => Ok(()),
        }
    }
}

/// Labels of dimension values in the request's language.
pub struct Labels {
    region_of: HashMap<String, String>,
    pub names: HashMap<(Dimension, String), String>,
}

impl Labels {
    pub fn load(conn: &mut DbConnection, lang: Lang) -> ApiResult<Labels> {
        let mut names = HashMap::new();
        let mut name = |dimension, code: &str, lv: &str, en: &str| {
            names.insert((dimension, code.to_string()), lang.pick(lv, en).to_string());
        };
        for r in reference::list_planning_regions(conn)? {
            name(Dimension::Region, r.code.as_str(), &r.name_lv, &r.name_en);
        }
        let mut region_of = HashMap::new();
        for m in reference::list_municipalities(conn, &Default::default())? {
            name(
                Dimension::Municipality,
                m.code.as_str(),
                &m.name_lv,
                &m.name_en,
            );
            region_of.insert(m.code.to_string(), m.planning_region.to_string());
        }
        for s in reference::list_service_types(conn, &Default::default())? {
            name(
                Dimension::ServiceType,
                s.row.code.as_str(),
                &s.row.label_lv,
                &s.row.label_en,
            );
        }
        for g in reference::list_target_groups(conn, None)? {
            name(
                Dimension::TargetGroup,
                g.code.as_str(),
                &g.label_lv,
                &g.label_en,
            );
        }
        for r in reference::list_specialist_roles(conn)? {
            name(Dimension::Role, r.code.as_str(), &r.label_lv, &r.label_en);
        }
        for p in reference::list_training_programmes(conn)? {
            name(
                Dimension::Programme,
                p.code.as_str(),
                &p.label_lv,
                &p.label_en,
            );
        }
        let closed_sets = DiStatus::ALL
            .map(|v| (Dimension::DiStatus, v.as_str(), v.names()))
            .into_iter()
            .chain(Sector::ALL.map(|v| (Dimension::Sector, v.as_str(), v.names())))
            .chain(RegisterStatus::ALL.map(|v| (Dimension::Status, v.as_str(), v.names())))
            .chain(CareLevel::ALL.map(|v| (Dimension::CareLevel, v.as_str(), v.names())))
            .chain(GoalStatus::ALL.map(|v| (Dimension::GoalStatus, v.as_str(), v.names())))
            .chain([
                (Dimension::Mentor, "with", ("ar mentoru", "with a mentor")),
                (
                    Dimension::Mentor,
                    "without",
                    ("bez mentora", "without a mentor"),
                ),
            ]);
        for (dimension, code, (lv, en)) in closed_sets {
            name(dimension, code, lv, en);
        }
        Ok(Labels { region_of, names })
    }

    /// Refuses a filter naming a region, municipality, service type or target group that
    /// does not exist (400), rather than answering an empty table. The value is the
    /// caller's text: withheld.
    pub fn check(&self, query: &StatsQuery) -> ApiResult<()> {
        let coded = [
            Dimension::Region,
            Dimension::Municipality,
            Dimension::ServiceType,
            Dimension::TargetGroup,
        ];
        for dimension in coded {
            if let Some(value) = query.value(dimension)
                && !self.names.contains_key(&(dimension, value.to_string()))
            {
                let (what, what_lv) = match dimension {
                    Dimension::Region => ("planning region", "plānošanas reģiona"),
                    Dimension::Municipality => ("municipality", "pašvaldības"),
                    Dimension::ServiceType => ("service type", "pakalpojuma veida"),
                    _ => ("target group", "mērķa grupas"),
                };
                let name = dimension.as_str();
                return Err(ApiError::BadRequest(Detail::new(
                    format!("Invalid query string: `{name}` is not the code of a {what}"),
                    format!("Nederīga vaicājuma virkne: `{name}` nav {what_lv} kods"),
                )));
            }
        }
        Ok(())
    }

    /// Roughly the bytes the labels take in memory.
    pub fn weight(&self) -> usize {
        let names: usize = self
            .names
            .iter()
            .map(|((_, c), n)| 48 + c.len() + n.len())
            .sum();
        let regions: usize = self
            .region_of
            .iter()
            .map(|(m, r)| 48 + m.len() + r.len())
            .sum();
        names + regions
    }

    /// The planning region of `municipality` (empty when unknown).
    pub fn region_of(&self, municipality: &str) -> &str {
        self.region_of
            .get(municipality)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Everything a statistic's query reads: the grouping, the query string, the caller's area,
/// the labels and the configured numbers it needs.
pub struct Context {
    pub dims: Vec<Dimension>,
    pub query: StatsQuery,
    pub scope: StatisticsAccess,
    pub labels: Labels,
    /// Most active clients per mentor: the mentor-load table lists every load up to it.
    pub mentor_capacity: i32,
    pub dates: StatsDates,
}

impl Context {
    /// Whether a fact in `region`, attributed to `municipality` (if to one), is inside the
    /// caller's area and the `region` / `municipality` filters.
    pub fn within(&self, region: &str, municipality: Option<&str>) -> bool {
        let municipality_ok = |wanted: Option<&str>| wanted.is_none_or(|w| municipality == Some(w));
        self.scope.region().is_none_or(|r| r == region)
            && self
                .query
                .value(Dimension::Region)
                .is_none_or(|r| r == region)
            && municipality_ok(self.scope.municipality())
            && municipality_ok(self.query.value(Dimension::Municipality))
    }

    /// Whether a fact at `municipality` passes the caller's area and the area filters.
    pub fn in_area(&self, municipality: &str) -> bool {
        self.within(self.labels.region_of(municipality), Some(municipality))
    }

    /// Whether `value` passes the filter on `dimension` (no filter passes every value).
    pub fn admits(&self, dimension: Dimension, value: &str) -> bool {
        self.query.value(dimension).is_none_or(|v| v == value)
    }

    /// The row key of a fact: its value on each grouping dimension.
    pub fn key(&self, value: impl Fn(Dimension) -> String) -> Vec<String> {
        self.dims.iter().map(|d| value(*d)).collect()
    }

    /// The date of the figures (`as_of`; see [`StatsQuery::resolve_dates`]).
    pub fn as_of(&self) -> NaiveDate {
        self.dates.as_of
    }

    /// The period `from`–`to`. Before the record's first day the record holds nothing, so
    /// a default `from` before it counts the same as the first day would.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        (self.dates.from, self.dates.to)
    }

    /// Adds person counts kept at municipality × target group × the statistic's own
    /// dimension (`value`), inside the area and the target group filter.
    pub fn add_counts(&self, table: &mut Table, facts: Vec<q::CountFact>) {
        for fact in facts {
            if !self.in_area(&fact.municipality)
                || !self.admits(Dimension::TargetGroup, &fact.target_group)
            {
                continue;
            }
            let key = self.key(|d| match d {
                Dimension::Region => self.labels.region_of(&fact.municipality).to_string(),
                Dimension::Municipality => fact.municipality.clone(),
                Dimension::TargetGroup => fact.target_group.clone(),
                _ => fact.value.clone(),
            });
            table.add(key, &[Tally::new(fact.count, fact.key_sum)]);
        }
    }
}
