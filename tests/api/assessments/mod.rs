//! Needs assessments: recording one, its team, its care level, its history and what is due.

mod care_levels;
mod history;

use kopiena::api::assessments::{CreateAssessment, TeamMemberInput};
use kopiena::domain::assessment::OrganisationType;
use kopiena::domain::client::TargetGroup;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, child, date, id_of, location_of,
    months_from, municipality, new_code, required_roles, team, today, token,
};

pub(super) const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;
pub(super) const ORPHAN: TargetGroup = TargetGroup::OrphanOrNoParentalCare;
pub(super) const CHILD_FI: TargetGroup = TargetGroup::ChildWithFunctionalImpairment;

/// A client of `group` registered in Kuldīga; its id.
pub(super) async fn client(app: &TestApp, group: TargetGroup, n: u64) -> i64 {
    let body = if group == ADULT {
        adult(&new_code(n), &format!("Klients{n}"))
    } else {
        child(&new_code(n), &format!("Klients{n}"), group)
    };
    app.new_client("050", &body).await
}

pub(super) async fn post(
    app: &TestApp,
    client_id: i64,
    body: &CreateAssessment,
) -> reqwest::Response {
    app.create_assessment(&token(&municipality("050")), client_id, body)
        .await
}

/// Records `body` as `municipality_code`, expecting 201; the assessment.
pub(super) async fn record(
    app: &TestApp,
    municipality_code: &str,
    client_id: i64,
    body: &CreateAssessment,
) -> Value {
    app.create_assessment(&token(&municipality(municipality_code)), client_id, body)
        .created()
        .await
}

pub(super) async fn assessments_of(app: &TestApp, client_id: i64) -> Vec<Value> {
    app.list_assessments(&token(&municipality("050")), client_id)
        .ok()
        .await
        .as_array()
        .expect("array")
        .clone()
}

/// An assessment body as JSON, for the tests whose point is a value the DTO cannot hold.
pub(super) fn as_json(body: &CreateAssessment) -> Value {
    serde_json::to_value(body).expect("JSON")
}

/// Posts a JSON assessment body as Kuldīga.
pub(super) async fn post_json(app: &TestApp, client_id: i64, body: &Value) -> reqwest::Response {
    app.post_as(
        &format!("/api/v1/clients/{client_id}/assessments"),
        &token(&municipality("050")),
        body,
    )
    .await
}

/// Records an adult's assessment of `on` by Kuldīga, expecting 201; the assessment.
pub(super) async fn assessed(
    app: &TestApp,
    client_id: i64,
    on: &str,
    scores: (i32, i32, i32),
) -> Value {
    record(
        app,
        "050",
        client_id,
        &assessment_body(ADULT, date(on), scores),
    )
    .await
}

/// Posting `body` is refused as naming an unknown `reference`, and nothing is recorded.
pub(super) async fn refused_as_unknown(
    app: &TestApp,
    id: i64,
    body: &CreateAssessment,
    reference: &str,
) {
    let problem = assert_problem(
        post(app, id, body).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains(reference)),
        "{problem}"
    );
    assert!(assessments_of(app, id).await.is_empty());
}

/// A team member without a name.
pub(super) fn member(role: &str, lead: bool) -> TeamMemberInput {
    TeamMemberInput {
        role: role.into(),
        name: None,
        lead,
    }
}

#[tokio::test]
async fn an_assessment_is_recorded_with_its_team_derivation_and_reassessment_date() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let body = CreateAssessment {
        needed_service_types: vec!["group_home".into()],
        notes: Some("Vēlas dzīvot grupu mājā".into()),
        ..assessment_body(ADULT, date("2026-03-15"), (2, 3, 1))
    };
    let response = post(&app, id, &body).await;
    assert_eq!(response.status(), 201);
    let location = location_of(&response);
    let created: Value = response.json().await.expect("json");
    let assessment_id = id_of(&created);
    assert_eq!(
        location,
        format!("/api/v1/clients/{id}/assessments/{assessment_id}")
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

    let read = app
        .get_assessment(&token(&municipality("050")), id, assessment_id)
        .ok()
        .await;
    assert_eq!(read, created);
    let as_admin = app
        .get_assessment(&token(&admin()), id, assessment_id)
        .ok()
        .await;
    assert_eq!(as_admin, created);
}

#[tokio::test]
async fn an_assessment_cannot_be_dated_in_the_future() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let tomorrow = today().succ_opt().expect("date");
    let next_year = months_from(today(), 12);
    for day in [tomorrow, next_year] {
        let response = post(&app, id, &assessment_body(ADULT, day, (1, 1, 1))).await;
        assert_problem(response, 422, "/problems/assessment-in-future").await;
    }
    assert!(assessments_of(&app, id).await.is_empty());
    let response = post(&app, id, &assessment_body(ADULT, today(), (1, 1, 1))).await;
    assert_eq!(response.status(), 201, "today is not the future");
}

#[tokio::test]
async fn only_a_municipal_social_service_or_a_long_term_care_institution_sets_a_care_level() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let by = |organisation_type: OrganisationType| CreateAssessment {
        organisation_type,
        ..assessment_body(ADULT, date("2026-05-01"), (1, 1, 1))
    };
    for organisation in [
        OrganisationType::RegionalSpecialistTeam,
        OrganisationType::ServiceProvider,
    ] {
        let response = post(&app, id, &by(organisation)).await;
        let problem = assert_problem(
            response,
            422,
            "/problems/organisation-may-not-set-care-level",
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(organisation.as_str())),
            "{problem}"
        );
    }
    // An organisation type outside the enumeration cannot be built as a DTO: sent as JSON.
    let mut hospital = as_json(&assessment_body(ADULT, date("2026-05-01"), (1, 1, 1)));
    hospital["organisation_type"] = json!("hospital");
    assert_problem(
        post_json(&app, id, &hospital).await,
        422,
        "/problems/validation",
    )
    .await;
    assert!(assessments_of(&app, id).await.is_empty());
    for organisation in [
        OrganisationType::LongTermCareInstitution,
        OrganisationType::MunicipalSocialService,
    ] {
        let created = record(&app, "050", id, &by(organisation)).await;
        assert_eq!(created["organisation_type"], organisation.as_str());
    }
}

/// Every required role is needed: without any one of them, the team is incomplete and the
/// detail names the missing role; the full team (and the full team plus others) is accepted.
async fn check_team_composition(target_group: TargetGroup) {
    let app = TestApp::spawn().await;
    let id = client(&app, target_group, 1).await;
    let required = required_roles(target_group);
    for missing in required {
        let roles: Vec<&str> = required.iter().copied().filter(|r| r != missing).collect();
        let mut body = CreateAssessment {
            team: team(&roles),
            ..assessment_body(target_group, date("2026-05-01"), (1, 1, 1))
        };
        if *missing == "social_worker" {
            // Someone else leads, so only the composition is at fault.
            body.team[0].lead = true;
        }
        let response = post(&app, id, &body).await;
        let problem = assert_problem(response, 422, "/problems/assessment-team-incomplete").await;
        let detail = problem["detail"].as_str().expect("detail");
        assert!(
            detail.contains(missing),
            "{target_group:?} without {missing}: {detail}"
        );
    }
    let nobody = CreateAssessment {
        team: team(&[]),
        ..assessment_body(target_group, date("2026-05-01"), (1, 1, 1))
    };
    assert_eq!(post(&app, id, &nobody).await.status(), 422, "an empty team");
    assert!(assessments_of(&app, id).await.is_empty());

    record(
        &app,
        "050",
        id,
        &assessment_body(target_group, date("2026-05-01"), (1, 1, 1)),
    )
    .await;
    let mut with_more: Vec<&str> = required.to_vec();
    with_more.push("psychologist");
    let larger = CreateAssessment {
        team: team(&with_more),
        ..assessment_body(target_group, date("2026-05-02"), (1, 1, 1))
    };
    record(&app, "050", id, &larger).await;
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
        let body = CreateAssessment {
            team: members,
            ..assessment_body(ADULT, date("2026-05-01"), (1, 1, 1))
        };
        let response = post(&app, id, &body).await;
        assert_problem(response, 422, "/problems/assessment-team-lead").await;
    }
    let mut body = assessment_body(ADULT, date("2026-05-01"), (1, 1, 1));
    body.team[1] = member("astrologer", false);
    refused_as_unknown(&app, id, &body, "astrologer").await;
}
