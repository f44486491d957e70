use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, ministry, municipality, provider, region, token,
};
use crate::mentors::{FULL_TRAINING, client, mentor};

async fn stats(app: &TestApp, path: &str, claims: &Value) -> Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token(claims))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

fn row<'a>(table: &'a Value, pairs: &[(&str, &str)]) -> &'a Value {
    table["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| pairs.iter().all(|(k, v)| r[*k] == *v)))
        .unwrap_or_else(|| panic!("no row {pairs:?} in {table}"))
}

/// Registers `n` adults in `municipality` with the given DI status; returns their ids.
async fn adults(
    app: &TestApp,
    municipality_code: &str,
    first: u64,
    n: u64,
    status: &str,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in first..first + n {
        let id = client(
            app,
            municipality_code,
            i,
            "adult_with_mental_disorder",
            "1980-01-01",
        )
        .await;
        app.patch_json(
            &format!("/api/v1/clients/{id}"),
            &token(&municipality(municipality_code)),
            &json!({"di_status": status}),
        )
        .await;
        ids.push(id);
    }
    ids
}

#[tokio::test]
async fn client_counts_equal_the_records_and_small_counts_are_suppressed_for_ministry_and_region_only()
 {
    let app = TestApp::spawn().await;
    adults(&app, "050", 0, 7, "in_institution").await; // Kuldīga, Kurzeme
    adults(&app, "050", 100, 2, "in_community").await;
    adults(&app, "RIX", 200, 6, "waiting_list").await; // Rīga
    let by_municipality = "/api/v1/stats/clients?group_by=municipality,di_status";

    // The municipality sees its own counts, unsuppressed, and only its own.
    let own = stats(&app, by_municipality, &municipality("050")).await;
    assert_eq!(own["suppression"]["applied"], false);
    assert_eq!(row(&own, &[("di_status", "in_institution")])["clients"], 7);
    assert_eq!(row(&own, &[("di_status", "in_community")])["clients"], 2);
    assert_eq!(own["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(own["total"]["clients"], 9);

    // The ministry sees the country with 2 suppressed, and the complementary cell (the
    // smallest other non-zero one: Rīga's 6) suppressed too, so 2 = 15 − 7 − 6 cannot be
    // recovered from the total.
    let national = stats(&app, by_municipality, &ministry()).await;
    assert_eq!(national["suppression"]["applied"], true);
    let community = row(
        &national,
        &[("municipality", "050"), ("di_status", "in_community")],
    );
    assert_eq!(community["clients"], Value::Null);
    assert_eq!(community["clients_suppressed"], true);
    assert_eq!(
        row(
            &national,
            &[("municipality", "050"), ("di_status", "in_institution")]
        )["clients"],
        7
    );
    assert_eq!(
        row(
            &national,
            &[("municipality", "RIX"), ("di_status", "waiting_list")]
        )["clients"],
        Value::Null
    );
    assert_eq!(national["total"]["clients"], 15);
    assert!(!national.to_string().contains("personal_code"));
    assert!(!national.to_string().contains("given_name"));

    // A region sees only its region, suppressed.
    let kurzeme = stats(&app, by_municipality, &region("KURZEME")).await;
    assert!(
        kurzeme["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["municipality"] == "050")
    );
    assert_eq!(kurzeme["total"]["clients"], 9);
    assert_eq!(
        row(&kurzeme, &[("di_status", "in_community")])["clients_suppressed"],
        true
    );
    let response = app
        .client
        .get(app.url("/api/v1/stats/clients?region=RIGA"))
        .bearer_auth(token(&region("KURZEME")))
        .send()
        .await
        .expect("request");
    assert_problem(response, 403, "about:blank").await;
    let response = app
        .client
        .get(app.url("/api/v1/stats/clients"))
        .bearer_auth(token(&provider(1)))
        .send()
        .await
        .expect("request");
    assert_problem(response, 403, "about:blank").await;

    // Admin: unsuppressed.
    let full = stats(&app, by_municipality, &admin()).await;
    assert_eq!(
        row(
            &full,
            &[("municipality", "050"), ("di_status", "in_community")]
        )["clients"],
        2
    );
}

#[tokio::test]
async fn csv_parses_and_matches_the_json_with_latvian_labels() {
    let app = TestApp::spawn().await;
    adults(&app, "050", 0, 6, "in_institution").await;
    let json = stats(
        &app,
        "/api/v1/stats/clients?group_by=region,target_group",
        &ministry(),
    )
    .await;
    let response = app
        .client
        .get(app.url("/api/v1/stats/clients?group_by=region,target_group"))
        .bearer_auth(token(&ministry()))
        .header("Accept", "text/csv")
        .header("Accept-Language", "lv")
        .send()
        .await
        .expect("request");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/csv"))
    );
    assert_eq!(response.headers()["content-language"], "lv");
    let text = response.text().await.expect("text");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header row").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "region",
            "region_label",
            "target_group",
            "target_group_label",
            "clients",
            "clients_suppressed"
        ]
    );
    let records: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(records.len(), json["rows"].as_array().map_or(0, Vec::len));
    assert_eq!(&records[0][0], "KURZEME");
    assert_eq!(&records[0][1], "Kurzemes plānošanas reģions");
    assert_eq!(&records[0][4], json["rows"][0]["clients"].to_string());
    let by_param = app
        .client
        .get(app.url("/api/v1/stats/clients?format=csv"))
        .bearer_auth(token(&ministry()))
        .send()
        .await
        .expect("request");
    assert!(
        by_param.headers()["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/csv"))
    );
}

#[tokio::test]
async fn registry_aggregates_count_providers_services_places_and_municipalities_offering_each_type()
{
    let app = TestApp::spawn().await;
    let a = app.create_provider("050", "LM-A").await; // Kuldīga
    let b = app.create_provider("LPX", "LM-B").await; // Liepāja
    let c = app.create_provider("RIX", "LM-C").await; // Rīga
    for (pid, t, cap, st) in [
        (a, "home_care", 10, "active"),
        (a, "home_care", 5, "active"),
        (b, "home_care", 20, "active"),
        (c, "home_care", 30, "planned"),
        (b, "group_home", 8, "active"),
    ] {
        let response = app
            .post_json(
                &format!("/api/v1/providers/{pid}/services"),
                &token(&ministry()),
                &json!({"service_type": t, "name": "S", "address": "A", "target_groups": ["adult_with_mental_disorder"], "capacity": cap, "status": st}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let kurzeme = stats(
        &app,
        "/api/v1/stats/registry?region=KURZEME&status=active",
        &ministry(),
    )
    .await;
    let home_care = row(&kurzeme, &[("service_type", "home_care")]);
    assert_eq!(home_care["services"], 3);
    assert_eq!(home_care["providers"], 2);
    assert_eq!(
        home_care["municipalities"], 2,
        "home care in 2 municipalities"
    );
    assert_eq!(home_care["capacity"], 35);
    assert_eq!(home_care["vacancies"], 35);
    let national = stats(
        &app,
        "/api/v1/stats/registry?group_by=region,status",
        &ministry(),
    )
    .await;
    assert_eq!(
        row(&national, &[("region", "RIGA"), ("status", "planned")])["services"],
        1
    );
    assert_eq!(national["total"]["services"], 5);
    let sectors = stats(
        &app,
        "/api/v1/stats/registry?group_by=sector&as_of=2000-01-01",
        &ministry(),
    )
    .await;
    assert_eq!(sectors["rows"], json!([]), "nothing existed in 2000");
}

#[tokio::test]
async fn kurzeme_indicators_are_computed_from_known_data_or_said_not_computable() {
    let app = TestApp::spawn().await;
    let kuldiga = app.create_provider("050", "LM-K1").await;
    let liepaja = app.create_provider("LPX", "LM-K2").await;
    app.create_provider("RIX", "LM-R1").await;
    for (pid, t) in [
        (kuldiga, "home_care"),
        (liepaja, "home_care"),
        (liepaja, "social_rehabilitation"),
        (liepaja, "social_rehabilitation"),
    ] {
        let response = app
            .post_json(
                &format!("/api/v1/providers/{pid}/services"),
                &token(&ministry()),
                &json!({"service_type": t, "name": "S", "address": "A", "target_groups": ["adult_with_mental_disorder"], "capacity": 5, "status": "active"}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let indicators = stats(
        &app,
        "/api/v1/stats/indicators?region=KURZEME",
        &region("KURZEME"),
    )
    .await;
    let find = |code: &str| {
        indicators
            .as_array()
            .and_then(|all| all.iter().find(|i| i["code"] == code))
            .cloned()
            .expect("indicator")
    };
    let providers = find("KUR-01");
    assert_eq!(
        (
            providers["value"].as_i64(),
            providers["baseline"].as_i64(),
            providers["target"].as_i64()
        ),
        (Some(2), Some(53), Some(150))
    );
    assert_eq!(
        find("KUR-02")["value"],
        2,
        "home care in Kuldīga and Liepāja"
    );
    assert_eq!(
        find("KUR-11")["value"],
        1,
        "social rehabilitation in 1 municipality"
    );
    assert_eq!(
        find("KUR-11S")["value"],
        2,
        "2 social rehabilitation services"
    );
    assert_eq!(find("KUR-03")["value"], 0);
    let plans = find("KUR-17");
    assert_eq!(plans["computable"], false);
    assert_eq!(plans["value"], Value::Null);
}

#[tokio::test]
async fn mentor_load_and_coverage_count_mentors_and_clients() {
    let app = TestApp::spawn().await;
    let busy = mentor(&app, "050", &FULL_TRAINING).await;
    mentor(&app, "050", &FULL_TRAINING).await;
    let ids = adults(&app, "050", 0, 3, "in_community").await;
    for id in &ids[..2] {
        let response = app
            .post_json(
                &format!("/api/v1/mentors/{busy}/assignments"),
                &token(&municipality("050")),
                &json!({"client_id": id}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let load = stats(&app, "/api/v1/stats/mentor-load", &municipality("050")).await;
    assert_eq!(row(&load, &[("load", "0")])["mentors"], 1);
    assert_eq!(row(&load, &[("load", "2")])["mentors"], 1);
    assert_eq!(
        load["rows"].as_array().map(Vec::len),
        Some(6),
        "loads 0 to 5"
    );
    // A Liepāja mentor counts for the ministry, and for Liepāja only when filtered.
    mentor(&app, "LPX", &FULL_TRAINING).await;
    let admin = crate::helpers::admin();
    let all = stats(&app, "/api/v1/stats/mentor-load", &admin).await;
    assert_eq!(row(&all, &[("load", "0")])["mentors"], 2);
    let kuldiga = stats(&app, "/api/v1/stats/mentor-load?municipality=050", &admin).await;
    assert_eq!(row(&kuldiga, &[("load", "0")])["mentors"], 1);
    assert_eq!(row(&kuldiga, &[("load", "2")])["mentors"], 1);
    let coverage = stats(
        &app,
        "/api/v1/stats/mentor-coverage?group_by=mentor",
        &municipality("050"),
    )
    .await;
    assert_eq!(row(&coverage, &[("mentor", "with")])["clients"], 2);
    assert_eq!(row(&coverage, &[("mentor", "without")])["clients"], 1);
    let suppressed = stats(
        &app,
        "/api/v1/stats/mentor-coverage?group_by=mentor",
        &ministry(),
    )
    .await;
    assert_eq!(
        row(&suppressed, &[("mentor", "with")])["clients_suppressed"],
        true
    );
}
