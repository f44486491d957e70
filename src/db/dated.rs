//! Days in raw SQL: the few queries that cannot be said in the DSL (a count or a status "on
//! a day" inside one grouped query) put the day in as a literal chrono formats
//! (`'YYYY-MM-DD'`), never caller text. The same SQL runs on PostgreSQL and SQLite, where
//! dates are stored as ISO text and compare as such.

use chrono::NaiveDate;

/// `day` as an SQL date literal.
pub fn lit(day: NaiveDate) -> String {
    format!("'{day}'")
}

/// The condition "the interval `[start, end)` of `alias` holds on `day`" (the SQL form of
/// `domain::interval::Interval::active_on`).
pub fn holds_on(alias: &str, start: &str, end: &str, day: NaiveDate) -> String {
    let d = lit(day);
    format!("{alias}.{start} <= {d} AND ({alias}.{end} IS NULL OR {alias}.{end} > {d})")
}

/// The same condition in diesel's DSL, for a table of periods or runs (`starts_on`,
/// `ends_on`): `holds_on!(service_runs, day)`; `day` may be a column.
#[macro_export]
macro_rules! holds_on {
    ($table:ident, $day:expr) => {
        $table::starts_on.le($day).and(
            $table::ends_on
                .is_null()
                .or($table::ends_on.assume_not_null().gt($day)),
        )
    };
}
