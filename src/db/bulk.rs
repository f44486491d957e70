//! Bulk loading of generated rows (the demo data): multi-row `INSERT`s with explicit ids,
//! one statement per chunk, on either backend.
//!
//! `MultiConnection` cannot batch-insert through diesel's DSL, so rows are written as SQL
//! literals. Only values produced by the program itself pass through here (never request
//! input); text is quoted by doubling single quotes, which is the whole of SQL string
//! escaping on both backends (PostgreSQL with `standard_conforming_strings`, the default).

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::Column;
use diesel::connection::SimpleConnection;

use super::schema;
use super::{DbConnection, QueryResult};

/// A table rows are loaded into, with its SQL name.
pub trait BulkTable: diesel::Table + Default {
    const NAME: &'static str;
}

/// `BulkTable` for tables of `schema`: the module `table!` generates is named after the table
/// (the schema uses no `sql_name`; a test checks diesel renders the same name).
macro_rules! bulk_tables {
    ($($table:ident),+ $(,)?) => {
        $(impl BulkTable for schema::$table::table {
            const NAME: &'static str = stringify!($table);
        })+

        /// Every table rows are loaded into, parents before children.
        pub const TABLES: &[&str] = &[$(stringify!($table)),+];

        #[cfg(test)]
        fn bulk_table_names() -> Vec<(&'static str, String)> {
            vec![$((
                stringify!($table),
                diesel::debug_query::<diesel::pg::Pg, _>(&schema::$table::table).to_string(),
            )),+]
        }
    };
}

bulk_tables!(
    providers,
    provider_status_periods,
    services,
    service_periods,
    service_target_groups,
    service_search_terms,
    clients,
    assessments,
    assessment_team_members,
    assessment_service_types,
    support_plans,
    support_plan_sections,
    plan_goals,
    plan_goal_tasks,
    plan_goal_progress,
    mentors,
    mentor_trainings,
    mentor_assignments,
    staff,
    staff_trainings,
    service_decisions,
    waiting_list_entries,
    placements,
    di_transitions,
    referrals,
    case_notes,
    service_deliveries,
    client_runs,
    assessment_runs,
    service_runs,
    mentor_load_runs,
    programme_completions,
    claim_months,
);

/// The columns a [`BulkInsert`] writes: a tuple of diesel columns of one table, whose names
/// come from the schema (`Column::NAME`).
pub trait Columns {
    type Table: BulkTable;
    fn names() -> Vec<&'static str>;
}

macro_rules! tuple_columns {
    ($($c:ident),+) => {
        impl<T: BulkTable, $($c: Column<Table = T>),+> Columns for ($($c,)+) {
            type Table = T;
            fn names() -> Vec<&'static str> {
                vec![$($c::NAME),+]
            }
        }
    };
}

tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, F);
tuple_columns!(A, B, C, D, E, F, G);
tuple_columns!(A, B, C, D, E, F, G, H);
tuple_columns!(A, B, C, D, E, F, G, H, I);
tuple_columns!(A, B, C, D, E, F, G, H, I, J);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S);
tuple_columns!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, U);

/// One value of a row.
#[derive(Debug, Clone, Copy)]
pub enum Lit<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(&'a str),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
}

impl<'a> From<&'a str> for Lit<'a> {
    fn from(s: &'a str) -> Self {
        Lit::Text(s)
    }
}

impl<'a> From<&'a String> for Lit<'a> {
    fn from(s: &'a String) -> Self {
        Lit::Text(s)
    }
}

impl From<i64> for Lit<'_> {
    fn from(n: i64) -> Self {
        Lit::Int(n)
    }
}

impl From<i32> for Lit<'_> {
    fn from(n: i32) -> Self {
        Lit::Int(i64::from(n))
    }
}

impl From<bool> for Lit<'_> {
    fn from(b: bool) -> Self {
        Lit::Bool(b)
    }
}

impl From<NaiveDate> for Lit<'_> {
    fn from(d: NaiveDate) -> Self {
        Lit::Date(d)
    }
}

impl From<NaiveDateTime> for Lit<'_> {
    fn from(t: NaiveDateTime) -> Self {
        Lit::Timestamp(t)
    }
}

impl<'a, T: Into<Lit<'a>>> From<Option<T>> for Lit<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Lit::Null, Into::into)
    }
}

/// Rows per statement: large enough to amortise the round trip, small enough to keep each
/// statement (and PostgreSQL's parse tree) modest.
const ROWS_PER_STATEMENT: usize = 1000;
/// A statement is also sent once its text passes this size.
const BYTES_PER_STATEMENT: usize = 1 << 20;

/// Accumulates rows of one table and sends them as multi-row `INSERT`s.
///
/// Rows that reference each other (a self-reference such as `superseded_by_id`) must end up
/// in the same statement: a statement is only sent at [`BulkInsert::end_group`], so the
/// caller ends a group after each set of rows that belong together. Both backends check
/// foreign keys at the end of each statement.
pub struct BulkInsert {
    table: &'static str,
    head: String,
    sql: String,
    rows_in_statement: usize,
    columns: usize,
    rows: u64,
    postgres: bool,
    explicit_id: bool,
}

impl BulkInsert {
    /// Rows of the columns `C` (a tuple such as `(mentors::id, mentors::given_name)`).
    /// When they include `id`, the identity column is given by the caller (PostgreSQL needs
    /// `OVERRIDING SYSTEM VALUE`, and its sequence is moved past the largest id by
    /// [`BulkInsert::finish`]).
    pub fn new<C: Columns>(conn: &DbConnection, _columns: C) -> Self {
        let table = C::Table::NAME;
        let columns = C::names();
        let explicit_id = columns.contains(&"id");
        let postgres = matches!(conn, DbConnection::Postgres(_));
        let overriding = if explicit_id && postgres {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let head = format!(
            "INSERT INTO {table} ({}){overriding} VALUES ",
            columns.join(", ")
        );
        Self {
            table,
            sql: String::with_capacity(BYTES_PER_STATEMENT + 64 * 1024),
            head,
            rows_in_statement: 0,
            columns: columns.len(),
            rows: 0,
            postgres,
            explicit_id,
        }
    }

    /// Appends one row; its values must follow the column order given to [`BulkInsert::new`].
    pub fn row(&mut self, values: &[Lit<'_>]) {
        debug_assert_eq!(values.len(), self.columns, "row of {}", self.table);
        if self.rows_in_statement == 0 {
            self.sql.push_str(&self.head);
        } else {
            self.sql.push_str(",\n");
        }
        self.sql.push('(');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push(',');
            }
            self.push_value(*value);
        }
        self.sql.push(')');
        self.rows_in_statement += 1;
        self.rows += 1;
    }

    fn push_value(&mut self, value: Lit<'_>) {
        // Writing to a String cannot fail.
        let _ = match value {
            Lit::Null => {
                self.sql.push_str("NULL");
                Ok(())
            }
            Lit::Int(n) => write!(self.sql, "{n}"),
            Lit::Bool(b) => {
                // PostgreSQL wants boolean literals; SQLite stores booleans as 0/1 (as diesel does).
                self.sql.push_str(match (self.postgres, b) {
                    (true, true) => "TRUE",
                    (true, false) => "FALSE",
                    (false, true) => "1",
                    (false, false) => "0",
                });
                Ok(())
            }
            Lit::Text(s) => {
                self.sql.push('\'');
                for c in s.chars() {
                    if c == '\'' {
                        self.sql.push('\'');
                    }
                    self.sql.push(c);
                }
                self.sql.push('\'');
                Ok(())
            }
            Lit::Date(d) => write!(self.sql, "'{}'", d.format("%Y-%m-%d")),
            // The text diesel itself writes for `Timestamp` on SQLite; PostgreSQL parses it too.
            Lit::Timestamp(t) => write!(self.sql, "'{}'", t.format("%Y-%m-%d %H:%M:%S%.f")),
        };
    }

    /// Ends a group of rows that belong together; sends the pending statement once it is
    /// large enough. Returns whether it did: rows of another table that reference these
    /// may then be sent too ([`BulkInsert::flush`]).
    pub fn end_group(&mut self, conn: &mut DbConnection) -> QueryResult<bool> {
        if self.rows_in_statement >= ROWS_PER_STATEMENT || self.sql.len() >= BYTES_PER_STATEMENT {
            self.flush(conn)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Sends the pending rows now.
    pub fn flush(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        if self.rows_in_statement > 0 {
            conn.batch_execute(&self.sql)?;
            self.sql.clear();
            self.rows_in_statement = 0;
        }
        Ok(())
    }

    /// The table the rows go to.
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// Rows appended so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Sends what is pending and, for explicit ids on PostgreSQL, moves the identity
    /// sequence past the largest id. Returns the number of rows written.
    pub fn finish(mut self, conn: &mut DbConnection) -> QueryResult<u64> {
        self.flush(conn)?;
        if self.explicit_id && self.postgres && self.rows > 0 {
            conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))",
                t = self.table
            ))?;
        }
        Ok(self.rows)
    }
}

/// The largest id of a table with an `id` column (0 when empty), to number new rows after it.
pub fn max_id<T: BulkTable>(conn: &mut DbConnection) -> QueryResult<i64> {
    let table = T::NAME;
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct MaxId {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let row: MaxId = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM {table}"
    ))
    .get_result(conn)?;
    Ok(row.id)
}

/// Rows in a table.
pub fn count<T: BulkTable>(conn: &mut DbConnection) -> QueryResult<i64> {
    let table = T::NAME;
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let row: Count =
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(conn)?;
    Ok(row.n)
}

/// Sets `column` to `id + 1` on the rows `ids`: the forward link of a chain of rows numbered
/// consecutively (an assessment's `superseded_by_id`, a plan's `replaced_by_id`).
///
/// Written after the rows rather than with them: SQLite answers an insert whose foreign key
/// points at a row later in the same statement by scanning the table for every row that
/// follows, which turns a bulk load quadratic.
pub fn link_to_next<C>(conn: &mut DbConnection, _column: C, ids: &[i64]) -> QueryResult<()>
where
    C: Column<Table: BulkTable>,
{
    let (table, column) = (C::Table::NAME, C::NAME);
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = format!("UPDATE {table} SET {column} = id + 1 WHERE id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(sql, "{id}");
        }
        sql.push(')');
        conn.batch_execute(&sql)?;
    }
    Ok(())
}

/// A foreign key set aside during a bulk load.
pub struct ForeignKey {
    table: String,
    name: String,
    definition: String,
}

/// On PostgreSQL, drops the foreign keys of `tables` for the length of a bulk load and
/// returns them for [`restore_foreign_keys`] (nothing on SQLite).
///
/// PostgreSQL checks a foreign key with a trigger per inserted row, which is most of the
/// time of a load of millions of rows; adding the constraint back afterwards checks all
/// rows at once with one query per key, as `pg_restore` does. Both happen inside the
/// caller's transaction, so the schema is never seen without its keys, and a row that broke
/// a key would fail the whole load. SQLite's own checks are cheap and stay on.
pub fn suspend_foreign_keys(
    conn: &mut DbConnection,
    tables: &[&str],
) -> QueryResult<Vec<ForeignKey>> {
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        tbl: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        def: String,
    }
    if !matches!(conn, DbConnection::Postgres(_)) {
        return Ok(Vec::new());
    }
    let keys: Vec<Key> = diesel::sql_query(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname::text AS name, \
         pg_get_constraintdef(c.oid) AS def \
         FROM pg_constraint c WHERE c.contype = 'f' ORDER BY c.conrelid::regclass::text, c.conname",
    )
    .load(conn)?;
    let keys: Vec<ForeignKey> = keys
        .into_iter()
        .filter(|k| tables.contains(&k.tbl.as_str()))
        .map(|k| ForeignKey {
            table: k.tbl,
            name: k.name,
            definition: k.def,
        })
        .collect();
    for key in &keys {
        conn.batch_execute(&format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            key.table,
            quote_identifier(&key.name)
        ))?;
    }
    Ok(keys)
}

/// Adds back the foreign keys [`suspend_foreign_keys`] set aside, checking every row.
pub fn restore_foreign_keys(conn: &mut DbConnection, keys: Vec<ForeignKey>) -> QueryResult<()> {
    for key in keys {
        conn.batch_execute(&format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            key.table,
            quote_identifier(&key.name),
            key.definition
        ))?;
    }
    Ok(())
}

fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bulk_table_names_are_the_schema_names() {
        for (name, rendered) in super::bulk_table_names() {
            assert_eq!(rendered, format!("\"{name}\" -- binds: []"));
        }
    }
}
