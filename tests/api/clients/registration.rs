//! Registering a client: personal codes of both formats, birth dates, target groups by
//! age, and one registration per person.

use kopiena::api::clients::CreateClient;
use serde_json::{Value, json};

use super::{ADULT, CHILD_FI, ORPHAN, registered};
use crate::helpers::{
    TestApp, admin, adult, assert_problem, client_body, clients_query, date, etag_of, id_of,
    legacy_code, location_of, municipality, new_code, today, token,
};

#[tokio::test]
async fn a_municipality_registers_a_client_and_reads_it_back_with_the_normalised_personal_code() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let response = app
        .create_client(&kuldiga, &adult("16117519997", "Bērziņa"))
        .await;
    assert_eq!(response.status(), 201);
    let location = location_of(&response);
    let etag = etag_of(&response);
    let created: Value = response.json().await.expect("json");
    let id = id_of(&created);
    assert_eq!(location, format!("/api/v1/clients/{id}"));
    assert_eq!(created["personal_code"], "161175-19997");
    assert_eq!(created["given_name"], "Anna");
    assert_eq!(created["family_name"], "Bērziņa");
    assert_eq!(created["birth_date"], "1975-11-16");
    assert_eq!(created["target_group"], ADULT.as_str());
    assert_eq!(created["municipality"], "050", "the caller owns the case");
    assert_eq!(
        created["di_status"], "no_service",
        "neither placed nor waiting yet"
    );
    assert_eq!(
        created["vsac_consent"],
        json!({"given": true, "date": "2026-01-12"})
    );

    let read = app.get_client(&kuldiga, id).await;
    assert_eq!(read.status(), 200);
    assert_eq!(etag_of(&read), etag);
    assert_eq!(read.json::<Value>().await.expect("json"), created);
}

#[tokio::test]
async fn personal_codes_of_both_formats_are_accepted_with_or_without_hyphen_and_normalised() {
    let app = TestApp::spawn().await;
    let born_1975 = "1975-11-16";
    for (input, birth_date, normalised) in [
        ("161175-19997", born_1975, "161175-19997"),
        ("300190-12341", "1990-01-30", "300190-12341"),
        ("31129910008", "1999-12-31", "311299-10008"),
        ("29020021239", "2000-02-29", "290200-21239"),
        ("  161175-19938 ", born_1975, "161175-19938"),
        ("321234-56789", "1980-04-05", "321234-56789"),
        ("39999999999", "1980-04-05", "399999-99999"),
        ("385555-12345", "2001-02-03", "385555-12345"),
    ] {
        let created = registered(
            &app,
            "050",
            &client_body(input, "Ozola", date(birth_date), ADULT),
        )
        .await;
        assert_eq!(created["personal_code"], normalised, "{input:?}");
        assert_eq!(created["birth_date"], birth_date, "{input:?}");
    }
}

/// Lowercased `detail` of a problem body.
fn detail(body: &Value) -> String {
    body["detail"].as_str().unwrap_or_default().to_lowercase()
}

#[tokio::test]
async fn invalid_personal_codes_are_422_with_a_detail_naming_the_reason() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    // (input, birth date, words of which the detail must name one)
    let cases: [(&str, &str, &[&str]); 14] = [
        ("161175-19998", "1975-11-16", &["check digit", "checksum"]),
        ("161175-19996", "1975-11-16", &["check digit", "checksum"]),
        // A check value of 10 never validates.
        ("161175-19920", "1975-11-16", &["check digit", "checksum"]),
        // 31 February, with a correct check digit.
        ("310299-12348", "1999-02-28", &["date", "impossible"]),
        // 29 February 1900 (not a leap year).
        ("290200-11233", "1900-02-28", &["date", "impossible"]),
        // Month 00: not a new-format code either.
        ("300000-12341", "2000-01-30", &["date", "impossible"]),
        ("161175-39990", "1975-11-16", &["century"]),
        ("161175-99990", "1975-11-16", &["century"]),
        ("abc", "1975-11-16", &["format", "11 digits"]),
        ("", "1975-11-16", &["format", "11 digits"]),
        ("1611751999", "1975-11-16", &["format", "11 digits"]),
        ("16117A-19997", "1975-11-16", &["format", "11 digits"]),
        ("161175--19997", "1975-11-16", &["format", "11 digits"]),
        ("161175 19997", "1975-11-16", &["format", "11 digits"]),
    ];
    for (input, birth_date, words) in cases {
        let response = app
            .create_client(
                &kuldiga,
                &client_body(input, "Kalniņa", date(birth_date), ADULT),
            )
            .await;
        let body = assert_problem(response, 422, "/problems/invalid-personal-code").await;
        let detail = detail(&body);
        assert!(
            words.iter().any(|w| detail.contains(w)),
            "{input:?}: detail {detail:?} names none of {words:?}"
        );
        if input.len() >= 6 {
            assert!(
                !body.to_string().contains(input.trim()),
                "the problem echoes the code: {body}"
            );
        }
    }
    let list = app.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(list["total"], 0, "nothing was registered");
}

#[tokio::test]
async fn a_birth_date_that_disagrees_with_a_legacy_code_is_rejected_but_any_fits_the_new_format() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    for birth_date in ["1975-11-17", "1975-11-15", "2075-11-16", "1875-11-16"] {
        let response = app
            .create_client(
                &kuldiga,
                &client_body("161175-19997", "Liepa", date(birth_date), ADULT),
            )
            .await;
        let body = assert_problem(response, 422, "/problems/invalid-personal-code").await;
        let detail = detail(&body);
        assert!(
            detail.contains("birth date") || detail.contains("birth_date_mismatch"),
            "{birth_date}: {detail}"
        );
    }
    let created = registered(
        &app,
        "050",
        &client_body("321234-56789", "Liepa", date("1961-03-09"), ADULT),
    )
    .await;
    assert_eq!(created["birth_date"], "1961-03-09");
}

#[tokio::test]
async fn target_groups_take_the_ages_they_serve_and_care_leavers_stay_orphans_until_24() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let eighteen_today = crate::helpers::months_from(today(), -18 * 12);
    let eighteen_tomorrow = eighteen_today.succ_opt().expect("date");
    let twenty_four_today = crate::helpers::months_from(today(), -24 * 12);
    let twenty_four_tomorrow = twenty_four_today.succ_opt().expect("date");
    let mut n = 100;
    let mut code = || {
        n += 1;
        new_code(n)
    };

    // Turning 18 today: an adult, no longer a child with functional impairments; an orphan
    // or a young person without parental care stays in that group (a care leaver).
    let born = eighteen_today;
    for group in [ADULT, ORPHAN] {
        registered(
            &app,
            "050",
            &client_body(&code(), "Pilngadīga", born, group),
        )
        .await;
    }
    let response = app
        .create_client(
            &kuldiga,
            &client_body(&code(), "Pilngadīga", born, CHILD_FI),
        )
        .await;
    let body = assert_problem(response, 422, "/problems/target-group-age").await;
    assert_eq!(body["rule"], "CLIENT-TARGET-GROUP-AGE");
    assert!(detail(&body).contains("under 18"), "{body}");
    // Turning 18 tomorrow: still a child.
    let born = eighteen_tomorrow;
    for group in [ORPHAN, CHILD_FI] {
        registered(
            &app,
            "050",
            &client_body(&code(), "Nepilngadīga", born, group),
        )
        .await;
    }
    let response = app
        .create_client(&kuldiga, &client_body(&code(), "Nepilngadīga", born, ADULT))
        .await;
    assert_problem(response, 422, "/problems/target-group-age").await;
    // Care leavers are young people until 24 (youth homes keep them until then).
    registered(
        &app,
        "050",
        &client_body(&code(), "Jaunietis", twenty_four_tomorrow, ORPHAN),
    )
    .await;
    let response = app
        .create_client(
            &kuldiga,
            &client_body(&code(), "Jaunietis", twenty_four_today, ORPHAN),
        )
        .await;
    let body = assert_problem(response, 422, "/problems/target-group-age").await;
    assert!(detail(&body).contains("under 24"), "{body}");

    // A child with a computed legacy code (century digit 2).
    let legacy = legacy_code(date("2015-06-01"), 77);
    assert!(legacy.starts_with("010615-2"), "{legacy}");
    let created = registered(
        &app,
        "050",
        &client_body(&legacy, "Mazā", date("2015-06-01"), ORPHAN),
    )
    .await;
    assert_eq!(created["personal_code"], legacy);

    // A birth date in the future is no client at all.
    let tomorrow = today().succ_opt().expect("date");
    let response = app
        .create_client(&kuldiga, &client_body(&code(), "Nākotne", tomorrow, ORPHAN))
        .await;
    assert_problem(response, 422, "/problems/birth-date-in-future").await;

    let list = app.list_clients(&kuldiga, &clients_query()).ok().await;
    assert_eq!(list["total"], 6, "only the valid registrations: {list}");
}

#[tokio::test]
async fn registering_a_code_that_exists_in_another_municipality_is_409_without_revealing_it() {
    let app = TestApp::spawn().await;
    registered(&app, "050", &adult("161175-19997", "Zariņa")).await;
    for (caller, code) in [
        ("RIX", "16117519997"),
        ("RIX", "161175-19997"),
        ("050", "161175-19997"),
    ] {
        let response = app
            .create_client(&token(&municipality(caller)), &adult(code, "Zariņa"))
            .await;
        assert_eq!(response.status(), 409, "{caller} {code}");
        let text = response.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["type"], "/problems/client-already-registered");
        for secret in ["050", "Kuldīg", "Kuldig"] {
            assert!(
                !text.contains(secret),
                "the conflict reveals the owner ({secret}): {text}"
            );
        }
    }
    let riga = app
        .list_clients(&token(&municipality("RIX")), &clients_query())
        .ok()
        .await;
    assert_eq!(riga["total"], 0);
    let everyone = app
        .list_clients(&token(&admin()), &clients_query())
        .ok()
        .await;
    assert_eq!(everyone["total"], 1);
}

#[tokio::test]
async fn concurrent_registrations_of_one_code_register_it_once() {
    let app = TestApp::spawn().await;
    let requests: Vec<(String, CreateClient)> = ["050", "RIX", "JEL", "050", "RIX", "JEL"]
        .iter()
        .enumerate()
        .map(|(n, m)| {
            (
                token(&municipality(m)),
                adult("161175-19997", &format!("Dubulte{n}")),
            )
        })
        .collect();
    let responses = futures::future::join_all(
        requests
            .iter()
            .map(|(t, body)| app.create_client(t, body).into_future()),
    )
    .await;
    let mut created = 0;
    for response in responses {
        if response.status() == 201 {
            created += 1;
        } else {
            assert_problem(response, 409, "/problems/client-already-registered").await;
        }
    }
    assert_eq!(created, 1);
    let everyone = app
        .list_clients(&token(&admin()), &clients_query())
        .ok()
        .await;
    assert_eq!(everyone["total"], 1);
}
