//! Statistics kept under the record's data version (issue 17): a national table reads every
//! client's history, and is asked for far more often than the record changes.
//!
//! - **What is kept**: a statistic's table before disclosure control, with its labels, per
//!   request (the statistic, its grouping, filters and dates, the caller's area and whether
//!   its counts are perturbed, the language). Disclosure control is applied to it for every
//!   answer, so nothing published is kept, and callers of different areas or classes never
//!   share an entry. At most `KOPIENA_STATS_CACHE_BYTES` (default 32 MiB) are kept, the least
//!   recently used going first; `0` turns it off.
//! - **Never behind the record**: every statement that changes a table of the record adds
//!   one to the data version in its own transaction (triggers, migration 000028), and every
//!   request reads the version first. A table is served only when it was computed at the
//!   version just read; a table is kept only when the version read after computing it is
//!   still the one read before (no change committed meanwhile), so it holds exactly what a
//!   recount at that version gives. Every instance sees every commit at once, without
//!   following anything. The dates are resolved before the lookup, so a new day asks anew.

use std::sync::Arc;

use prometheus::{IntCounter, IntCounterVec, Opts, Registry};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::context::Labels;
use super::table::Table;

/// A table as computed, and the labels it was checked and is rendered with.
pub struct Kept {
    pub table: Table,
    pub labels: Labels,
}

#[derive(Clone)]
struct Bytes;

impl Weighter<String, (i64, Arc<Kept>)> for Bytes {
    fn weight(&self, key: &String, (_, kept): &(i64, Arc<Kept>)) -> u64 {
        (key.len() + kept.table.weight() + kept.labels.weight()) as u64
    }
}

pub struct StatsCache {
    /// Per request, the version its table was computed at and the table.
    entries: Option<Cache<String, (i64, Arc<Kept>), Bytes>>,
    hits: IntCounter,
    misses: IntCounter,
}

impl StatsCache {
    /// A cache of at most `bytes` (none at `0`), counting its outcomes
    /// (`kopiena_stats_cache_requests_total{outcome}`: `hit`, `miss`) in `registry`.
    pub fn new(bytes: u64, registry: &Registry) -> anyhow::Result<Self> {
        let outcomes = IntCounterVec::new(
            Opts::new(
                "kopiena_stats_cache_requests_total",
                "Statistics tables served as kept at the record's current data version (hit) or computed (miss).",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(outcomes.clone()))?;
        let [hits, misses] = ["hit", "miss"].map(|outcome| outcomes.with_label_values(&[outcome]));
        let entries = (bytes > 0).then(|| {
            let items = usize::try_from(bytes / 16_384).unwrap_or(usize::MAX);
            Cache::with_weighter(items.max(16), bytes, Bytes)
        });
        Ok(Self {
            entries,
            hits,
            misses,
        })
    }

    /// The table kept for `key` if it was computed at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<Kept>> {
        let found = self
            .entries
            .as_ref()
            .and_then(|entries| entries.get(key))
            .filter(|(at, _)| *at == version)
            .map(|(_, kept)| kept);
        match found {
            Some(_) => self.hits.inc(),
            None => self.misses.inc(),
        }
        found
    }

    /// Keeps `kept` for `key`, computed at `version` (replacing an older one).
    pub fn keep(&self, key: String, version: i64, kept: Arc<Kept>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, (version, kept));
        }
    }
}
