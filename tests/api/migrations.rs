use std::collections::{BTreeMap, BTreeSet};

use kopiena::db;

use crate::demo::{Row, count, generate, options, rows, table_counts};
use crate::helpers::TestDb;

fn names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!(
        "{}/migrations/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("migrations folder")
    .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
    .collect()
}

#[test]
fn both_backends_have_migrations_with_the_same_names() {
    let postgres = names("postgres");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, names("sqlite"));
}

#[test]
fn every_migration_has_an_up_and_a_down_script() {
    for backend in ["postgres", "sqlite"] {
        for name in names(backend) {
            for script in ["up.sql", "down.sql"] {
                let path = format!(
                    "{}/migrations/{backend}/{name}/{script}",
                    env!("CARGO_MANIFEST_DIR")
                );
                assert!(std::path::Path::new(&path).is_file(), "{path} is missing");
            }
        }
    }
}

/// The effective-dating migration moves a database filled by the demo loader to the
/// interval model without loss: reverted to the schema before it (where today's occupancy,
/// mentor load and DI status were stored counters) and migrated up again, every table keeps
/// its rows, the status and capacity periods come back as the loader wrote them, and what
/// is now derived from the intervals equals the counters the old schema stored.
#[tokio::test]
async fn the_effective_dating_migration_keeps_every_row_and_counter() {
    let db = TestDb::new();
    let today = kopiena::domain::today();
    generate(db.url(), options(today))
        .await
        .expect("demo data loads");
    let mut conn = db::establish(db.url()).expect("connect");
    let counts = table_counts(&mut conn);
    let periods = [
        "SELECT CAST(provider_id AS TEXT) AS a, CAST(starts_on AS TEXT) AS b, \
         CAST(ends_on AS TEXT) AS c, status AS d, NULL AS e, NULL AS f \
         FROM provider_status_periods ORDER BY provider_id, starts_on",
        "SELECT CAST(service_id AS TEXT) AS a, CAST(starts_on AS TEXT) AS b, \
         CAST(ends_on AS TEXT) AS c, status AS d, CAST(capacity AS TEXT) AS e, NULL AS f \
         FROM service_periods ORDER BY service_id, starts_on",
    ];
    let loaded: Vec<Vec<Row>> = periods.iter().map(|q| rows(&mut conn, q)).collect();

    let reverted = db::revert_migrations_to(&mut conn, "2026-12-06-000009").expect("revert");
    assert!(
        reverted.contains(&"20261206000010".to_string()),
        "{reverted:?}"
    );
    let stored = [
        "SELECT CAST(id AS TEXT) AS a, CAST(occupied AS TEXT) AS b, NULL AS c, NULL AS d, \
         NULL AS e, NULL AS f FROM services ORDER BY id",
        "SELECT CAST(id AS TEXT) AS a, CAST(active_assignments AS TEXT) AS b, NULL AS c, \
         NULL AS d, NULL AS e, NULL AS f FROM mentors ORDER BY id",
        "SELECT CAST(id AS TEXT) AS a, di_status AS b, NULL AS c, NULL AS d, NULL AS e, \
         NULL AS f FROM clients ORDER BY id",
    ];
    let counters: Vec<Vec<Row>> = stored.iter().map(|q| rows(&mut conn, q)).collect();
    assert!(
        counters[2]
            .iter()
            .any(|r| r.b.as_deref() == Some("in_community")),
        "the old schema holds derived statuses"
    );

    db::run_migrations(&mut conn).expect("migrate up again");
    let status = kopiena::db::clients::di_status_sql(today);
    let derived = [
        format!(
            "SELECT CAST(id AS TEXT) AS a, CAST({} AS TEXT) AS b, NULL AS c, NULL AS d, \
             NULL AS e, NULL AS f FROM services ORDER BY id",
            kopiena::db::services::occupied_on_sql(today)
        ),
        format!(
            "SELECT CAST(id AS TEXT) AS a, CAST((SELECT COUNT(*) FROM mentor_assignments x \
             WHERE x.mentor_id = mentors.id AND x.started_on <= '{today}' \
             AND (x.ended_on IS NULL OR x.ended_on > '{today}')) AS TEXT) AS b, NULL AS c, \
             NULL AS d, NULL AS e, NULL AS f FROM mentors ORDER BY id"
        ),
        // The old schema's `waiting_list` is any client placed nowhere: since 000026, one in
        // no queue is `no_service`.
        format!(
            "SELECT CAST(id AS TEXT) AS a, CASE {status} WHEN 'no_service' THEN 'waiting_list' \
             ELSE {status} END AS b, NULL AS c, NULL AS d, NULL AS e, NULL AS f \
             FROM clients ORDER BY id"
        ),
    ];
    for (query, before) in derived.iter().zip(&counters) {
        assert_eq!(&rows(&mut conn, query), before, "{query}");
    }
    // The tables of later migrations (the plan goals, 000024) go with the revert and come
    // back empty: every other table keeps its rows.
    let later = |t: &&str| t.starts_with("plan_goal");
    let kept = |counts: BTreeMap<&'static str, i64>| -> BTreeMap<&'static str, i64> {
        counts.into_iter().filter(|(t, _)| !later(t)).collect()
    };
    let after = table_counts(&mut conn);
    assert_eq!(kept(after.clone()), kept(counts), "rows per table");
    assert!(after.iter().filter(|(t, _)| later(t)).all(|(_, n)| *n == 0));
    for (query, before) in periods.iter().zip(&loaded) {
        assert_eq!(&rows(&mut conn, query), before, "{query}");
    }
    // The record keys (000014) were drawn for the rows already there; the runs carry their
    // client's and mentor's, a transition its placement's.
    for table in ["clients", "mentors", "placements"] {
        let distinct = count(
            &mut conn,
            &format!("SELECT COUNT(DISTINCT record_key) AS n FROM {table}"),
        );
        let all = count(&mut conn, &format!("SELECT COUNT(*) AS n FROM {table}"));
        assert!(
            distinct * 10 > all * 9,
            "{table}: {distinct} keys for {all} rows"
        );
    }
    for (runs, owner, id) in [
        ("client_runs", "clients", "client_id"),
        ("assessment_runs", "clients", "client_id"),
        ("mentor_load_runs", "mentors", "mentor_id"),
        ("di_transitions", "placements", "placement_id"),
    ] {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {runs} r JOIN {owner} o ON o.id = r.{id} \
             WHERE r.record_key <> o.record_key"
        );
        assert_eq!(count(&mut conn, &sql), 0, "{runs}");
    }
}
