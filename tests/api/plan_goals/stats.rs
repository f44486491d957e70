//! `/stats/plan-goals`: the goals of the clients' current final plans by status, target
//! group and area, exact for municipalities and administrators, perturbed for the ministry
//! and regions, and equal to a recount from the rows (on a fixture and on the demo data,
//! whose goals follow the rules and come in realistic proportions).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kopiena::db;
use kopiena::domain::plan_goal::GoalStatus;
use kopiena::domain::support_plan::PlanStatus;

use super::{ADULT, client, complete_plan, goal_ids, kuldiga, plus_months};
use crate::demo::{count, generate, options, rows};
use crate::helpers::{
    StatsQuery, TestApp, admin, assert_problem, grouped_by, ministry, municipality, plans_due,
    progress, provider, region, stats_query, today, token,
};
use crate::stats::cells;

fn key(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_string()).collect()
}

/// A final plan for `client_id` of `municipality_code` whose goals end up in `statuses`.
async fn plan_with(
    app: &TestApp,
    (municipality_code, client_id): (&str, i64),
    statuses: &[GoalStatus],
) -> i64 {
    let t = token(&municipality(municipality_code));
    let texts: Vec<String> = (0..statuses.len()).map(|i| format!("Mērķis {i}")).collect();
    let names: Vec<&str> = texts.iter().map(String::as_str).collect();
    let body = complete_plan(app, &names, Some(PlanStatus::Final)).await;
    let plan = app
        .create_support_plan(&t, client_id, &body)
        .created()
        .await;
    let pid = plan["id"].as_i64().expect("id");
    for (goal, status) in goal_ids(&plan).into_iter().zip(statuses) {
        if *status != GoalStatus::Open {
            app.record_goal_progress(&t, (client_id, pid, goal), &progress(*status, None))
                .ok()
                .await;
        }
    }
    pid
}

#[tokio::test]
async fn goals_of_current_final_plans_are_counted_exactly_for_owners_and_perturbed_nationally() {
    use GoalStatus::{Achieved, Dropped, Open};
    let app = TestApp::spawn().await;
    let a = client(&app, "050", 30).await;
    plan_with(&app, ("050", a), &[Achieved, Open, Dropped]).await;
    let b = client(&app, "050", 31).await;
    plan_with(&app, ("050", b), &[Open, Open]).await;
    // A draft's goals and a replaced plan's goals do not count.
    let c = client(&app, "050", 32).await;
    let draft = complete_plan(&app, &["Melnraksts"], None).await;
    app.create_support_plan(&kuldiga(), c, &draft)
        .created()
        .await;
    let d = client(&app, "050", 33).await;
    plan_with(&app, ("050", d), &[Achieved, Achieved, Open]).await;
    plan_with(&app, ("050", d), &[Achieved]).await;
    let e = client(&app, "RIX", 34).await;
    plan_with(&app, ("RIX", e), &[Open]).await;

    let dims = ["municipality", "target_group", "goal_status"];
    let by = grouped_by(&dims.join(","));
    let adult = ADULT.as_str();
    let full = app.plan_goal_stats(&token(&admin()), &by).ok().await;
    assert_eq!(full["disclosure"]["applied"], false);
    assert_eq!(full["metrics"], serde_json::json!(["goals"]));
    let expected: BTreeMap<Vec<String>, i64> = [
        (key(&["050", adult, "open"]), 3),
        (key(&["050", adult, "achieved"]), 2),
        (key(&["050", adult, "dropped"]), 1),
        (key(&["RIX", adult, "open"]), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(cells(&full, &dims, "goals"), expected);
    assert_eq!(full["total"]["goals"], 7);
    let default = app
        .plan_goal_stats(&token(&admin()), &stats_query())
        .ok()
        .await;
    assert_eq!(
        default["dimensions"],
        serde_json::json!(["region", "target_group", "goal_status"])
    );
    let row = default["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["region"] == "KURZEME" && r["goal_status"] == "achieved")
        .expect("Kurzeme's achieved goals");
    assert_eq!(row["goals"], 2);
    assert!(row["goal_status_label"].is_string());

    // The municipality: its own cases only, exact.
    let own = app.plan_goal_stats(&kuldiga(), &by).ok().await;
    assert_eq!(own["total"]["goals"], 6);
    assert!(cells(&own, &dims, "goals").keys().all(|k| k[0] == "050"));

    // The ministry and a region: perturbed, never a small count, the same cell the same.
    let national = app.plan_goal_stats(&token(&ministry()), &by).ok().await;
    assert_eq!(national["disclosure"]["applied"], true);
    for (cell, value) in cells(&national, &dims, "goals") {
        assert!(value == 0 || value >= 5, "{cell:?} published {value}");
    }
    let kurzeme = app
        .plan_goal_stats(&token(&region("KURZEME")), &by)
        .ok()
        .await;
    assert!(
        cells(&kurzeme, &dims, "goals")
            .keys()
            .all(|k| k[0] == "050")
    );
    for (cell, value) in cells(&kurzeme, &dims, "goals") {
        assert_eq!(
            cells(&national, &dims, "goals").get(&cell),
            Some(&value),
            "{cell:?}"
        );
    }
    assert!(
        !national.to_string().contains("Mērķis"),
        "no goal text in an aggregate"
    );

    // Provider staff see no statistics, nor does a caller without a token; a filter it
    // does not apply is a 400.
    let staff = provider(app.new_provider("050", "LM-GOAL-STATS").await);
    let response = app.plan_goal_stats(&token(&staff), &stats_query()).await;
    assert_problem(response, 403, "about:blank").await;
    let response = app.plan_goal_stats("", &stats_query()).anonymous().await;
    assert_problem(response, 401, "about:blank").await;
    let dated = StatsQuery {
        as_of: Some(today().to_string()),
        ..stats_query()
    };
    let response = app.plan_goal_stats(&token(&admin()), &dated).await;
    assert_problem(response, 400, "about:blank").await;
    let filtered = StatsQuery {
        target_group: Some("orphan_or_no_parental_care".into()),
        ..by.clone()
    };
    let none = app.plan_goal_stats(&token(&admin()), &filtered).ok().await;
    assert_eq!(none["total"]["goals"], 0);
}

/// The demo data: goals in every status, progress notes that agree with their goal and
/// its plan, review dates by PLAN-REVIEW, and statistics equal to a recount from the rows.
#[tokio::test]
async fn demo_goals_follow_the_rules_and_the_statistics_recount_them() {
    let app = TestApp::spawn().await;
    let today = today();
    generate(app.db.url(), options(today))
        .await
        .expect("demo data loads");
    let mut conn = db::establish(app.db.url()).expect("connect");
    let conn = &mut conn;

    // Realistic proportions among the current final plans' goals: mostly open, some
    // achieved, fewer dropped.
    let current = "FROM plan_goals g JOIN support_plans p ON p.id = g.plan_id \
                   WHERE p.status = 'final' AND p.replaced_by_id IS NULL";
    let share = |status: &str, conn: &mut _| {
        count(
            conn,
            &format!("SELECT COUNT(*) AS n {current} AND g.status = '{status}'"),
        )
    };
    let (open, achieved, dropped) = (
        share("open", conn),
        share("achieved", conn),
        share("dropped", conn),
    );
    let all = open + achieved + dropped;
    assert!(all >= 50, "{all} goals");
    assert!(
        open > achieved && achieved > dropped && dropped > 0,
        "{open}/{achieved}/{dropped}"
    );
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM plan_goals WHERE status NOT IN ('open', 'achieved', 'dropped')"
        ),
        0
    );

    // A draft's goals are open and have no notes; a goal's last note is its status.
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM plan_goals g JOIN support_plans p ON p.id = g.plan_id \
             WHERE p.status = 'draft' AND (g.status <> 'open' OR EXISTS \
               (SELECT 1 FROM plan_goal_progress n WHERE n.goal_id = g.id))"
        ),
        0
    );
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM plan_goals g WHERE g.status <> COALESCE((SELECT n.status \
             FROM plan_goal_progress n WHERE n.goal_id = g.id ORDER BY n.id DESC LIMIT 1), 'open')"
        ),
        0
    );
    assert!(count(conn, "SELECT COUNT(*) AS n FROM plan_goal_tasks") >= all);
    // PLAN-GOAL-PROGRESS: notes dated from the finalisation to today.
    for r in rows(
        conn,
        "SELECT CAST(n.noted_on AS TEXT) AS a, CAST(p.finalised_at AS TEXT) AS b, \
         NULL AS c, NULL AS d, NULL AS e, NULL AS f FROM plan_goal_progress n \
         JOIN plan_goals g ON g.id = n.goal_id JOIN support_plans p ON p.id = g.plan_id",
    ) {
        let day = |v: &Option<String>| -> NaiveDate {
            v.as_deref()
                .and_then(|s| s.get(..10))
                .and_then(|s| s.parse().ok())
                .expect("date")
        };
        assert!(day(&r.b) <= day(&r.a) && day(&r.a) <= today, "{r:?}");
    }
    // PLAN-REVIEW: every final plan is due at most 12 months after its finalisation, and a
    // flagged one no later than the day flagged; drafts are not due.
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM support_plans WHERE (status = 'final') <> (next_review_due IS NOT NULL)"
        ),
        0
    );
    for r in rows(
        conn,
        "SELECT CAST(finalised_at AS TEXT) AS a, CAST(next_review_due AS TEXT) AS b, \
         CAST(review_flagged_on AS TEXT) AS c, NULL AS d, NULL AS e, NULL AS f \
         FROM support_plans WHERE status = 'final'",
    ) {
        let day = |v: &Option<String>| -> Option<NaiveDate> {
            v.as_deref()
                .and_then(|s| s.get(..10))
                .and_then(|s| s.parse().ok())
        };
        let (finalised, due) = (day(&r.a).expect("finalised"), day(&r.b).expect("due"));
        assert!(due <= plus_months(finalised, 12), "{r:?}");
        if let Some(flagged) = day(&r.c) {
            assert!(due <= flagged && flagged >= finalised, "{r:?}");
        }
    }

    // The statistic, as an administrator, equals the recount from the rows.
    let dims = ["municipality", "target_group", "goal_status"];
    let table = app
        .plan_goal_stats(&token(&admin()), &grouped_by(&dims.join(",")))
        .ok()
        .await;
    let recount: BTreeMap<Vec<String>, i64> = rows(
        conn,
        "SELECT c.municipality AS a, c.target_group AS b, g.status AS c, \
         CAST(COUNT(*) AS TEXT) AS d, NULL AS e, NULL AS f \
         FROM plan_goals g JOIN support_plans p ON p.id = g.plan_id \
         JOIN clients c ON c.id = p.client_id \
         WHERE p.status = 'final' AND p.replaced_by_id IS NULL \
         GROUP BY c.municipality, c.target_group, g.status",
    )
    .into_iter()
    .map(|r| {
        let text = |v: Option<String>| v.expect("a value");
        let n = text(r.d).parse().expect("a count");
        (vec![text(r.a), text(r.b), text(r.c)], n)
    })
    .collect();
    assert_eq!(cells(&table, &dims, "goals"), recount);
    assert_eq!(table["total"]["goals"], all);

    // The due list of a municipality equals its recount too.
    let (code, due): (String, i64) = rows(
        conn,
        &format!(
            "SELECT c.municipality AS a, CAST(COUNT(*) AS TEXT) AS b, NULL AS c, NULL AS d, \
             NULL AS e, NULL AS f FROM support_plans p JOIN clients c ON c.id = p.client_id \
             WHERE p.status = 'final' AND p.replaced_by_id IS NULL \
             AND p.next_review_due <= '{until}' GROUP BY c.municipality \
             ORDER BY COUNT(*) DESC, c.municipality LIMIT 1",
            until = plus_months(today, 12)
        ),
    )
    .into_iter()
    .map(|r| (r.a.expect("code"), r.b.expect("n").parse().expect("n")))
    .next()
    .expect("a municipality with final plans");
    let listed = app
        .list_due_plans(
            &token(&municipality(&code)),
            &plans_due(Some(plus_months(today, 12))),
        )
        .ok()
        .await;
    assert_eq!(listed["total"], due, "{code}");
}
