//! Plans that are followed up (issue 15, point 5): goals set with a draft plan, their
//! progress on the current final plan without a new version (PLAN-GOAL-PROGRESS,
//! PLAN-GOAL-STATUS), the review date (PLAN-REVIEW) and its flag on a change of care level
//! (PLAN-REVIEW-CARE-LEVEL), the owner's due list, and `/stats/plan-goals`.

mod stats;

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate};
use kopiena::api::support_plans::{CreateSupportPlan, SectionsQuery, UpdateSupportPlan};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::plan_goal::GoalStatus;
use kopiena::domain::support_plan::PlanStatus;
use serde_json::Value;

use crate::helpers::{
    TestApp, adult, assert_problem, assessment_body, etag_of, goal, id_of, municipality, new_code,
    page, plan_body, plan_update, plans_due, progress, today, token,
};

const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;

fn kuldiga() -> String {
    token(&municipality("050"))
}

/// Every section of the adult plan filled in.
async fn all_sections(app: &TestApp) -> BTreeMap<String, String> {
    let listed = app
        .list_plan_sections(&SectionsQuery {
            target_group: ADULT,
        })
        .ok()
        .await;
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            let code = s["code"].as_str().expect("code").to_string();
            (code.clone(), format!("Saturs: {code}"))
        })
        .collect()
}

/// A complete adult plan with `goals`, in `status`.
async fn complete_plan(
    app: &TestApp,
    goals: &[&str],
    status: Option<PlanStatus>,
) -> CreateSupportPlan {
    let target = plus_months(today(), 6);
    CreateSupportPlan {
        opinion: Some("Mana izvēle".into()),
        goals: goals.iter().map(|g| goal(g, target)).collect(),
        ..plan_body(all_sections(app).await, status)
    }
}

fn plus_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).expect("date")
}

fn days(day: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        day.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(n.unsigned_abs()))
    }
    .expect("date")
}

/// A client of `municipality_code` (`n` makes the personal code).
async fn client(app: &TestApp, municipality_code: &str, n: u64) -> i64 {
    app.new_client(
        municipality_code,
        &adult(&new_code(n), &format!("Klients{n}")),
    )
    .await
}

/// The goal ids of a plan representation, in order.
fn goal_ids(plan: &Value) -> Vec<i64> {
    plan["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .map(id_of)
        .collect()
}

#[tokio::test]
async fn goals_are_set_with_a_draft_and_progress_on_the_final_plan_keeps_the_version() {
    let app = TestApp::spawn().await;
    let t = kuldiga();
    let id = client(&app, "050", 1).await;
    let body = complete_plan(&app, &["Darbs", "Mājoklis"], None).await;
    let response = app.create_support_plan(&t, id, &body).await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    let draft: Value = response.json().await.expect("json");
    let pid = id_of(&draft);
    assert_eq!(draft["goals"].as_array().map(Vec::len), Some(2));
    assert_eq!(draft["goals"][0]["text"], "Darbs");
    assert_eq!(draft["goals"][0]["status"], "open");
    assert_eq!(draft["goals"][0]["tasks"][0], "Pirmais solis: Darbs");
    assert_eq!(draft["goals"][1]["progress"], serde_json::json!([]));
    assert!(draft["next_review_due"].is_null(), "a draft is not due");

    // A draft's goals are edited with the plan (replaced as a whole); progress waits for
    // the final plan.
    let first = goal_ids(&draft)[0];
    let response = app
        .record_goal_progress(&t, (id, pid, first), &progress(GoalStatus::Achieved, None))
        .await;
    assert_problem(response, 409, "/problems/support-plan-not-current").await;
    let target = plus_months(today(), 3);
    let three = UpdateSupportPlan {
        goals: Some(vec![
            goal("Darbs", target),
            goal("Mājoklis", target),
            goal("Draugi", target),
        ]),
        ..plan_update()
    };
    let response = app
        .update_support_plan(&t, id, pid, &three)
        .if_match(&etag)
        .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    let edited: Value = response.json().await.expect("json");
    assert_eq!(edited["goals"][2]["text"], "Draugi");
    assert_eq!(edited["goals"][2]["target_date"], target.to_string());

    // Finalised: due for review twelve months on (PLAN-REVIEW, the default).
    let finalise = UpdateSupportPlan {
        status: Some(PlanStatus::Final),
        ..plan_update()
    };
    let response = app
        .update_support_plan(&t, id, pid, &finalise)
        .if_match(&etag)
        .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    let plan: Value = response.json().await.expect("json");
    assert_eq!(
        plan["next_review_due"],
        plus_months(today(), 12).to_string()
    );
    assert!(plan["review_flag"].is_null());
    let goals = goal_ids(&plan);

    // Progress on the final plan: no new version, a new ETag, the note listed.
    let response = app
        .record_goal_progress(
            &t,
            (id, pid, goals[0]),
            &progress(GoalStatus::Achieved, None),
        )
        .await;
    assert_eq!(response.status(), 200);
    let after_etag = etag_of(&response);
    assert_ne!(after_etag, etag, "the plan changed: its ETag moves on");
    let after: Value = response.json().await.expect("json");
    assert_eq!(after["plan_version"], 1);
    assert_eq!(after["goals"][0]["status"], "achieved");
    assert_eq!(after["goals"][0]["progress"][0]["status"], "achieved");
    assert_eq!(after["goals"][0]["progress"][0]["note"], "Progress noted");
    assert_eq!(
        after["goals"][0]["progress"][0]["noted_on"],
        today().to_string()
    );
    assert_eq!(after["goals"][1]["status"], "open");
    let listed = app.list_support_plans(&t, id).ok().await;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "still one version"
    );
    assert_eq!(listed[0]["goals"][0]["status"], "achieved");

    // PLAN-GOAL-STATUS: an achieved goal does not become dropped; it reopens.
    let response = app
        .record_goal_progress(
            &t,
            (id, pid, goals[0]),
            &progress(GoalStatus::Dropped, None),
        )
        .await;
    assert_problem(response, 409, "/problems/goal-status-change").await;
    let reopened = app
        .record_goal_progress(&t, (id, pid, goals[0]), &progress(GoalStatus::Open, None))
        .ok()
        .await;
    assert_eq!(reopened["goals"][0]["status"], "open");
    assert_eq!(
        reopened["goals"][0]["progress"].as_array().map(Vec::len),
        Some(2)
    );

    // PLAN-GOAL-PROGRESS: dated from the finalisation to today.
    for noted_on in [days(today(), -1), days(today(), 1)] {
        let response = app
            .record_goal_progress(
                &t,
                (id, pid, goals[1]),
                &progress(GoalStatus::Dropped, Some(noted_on)),
            )
            .await;
        assert_problem(response, 422, "/problems/goal-progress-date").await;
    }
    // A blank note, or a goal that is not the plan's: refused.
    let blank = kopiena::api::plan_goals::RecordGoalProgress {
        note: "  ".into(),
        ..progress(GoalStatus::Dropped, None)
    };
    let response = app
        .record_goal_progress(&t, (id, pid, goals[1]), &blank)
        .await;
    assert_problem(response, 422, "/problems/validation").await;
    let response = app
        .record_goal_progress(
            &t,
            (id, pid, goals[2] + 1000),
            &progress(GoalStatus::Open, None),
        )
        .await;
    assert_problem(response, 404, "about:blank").await;

    // The final plan's goals are not edited with the plan.
    let response = app
        .update_support_plan(&t, id, pid, &three)
        .if_match(&reopened_etag(&app, id, pid).await)
        .await;
    assert_problem(response, 409, "/problems/support-plan-final").await;

    // A new final version replaces the plan: its goals are history.
    let next = complete_plan(&app, &["Jauns mērķis"], Some(PlanStatus::Final)).await;
    let v2 = app.create_support_plan(&t, id, &next).created().await;
    assert_eq!(v2["goals"][0]["status"], "open");
    let response = app
        .record_goal_progress(
            &t,
            (id, pid, goals[1]),
            &progress(GoalStatus::Dropped, None),
        )
        .await;
    assert_problem(response, 409, "/problems/support-plan-not-current").await;
    // A goal of another plan is not this plan's.
    let response = app
        .record_goal_progress(
            &t,
            (id, id_of(&v2), goals[1]),
            &progress(GoalStatus::Open, None),
        )
        .await;
    assert_problem(response, 404, "about:blank").await;

    // Each update is in the client's access log, as its own action, and on the change feed.
    let log = app.audit_of_client(id).await;
    let recorded = |outcome: &str| {
        log.iter()
            .filter(|r| r["action"] == "support_plan.goal_progress" && r["outcome"] == outcome)
            .count()
    };
    assert_eq!(recorded("allowed"), 2);
    assert!(recorded("not_found") >= 2, "{log:#?}");
    let feed = app
        .get_as("/api/v1/changes", &t)
        .query(&[("limit", "100")])
        .ok()
        .await;
    let plan_updates = feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|c| c["type"] == "support_plan" && c["id"] == pid)
        .count();
    assert!(
        plan_updates >= 4,
        "created, edited, finalised, two progress: {feed:#}"
    );
}

/// The current ETag of a plan.
async fn reopened_etag(app: &TestApp, client_id: i64, plan_id: i64) -> String {
    etag_of(&app.get_support_plan(&kuldiga(), client_id, plan_id).await)
}

#[tokio::test]
async fn invalid_goals_are_a_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let id = client(&app, "050", 2).await;
    let target = plus_months(today(), 2);
    let mut blank_text = complete_plan(&app, &[], None).await;
    blank_text.goals = vec![goal(" ", target)];
    let mut blank_task = complete_plan(&app, &[], None).await;
    let mut with_blank_task = goal("Darbs", target);
    with_blank_task.tasks = vec!["Labi".into(), "".into()];
    blank_task.goals = vec![with_blank_task];
    let mut too_many = complete_plan(&app, &[], None).await;
    too_many.goals = (0..31).map(|i| goal(&format!("G{i}"), target)).collect();
    for (body, field) in [
        (blank_text, "/goals/0/text"),
        (blank_task, "/goals/0/tasks/1"),
        (too_many, "goals"),
    ] {
        let response = app.create_support_plan(&kuldiga(), id, &body).await;
        let problem = assert_problem(response, 422, "/problems/validation").await;
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }
    let plans = app.list_support_plans(&kuldiga(), id).ok().await;
    assert_eq!(plans, serde_json::json!([]), "nothing was created");
}

#[tokio::test]
async fn a_care_level_change_flags_the_current_final_plan_and_a_new_version_clears_it() {
    let app = TestApp::spawn().await;
    let t = kuldiga();
    let id = client(&app, "050", 3).await;
    let assess = |on: NaiveDate, scores| {
        app.create_assessment(&t, id, &assessment_body(ADULT, on, scores))
            .created_id()
    };
    assess(days(today(), -30), (1, 1, 1)).await;
    let body = complete_plan(&app, &["Darbs"], Some(PlanStatus::Final)).await;
    let plan = app.create_support_plan(&t, id, &body).created().await;
    let pid = id_of(&plan);
    let due_on = plus_months(today(), 12);
    assert_eq!(plan["next_review_due"], due_on.to_string());

    // The same level again: nothing flagged.
    assess(days(today(), -10), (1, 1, 1)).await;
    let unchanged = app.get_support_plan(&t, id, pid).ok().await;
    assert!(unchanged["review_flag"].is_null());
    assert_eq!(unchanged["next_review_due"], due_on.to_string());
    let due = app.list_due_plans(&t, &plans_due(None)).ok().await;
    assert_eq!(due["total"], 0, "due in a year, not within the month");

    // Level I → IV: the plan is due today, flagged by that assessment.
    let etag = reopened_etag(&app, id, pid).await;
    let changed = assess(today(), (4, 4, 4)).await;
    let response = app.get_support_plan(&t, id, pid).await;
    assert_ne!(etag_of(&response), etag);
    let flagged: Value = response.json().await.expect("json");
    assert_eq!(flagged["review_flag"]["assessment_id"], changed);
    assert_eq!(flagged["review_flag"]["flagged_on"], today().to_string());
    assert_eq!(flagged["next_review_due"], today().to_string());
    assert_eq!(flagged["plan_version"], 1);
    let due = app.list_due_plans(&t, &plans_due(None)).ok().await;
    assert_eq!(due["total"], 1);
    let item = &due["items"][0];
    assert_eq!(item["plan_id"], pid);
    assert_eq!(item["client_id"], id);
    assert_eq!(item["review_flag"]["assessment_id"], changed);
    assert_eq!(item["overdue"], false);
    assert_eq!(item["open_goals"], 1);

    // A new final version replaces the flagged plan, and with it the flag.
    let v2 = app.create_support_plan(&t, id, &body).created().await;
    assert!(v2["review_flag"].is_null());
    assert_eq!(v2["next_review_due"], due_on.to_string());
    let due = app.list_due_plans(&t, &plans_due(None)).ok().await;
    assert_eq!(due["total"], 0);
    let old = app.get_support_plan(&t, id, pid).ok().await;
    assert_eq!(old["replaced_by_id"], id_of(&v2));
}

#[tokio::test]
async fn the_due_list_is_the_owners_current_final_plans_due_by_the_date() {
    let app = TestApp::spawn().await;
    let t = kuldiga();
    let riga = token(&municipality("RIX"));
    let body = complete_plan(&app, &["Darbs", "Draugi"], Some(PlanStatus::Final)).await;
    let draft = complete_plan(&app, &["Darbs"], None).await;
    let mut finals = Vec::new();
    for n in 10..13 {
        let id = client(&app, "050", n).await;
        let plan = app.create_support_plan(&t, id, &body).created().await;
        finals.push((id, id_of(&plan)));
    }
    let drafted = client(&app, "050", 13).await;
    app.create_support_plan(&t, drafted, &draft).created().await;
    let elsewhere = client(&app, "RIX", 14).await;
    let theirs = app
        .create_support_plan(&riga, elsewhere, &body)
        .created()
        .await;

    let due_on = plus_months(today(), 12);
    let listed = app.list_due_plans(&t, &plans_due(Some(due_on))).ok().await;
    assert_eq!(listed["total"], 3, "{listed:#}");
    let plans: Vec<i64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["plan_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(plans, finals.iter().map(|f| f.1).collect::<Vec<_>>());
    let first = &listed["items"][0];
    assert_eq!(first["given_name"], "Anna");
    assert_eq!(first["next_review_due"], due_on.to_string());
    assert_eq!(first["open_goals"], 2);
    assert!(first["review_flag"].is_null());
    // A day earlier: none due yet; the default looks 30 days ahead.
    let none = app
        .list_due_plans(&t, &plans_due(Some(days(due_on, -1))))
        .ok()
        .await;
    assert_eq!(none["total"], 0);
    assert_eq!(
        app.list_due_plans(&t, &plans_due(None)).ok().await["total"],
        0
    );
    // Paged like other lists.
    let second = app
        .list_due_plans(&t, &plans_due(Some(due_on)))
        .query(&page(1, 1))
        .ok()
        .await;
    assert_eq!(second["total"], 3);
    assert_eq!(second["items"][0]["plan_id"], finals[1].1);
    let response = app
        .list_due_plans(&t, &plans_due(None))
        .query(&page(0, 0))
        .await;
    assert_problem(response, 400, "about:blank").await;

    // Rīga sees its own only.
    let own = app
        .list_due_plans(&riga, &plans_due(Some(due_on)))
        .ok()
        .await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["plan_id"], id_of(&theirs));

    // The read is audited once per client listed.
    for (client_id, _) in &finals {
        let log = app.audit_of_client(*client_id).await;
        assert!(
            log.iter().any(|r| r["action"] == "support_plan.due.list"
                && r["outcome"] == "allowed"
                && r["actor_municipality"] == "050"),
            "{log:#?}"
        );
    }
    assert!(
        !app.audit_of_client(elsewhere)
            .await
            .iter()
            .any(|r| r["action"] == "support_plan.due.list" && r["actor_municipality"] == "050")
    );
}

#[tokio::test]
async fn the_review_period_is_configurable() {
    let app =
        TestApp::spawn_with(|key| (key == "KOPIENA_PLAN_REVIEW_MONTHS").then(|| "6".to_string()))
            .await;
    let id = client(&app, "050", 20).await;
    let body = complete_plan(&app, &["Darbs"], Some(PlanStatus::Final)).await;
    let plan = app
        .create_support_plan(&kuldiga(), id, &body)
        .created()
        .await;
    assert_eq!(plan["next_review_due"], plus_months(today(), 6).to_string());
}
