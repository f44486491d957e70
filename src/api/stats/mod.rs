//! Aggregated statistics for the ministry, planning regions and municipalities: JSON or
//! CSV, never a person-level field, person counts perturbed for ministry and regions.
//!
//! Each table statistic is one [`Statistic`] value: its path, the dimensions it can be
//! grouped by, the filters it applies, its metrics (each a person count, which disclosure
//! control covers, or a registry count, which it does not: `domain::disclosure` decides)
//! and its query. The handler, the
//! route and the OpenAPI operation (the `group_by` pattern, the accepted filters, the
//! description) are all generated from that value by [`endpoint`], so adding a statistic is
//! adding one descriptor to a family file and to [`STATISTICS`], plus a test.

mod cache;
mod clients;
mod context;
mod costs;
mod endpoint;
mod indicators;
mod mentors;
mod registry;
mod staff;
mod table;
mod waiting;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::stats::CountFact;
use crate::db::{DbConnection, QueryResult};
use crate::domain::assessment::CareLevel;
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::disclosure::{Measure, MetricClass};
use crate::domain::history::RegisterStatus;
use crate::domain::plan_goal::GoalStatus;
use crate::domain::registry::Sector;
use crate::error::{ApiError, ApiResult, Detail};

pub use cache::StatsCache;
pub use context::{Context, StatsQuery};
pub use indicators::IndicatorValue;
pub use table::{DisclosureInfo, StatsTable, Table};

/// Every table statistic, in the order the route table registers them.
pub static STATISTICS: [&Statistic; 12] = [
    &registry::REGISTRY,
    &clients::CLIENTS,
    &clients::TRANSITIONS,
    &clients::COVERAGE,
    &mentors::LOAD,
    &clients::OVERDUE,
    &clients::CARE_LEVELS,
    &waiting::WAITING,
    &clients::PLAN_GOALS,
    &costs::COSTS,
    &staff::STAFF,
    &staff::TRAINED,
];

/// Registers every statistics endpoint (each documented from its descriptor).
pub fn routes(cfg: &mut ServiceConfig) {
    for statistic in STATISTICS {
        cfg.service(endpoint::Endpoint(statistic));
    }
    cfg.service(indicators::Indicators);
}

/// One statistic: everything its handler and its OpenAPI operation are generated from.
pub struct Statistic {
    /// Path below `/api/v1`.
    pub path: &'static str,
    /// The OpenAPI `operationId` (and the actix resource name).
    pub operation_id: &'static str,
    /// What is counted (the operation's summary), then, after a blank line, anything a
    /// reader of the numbers must know beyond the generated text.
    pub about: &'static str,
    /// The dimensions `group_by` accepts.
    pub dimensions: &'static [Dimension],
    /// The grouping without `group_by`.
    pub default_group_by: &'static [Dimension],
    /// The filters it applies beyond `region` and `municipality`; any other is a 400.
    pub filters: &'static [Filter],
    /// The metric columns, in order; `domain::disclosure` says which count persons.
    pub metrics: &'static [Measure],
    /// Adds the rows to the table (whose dimensions and metrics are already set).
    pub query: Query,
}

/// A statistic's query: reads the facts and adds the rows the request asks for.
#[derive(Clone, Copy)]
pub enum Query {
    /// Person counts kept at municipality × target group × the statistic's own dimension,
    /// rolled up by [`Context::add_counts`].
    Counts(fn(&mut DbConnection, &Context) -> QueryResult<Vec<CountFact>>),
    /// Any other table: the query adds the rows itself.
    Table(fn(&mut DbConnection, &Context, &mut Table) -> ApiResult<()>),
}

impl Query {
    pub fn run(
        self,
        conn: &mut DbConnection,
        context: &Context,
        table: &mut Table,
    ) -> ApiResult<()> {
        match self {
            Query::Counts(facts) => {
                context.add_counts(table, facts(conn, context)?);
                Ok(())
            }
            Query::Table(fill) => fill(conn, context, table),
        }
    }
}

impl Statistic {
    /// The operation's summary: the first paragraph of `about`.
    pub fn summary(&self) -> &'static str {
        self.about
            .split_once("\n\n")
            .map_or(self.about, |(summary, _)| summary)
    }

    /// Whether any of its metrics counts persons (`domain::disclosure`).
    pub fn counts_persons(&self) -> bool {
        self.metrics
            .iter()
            .any(|m| m.class() == MetricClass::Persons)
    }

    /// The rest of `about` (empty when there is none).
    pub fn notes(&self) -> &'static str {
        self.about.split_once("\n\n").map_or("", |(_, notes)| notes)
    }
}

/// A dimension a table can be grouped by; its name is the `group_by` value and the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Region,
    Municipality,
    TargetGroup,
    ServiceType,
    Sector,
    Status,
    DiStatus,
    Mentor,
    CareLevel,
    Load,
    GoalStatus,
    Role,
    Programme,
}

impl Dimension {
    pub const ALL: [Dimension; 13] = [
        Dimension::Region,
        Dimension::Municipality,
        Dimension::TargetGroup,
        Dimension::ServiceType,
        Dimension::Sector,
        Dimension::Status,
        Dimension::DiStatus,
        Dimension::Mentor,
        Dimension::CareLevel,
        Dimension::Load,
        Dimension::GoalStatus,
        Dimension::Role,
        Dimension::Programme,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Dimension::Region => "region",
            Dimension::Municipality => "municipality",
            Dimension::TargetGroup => "target_group",
            Dimension::ServiceType => "service_type",
            Dimension::Sector => "sector",
            Dimension::Status => "status",
            Dimension::DiStatus => "di_status",
            Dimension::Mentor => "mentor",
            Dimension::CareLevel => "care_level",
            Dimension::Load => "load",
            Dimension::GoalStatus => "goal_status",
            Dimension::Role => "role",
            Dimension::Programme => "programme",
        }
    }

    /// What a value of the dimension is.
    pub const fn description(self) -> &'static str {
        match self {
            Dimension::Region => {
                "Planning region code (a region's own statistics are always of its region)."
            }
            Dimension::Municipality => "Municipality code.",
            Dimension::TargetGroup => "Target group code.",
            Dimension::ServiceType => "Service type code.",
            Dimension::Sector => "Provider sector.",
            Dimension::Status => {
                "How the service stands in the register that day: `planned`, `active` (runs: its provider is active too) or `suspended` (its provider is suspended)."
            }
            Dimension::DiStatus => "DI status of the client.",
            Dimension::Mentor => "`with` or `without` an active mentor.",
            Dimension::CareLevel => "Care level of the assessment current that day.",
            Dimension::Load => "Clients of a mentor with an assignment active that day.",
            Dimension::GoalStatus => "Status of a goal of a support plan.",
            Dimension::Role => "Profession of a staff member (specialist role code).",
            Dimension::Programme => "Training programme code.",
        }
    }

    /// The domain enumeration of this dimension's values, where they are a closed set:
    /// its component name and schema.
    pub fn values(self) -> Option<(String, RefOr<Schema>)> {
        fn of<T: ToSchema>() -> Option<(String, RefOr<Schema>)> {
            Some((T::name().into_owned(), T::schema()))
        }
        match self {
            Dimension::TargetGroup => of::<TargetGroup>(),
            Dimension::DiStatus => of::<DiStatus>(),
            Dimension::Sector => of::<Sector>(),
            Dimension::Status => of::<RegisterStatus>(),
            Dimension::CareLevel => of::<CareLevel>(),
            Dimension::GoalStatus => of::<GoalStatus>(),
            _ => None,
        }
    }

    /// `dimensions` as `a<separator>b<separator>…`.
    pub fn join(dimensions: &[Dimension], separator: &str) -> String {
        dimensions
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// The `group_by` pattern accepting a comma-separated list of `dimensions`.
    pub fn pattern(dimensions: &[Dimension]) -> String {
        let alternatives = Dimension::join(dimensions, "|");
        format!("^({alternatives})(,({alternatives}))*$")
    }

    /// Parses `group_by` against the dimensions a statistic offers.
    pub fn parse_group_by(
        requested: Option<&str>,
        allowed: &[Dimension],
        default: &[Dimension],
    ) -> ApiResult<Vec<Dimension>> {
        let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
            return Ok(default.to_vec());
        };
        let mut dims = requested
            .split(',')
            .map(str::trim)
            .map(|d| {
                allowed
                    .iter()
                    .find(|a| a.as_str() == d)
                    .copied()
                    .ok_or_else(|| {
                        // What was sent is the client's text (it may be anything, personal
                        // data included): not echoed.
                        let allowed = Dimension::join(allowed, ", ");
                        ApiError::BadRequest(Detail::new(
                            format!("group_by accepts only {allowed}"),
                            format!("group_by pieņem tikai {allowed}"),
                        ))
                    })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        dims.dedup();
        Ok(dims)
    }
}

/// A filter in the query string. The area (`region`, `municipality`) applies to every
/// statistic; each statistic lists the others it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Only the facts with this value on the dimension (the parameter is the dimension's name).
    Is(Dimension),
    AsOf,
    From,
    To,
}

impl Filter {
    pub const AREA: [Filter; 2] = [
        Filter::Is(Dimension::Region),
        Filter::Is(Dimension::Municipality),
    ];

    /// Every filter any statistic applies: the parameters a statistics query may name.
    pub const ALL: [Filter; 9] = [
        Filter::AREA[0],
        Filter::AREA[1],
        Filter::Is(Dimension::TargetGroup),
        Filter::Is(Dimension::ServiceType),
        Filter::Is(Dimension::Sector),
        Filter::Is(Dimension::Status),
        Filter::AsOf,
        Filter::From,
        Filter::To,
    ];

    /// The query parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Filter::Is(dimension) => dimension.as_str(),
            Filter::AsOf => "as_of",
            Filter::From => "from",
            Filter::To => "to",
        }
    }

    /// The dimension a value filter selects on; `None` for the dates.
    pub const fn dimension(self) -> Option<Dimension> {
        match self {
            Filter::Is(dimension) => Some(dimension),
            Filter::AsOf | Filter::From | Filter::To => None,
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            Filter::Is(dimension) => dimension.description(),
            Filter::AsOf => {
                "Date of the figures: a day (`YYYY-MM-DD`) or a month (`YYYY-MM`, its last day); default today. For the ministry and regions on a statistic with person counts it must be a complete month (422 `/problems/month-required`, `/problems/month-not-complete`) and defaults to the end of the last complete month. A date before the record's first day (its earliest dated fact) is a 422 (`/problems/before-record`): the record holds nothing to count then."
            }
            Filter::From => {
                "Start of the period: a day or a month (its first day); default 1 January of the year of `to`'s default. Months only, and complete, for the ministry and regions, as for `as_of`. Not before the record's first day (422, `/problems/before-record`)."
            }
            Filter::To => {
                "End of the period: a day or a month (its last day); default today, or for the ministry and regions the end of the last complete month (months only, complete). Not before `from`, nor before the record's first day (422, `/problems/before-record`)."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every descriptor is consistent: unique paths and operation ids, defaults among the
    /// dimensions, no filter or metric twice, and a `group_by` pattern that says what the
    /// parser accepts.
    #[test]
    fn every_statistic_descriptor_is_consistent() {
        let paths: BTreeSet<_> = STATISTICS.iter().map(|s| s.path).collect();
        let ids: BTreeSet<_> = STATISTICS.iter().map(|s| s.operation_id).collect();
        assert_eq!(paths.len(), STATISTICS.len());
        assert_eq!(ids.len(), STATISTICS.len());
        for s in STATISTICS {
            assert!(!s.summary().is_empty(), "{}", s.path);
            assert!(
                !s.path.is_empty() && !s.operation_id.is_empty() && !s.dimensions.is_empty(),
                "{}",
                s.path
            );
            assert!(
                s.default_group_by.iter().all(|d| s.dimensions.contains(d)),
                "{}: default outside the dimensions",
                s.path
            );
            let filters: BTreeSet<_> = s.filters.iter().map(|f| f.name()).collect();
            assert_eq!(filters.len(), s.filters.len(), "{}", s.path);
            let metrics: BTreeSet<_> = s.metrics.iter().map(|m| m.name()).collect();
            assert_eq!(metrics.len(), s.metrics.len(), "{}", s.path);
            let pattern = Dimension::pattern(s.dimensions);
            for d in s.dimensions {
                assert!(pattern.contains(d.as_str()));
                let parsed = Dimension::parse_group_by(Some(d.as_str()), s.dimensions, &[]);
                assert_eq!(parsed.ok(), Some(vec![*d]));
            }
            assert!(Dimension::parse_group_by(Some("nonsense"), s.dimensions, &[]).is_err());
        }
    }

    #[test]
    fn group_by_keeps_the_order_asked_and_drops_repeats() {
        let all = [Dimension::Region, Dimension::TargetGroup, Dimension::Load];
        assert_eq!(
            Dimension::parse_group_by(Some("load, region,region"), &all, &[]).ok(),
            Some(vec![Dimension::Load, Dimension::Region])
        );
        assert_eq!(
            Dimension::parse_group_by(Some(" "), &all, &[Dimension::Load]).ok(),
            Some(vec![Dimension::Load])
        );
        assert_eq!(
            Dimension::pattern(&all),
            "^(region|target_group|load)(,(region|target_group|load))*$"
        );
    }
}
