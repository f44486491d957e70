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

use std::any::Any;
use std::sync::Arc;

use prometheus::{IntCounter, IntCounterVec, Opts, Registry};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::context::Labels;
use super::table::Table;
use crate::db::{DbConnection, stats as q};
use crate::error::ApiResult;

/// A table as computed, and the labels it was checked and is rendered with.
pub struct Kept {
    pub table: Table,
    pub labels: Labels,
}

impl Kept {
    /// Roughly the bytes it takes in memory.
    pub fn weight(&self) -> usize {
        self.table.weight() + self.labels.weight()
    }
}

/// What is kept for a request: the data version it was computed at, and the value (a
/// [`Kept`] table, or an endpoint's own result) with roughly the bytes it takes.
#[derive(Clone)]
struct Entry {
    version: i64,
    bytes: usize,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Clone)]
struct Bytes;

impl Weighter<String, Entry> for Bytes {
    fn weight(&self, key: &String, entry: &Entry) -> u64 {
        (key.len() + entry.bytes) as u64
    }
}

pub struct StatsCache {
    entries: Option<Cache<String, Entry, Bytes>>,
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
                "Statistics served as kept at the record's current data version (hit) or computed (miss).",
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

    /// The value for `key` (which names the endpoint and everything its answer depends on)
    /// at the record's current data version: kept, or computed by `compute` and kept when
    /// no change committed meanwhile. `weigh` tells roughly the bytes a value takes.
    pub fn through<T, F>(
        &self,
        conn: &mut DbConnection,
        key: String,
        weigh: fn(&T) -> usize,
        compute: F,
    ) -> ApiResult<Arc<T>>
    where
        T: Any + Send + Sync,
        F: FnOnce(&mut DbConnection) -> ApiResult<T>,
    {
        let version = q::data_version(conn)?;
        let kept = self
            .entries
            .as_ref()
            .and_then(|entries| entries.get(&key))
            .filter(|entry| entry.version == version)
            .and_then(|entry| entry.value.downcast::<T>().ok());
        if let Some(kept) = kept {
            self.hits.inc();
            return Ok(kept);
        }
        self.misses.inc();
        let value = Arc::new(compute(conn)?);
        if let Some(entries) = &self.entries
            && q::data_version(conn)? == version
        {
            let entry = Entry {
                version,
                bytes: weigh(&value),
                value: Arc::clone(&value) as Arc<dyn Any + Send + Sync>,
            };
            entries.insert(key, entry);
        }
        Ok(value)
    }
}
