//! Reassessment dates, supersession and corrections, and the list of what is due.

use chrono::NaiveDate;
use kopiena::api::assessments::CreateAssessment;
use kopiena::domain::ids::AssessmentId;
use serde_json::{Value, json};

use super::{ADULT, ORPHAN, assessed, assessments_of, client, post, record};
use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, created_or_conflict, date, due, id_of,
    ministry, months_from, municipality, new_code, page, region, today, token,
};

#[tokio::test]
async fn the_reassessment_is_due_twelve_months_after_the_assessment() {
    let app = TestApp::spawn().await;
    for (n, (assessed_on, due)) in [
        ("2025-11-23", "2026-11-23"),
        ("2024-02-29", "2025-02-28"),
        ("2025-01-31", "2026-01-31"),
        ("2025-12-31", "2026-12-31"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = client(&app, ADULT, n as u64).await;
        let created = assessed(&app, id, assessed_on, (1, 1, 1)).await;
        assert_eq!(created["next_reassessment_due"], due, "{assessed_on}");
    }
}

#[tokio::test]
async fn a_new_assessment_supersedes_the_previous_one_and_the_history_is_kept() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let first = assessed(&app, id, "2025-05-01", (1, 1, 1)).await;
    let unrelated = assessed(&app, other, "2025-05-01", (1, 1, 1)).await;
    let second = assessed(&app, id, "2026-05-01", (3, 3, 3)).await;
    let (first_id, second_id) = (id_of(&first), id_of(&second));
    assert_eq!(second["supersedes_id"], first_id);
    assert!(second["superseded_by_id"].is_null());

    let list = assessments_of(&app, id).await;
    let ids: Vec<&Value> = list.iter().map(|a| &a["id"]).collect();
    assert_eq!(
        ids,
        [&second["id"], &first["id"]],
        "newest first, both kept"
    );
    assert_eq!(list[1]["superseded_by_id"], second["id"]);
    assert_eq!(
        list[1]["care_level"], "I",
        "the old assessment is unchanged"
    );
    assert_eq!(list[0], second);

    let read_first = app.get_assessment(&kuldiga, id, first_id).ok().await;
    assert_eq!(read_first["superseded_by_id"], second["id"]);

    // Another client's current assessment is untouched.
    let unrelated = id_of(&unrelated);
    let read_unrelated = app.get_assessment(&kuldiga, other, unrelated).ok().await;
    assert!(read_unrelated["superseded_by_id"].is_null());
    // And it is not reachable under this client.
    let response = app.get_assessment(&kuldiga, id, unrelated).await;
    assert_problem(response, 404, "about:blank").await;

    // A correction must name the current assessment.
    let mut correction = CreateAssessment {
        corrects: Some(AssessmentId(first_id)),
        ..assessment_body(ADULT, date("2026-05-02"), (2, 2, 2))
    };
    let response = post(&app, id, &correction).await;
    assert_problem(response, 409, "/problems/correction-not-current").await;
    correction.corrects = Some(AssessmentId(second_id));
    let third = record(&app, "050", id, &correction).await;
    assert_eq!(third["supersedes_id"], second["id"]);
    let list = assessments_of(&app, id).await;
    assert_eq!(list.len(), 3);
    let superseded: Vec<(Value, Value)> = list
        .iter()
        .map(|a| (a["id"].clone(), a["superseded_by_id"].clone()))
        .collect();
    assert_eq!(
        superseded,
        [
            (third["id"].clone(), Value::Null),
            (second["id"].clone(), third["id"].clone()),
            (first["id"].clone(), second["id"].clone()),
        ]
    );
}

#[tokio::test]
async fn assessments_are_not_dated_before_the_assessment_they_follow() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    assessed(&app, id, "2026-01-10", (1, 1, 1)).await;
    let current = assessed(&app, id, "2026-05-01", (1, 1, 1)).await;
    let response = post(
        &app,
        id,
        &assessment_body(ADULT, date("2026-04-30"), (3, 3, 3)),
    )
    .await;
    let problem = assert_problem(response, 409, "/problems/assessment-out-of-order").await;
    assert_eq!(problem["rule"], "INV-A01");
    assert_eq!(assessments_of(&app, id).await.len(), 2, "nothing recorded");

    // A correction replaces the current assessment: it follows the one before it.
    let mut correction = CreateAssessment {
        corrects: Some(AssessmentId(id_of(&current))),
        ..assessment_body(ADULT, date("2026-01-09"), (3, 3, 3))
    };
    let response = post(&app, id, &correction).await;
    assert_problem(response, 409, "/problems/assessment-out-of-order").await;
    correction.assessed_on = date("2026-04-30");
    let corrected = record(&app, "050", id, &correction).await;
    assert_eq!(corrected["supersedes_id"], current["id"]);
    assert_eq!(corrected["next_reassessment_due"], "2027-04-30");
}

#[tokio::test]
async fn assessments_are_not_dated_before_the_clients_birth() {
    let app = TestApp::spawn().await;
    // A child born 2015-06-01: an assessment the day before is refused, whatever came before.
    let id = client(&app, ORPHAN, 1).await;
    let before_birth = assessment_body(ORPHAN, date("2015-05-31"), (1, 1, 1));
    let response = post(&app, id, &before_birth).await;
    let problem = assert_problem(response, 422, "/problems/assessment-before-birth").await;
    assert_eq!(problem["rule"], "ASSESSMENT-AFTER-BIRTH");
    // The client's birth date is personal data: the detail does not repeat it.
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| !d.contains("2015-06-01") && d.contains("birth date")),
        "{problem}"
    );
    assert!(
        assessments_of(&app, id).await.is_empty(),
        "nothing recorded"
    );
    // On the birth date itself it is recorded, and the history rule still holds after it.
    record(
        &app,
        "050",
        id,
        &assessment_body(ORPHAN, date("2015-06-01"), (1, 1, 1)),
    )
    .await;
    let response = post(&app, id, &before_birth).await;
    assert_problem(response, 422, "/problems/assessment-before-birth").await;
}

#[tokio::test]
async fn due_reassessments_list_the_callers_current_assessments_due_or_overdue() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let t = today();
    let on = |months: i32| months_from(t, months);

    let overdue = client(&app, ADULT, 1).await;
    let due_soon = client(&app, ADULT, 2).await;
    let later = client(&app, ADULT, 3).await;
    let reassessed = client(&app, ADULT, 4).await;
    let _never_assessed = client(&app, ADULT, 5).await;
    let riga = app
        .new_client("RIX", &adult(&new_code(6), "Rīdziniece"))
        .await;

    let at = async |municipality_code: &str, client: i64, months: i32, scores| {
        record(
            &app,
            municipality_code,
            client,
            &assessment_body(ADULT, on(months), scores),
        )
        .await
    };
    let a_overdue = at("050", overdue, -13, (1, 1, 1)).await;
    let a_due_soon = at("050", due_soon, -11, (2, 2, 2)).await;
    let a_later = at("050", later, -1, (1, 1, 1)).await;
    let a_old = at("050", reassessed, -24, (1, 1, 1)).await;
    let a_new = at("050", reassessed, -2, (1, 1, 1)).await;
    let a_riga = at("RIX", riga, -14, (1, 1, 1)).await;

    let due_list = |page: &Value| -> Vec<(Value, Value, Value)> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["client_id"].clone(),
                    i["assessment_id"].clone(),
                    i["overdue"].clone(),
                )
            })
            .collect()
    };
    let entry = |client: i64, assessment: &Value, overdue: bool| {
        (json!(client), assessment["id"].clone(), json!(overdue))
    };

    // Within the next two months: the overdue one first, then the one due soon.
    let due_by = async |token: &str, before: Option<NaiveDate>| {
        app.list_due_assessments(token, &due(before)).ok().await
    };
    let soon = due_by(&kuldiga, Some(on(2))).await;
    assert_eq!(
        due_list(&soon),
        [
            entry(overdue, &a_overdue, true),
            entry(due_soon, &a_due_soon, false)
        ]
    );
    assert_eq!(soon["total"], 2);
    let first = &soon["items"][0];
    assert_eq!(
        first["next_reassessment_due"],
        a_overdue["next_reassessment_due"]
    );
    assert_eq!(first["assessed_on"], a_overdue["assessed_on"]);
    assert_eq!(first["care_level"], "I");
    assert_eq!(first["family_name"], "Klients1");

    // Without `before`: due by today, i.e. only the overdue one.
    let by_today = due_by(&kuldiga, None).await;
    assert_eq!(due_list(&by_today), [entry(overdue, &a_overdue, true)]);
    // `before` is inclusive.
    let due_on = date(a_due_soon["next_reassessment_due"].as_str().expect("date"));
    let exactly = due_by(&kuldiga, Some(due_on)).await;
    assert_eq!(exactly["total"], 2);

    // Far ahead: every current assessment of the caller's clients, never a superseded one.
    let all = due_by(&kuldiga, Some(on(24))).await;
    assert_eq!(
        due_list(&all),
        [
            entry(overdue, &a_overdue, true),
            entry(due_soon, &a_due_soon, false),
            entry(reassessed, &a_new, false),
            entry(later, &a_later, false),
        ]
    );
    assert!(
        !all.to_string()
            .contains(&format!("\"assessment_id\":{}", a_old["id"])),
        "a superseded assessment is never due"
    );
    let second = app
        .list_due_assessments(&kuldiga, &due(Some(on(24))))
        .query(&page(1, 1))
        .ok()
        .await;
    assert_eq!(due_list(&second), [entry(due_soon, &a_due_soon, false)]);
    assert_eq!(second["total"], 4);

    // Riga sees only its own client; admin sees every municipality's.
    let riga_due = due_by(&token(&municipality("RIX")), Some(on(2))).await;
    assert_eq!(due_list(&riga_due), [entry(riga, &a_riga, true)]);
    let everyone = due_by(&token(&admin()), Some(on(24))).await;
    assert_eq!(everyone["total"], 5);

    for claims in [ministry(), region("KURZEME")] {
        let response = app.list_due_assessments(&token(&claims), &due(None)).await;
        assert_problem(response, 403, "about:blank").await;
    }
    // A date that is not one cannot be built as a query struct: sent raw.
    let response = app
        .get_as("/api/v1/assessments/due?before=soon", &kuldiga)
        .await;
    assert_problem(response, 400, "about:blank").await;
}

#[tokio::test]
async fn concurrent_assessments_of_one_client_leave_exactly_one_current_assessment() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    assessed(&app, id, "2025-01-10", (1, 1, 1)).await;
    let bodies: Vec<CreateAssessment> = (0..8)
        .map(|day| assessment_body(ADULT, date(&format!("2026-02-{:02}", day + 1)), (2, 2, 2)))
        .collect();
    let created = created_or_conflict(bodies.iter().map(|body| post(&app, id, body))).await;

    let list = assessments_of(&app, id).await;
    assert_eq!(list.len(), 1 + created);
    let current: Vec<&Value> = list
        .iter()
        .filter(|a| a["superseded_by_id"].is_null())
        .collect();
    assert_eq!(current.len(), 1, "one current assessment: {list:#?}");
    let mut successors: Vec<i64> = list
        .iter()
        .filter_map(|a| a["superseded_by_id"].as_i64())
        .collect();
    successors.sort_unstable();
    successors.dedup();
    assert_eq!(
        successors.len(),
        list.len() - 1,
        "a single chain: {list:#?}"
    );
    let due = app
        .list_due_assessments(
            &token(&municipality("050")),
            &due(Some(months_from(today(), 24))),
        )
        .ok()
        .await;
    assert_eq!(due["total"], 1, "the client is due once: {due}");
}
