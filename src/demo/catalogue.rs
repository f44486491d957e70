//! The demo's parameters per catalogue entry (`data/service_types.json`,
//! `data/municipalities.csv`, `data/regions.csv`, `data/price_units.csv`): how common each
//! service type is, its usual size and who runs it; where people live; the short names of the
//! planning regions; the usual prices. The reference tables say what exists; these files say
//! how the demo populates it, and [`super::reference::Reference::load`] fails on an entry of
//! the reference data they do not cover.

use std::collections::HashMap;

use super::data::{csv_rows, json_rows};
use crate::domain::registry::Sector;

/// How the demo populates one service type.
#[derive(Debug, serde::Deserialize)]
pub(super) struct TypeParams {
    pub code: String,
    /// How often the type appears among community services (per mille, roughly); 0 for the
    /// institutions, which are created for the clients who live in them (`Plan::services`).
    pub weight: u64,
    /// A sensible capacity range (clamped to the catalogue's limit).
    pub capacity: (i32, i32),
    /// The provider sectors that run it.
    pub sectors: Vec<Sector>,
    /// People come to it during the day: its description may give opening hours.
    pub daytime: bool,
}

#[derive(serde::Deserialize)]
struct MunicipalityParams {
    code: String,
    population_thousands: u64,
}

#[derive(serde::Deserialize)]
struct RegionParams {
    code: String,
    short_name: String,
}

/// The usual price of a unit, in cents.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub(super) struct PriceRange {
    pub min_cents: i64,
    pub max_cents: i64,
}

#[derive(serde::Deserialize)]
struct PriceUnit {
    unit: String,
    #[serde(flatten)]
    range: PriceRange,
}

pub(super) struct Catalogue {
    types: HashMap<String, TypeParams>,
    /// Rough population (thousands) of each municipality, for weighting where people live.
    population: HashMap<String, u64>,
    /// Short name of each planning region for the state social care centres ("VSAC Kurzeme").
    region_names: HashMap<String, String>,
    prices: HashMap<String, PriceRange>,
}

/// A map by key that refuses a key given twice.
fn by_key<T>(
    file: &str,
    rows: impl IntoIterator<Item = (String, T)>,
) -> Result<HashMap<String, T>, String> {
    let mut map = HashMap::new();
    for (key, value) in rows {
        if map.contains_key(&key) {
            return Err(format!("data/{file}: {key} is given twice"));
        }
        map.insert(key, value);
    }
    Ok(map)
}

impl Catalogue {
    pub fn parse() -> Result<Self, String> {
        let file = "service_types.json";
        let types: Vec<TypeParams> = json_rows(file, include_str!("data/service_types.json"))?;
        if let Some(t) = types
            .iter()
            .find(|t| t.sectors.is_empty() || t.capacity.0 > t.capacity.1)
        {
            return Err(format!(
                "data/{file}: {} needs sectors and a capacity range",
                t.code
            ));
        }
        let file = "municipalities.csv";
        let municipalities: Vec<MunicipalityParams> =
            csv_rows(file, include_str!("data/municipalities.csv"))?;
        let population = by_key(
            file,
            municipalities
                .into_iter()
                .map(|m| (m.code, m.population_thousands)),
        )?;
        let file = "regions.csv";
        let regions: Vec<RegionParams> = csv_rows(file, include_str!("data/regions.csv"))?;
        let region_names = by_key(file, regions.into_iter().map(|r| (r.code, r.short_name)))?;
        let file = "price_units.csv";
        let units: Vec<PriceUnit> = csv_rows(file, include_str!("data/price_units.csv"))?;
        let prices = by_key(file, units.into_iter().map(|u| (u.unit, u.range)))?;
        Ok(Self {
            types: by_key(
                "service_types.json",
                types.into_iter().map(|t| (t.code.clone(), t)),
            )?,
            population,
            region_names,
            prices,
        })
    }

    pub fn service_type(&self, code: &str) -> anyhow::Result<&TypeParams> {
        self.types
            .get(code)
            .ok_or_else(|| missing("service_types.json", "service type", code))
    }

    pub fn population(&self, municipality: &str) -> anyhow::Result<u64> {
        self.population
            .get(municipality)
            .copied()
            .ok_or_else(|| missing("municipalities.csv", "municipality", municipality))
    }

    pub fn region_name(&self, region: &str) -> anyhow::Result<&str> {
        self.region_names
            .get(region)
            .map(String::as_str)
            .ok_or_else(|| missing("regions.csv", "planning region", region))
    }

    pub fn price(&self, unit: &str) -> anyhow::Result<PriceRange> {
        self.prices
            .get(unit)
            .copied()
            .ok_or_else(|| missing("price_units.csv", "price unit", unit))
    }
}

fn missing(file: &str, what: &str, key: &str) -> anyhow::Error {
    anyhow::anyhow!("the reference data has {what} {key}, which data/{file} does not cover")
}
