//! The statistics cache (issue 17, `src/api/stats/cache.rs`): a table is served again only
//! while the record's data version has not moved, and every change to the record moves it,
//! whichever way it was made.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::Text;
use kopiena::db::DbConnection;
use kopiena::domain::client::DiStatus;
use serde_json::Value;

use super::{adults, days_ago};
use crate::helpers::{TestApp, municipality, stats_query, token};

/// The statistics cache's count of `outcome` (`hit`, `miss`).
async fn outcomes(app: &TestApp, outcome: &str) -> u64 {
    let text = app.metrics().await.text().await.expect("metrics text");
    let series = format!("kopiena_stats_cache_requests_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .map_or(0, |n| n.trim().parse().expect("a count"))
}

#[tokio::test]
async fn a_kept_table_is_served_until_the_record_changes_through_the_api_or_behind_its_back() {
    let app = TestApp::spawn().await;
    let clients = adults(&app, "050", 0, 3, DiStatus::NoService).await;
    let kuldiga = token(&municipality("050"));
    let total = async || -> Value {
        let table = app.client_stats(&kuldiga, &stats_query()).ok().await;
        table["total"]["clients"].clone()
    };

    assert_eq!(total().await, 3);
    let hits = outcomes(&app, "hit").await;
    assert_eq!(total().await, 3);
    assert_eq!(
        outcomes(&app, "hit").await,
        hits + 1,
        "the same table, kept"
    );

    // A write through the API moves the version: the next table is a recount.
    adults(&app, "050", 10, 1, DiStatus::NoService).await;
    let misses = outcomes(&app, "miss").await;
    assert_eq!(total().await, 4);
    assert_eq!(outcomes(&app, "miss").await, misses + 1);

    // So does SQL behind the service's back, at once: a client registered tomorrow is not
    // in today's figures.
    app.execute_sql(&format!(
        "UPDATE clients SET created_at = '{} 09:00:00' WHERE id = {}",
        days_ago(0).succ_opt().expect("tomorrow"),
        clients[0]
    ));
    assert_eq!(total().await, 3);
    // Another caller's area is another entry: Rīga's table is not Kuldīga's.
    let riga = app
        .client_stats(&token(&municipality("RIX")), &stats_query())
        .ok()
        .await;
    assert_eq!(riga["total"]["clients"], 0);

    // A region's indicators are kept the same way.
    let indicators = "/api/v1/stats/indicators?region=KURZEME";
    let first = app.get_as(indicators, &kuldiga).ok().await;
    let hits = outcomes(&app, "hit").await;
    assert_eq!(app.get_as(indicators, &kuldiga).ok().await, first);
    assert_eq!(outcomes(&app, "hit").await, hits + 1);
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn names(conn: &mut DbConnection, sql: &str) -> BTreeSet<String> {
    diesel::sql_query(sql)
        .load::<Name>(conn)
        .expect("catalogue")
        .into_iter()
        .map(|n| n.name)
        .collect()
}

/// A table added later without the trigger would let the cache serve a table it changed.
#[tokio::test]
async fn every_table_of_the_record_moves_the_data_version() {
    let app = TestApp::spawn().await;
    let mut conn = app.db_connection();
    let (tables, triggered) = match conn {
        DbConnection::Postgres(_) => (
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            "SELECT CAST(event_object_table AS TEXT) AS name FROM information_schema.triggers \
             WHERE trigger_name = event_object_table || '_record_data' \
             AND action_statement = 'EXECUTE FUNCTION bump_record_data_version()'",
        ),
        DbConnection::Sqlite(_) => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT tbl_name AS name FROM sqlite_master WHERE type = 'trigger' \
             AND name LIKE '%\\_record\\_data\\_%' ESCAPE '\\' GROUP BY tbl_name \
             HAVING COUNT(*) = 3",
        ),
    };
    let tables = names(&mut conn, tables);
    let triggered = names(&mut conn, triggered);
    // The logs a read writes, and the versions themselves.
    let apart: BTreeSet<String> = [
        "__diesel_schema_migrations",
        "audit_log",
        "changes",
        "idempotency_keys",
        "key_checks",
        "public_data_version",
        "record_data_version",
        "webhook_deliveries",
    ]
    .map(String::from)
    .into();
    let expected: BTreeSet<String> = tables.difference(&apart).cloned().collect();
    assert!(expected.len() > 40, "{expected:?}");
    assert_eq!(triggered, expected);
}

/// On PostgreSQL every backend that ever wrote has a row of the data version; the rows of
/// ended backends are folded into one (hourly, and at start) without moving the version.
#[tokio::test]
async fn the_rows_of_ended_backends_fold_without_moving_the_version() {
    use kopiena::db::stats::{data_version, fold_data_version};
    let app = TestApp::spawn().await;
    adults(&app, "050", 0, 2, DiStatus::NoService).await;
    let mut conn = app.db_connection();
    let postgres = matches!(conn, DbConnection::Postgres(_));
    if postgres {
        // Two backends that have ended (no live backend has a pid this large).
        app.execute_sql(
            "INSERT INTO record_data_version (backend, version) VALUES (2147483000, 7), (2147483001, 5)",
        );
    }
    let before = data_version(&mut conn).expect("version");
    let folded = fold_data_version(&mut conn).expect("fold");
    assert_eq!(data_version(&mut conn).expect("version"), before);
    if postgres {
        assert!(folded >= 2, "{folded}");
        let ended = names(
            &mut conn,
            "SELECT CAST(backend AS TEXT) AS name FROM record_data_version \
             WHERE backend <> 0 AND backend NOT IN (SELECT pid FROM pg_stat_activity)",
        );
        assert!(ended.is_empty(), "{ended:?}");
        // Writing again after the fold moves the version on as before.
        adults(&app, "050", 2, 1, DiStatus::NoService).await;
        assert!(data_version(&mut conn).expect("version") > before);
    } else {
        assert_eq!(folded, 0);
    }
}
