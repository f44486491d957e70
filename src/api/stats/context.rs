//! What a statistics request asks for and what the caller may see: the query string, the
//! caller's area, the labels of dimension values. A statistic's query reads them here.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Dimension, Filter, Table};
use crate::api::common::empty_as_none;
use crate::api::lang::Lang;
use crate::db::{DbConnection, reference, stats as q};
use crate::domain::access::{Forbidden, Scope};
use crate::error::{ApiError, ApiResult};

/// The query string every table statistic takes; each documents the part it applies.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Comma-separated dimensions to group by.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub group_by: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub municipality: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub target_group: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub service_type: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub sector: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub status: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `json` (default) or `csv`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub format: Option<String>,
}

impl StatsQuery {
    /// The value asked for on `dimension` (`region`, `municipality` or a value filter).
    pub fn value(&self, dimension: Dimension) -> Option<&str> {
        match dimension {
            Dimension::Region => self.region.as_deref(),
            Dimension::Municipality => self.municipality.as_deref(),
            Dimension::TargetGroup => self.target_group.as_deref(),
            Dimension::ServiceType => self.service_type.as_deref(),
            Dimension::Sector => self.sector.as_deref(),
            Dimension::Status => self.status.as_deref(),
            Dimension::DiStatus | Dimension::Mentor | Dimension::CareLevel | Dimension::Load => {
                None
            }
        }
    }

    fn given(&self, filter: Filter) -> bool {
        match filter {
            Filter::AsOf => self.as_of.is_some(),
            Filter::From => self.from.is_some(),
            Filter::To => self.to.is_some(),
            value => value.dimension().and_then(|d| self.value(d)).is_some(),
        }
    }

    /// Refuses a filter the statistic does not apply, rather than ignoring it silently.
    pub fn only(&self, applies: &[Filter]) -> ApiResult<()> {
        match Filter::ALL
            .into_iter()
            .find(|f| self.given(*f) && !applies.contains(f))
        {
            Some(filter) => Err(ApiError::BadRequest(format!(
                "{} does not apply to this statistic",
                filter.name()
            ))),
            None => Ok(()),
        }
    }
}

/// What the caller may aggregate and whether small person counts are suppressed.
pub struct StatsScope {
    region: Option<String>,
    municipality: Option<String>,
    pub suppress: bool,
}

pub fn stats_scope(scope: &Scope, requested_region: Option<&str>) -> ApiResult<StatsScope> {
    let area = |region: Option<&String>, municipality: Option<&String>, suppress| StatsScope {
        region: region.cloned(),
        municipality: municipality.cloned(),
        suppress,
    };
    match scope {
        Scope::National => Ok(area(None, None, true)),
        Scope::Admin => Ok(area(None, None, false)),
        Scope::Region(own) => {
            if requested_region.is_some_and(|r| r != own.as_str()) {
                return Err(Forbidden("a planning region sees its own region's statistics").into());
            }
            Ok(area(Some(&own.to_string()), None, true))
        }
        Scope::Municipality(own) => Ok(area(None, Some(&own.to_string()), false)),
        Scope::Provider(_) => {
            Err(Forbidden("statistics are for municipalities, regions and the ministry").into())
        }
    }
}

impl StatsScope {
    /// The planning region the caller is restricted to, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
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
        Ok(Labels { region_of, names })
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
    pub scope: StatsScope,
    pub labels: Labels,
    /// Most active clients per mentor: the mentor-load table lists every load up to it.
    pub mentor_capacity: i32,
}

impl Context {
    /// Whether a fact in `region`, attributed to `municipality` (if to one), is inside the
    /// caller's area and the `region` / `municipality` filters.
    pub fn within(&self, region: &str, municipality: Option<&str>) -> bool {
        let municipality_ok = |wanted: Option<&str>| wanted.is_none_or(|w| municipality == Some(w));
        self.scope.region().is_none_or(|r| r == region)
            && self.query.region.as_deref().is_none_or(|r| r == region)
            && municipality_ok(self.scope.municipality.as_deref())
            && municipality_ok(self.query.municipality.as_deref())
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

    /// The date of the figures (`as_of`, default today).
    pub fn as_of(&self) -> NaiveDate {
        self.query.as_of.unwrap_or_else(crate::domain::today)
    }

    /// The period `from`–`to` (default: this year up to today).
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        let today = crate::domain::today();
        let from = self
            .query
            .from
            .unwrap_or_else(|| NaiveDate::from_yo_opt(today.year(), 1).unwrap_or(today));
        (from, self.query.to.unwrap_or(today))
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
            table.add(key, &[fact.count]);
        }
    }
}
