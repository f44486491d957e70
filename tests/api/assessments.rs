use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, child, ministry, months_from,
    municipality, new_code, region, required_roles, team, today, token,
};

const ADULT: &str = "adult_with_mental_disorder";
const ORPHAN: &str = "orphan_or_no_parental_care";
const CHILD_FI: &str = "child_with_functional_impairment";

/// A client of `group` registered in Kuldīga; its id.
async fn client(app: &TestApp, group: &str, n: u64) -> i64 {
    let body = if group == ADULT {
        adult(&new_code(n), &format!("Klients{n}"))
    } else {
        child(&new_code(n), &format!("Klients{n}"), group)
    };
    app.create_client_id("050", &body).await
}

async fn post(app: &TestApp, client_id: i64, body: &Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/clients/{client_id}/assessments"),
        &token(&municipality("050")),
        body,
    )
    .await
}

async fn assessments_of(app: &TestApp, client_id: i64) -> Vec<Value> {
    app.get_ok(
        &format!("/api/v1/clients/{client_id}/assessments"),
        &token(&municipality("050")),
    )
    .await
    .as_array()
    .expect("array")
    .clone()
}

#[tokio::test]
async fn an_assessment_is_recorded_with_its_team_derivation_and_reassessment_date() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let mut body = assessment_body(ADULT, "2026-03-15", (2, 3, 1));
    body["needed_service_types"] = json!(["group_home"]);
    body["notes"] = json!("Vēlas dzīvot grupu mājā");
    let response = post(&app, id, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let created: Value = response.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/clients/{id}/assessments/{}", created["id"])
    );
    assert_eq!(created["client_id"], id);
    assert_eq!(created["assessed_on"], "2026-03-15");
    assert_eq!(created["organisation_type"], "municipal_social_service");
    assert_eq!(
        created["scores"],
        json!({"health": 2, "self_care": 3, "communication": 1})
    );
    assert_eq!(created["quality_of_life_score"], 60);
    assert_eq!(created["care_level"], "II");
    assert_eq!(created["derivation"]["instrument"], "kopiena-default");
    assert_eq!(created["derivation"]["instrument_version"], 1);
    assert_eq!(created["derivation"]["total"], 6);
    assert_eq!(created["derivation"]["level_by_total"], "II");
    assert!(created["derivation"]["raised_by_domain"].is_null());
    assert_eq!(created["next_reassessment_due"], "2027-03-15");
    assert_eq!(created["needed_service_types"], json!(["group_home"]));
    assert_eq!(created["notes"], "Vēlas dzīvot grupu mājā");
    assert!(created["supersedes_id"].is_null());
    assert!(created["superseded_by_id"].is_null());
    assert_eq!(created["created_by"], "test-municipality");
    let roles: Vec<&str> = created["team"]
        .as_array()
        .expect("team")
        .iter()
        .map(|m| m["role"].as_str().expect("role"))
        .collect();
    assert_eq!(roles, required_roles(ADULT));
    assert_eq!(created["team"][0]["lead"], true);

    let read = app.get_ok(&location, &token(&municipality("050"))).await;
    assert_eq!(read, created);
    let as_admin = app.get_ok(&location, &token(&admin())).await;
    assert_eq!(as_admin, created);
}

#[tokio::test]
async fn an_assessment_cannot_be_dated_in_the_future() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let tomorrow = today().succ_opt().expect("date").to_string();
    let next_year = months_from(today(), 12).to_string();
    for date in [tomorrow, next_year] {
        let response = post(&app, id, &assessment_body(ADULT, &date, (1, 1, 1))).await;
        assert_problem(response, 422, "/problems/assessment-in-future").await;
    }
    assert!(assessments_of(&app, id).await.is_empty());
    let response = post(
        &app,
        id,
        &assessment_body(ADULT, &today().to_string(), (1, 1, 1)),
    )
    .await;
    assert_eq!(response.status(), 201, "today is not the future");
}

#[tokio::test]
async fn only_a_municipal_social_service_or_a_long_term_care_institution_sets_a_care_level() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    for organisation in ["regional_specialist_team", "service_provider"] {
        let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
        body["organisation_type"] = json!(organisation);
        let response = post(&app, id, &body).await;
        let problem = assert_problem(
            response,
            422,
            "/problems/organisation-may-not-set-care-level",
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(organisation)),
            "{problem}"
        );
    }
    let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
    body["organisation_type"] = json!("hospital");
    assert_problem(post(&app, id, &body).await, 422, "/problems/validation").await;
    assert!(assessments_of(&app, id).await.is_empty());
    for organisation in ["long_term_care_institution", "municipal_social_service"] {
        let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
        body["organisation_type"] = json!(organisation);
        let created = app.create_assessment("050", id, &body).await;
        assert_eq!(created["organisation_type"], organisation);
    }
}

/// Every required role is needed: without any one of them, the team is incomplete and the
/// detail names the missing role; the full team (and the full team plus others) is accepted.
async fn check_team_composition(target_group: &str) {
    let app = TestApp::spawn().await;
    let id = client(&app, target_group, 1).await;
    let required = required_roles(target_group);
    for missing in required {
        let roles: Vec<&str> = required.iter().copied().filter(|r| r != missing).collect();
        let mut body = assessment_body(target_group, "2026-05-01", (1, 1, 1));
        body["team"] = team(&roles);
        if *missing == "social_worker" {
            // Someone else leads, so only the composition is at fault.
            body["team"][0]["lead"] = json!(true);
        }
        let response = post(&app, id, &body).await;
        let problem = assert_problem(response, 422, "/problems/assessment-team-incomplete").await;
        let detail = problem["detail"].as_str().expect("detail");
        assert!(
            detail.contains(missing),
            "{target_group} without {missing}: {detail}"
        );
    }
    let mut body = assessment_body(target_group, "2026-05-01", (1, 1, 1));
    body["team"] = team(&[]);
    assert_eq!(post(&app, id, &body).await.status(), 422, "an empty team");
    assert!(assessments_of(&app, id).await.is_empty());

    app.create_assessment(
        "050",
        id,
        &assessment_body(target_group, "2026-05-01", (1, 1, 1)),
    )
    .await;
    let mut with_more: Vec<&str> = required.to_vec();
    with_more.push("psychologist");
    let mut body = assessment_body(target_group, "2026-05-02", (1, 1, 1));
    body["team"] = team(&with_more);
    app.create_assessment("050", id, &body).await;
}

#[tokio::test]
async fn an_orphans_assessment_team_needs_all_seven_specialists() {
    assert_eq!(required_roles(ORPHAN).len(), 7);
    check_team_composition(ORPHAN).await;
}

#[tokio::test]
async fn a_child_with_functional_impairments_team_needs_five_specialists() {
    assert_eq!(required_roles(CHILD_FI).len(), 5);
    check_team_composition(CHILD_FI).await;
    // The child neurologist and the paediatrician are not required for this group.
    assert!(!required_roles(CHILD_FI).contains(&"child_neurologist"));
}

#[tokio::test]
async fn an_adults_team_needs_a_social_worker_a_psychiatrist_and_an_occupational_therapist() {
    assert_eq!(required_roles(ADULT).len(), 3);
    check_team_composition(ADULT).await;
}

#[tokio::test]
async fn the_assessment_team_is_led_by_its_social_worker_and_only_by_them() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let member = |role: &str, lead: bool| json!({"role": role, "lead": lead});
    for members in [
        // Nobody leads.
        vec![
            member("social_worker", false),
            member("psychiatrist", false),
            member("occupational_therapist", false),
        ],
        // The psychiatrist leads.
        vec![
            member("social_worker", false),
            member("psychiatrist", true),
            member("occupational_therapist", false),
        ],
        // Two leads.
        vec![
            member("social_worker", true),
            member("psychiatrist", true),
            member("occupational_therapist", false),
        ],
    ] {
        let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
        body["team"] = Value::Array(members);
        let response = post(&app, id, &body).await;
        assert_problem(response, 422, "/problems/assessment-team-lead").await;
    }
    let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
    body["team"][1] = member("astrologer", false);
    let problem = assert_problem(
        post(&app, id, &body).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("astrologer"))
    );
    assert!(assessments_of(&app, id).await.is_empty());
}

#[tokio::test]
async fn the_default_instrument_derives_the_care_level_at_every_threshold() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    // (scores, total, level by total, raised by a domain at 4, care level)
    type Case<'a> = ((i64, i64, i64), i64, &'a str, Option<&'a str>, &'a str);
    let cases: [Case; 16] = [
        ((0, 0, 0), 0, "I", None, "I"),
        ((1, 0, 0), 1, "I", None, "I"),
        ((1, 1, 1), 3, "I", None, "I"),
        ((2, 1, 1), 4, "II", None, "II"),
        ((2, 2, 1), 5, "II", None, "II"),
        ((2, 2, 2), 6, "II", None, "II"),
        ((3, 2, 2), 7, "III", None, "III"),
        ((3, 3, 2), 8, "III", None, "III"),
        ((3, 3, 3), 9, "III", None, "III"),
        ((4, 3, 3), 10, "IV", None, "IV"),
        ((4, 4, 3), 11, "IV", None, "IV"),
        ((4, 4, 4), 12, "IV", None, "IV"),
        // One domain at 4 raises a lower total to at least III.
        ((4, 0, 0), 4, "II", Some("III"), "III"),
        ((0, 0, 4), 4, "II", Some("III"), "III"),
        ((0, 4, 2), 6, "II", Some("III"), "III"),
        // Already III by total: nothing to raise.
        ((4, 3, 0), 7, "III", None, "III"),
    ];
    for (scores, total, by_total, raised, level) in cases {
        let created = app
            .create_assessment("050", id, &assessment_body(ADULT, "2026-05-01", scores))
            .await;
        let derivation = &created["derivation"];
        assert_eq!(created["care_level"], level, "{scores:?}");
        assert_eq!(derivation["total"], total, "{scores:?}");
        assert_eq!(derivation["level_by_total"], by_total, "{scores:?}");
        assert_eq!(derivation["raised_by_domain"], json!(raised), "{scores:?}");
        assert_eq!(derivation["care_level"], level, "{scores:?}");
        assert_eq!(derivation["instrument"], "kopiena-default");
        assert_eq!(derivation["instrument_version"], 1);
    }
}

#[tokio::test]
async fn scores_outside_the_instrument_ranges_are_422() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    for (scores, quality_of_life, named) in [
        ((5, 0, 0), 50, "health"),
        ((0, -1, 0), 50, "self_care"),
        ((0, 0, 7), 50, "communication"),
        ((0, 0, 0), 101, "quality_of_life"),
        ((0, 0, 0), -1, "quality_of_life"),
    ] {
        let mut body = assessment_body(ADULT, "2026-05-01", scores);
        body["quality_of_life_score"] = json!(quality_of_life);
        let response = post(&app, id, &body).await;
        let problem = assert_problem(response, 422, "/problems/scores-out-of-range").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(named)),
            "{problem}"
        );
    }
    let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
    body["scores"] = json!({"health": 1, "self_care": 1});
    assert_eq!(
        post(&app, id, &body).await.status(),
        422,
        "a domain unscored"
    );
    assert!(assessments_of(&app, id).await.is_empty());
}

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
        let created = app
            .create_assessment("050", id, &assessment_body(ADULT, assessed_on, (1, 1, 1)))
            .await;
        assert_eq!(created["next_reassessment_due"], due, "{assessed_on}");
    }
}

#[tokio::test]
async fn a_new_assessment_supersedes_the_previous_one_and_the_history_is_kept() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let id = client(&app, ADULT, 1).await;
    let other = client(&app, ADULT, 2).await;
    let first = app
        .create_assessment("050", id, &assessment_body(ADULT, "2025-05-01", (1, 1, 1)))
        .await;
    let unrelated = app
        .create_assessment(
            "050",
            other,
            &assessment_body(ADULT, "2025-05-01", (1, 1, 1)),
        )
        .await;
    let second = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-05-01", (3, 3, 3)))
        .await;
    assert_eq!(second["supersedes_id"], first["id"]);
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

    let read_first = app
        .get_ok(
            &format!("/api/v1/clients/{id}/assessments/{}", first["id"]),
            &kuldiga,
        )
        .await;
    assert_eq!(read_first["superseded_by_id"], second["id"]);

    // Another client's current assessment is untouched.
    let read_unrelated = app
        .get_ok(
            &format!("/api/v1/clients/{other}/assessments/{}", unrelated["id"]),
            &kuldiga,
        )
        .await;
    assert!(read_unrelated["superseded_by_id"].is_null());
    // And it is not reachable under this client.
    let response = app
        .get_as(
            &format!("/api/v1/clients/{id}/assessments/{}", unrelated["id"]),
            &kuldiga,
        )
        .await;
    assert_problem(response, 404, "about:blank").await;

    // A correction must name the current assessment.
    let mut correction = assessment_body(ADULT, "2026-05-02", (2, 2, 2));
    correction["corrects"] = first["id"].clone();
    let response = post(&app, id, &correction).await;
    assert_problem(response, 409, "/problems/correction-not-current").await;
    correction["corrects"] = second["id"].clone();
    let third = app.create_assessment("050", id, &correction).await;
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
    app.create_assessment("050", id, &assessment_body(ADULT, "2026-01-10", (1, 1, 1)))
        .await;
    let current = app
        .create_assessment("050", id, &assessment_body(ADULT, "2026-05-01", (1, 1, 1)))
        .await;
    let response = post(&app, id, &assessment_body(ADULT, "2026-04-30", (3, 3, 3))).await;
    let problem = assert_problem(response, 409, "/problems/assessment-out-of-order").await;
    assert_eq!(problem["rule"], "INV-A01");
    assert_eq!(assessments_of(&app, id).await.len(), 2, "nothing recorded");

    // A correction replaces the current assessment: it follows the one before it.
    let mut correction = assessment_body(ADULT, "2026-01-09", (3, 3, 3));
    correction["corrects"] = current["id"].clone();
    let response = post(&app, id, &correction).await;
    assert_problem(response, 409, "/problems/assessment-out-of-order").await;
    correction["assessed_on"] = json!("2026-04-30");
    let corrected = app.create_assessment("050", id, &correction).await;
    assert_eq!(corrected["supersedes_id"], current["id"]);
    assert_eq!(corrected["next_reassessment_due"], "2027-04-30");
}

#[tokio::test]
async fn due_reassessments_list_the_callers_current_assessments_due_or_overdue() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let t = today();
    let on = |months: i32| months_from(t, months).to_string();

    let overdue = client(&app, ADULT, 1).await;
    let due_soon = client(&app, ADULT, 2).await;
    let later = client(&app, ADULT, 3).await;
    let reassessed = client(&app, ADULT, 4).await;
    let _never_assessed = client(&app, ADULT, 5).await;
    let riga = app
        .create_client_id("RIX", &adult(&new_code(6), "Rīdziniece"))
        .await;

    let a_overdue = app
        .create_assessment("050", overdue, &assessment_body(ADULT, &on(-13), (1, 1, 1)))
        .await;
    let a_due_soon = app
        .create_assessment(
            "050",
            due_soon,
            &assessment_body(ADULT, &on(-11), (2, 2, 2)),
        )
        .await;
    let a_later = app
        .create_assessment("050", later, &assessment_body(ADULT, &on(-1), (1, 1, 1)))
        .await;
    let a_old = app
        .create_assessment(
            "050",
            reassessed,
            &assessment_body(ADULT, &on(-24), (1, 1, 1)),
        )
        .await;
    let a_new = app
        .create_assessment(
            "050",
            reassessed,
            &assessment_body(ADULT, &on(-2), (1, 1, 1)),
        )
        .await;
    let a_riga = app
        .create_assessment("RIX", riga, &assessment_body(ADULT, &on(-14), (1, 1, 1)))
        .await;

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
    let soon = app
        .get_ok(
            &format!("/api/v1/assessments/due?before={}", on(2)),
            &kuldiga,
        )
        .await;
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
    let by_today = app.get_ok("/api/v1/assessments/due", &kuldiga).await;
    assert_eq!(due_list(&by_today), [entry(overdue, &a_overdue, true)]);
    // `before` is inclusive.
    let exactly = app
        .get_ok(
            &format!(
                "/api/v1/assessments/due?before={}",
                a_due_soon["next_reassessment_due"].as_str().expect("date")
            ),
            &kuldiga,
        )
        .await;
    assert_eq!(exactly["total"], 2);

    // Far ahead: every current assessment of the caller's clients, never a superseded one.
    let all = app
        .get_ok(
            &format!("/api/v1/assessments/due?before={}", on(24)),
            &kuldiga,
        )
        .await;
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
    let page = app
        .get_ok(
            &format!("/api/v1/assessments/due?before={}&limit=1&offset=1", on(24)),
            &kuldiga,
        )
        .await;
    assert_eq!(due_list(&page), [entry(due_soon, &a_due_soon, false)]);
    assert_eq!(page["total"], 4);

    // Riga sees only its own client; admin sees every municipality's.
    let riga_due = app
        .get_ok(
            &format!("/api/v1/assessments/due?before={}", on(2)),
            &token(&municipality("RIX")),
        )
        .await;
    assert_eq!(due_list(&riga_due), [entry(riga, &a_riga, true)]);
    let everyone = app
        .get_ok(
            &format!("/api/v1/assessments/due?before={}", on(24)),
            &token(&admin()),
        )
        .await;
    assert_eq!(everyone["total"], 5);

    for claims in [ministry(), region("KURZEME")] {
        let response = app.get_as("/api/v1/assessments/due", &token(&claims)).await;
        assert_problem(response, 403, "about:blank").await;
    }
    let response = app
        .get_as("/api/v1/assessments/due?before=soon", &kuldiga)
        .await;
    assert_problem(response, 400, "about:blank").await;
}

#[tokio::test]
async fn the_default_assessment_instrument_is_published_without_a_token() {
    let app = TestApp::spawn().await;
    let list = app.get_json("/api/v1/assessment-instruments").await;
    let default: Vec<&Value> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["is_default"] == true)
        .collect();
    assert_eq!(default.len(), 1, "exactly one default instrument: {list}");
    let instrument = default[0];
    assert_eq!(instrument["code"], "kopiena-default");
    assert_eq!(instrument["version"], 1);
    let mut domains: Vec<(String, Value, Value)> = instrument["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().expect("domain").to_string(),
                d["min_score"].clone(),
                d["max_score"].clone(),
            )
        })
        .collect();
    domains.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        domains,
        [
            ("communication".to_string(), json!(0), json!(4)),
            ("health".to_string(), json!(0), json!(4)),
            ("self_care".to_string(), json!(0), json!(4)),
        ]
    );
    let levels: Vec<(Value, Value)> = instrument["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| (l["care_level"].clone(), l["min_total"].clone()))
        .collect();
    assert_eq!(
        levels,
        [
            (json!("I"), json!(0)),
            (json!("II"), json!(4)),
            (json!("III"), json!(7)),
            (json!("IV"), json!(10)),
        ]
    );
    assert_eq!(instrument["floor_score"], 4);
    assert_eq!(instrument["floor_level"], "III");
    assert_eq!(instrument["quality_of_life_min"], 0);
    assert_eq!(instrument["quality_of_life_max"], 100);

    // Naming it explicitly is the same as the default; an unknown one is 422.
    let id = client(&app, ADULT, 1).await;
    let mut body = assessment_body(ADULT, "2026-05-01", (2, 1, 1));
    body["instrument"] = json!({"code": "kopiena-default", "version": 1});
    let created = app.create_assessment("050", id, &body).await;
    assert_eq!(created["care_level"], "II");
    body["instrument"] = json!({"code": "kopiena-default", "version": 99});
    assert_problem(
        post(&app, id, &body).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
}

#[tokio::test]
async fn needed_service_types_must_be_in_the_catalogue() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let mut body = assessment_body(ADULT, "2026-05-01", (1, 1, 1));
    body["needed_service_types"] = json!(["group_home", "teleportation"]);
    let problem = assert_problem(
        post(&app, id, &body).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("teleportation"))
    );
    assert!(assessments_of(&app, id).await.is_empty());
}

#[tokio::test]
async fn concurrent_assessments_of_one_client_leave_exactly_one_current_assessment() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    app.create_assessment("050", id, &assessment_body(ADULT, "2025-01-10", (1, 1, 1)))
        .await;
    let bodies: Vec<Value> = (0..8)
        .map(|day| assessment_body(ADULT, &format!("2026-02-{:02}", day + 1), (2, 2, 2)))
        .collect();
    let statuses: Vec<u16> =
        futures::future::join_all(bodies.iter().map(|body| post(&app, id, body)))
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    let created = statuses.iter().filter(|s| **s == 201).count();

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
        .get_ok(
            &format!(
                "/api/v1/assessments/due?before={}",
                months_from(today(), 24)
            ),
            &token(&municipality("050")),
        )
        .await;
    assert_eq!(due["total"], 1, "the client is due once: {due}");
}
