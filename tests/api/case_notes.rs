//! The shared case record and case notes (issue 15, point 4): a provider's staff and the
//! client's mentor read the plan they carry out and write notes while they share the case;
//! the case owner reads every note; access ends with the relation. Every cell of the
//! authorisation matrix of these endpoints and the case's own is asserted.

use std::collections::BTreeMap;

use kopiena::api::services::CreateService;
use kopiena::domain::case_note::NoteKind;
use kopiena::domain::client::TargetGroup;
use kopiena::domain::support_plan::{PlanStatus, sections_for};
use serde_json::Value;

use crate::helpers::{
    TestApp, admin, assert_problem, assignment, ending, id_of, mentor, ministry, municipality,
    note, placement, plan_body, provider, referral, region, service_body, today, token,
};
use crate::mentors::{FULL_TRAINING, adult, mentor as new_mentor};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// A final support plan for an adult client, every section filled: its id.
async fn final_plan(app: &TestApp, owner: &str, client: i64) -> i64 {
    let sections: BTreeMap<String, String> = sections_for(ADULTS[0])
        .iter()
        .map(|s| (s.code.to_string(), format!("Plāns: {}", s.title_en)))
        .collect();
    let body = kopiena::api::support_plans::CreateSupportPlan {
        opinion: Some("Gribu dzīvot patstāvīgi".into()),
        ..plan_body(sections, Some(PlanStatus::Final))
    };
    app.create_support_plan(owner, client, &body)
        .created_id()
        .await
}

/// A day centre of a provider in Kuldīga: (provider, service).
async fn day_centre(app: &TestApp, register_number: &str) -> (i64, i64) {
    let provider_id = app.new_provider("050", register_number).await;
    let body = CreateService {
        name: format!("Dienas centrs {register_number}"),
        ..service_body("day_care_centre", 10, &ADULTS)
    };
    let service_id = app
        .create_service(&token(&ministry()), provider_id, &body)
        .created_id()
        .await;
    (provider_id, service_id)
}

fn kinds(notes: &Value) -> Vec<&str> {
    notes
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n["kind"].as_str().expect("a kind"))
        .collect()
}

#[tokio::test]
async fn providers_and_mentors_read_the_plan_and_write_notes_while_they_share_the_case() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let client = adult(&app, "050", 1).await;
    let plan = final_plan(&app, &kuldiga, client).await;
    let (provider_id, centre) = day_centre(&app, "LM-NOTES-1").await;
    let staff = token(&provider(provider_id));
    let mentor_id = new_mentor(&app, "050", &FULL_TRAINING).await;
    let visits = token(&mentor(mentor_id));

    // Before any relation, neither reads nor writes: 404, as if the client did not exist.
    for who in [&staff, &visits] {
        assert_problem(app.shared_record(who, client).await, 404, "about:blank").await;
        let write = app
            .create_case_note(who, client, &note(NoteKind::Note, None, "Pirms"))
            .await;
        assert_problem(write, 404, "about:blank").await;
        assert_problem(app.list_case_notes(who, client).await, 404, "about:blank").await;
    }

    // Referred, accepted and placed: the provider reads the plan and the assessment.
    app.grant(&kuldiga, client, centre).await;
    let referred = app
        .create_referral(&kuldiga, client, &referral(centre))
        .created_id()
        .await;
    app.accept_referral(&staff, referred).ok().await;
    let placed = app
        .create_placement(&kuldiga, client, &placement(centre, None))
        .created_id()
        .await;
    let shared = app.shared_record(&staff, client).ok().await;
    assert_eq!(shared["support_plan"]["id"], plan);
    assert!(shared.get("personal_code").is_none(), "{shared}");
    let from_staff = app
        .create_case_note(
            &staff,
            client,
            &note(NoteKind::Visit, None, "Apmeklē centru trīs reizes nedēļā."),
        )
        .created()
        .await;
    assert_eq!(from_staff["author"]["role"], "provider");
    assert_eq!(from_staff["author"]["provider_id"], provider_id);
    assert_eq!(from_staff["author"]["sub"], "test-provider");

    // The mentor, once assigned, reads the plan (never the assessment) and records a visit.
    app.create_assignment(&kuldiga, mentor_id, &assignment(client, None))
        .created()
        .await;
    let for_mentor = app.shared_record(&visits, client).ok().await;
    assert_eq!(for_mentor["support_plan"]["id"], plan);
    assert!(for_mentor["assessment"].is_null(), "{for_mentor}");
    let yesterday = today().pred_opt().expect("a day");
    let from_mentor = app
        .create_case_note(
            &visits,
            client,
            &note(NoteKind::Visit, Some(yesterday), "Kopā iepirkāmies."),
        )
        .created()
        .await;
    assert_eq!(from_mentor["noted_on"], yesterday.to_string());
    assert_eq!(from_mentor["author"]["mentor_id"], mentor_id);
    let tomorrow = today().succ_opt().expect("a day");
    let ahead = app
        .create_case_note(
            &visits,
            client,
            &note(NoteKind::Call, Some(tomorrow), "Rīt"),
        )
        .await;
    let problem = assert_problem(ahead, 422, "/problems/note-out-of-range").await;
    assert_eq!(problem["rule"], "CASE-NOTE-DATED");

    // The owner reads every note; the others their own organisation's.
    let from_owner = app
        .create_case_note(
            &kuldiga,
            client,
            &note(NoteKind::Call, None, "Zvanīja māsa."),
        )
        .created()
        .await;
    assert_eq!(from_owner["author"]["municipality"], "050");
    let all = app.list_case_notes(&kuldiga, client).ok().await;
    assert_eq!(all.as_array().map(Vec::len), Some(3), "{all}");
    // Newest first by the day noted: the mentor's visit of yesterday comes last.
    assert_eq!(all[2]["id"], id_of(&from_mentor));
    assert_eq!(
        kinds(&app.list_case_notes(&staff, client).ok().await),
        ["visit"]
    );
    let own = app.list_case_notes(&visits, client).ok().await;
    assert_eq!(own[0]["id"], id_of(&from_mentor));
    assert_eq!(own.as_array().map(Vec::len), Some(1));
    app.get_case_note(&kuldiga, client, id_of(&from_staff))
        .ok()
        .await;
    let others = app.get_case_note(&staff, client, id_of(&from_mentor)).await;
    assert_problem(others, 404, "about:blank").await;
    app.get_case_note(&staff, client, id_of(&from_staff))
        .ok()
        .await;

    // The access log shows both readers, by role and subject.
    let log = app.client_access_log(&kuldiga, client).ok().await;
    let reads: Vec<(&str, &str)> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| r["outcome"] == "allowed")
        .filter_map(|r| Some((r["actor_role"].as_str()?, r["action"].as_str()?)))
        .collect();
    for read in [
        ("provider", "client.shared_record.read"),
        ("provider", "case_note.create"),
        ("provider", "case_note.list"),
        ("mentor", "client.shared_record.read"),
        ("mentor", "case_note.create"),
        ("municipality", "case_note.list"),
    ] {
        assert!(reads.contains(&read), "{read:?} in {reads:?}");
    }

    // Access ends with the relation: the placement ends, then the assignment.
    app.end_placement(&kuldiga, placed, &ending(Some(today()), "Pārtrauca"))
        .ok()
        .await;
    assert_problem(app.shared_record(&staff, client).await, 404, "about:blank").await;
    assert_problem(
        app.list_case_notes(&staff, client).await,
        404,
        "about:blank",
    )
    .await;
    let late = app
        .create_case_note(&staff, client, &note(NoteKind::Note, None, "Vēlāk"))
        .await;
    assert_problem(late, 404, "about:blank").await;
    app.list_case_notes(&visits, client).ok().await;
    let assignments = app.list_client_assignments(&kuldiga, client).ok().await;
    let assignment_id = assignments[0]["id"].as_i64().expect("an assignment");
    app.end_assignment(&kuldiga, assignment_id, &ending(Some(today()), "Beidzās"))
        .ok()
        .await;
    assert_problem(app.shared_record(&visits, client).await, 404, "about:blank").await;
    assert_problem(
        app.list_case_notes(&visits, client).await,
        404,
        "about:blank",
    )
    .await;
    // The owner still reads all three.
    let kept = app.list_case_notes(&kuldiga, client).ok().await;
    assert_eq!(kept.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_mentor_token_must_name_a_registered_mentor() {
    let app = TestApp::spawn().await;
    let client = adult(&app, "050", 1).await;
    let nobody = token(&mentor(4242));
    let problem = assert_problem(
        app.list_case_notes(&nobody, client).await,
        401,
        "/problems/token-scope-unknown",
    )
    .await;
    assert_eq!(problem["rule"], "AUTH-SCOPE-EXISTS");
    let unscoped = token(&crate::helpers::claims("mentor", None));
    assert_problem(
        app.list_case_notes(&unscoped, client).await,
        401,
        "about:blank",
    )
    .await;
}

/// What a role answers on an endpoint of the case (status codes).
struct Row {
    who: &'static str,
    token: String,
    /// shared record, note write, note list, note read, client read, plans, decisions,
    /// waiting list, referrals.
    expect: [u16; 9],
}

#[tokio::test]
async fn every_cell_of_the_case_authorisation_matrix() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let client = adult(&app, "050", 1).await;
    final_plan(&app, &kuldiga, client).await;
    let (serving, centre) = day_centre(&app, "LM-MATRIX-1").await;
    let (other_provider, _) = day_centre(&app, "LM-MATRIX-2").await;
    app.grant(&kuldiga, client, centre).await;
    app.create_placement(&kuldiga, client, &placement(centre, None))
        .created()
        .await;
    let assigned = new_mentor(&app, "050", &FULL_TRAINING).await;
    let unassigned = new_mentor(&app, "050", &FULL_TRAINING).await;
    app.create_assignment(&kuldiga, assigned, &assignment(client, None))
        .created()
        .await;
    let written = app
        .create_case_note(&kuldiga, client, &note(NoteKind::Note, None, "Sākums"))
        .created_id()
        .await;

    let rows = [
        Row {
            who: "owning municipality",
            token: kuldiga.clone(),
            expect: [403, 201, 200, 200, 200, 200, 200, 200, 200],
        },
        Row {
            who: "another municipality",
            token: token(&municipality("RIX")),
            expect: [403, 404, 404, 404, 404, 404, 404, 404, 404],
        },
        Row {
            who: "the serving provider",
            token: token(&provider(serving)),
            // The owner's note is not the provider's to read.
            expect: [200, 201, 200, 404, 403, 403, 403, 403, 403],
        },
        Row {
            who: "another provider",
            token: token(&provider(other_provider)),
            expect: [404, 404, 404, 404, 403, 403, 403, 403, 403],
        },
        Row {
            who: "the assigned mentor",
            token: token(&mentor(assigned)),
            expect: [200, 201, 200, 404, 403, 403, 403, 403, 403],
        },
        Row {
            who: "another mentor",
            token: token(&mentor(unassigned)),
            expect: [404, 404, 404, 404, 403, 403, 403, 403, 403],
        },
        Row {
            who: "planning region",
            token: token(&region("KURZEME")),
            expect: [403; 9],
        },
        Row {
            who: "ministry",
            token: token(&ministry()),
            expect: [403; 9],
        },
        Row {
            who: "administrator",
            token: token(&admin()),
            expect: [403, 403, 200, 200, 200, 200, 200, 200, 200],
        },
    ];
    for row in &rows {
        let t = &row.token;
        let body = note(NoteKind::Visit, None, "Matrica");
        let calls = [
            app.shared_record(t, client),
            app.create_case_note(t, client, &body),
            app.list_case_notes(t, client),
            app.get_case_note(t, client, written),
            app.get_client(t, client),
            app.list_support_plans(t, client),
            app.list_decisions(t, client),
            app.list_waiting_entries(t, client),
            app.list_referrals(t, client),
        ];
        for (call, expected) in calls.into_iter().zip(row.expect) {
            let what = call.what().to_string();
            let status = call.await.status().as_u16();
            assert_eq!(status, expected, "{} on {what}", row.who);
        }
    }
    // Anonymous: every cell 401.
    for call in [
        app.get(&format!("/api/v1/clients/{client}/shared-record")),
        app.get(&format!("/api/v1/clients/{client}/case-notes")),
    ] {
        assert_eq!(call.await.status().as_u16(), 401);
    }
}
