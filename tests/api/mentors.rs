use chrono::NaiveDate;
use kopiena::api::clients::CreateClient;
use kopiena::api::mentors::{CreateMentor, Employer, ListMentorsQuery, UpdateMentor};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::mentor::{ContractType, EmployerKind};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, assignment, client_body, date, ending, id_of, mentor_body,
    mentor_update, mentors_query, ministry, municipality, page, region, today, token, training,
};

/// Registers a client in `municipality` with a synthetic new-format personal code.
pub async fn client(
    app: &TestApp,
    municipality_code: &str,
    n: u64,
    group: TargetGroup,
    birth_date: NaiveDate,
) -> i64 {
    let code = kopiena::domain::personal_code::synthetic_new(n);
    let body = CreateClient {
        given_name: format!("Klients{n}"),
        vsac_consent: None,
        ..client_body(code.as_str(), "Testa", birth_date, group)
    };
    app.new_client(municipality_code, &body).await
}

pub async fn adult(app: &TestApp, municipality_code: &str, n: u64) -> i64 {
    client(
        app,
        municipality_code,
        n,
        TargetGroup::AdultWithMentalDisorder,
        date("1980-05-05"),
    )
    .await
}

/// Creates a mentor employed by `municipality_code`, with the given training hours.
pub async fn mentor(app: &TestApp, municipality_code: &str, trainings: &[(&str, i32)]) -> i64 {
    let t = token(&municipality(municipality_code));
    let id = app
        .create_mentor(&t, &mentor_body("Anna", "Ozola", ContractType::Services))
        .created_id()
        .await;
    for (programme, hours) in trainings {
        app.add_training(&t, id, &training(programme, *hours, date("2026-01-10")))
            .created()
            .await;
    }
    id
}

pub const FULL_TRAINING: [(&str, i32); 4] = [
    ("life_skills", 48),
    ("support_plan_development", 24),
    ("work_with_disabilities", 24),
    ("client_needs_work", 64),
];

async fn assign(app: &TestApp, mentor_id: i64, client_id: i64) -> reqwest::Response {
    app.create_assignment(
        &token(&municipality("050")),
        mentor_id,
        &assignment(client_id, None),
    )
    .await
}

#[tokio::test]
async fn a_mentor_shows_eligibility_and_what_is_missing() {
    let app = TestApp::spawn().await;
    let mut short = FULL_TRAINING.to_vec();
    short[0] = ("life_skills", 47);
    let id = mentor(&app, "050", &short).await;
    let body = app.get_mentor(&token(&municipality("050")), id).ok().await;
    assert_eq!(body["eligible"], false);
    assert_eq!(
        body["missing_trainings"],
        json!([{"programme": "life_skills", "required_hours": 48, "completed_hours": 47}])
    );
    assert_eq!(
        body["employer"],
        json!({"kind": "municipality", "code": "050"})
    );
    assert_eq!(body["region"], "KURZEME");
    assert_eq!(body["free_places"], 5);

    // 47 hours of life skills is not enough to be assigned.
    let client = adult(&app, "050", 1).await;
    let response = assign(&app, id, client).await;
    let problem = assert_problem(response, 409, "/problems/mentor-not-eligible").await;
    assert_eq!(problem["rule"], "INV-M04");

    // One more hour makes the mentor eligible.
    app.add_training(
        &token(&municipality("050")),
        id,
        &training("life_skills", 1, date("2026-02-01")),
    )
    .await;
    assert_eq!(assign(&app, id, client).await.status(), 201);
}

#[tokio::test]
async fn a_recorded_training_is_located_and_read_where_its_mentor_is() {
    let app = TestApp::spawn().await;
    let id = mentor(&app, "050", &[]).await;
    let employer = token(&municipality("050"));
    let response = app
        .add_training(
            &employer,
            id,
            &training("life_skills", 12, date("2026-03-02")),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .expect("text")
        .to_string();
    let mentor_body: serde_json::Value = response.json().await.expect("JSON");
    let recorded = &mentor_body["trainings"][0];
    assert_eq!(
        location,
        format!("/api/v1/mentors/{id}/trainings/{}", recorded["id"])
    );
    let read = app.get_as(&location, &employer).ok().await;
    assert_eq!(&read, recorded);
    assert_eq!(
        read,
        json!({"id": recorded["id"], "programme": "life_skills", "hours": 12, "completed_on": "2026-03-02"})
    );
    // Outside the mentor's area the training is not there; nor is another mentor's.
    let elsewhere = app.get_as(&location, &token(&municipality("LPX"))).await;
    assert_problem(elsewhere, 404, "about:blank").await;
    let other = mentor(&app, "050", &[]).await;
    let wrong = format!("/api/v1/mentors/{other}/trainings/{}", recorded["id"]);
    assert_problem(app.get_as(&wrong, &employer).await, 404, "about:blank").await;
}

#[tokio::test]
async fn mentors_are_managed_by_their_employer_and_read_in_their_area() {
    let app = TestApp::spawn().await;
    let id = mentor(&app, "050", &[]).await;
    // Another municipality of the same region reads it? No: municipalities see their own and
    // their region's mentors.
    let other = app.get_mentor(&token(&municipality("LPX")), id).await;
    assert_problem(other, 404, "about:blank").await;
    let by_region = app.get_mentor(&token(&region("KURZEME")), id).await;
    assert_eq!(by_region.status(), 200);
    let other_region = app.get_mentor(&token(&region("RIGA")), id).await;
    assert_problem(other_region, 404, "about:blank").await;
    let ministry = app.get_mentor(&token(&ministry()), id).await;
    assert_problem(ministry, 403, "about:blank").await;

    let phone = UpdateMentor {
        phone: Some("+371 20000000".into()),
        ..mentor_update()
    };
    let response = app
        .update_mentor(&token(&region("KURZEME")), id, &phone)
        .await;
    assert_problem(response, 403, "about:blank").await;
    let employed = UpdateMentor {
        contract_type: Some(ContractType::Employment),
        ..mentor_update()
    };
    let response = app
        .update_mentor(&token(&municipality("050")), id, &employed)
        .await;
    assert_eq!(
        response.json::<Value>().await.expect("json")["contract_type"],
        "employment"
    );

    // A region employs its own mentors, which its municipalities can see.
    let regional = app
        .create_mentor(
            &token(&region("KURZEME")),
            &mentor_body("Jānis", "Kalns", ContractType::Employment),
        )
        .created()
        .await;
    assert_eq!(
        regional["employer"],
        json!({"kind": "region", "code": "KURZEME"})
    );
    let listed = app
        .list_mentors(&token(&municipality("050")), &mentors_query())
        .ok()
        .await;
    assert_eq!(listed["total"], 2);
    // A contract type outside the enumeration cannot be built as a DTO: sent as JSON.
    let mut gig =
        serde_json::to_value(mentor_body("X", "Y", ContractType::Services)).expect("JSON");
    gig["contract_type"] = json!("gig");
    let response = app
        .post_as("/api/v1/mentors", &token(&municipality("050")), &gig)
        .await;
    assert_eq!(
        response.status(),
        422,
        "contract type is employment or services (INV-M05)"
    );
}

#[tokio::test]
async fn a_mentor_is_employed_only_by_a_municipality_that_exists_today() {
    let app = TestApp::spawn().await;
    let employed_by = |code: &str| CreateMentor {
        employer: Some(Employer {
            kind: EmployerKind::Municipality,
            code: code.into(),
        }),
        ..mentor_body("Ilze", "Ozola", ContractType::Employment)
    };
    // Varakļāni (102) was dissolved on 2025-06-30: no one, an admin included, employs a
    // mentor there today.
    let response = app
        .create_mentor(&token(&admin()), &employed_by("102"))
        .await;
    let problem = assert_problem(response, 422, "/problems/municipality-not-valid").await;
    assert_eq!(problem["rule"], "REF-MUNICIPALITY-VALIDITY");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("102") && d.contains(&today().to_string())),
        "{problem}"
    );
    let response = app
        .create_mentor(&token(&admin()), &employed_by("ZZZ"))
        .await;
    assert_problem(response, 422, "/problems/unknown-reference").await;
    app.create_mentor(&token(&admin()), &employed_by("050"))
        .created()
        .await;
    let listed = app
        .list_mentors(&token(&admin()), &mentors_query())
        .ok()
        .await;
    assert_eq!(
        listed["total"], 1,
        "only the mentor of a valid municipality"
    );
}

#[tokio::test]
async fn a_sixth_client_is_refused_and_ending_an_assignment_frees_the_place_at_once() {
    let app = TestApp::spawn().await;
    let m = mentor(&app, "050", &FULL_TRAINING).await;
    let mut clients = Vec::new();
    for n in 0..7 {
        clients.push(adult(&app, "050", n).await);
    }
    let mut assignments = Vec::new();
    for c in &clients[..5] {
        let response = assign(&app, m, *c).await;
        assert_eq!(response.status(), 201);
        assignments.push(id_of(&response.json::<Value>().await.expect("json")));
    }
    let problem = assert_problem(
        assign(&app, m, clients[5]).await,
        409,
        "/problems/mentor-capacity-exceeded",
    )
    .await;
    assert_eq!(problem["rule"], "INV-M01");

    // An end planned in 30 days frees the place from that day, not today (INV-M01 on
    // every day).
    let m050 = token(&municipality("050"));
    let in_30_days = today() + chrono::Days::new(30);
    let planned = app
        .end_assignment(&m050, assignments[0], &ending(Some(in_30_days), "Moving"))
        .ok()
        .await;
    assert_eq!(planned["active"], true, "still active until its end");
    assert_problem(
        assign(&app, m, clients[5]).await,
        409,
        "/problems/mentor-capacity-exceeded",
    )
    .await;
    let from_then = assignment(clients[5], Some(in_30_days));
    app.create_assignment(&m050, m, &from_then).created().await;
    let also_then = assignment(clients[6], Some(in_30_days));
    assert_problem(
        app.create_assignment(&m050, m, &also_then).await,
        409,
        "/problems/mentor-capacity-exceeded",
    )
    .await;
    // Ending today frees the place at once.
    let end = app
        .end_assignment(&m050, assignments[1], &ending(None, "Moved"))
        .await;
    assert_eq!(end.json::<Value>().await.expect("json")["active"], false);
    assert_eq!(assign(&app, m, clients[6]).await.status(), 201);

    // History stays queryable for mentor and client.
    let history = app
        .list_mentor_assignments(&token(&municipality("050")), m)
        .ok()
        .await;
    assert_eq!(history.as_array().map(Vec::len), Some(7));
    let of_client = app
        .list_client_assignments(&token(&municipality("050")), clients[0])
        .ok()
        .await;
    assert_eq!(of_client[0]["ended_on"], in_30_days.to_string());
    let again = app
        .end_assignment(
            &token(&municipality("050")),
            assignments[0],
            &ending(None, "Twice"),
        )
        .await;
    assert_problem(again, 409, "/problems/already-ended").await;
}

#[tokio::test]
async fn a_client_has_at_most_one_active_mentor() {
    let app = TestApp::spawn().await;
    let a = mentor(&app, "050", &FULL_TRAINING).await;
    let b = mentor(&app, "050", &FULL_TRAINING).await;
    let c = adult(&app, "050", 1).await;
    let first = assign(&app, a, c).await;
    assert_eq!(first.status(), 201);
    // The new assignment is where its Location says, for its client only, and audited.
    let location = first.headers()["location"]
        .to_str()
        .expect("a Location")
        .to_string();
    let created: serde_json::Value = first.json().await.expect("json");
    let id = id_of(&created);
    assert_eq!(
        location,
        format!("/api/v1/clients/{c}/mentor-assignments/{id}")
    );
    let kuldiga = token(&municipality("050"));
    assert_eq!(app.get_as(&location, &kuldiga).ok().await, created);
    let other = adult(&app, "050", 2).await;
    let elsewhere = format!("/api/v1/clients/{other}/mentor-assignments/{id}");
    assert_problem(app.get_as(&elsewhere, &kuldiga).await, 404, "about:blank").await;
    let riga = app.get_as(&location, &token(&municipality("RIX"))).await;
    assert_eq!(riga.status(), 404);
    let log = app.client_access_log(&kuldiga, c).ok().await;
    let reads = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["action"] == "mentor_assignment.read")
        .count();
    assert_eq!(reads, 2, "{log}");

    let problem = assert_problem(
        assign(&app, b, c).await,
        409,
        "/problems/client-has-active-mentor",
    )
    .await;
    assert!(problem["detail"].is_string());
}

#[tokio::test]
async fn twenty_simultaneous_assignments_to_one_free_mentor_give_exactly_five() {
    let app = TestApp::spawn().await;
    let m = mentor(&app, "050", &FULL_TRAINING).await;
    let mut clients = Vec::new();
    for n in 0..20 {
        clients.push(adult(&app, "050", n).await);
    }
    let requests = clients.iter().map(|c| assign(&app, m, *c));
    let responses = futures_join_all(requests).await;
    let created = responses.iter().filter(|s| **s == 201).count();
    let refused = responses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, refused), (5, 15), "{responses:?}");
    let body = app.get_mentor(&token(&municipality("050")), m).ok().await;
    assert_eq!(body["active_assignments"], 5);
}

#[tokio::test]
async fn the_same_client_sent_to_several_mentors_at_once_gets_exactly_one() {
    let app = TestApp::spawn().await;
    let mut mentors = Vec::new();
    for _ in 0..6 {
        mentors.push(mentor(&app, "050", &FULL_TRAINING).await);
    }
    let c = adult(&app, "050", 1).await;
    let responses = futures_join_all(mentors.iter().map(|m| assign(&app, *m, c))).await;
    let created = responses.iter().filter(|s| **s == 201).count();
    let refused = responses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, refused), (1, 5), "{responses:?}");
}

/// Sends all requests at once and collects their statuses.
pub async fn futures_join_all<F>(requests: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = reqwest::Response>,
{
    let mut set = Vec::new();
    for r in requests {
        set.push(r);
    }
    let responses = futures::future::join_all(set).await;
    responses.into_iter().map(|r| r.status().as_u16()).collect()
}

#[tokio::test]
async fn available_mentors_are_filtered_before_paging_with_hours_adding_up() {
    let app = TestApp::spawn().await;
    let mut short = FULL_TRAINING.to_vec();
    short[0] = ("life_skills", 47);
    let mut split = FULL_TRAINING.to_vec();
    split[0] = ("life_skills", 24);
    split.push(("life_skills", 24));
    let eligible = mentor(&app, "050", &FULL_TRAINING).await;
    mentor(&app, "050", &short).await;
    mentor(&app, "050", &[]).await;
    let eligible_split = mentor(&app, "050", &split).await;

    let t = token(&municipality("050"));
    let mut seen = Vec::new();
    for offset in [0, 1] {
        let available = ListMentorsQuery {
            available: Some(true),
            ..mentors_query()
        };
        let listed = app
            .list_mentors(&t, &available)
            .query(&page(1, offset))
            .ok()
            .await;
        assert_eq!(listed["total"], 2, "only eligible mentors count");
        let items = listed["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "a page is full of eligible mentors");
        assert_eq!(items[0]["eligible"], true);
        seen.push(id_of(&items[0]));
    }
    seen.sort_unstable();
    assert_eq!(seen, [eligible, eligible_split]);

    let all = app.list_mentors(&t, &mentors_query()).ok().await;
    assert_eq!(all["total"], 4);
}
