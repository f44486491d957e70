//! Aggregated statistics for the ministry, planning regions and municipalities: JSON or
//! CSV, never a person-level field, small person counts suppressed for ministry and regions.
//!
//! Each table statistic is one [`Statistic`] value: its path, the dimensions it can be
//! grouped by, the filters it applies, its metrics (each a person count, which disclosure
//! control covers, or a registry count, which it does not) and its query. The handler, the
//! route and the OpenAPI operation (the `group_by` pattern, the accepted filters, the
//! description) are all generated from that value by [`endpoint`], so adding a statistic is
//! adding one descriptor to a family file and to [`STATISTICS`], plus a test.

mod clients;
mod context;
mod endpoint;
mod indicators;
mod mentors;
mod registry;
mod table;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::DbConnection;
use crate::domain::client::{DiStatus, TargetGroup};
use crate::domain::registry::{Sector, ServiceStatus};
use crate::error::{ApiError, ApiResult};

pub use context::{Context, StatsQuery};
pub use indicators::{IndicatorValue, IndicatorsQuery, indicator_stats};
pub use table::{StatsTable, SuppressionInfo, Table};

/// Every table statistic, in the order the route table registers them.
pub static STATISTICS: [&Statistic; 7] = [
    &registry::REGISTRY,
    &clients::CLIENTS,
    &clients::TRANSITIONS,
    &mentors::COVERAGE,
    &mentors::LOAD,
    &clients::OVERDUE,
    &clients::CARE_LEVELS,
];

/// Registers every statistics endpoint (each documented from its descriptor).
pub fn routes(cfg: &mut ServiceConfig) {
    for statistic in STATISTICS {
        cfg.service(endpoint::Endpoint(statistic));
    }
    cfg.service(indicator_stats);
}

/// One statistic: everything its handler and its OpenAPI operation are generated from.
pub struct Statistic {
    /// Path below `/api/v1`.
    pub path: &'static str,
    /// The OpenAPI `operationId` (and the actix resource name).
    pub operation_id: &'static str,
    /// What is counted: the operation's summary.
    pub summary: &'static str,
    /// Anything a reader of the numbers must know beyond the generated text (may be empty).
    pub notes: &'static str,
    /// The dimensions `group_by` accepts.
    pub dimensions: &'static [Dimension],
    /// The grouping without `group_by`.
    pub default_group_by: &'static [Dimension],
    /// The filters it applies beyond `region` and `municipality`; any other is a 400.
    pub filters: &'static [Filter],
    /// The metric columns, in order.
    pub metrics: &'static [Metric],
    /// Adds the rows to the table (whose dimensions and metrics are already set).
    pub query: Query,
}

/// A statistic's query: reads the facts and adds the rows the request asks for.
pub type Query = fn(&mut DbConnection, &Context, &mut Table) -> ApiResult<()>;

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
}

impl Dimension {
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
            Dimension::Status => of::<ServiceStatus>(),
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
                        ApiError::BadRequest(format!(
                            "group_by accepts {}; got {d}",
                            Dimension::join(allowed, ", ")
                        ))
                    })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        dims.dedup();
        Ok(dims)
    }
}

/// A filter a statistic may apply besides the area (`region`, `municipality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    TargetGroup,
    ServiceType,
    Sector,
    Status,
    AsOf,
    From,
    To,
}

impl Filter {
    pub const ALL: [Filter; 7] = [
        Filter::TargetGroup,
        Filter::ServiceType,
        Filter::Sector,
        Filter::Status,
        Filter::AsOf,
        Filter::From,
        Filter::To,
    ];

    /// The query parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Filter::AsOf => "as_of",
            Filter::From => "from",
            Filter::To => "to",
            Filter::TargetGroup => Dimension::TargetGroup.as_str(),
            Filter::ServiceType => Dimension::ServiceType.as_str(),
            Filter::Sector => Dimension::Sector.as_str(),
            Filter::Status => Dimension::Status.as_str(),
        }
    }

    /// The dimension a value filter selects on; `None` for the dates.
    pub const fn dimension(self) -> Option<Dimension> {
        match self {
            Filter::TargetGroup => Some(Dimension::TargetGroup),
            Filter::ServiceType => Some(Dimension::ServiceType),
            Filter::Sector => Some(Dimension::Sector),
            Filter::Status => Some(Dimension::Status),
            Filter::AsOf | Filter::From | Filter::To => None,
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            Filter::TargetGroup => "Target group code.",
            Filter::ServiceType => "Service type code.",
            Filter::Sector => "Provider sector.",
            Filter::Status => "Service status.",
            Filter::AsOf => "Date of the figures (default: today).",
            Filter::From => "Start of the period (default: 1 January of this year).",
            Filter::To => "End of the period (default: today).",
        }
    }
}

/// A metric column.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub class: MetricClass,
}

/// Whether disclosure control covers a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricClass {
    /// Counts persons: suppressed for ministry and regions below the threshold.
    Persons,
    /// Counts registry entries (providers, services, places): never suppressed.
    Registry,
    /// Derived from the named person count (vacancies = capacity − occupied): hidden
    /// wherever that count is.
    HiddenWith(&'static str),
}

impl Metric {
    pub const fn persons(name: &'static str) -> Self {
        Metric {
            name,
            class: MetricClass::Persons,
        }
    }

    pub const fn registry(name: &'static str) -> Self {
        Metric {
            name,
            class: MetricClass::Registry,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every descriptor is consistent: unique paths and operation ids, defaults among the
    /// dimensions, no filter twice, derived metrics pointing at a person count of the same
    /// table, and a `group_by` pattern that says what the parser accepts.
    #[test]
    fn every_statistic_descriptor_is_consistent() {
        let paths: BTreeSet<_> = STATISTICS.iter().map(|s| s.path).collect();
        let ids: BTreeSet<_> = STATISTICS.iter().map(|s| s.operation_id).collect();
        assert_eq!(paths.len(), STATISTICS.len());
        assert_eq!(ids.len(), STATISTICS.len());
        for s in STATISTICS {
            assert!(!s.summary.is_empty(), "{}", s.path);
            assert!(
                s.default_group_by.iter().all(|d| s.dimensions.contains(d)),
                "{}: default outside the dimensions",
                s.path
            );
            let filters: BTreeSet<_> = s.filters.iter().map(|f| f.name()).collect();
            assert_eq!(filters.len(), s.filters.len(), "{}", s.path);
            for m in s.metrics {
                if let MetricClass::HiddenWith(source) = m.class {
                    assert!(
                        s.metrics
                            .iter()
                            .any(|o| o.name == source && o.class == MetricClass::Persons),
                        "{}: {} hides with no person count {source}",
                        s.path,
                        m.name
                    );
                }
            }
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
