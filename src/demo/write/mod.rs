//! Writing the plan: multi-row inserts (`db::bulk`) a file per aggregate, in the order the
//! foreign keys need, and what differs per backend ([`Backend`]).

mod cases;
mod deliveries;
mod goals;
mod mentors;
mod placements;
mod registry;
mod staff;

use diesel::connection::SimpleConnection as _;

use super::plan::Plan;
use super::progress::Progress;
use crate::db::DbConnection;
use crate::db::bulk::{self, BulkInsert, Columns, ForeignKey};
use crate::pii::PiiKeys;
pub(super) use goals::PlanVersion;

/// What a load does differently on each backend.
pub(super) enum Backend {
    /// PostgreSQL checks a foreign key with a trigger per inserted row: the keys are set
    /// aside for the load and checked once at the end ([`bulk::suspend_foreign_keys`]).
    Postgres { foreign_keys: Vec<ForeignKey> },
    /// SQLite's own checks are cheap and stay on.
    Sqlite,
}

impl Backend {
    /// Before the first row, inside the load's transaction.
    pub fn prepare(conn: &mut DbConnection) -> anyhow::Result<Self> {
        Ok(match conn {
            DbConnection::Postgres(_) => Backend::Postgres {
                foreign_keys: bulk::suspend_foreign_keys(conn, bulk::TABLES)?,
            },
            DbConnection::Sqlite(_) => Backend::Sqlite,
        })
    }

    /// After the last row: the foreign keys back (checking every row) and, on PostgreSQL,
    /// fresh statistics for the query planner right away (autovacuum would follow).
    pub fn finish(self, conn: &mut DbConnection) -> anyhow::Result<()> {
        if let Backend::Postgres { foreign_keys } = self {
            bulk::restore_foreign_keys(conn, foreign_keys)?;
            conn.batch_execute(&format!("ANALYZE {}", bulk::TABLES.join(", ")))?;
        }
        Ok(())
    }

    /// Whether a row may point at a later row of the same statement. PostgreSQL checks
    /// foreign keys at the end of each statement (and a client's rows share one); SQLite
    /// answers every row inserted after such a pointer with a scan of the whole table for
    /// rows pointing at it, which makes a bulk load quadratic, so there the links are set
    /// by `bulk::link_to_next` afterwards.
    pub fn forward_links_inline(&self) -> bool {
        matches!(self, Backend::Postgres { .. })
    }
}

pub(super) struct Writer<'a, 'r> {
    pub seed: u64,
    pub conn: &'a mut DbConnection,
    pub backend: &'a Backend,
    pub plan: &'a Plan<'r>,
    pub progress: &'a mut Progress,
    pub pii: &'a PiiKeys,
    pub rows: &'a mut Vec<(&'static str, u64)>,
    /// The care level of each assessment written, by id (a change flags the plan for review).
    pub care_levels: std::collections::BTreeMap<i64, crate::domain::assessment::CareLevel>,
    /// The first id of the plans' goals.
    pub goal_base_id: i64,
}

impl Writer<'_, '_> {
    /// Sends the rest of a table's rows and counts them in the report.
    fn done(&mut self, insert: BulkInsert) -> anyhow::Result<()> {
        let table = insert.table();
        let n = insert.finish(self.conn)?;
        self.rows.push((table, n));
        Ok(())
    }

    /// Writes a table whose rows need no other rows written with them: a row per item,
    /// progress counted on from `ticked`.
    fn table<C: Columns, T>(
        &mut self,
        columns: C,
        items: &[T],
        ticked: usize,
        mut row: impl FnMut(&mut BulkInsert, &T),
    ) -> anyhow::Result<()> {
        let mut insert = BulkInsert::new(self.conn, columns);
        for (i, item) in items.iter().enumerate() {
            row(&mut insert, item);
            insert.end_group(self.conn)?;
            self.progress.tick((ticked + i + 1) as u64);
        }
        self.done(insert)
    }
}
