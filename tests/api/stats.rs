use crate::helpers::{IndicatorsQuery, StatsQuery};
use kopiena::api::services::CreateService;
use kopiena::domain::client::{DiStatus, TargetGroup};
use kopiena::domain::registry::ServiceStatus;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, assignment, date, grouped_by, ministry, municipality,
    placement, provider, region, service_body, stats_query, token,
};
use crate::mentors::{FULL_TRAINING, client, mentor};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

fn row<'a>(table: &'a Value, pairs: &[(&str, &str)]) -> &'a Value {
    table["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| pairs.iter().all(|(k, v)| r[*k] == *v)))
        .unwrap_or_else(|| panic!("no row {pairs:?} in {table}"))
}

/// Registers `n` adults in `municipality` with the given DI status, which follows from a
/// placement made today (in a state social care centre or a group home); returns their ids.
async fn adults(
    app: &TestApp,
    municipality_code: &str,
    first: u64,
    n: u64,
    status: DiStatus,
) -> Vec<i64> {
    let m = token(&municipality(municipality_code));
    let service = match status {
        DiStatus::WaitingList => None,
        DiStatus::InInstitution | DiStatus::InCommunity => {
            let service_type = if status == DiStatus::InInstitution {
                "state_social_care_centre"
            } else {
                "group_home"
            };
            let provider = app
                .new_provider(municipality_code, &format!("LM-STATS-{first}"))
                .await;
            let capacity = i32::try_from(n).expect("small");
            let body = plain_service(service_type, capacity, ServiceStatus::Active);
            Some(
                app.create_service(&token(&admin()), provider, &body)
                    .created_id()
                    .await,
            )
        }
    };
    let mut ids = Vec::new();
    for i in first..first + n {
        let id = client(
            app,
            municipality_code,
            i,
            TargetGroup::AdultWithMentalDisorder,
            date("1980-01-01"),
        )
        .await;
        if let Some(service_id) = service {
            app.create_placement(&m, id, &placement(service_id, None))
                .created()
                .await;
        }
        ids.push(id);
    }
    ids
}

/// A service of `service_type` for adults named "S" at "A", without a price.
fn plain_service(service_type: &str, capacity: i32, status: ServiceStatus) -> CreateService {
    CreateService {
        name: "S".into(),
        address: "A".into(),
        status: Some(status),
        price: None,
        ..service_body(service_type, capacity, &ADULTS)
    }
}

#[tokio::test]
async fn client_counts_equal_the_records_and_small_counts_are_suppressed_for_ministry_and_region_only()
 {
    let app = TestApp::spawn().await;
    adults(&app, "050", 0, 7, DiStatus::InInstitution).await; // Kuldīga, Kurzeme
    adults(&app, "050", 100, 2, DiStatus::InCommunity).await;
    adults(&app, "RIX", 200, 6, DiStatus::WaitingList).await; // Rīga
    let by_municipality = grouped_by("municipality,di_status");
    let stats = async |claims: &Value| {
        app.client_stats(&token(claims), &by_municipality)
            .ok()
            .await
    };

    // The municipality sees its own counts, unsuppressed, and only its own.
    let own = stats(&municipality("050")).await;
    assert_eq!(own["suppression"]["applied"], false);
    assert_eq!(row(&own, &[("di_status", "in_institution")])["clients"], 7);
    assert_eq!(row(&own, &[("di_status", "in_community")])["clients"], 2);
    assert_eq!(own["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(own["total"]["clients"], 9);

    // The ministry sees the country with 2 suppressed, and the complementary cell (the
    // smallest other non-zero one: Rīga's 6) suppressed too, so 2 = 15 − 7 − 6 cannot be
    // recovered from the total.
    let national = stats(&ministry()).await;
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
    let kurzeme = stats(&region("KURZEME")).await;
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
    let riga = StatsQuery {
        region: Some("RIGA".into()),
        ..stats_query()
    };
    let response = app.client_stats(&token(&region("KURZEME")), &riga).await;
    assert_problem(response, 403, "about:blank").await;
    let staff = provider(app.new_provider("050", "LM-STATS-STAFF").await);
    let response = app.client_stats(&token(&staff), &stats_query()).await;
    assert_problem(response, 403, "about:blank").await;

    // Admin: unsuppressed.
    let full = stats(&admin()).await;
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
    adults(&app, "050", 0, 6, DiStatus::InInstitution).await;
    let by_region = grouped_by("region,target_group");
    let json = app.client_stats(&token(&ministry()), &by_region).ok().await;
    let response = app
        .client_stats(&token(&ministry()), &by_region)
        .header("Accept", "text/csv")
        .accept_language("lv")
        .await;
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
    let as_csv = StatsQuery {
        format: Some("csv".into()),
        ..stats_query()
    };
    let by_param = app.client_stats(&token(&ministry()), &as_csv).await;
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
    let a = app.new_provider("050", "LM-A").await; // Kuldīga
    let b = app.new_provider("LPX", "LM-B").await; // Liepāja
    let c = app.new_provider("RIX", "LM-C").await; // Rīga
    for (pid, t, cap, st) in [
        (a, "home_care", 10, ServiceStatus::Active),
        (a, "home_care", 5, ServiceStatus::Active),
        (b, "home_care", 20, ServiceStatus::Active),
        (c, "home_care", 30, ServiceStatus::Planned),
        (b, "group_home", 8, ServiceStatus::Active),
    ] {
        app.create_service(&token(&ministry()), pid, &plain_service(t, cap, st))
            .created()
            .await;
    }
    let registry =
        async |query: &StatsQuery| app.registry_stats(&token(&ministry()), query).ok().await;
    let kurzeme = registry(&StatsQuery {
        region: Some("KURZEME".into()),
        status: Some("active".into()),
        ..stats_query()
    })
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
    let national = registry(&grouped_by("region,status")).await;
    assert_eq!(
        row(&national, &[("region", "RIGA"), ("status", "planned")])["services"],
        1
    );
    assert_eq!(national["total"]["services"], 5);
    let sectors = registry(&StatsQuery {
        as_of: Some(date("2000-01-01")),
        ..grouped_by("sector")
    })
    .await;
    assert_eq!(sectors["rows"], json!([]), "nothing existed in 2000");
}

#[tokio::test]
async fn kurzeme_indicators_are_computed_from_known_data_or_said_not_computable() {
    let app = TestApp::spawn().await;
    let kuldiga = app.new_provider("050", "LM-K1").await;
    let liepaja = app.new_provider("LPX", "LM-K2").await;
    app.new_provider("RIX", "LM-R1").await;
    for (pid, t) in [
        (kuldiga, "home_care"),
        (liepaja, "home_care"),
        (liepaja, "social_rehabilitation"),
        (liepaja, "social_rehabilitation"),
    ] {
        let body = plain_service(t, 5, ServiceStatus::Active);
        app.create_service(&token(&ministry()), pid, &body)
            .created()
            .await;
    }
    let in_kurzeme = IndicatorsQuery {
        region: Some("KURZEME".into()),
        as_of: None,
        format: None,
    };
    let indicators = app
        .indicator_stats(&token(&region("KURZEME")), &in_kurzeme)
        .ok()
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
    let ids = adults(&app, "050", 0, 3, DiStatus::InCommunity).await;
    for id in &ids[..2] {
        app.create_assignment(&token(&municipality("050")), busy, &assignment(*id, None))
            .created()
            .await;
    }
    let load = app
        .mentor_load_stats(&token(&municipality("050")), &stats_query())
        .ok()
        .await;
    assert_eq!(row(&load, &[("load", "0")])["mentors"], 1);
    assert_eq!(row(&load, &[("load", "2")])["mentors"], 1);
    assert_eq!(
        load["rows"].as_array().map(Vec::len),
        Some(6),
        "loads 0 to 5"
    );
    // A Liepāja mentor counts for the ministry, and for Liepāja only when filtered.
    mentor(&app, "LPX", &FULL_TRAINING).await;
    let admin = token(&admin());
    let all = app.mentor_load_stats(&admin, &stats_query()).ok().await;
    assert_eq!(row(&all, &[("load", "0")])["mentors"], 2);
    let in_kuldiga = StatsQuery {
        municipality: Some("050".into()),
        ..stats_query()
    };
    let kuldiga = app.mentor_load_stats(&admin, &in_kuldiga).ok().await;
    assert_eq!(row(&kuldiga, &[("load", "0")])["mentors"], 1);
    assert_eq!(row(&kuldiga, &[("load", "2")])["mentors"], 1);
    let by_mentor = grouped_by("mentor");
    let coverage = app
        .mentor_coverage_stats(&token(&municipality("050")), &by_mentor)
        .ok()
        .await;
    assert_eq!(row(&coverage, &[("mentor", "with")])["clients"], 2);
    assert_eq!(row(&coverage, &[("mentor", "without")])["clients"], 1);
    let suppressed = app
        .mentor_coverage_stats(&token(&ministry()), &by_mentor)
        .ok()
        .await;
    assert_eq!(
        row(&suppressed, &[("mentor", "with")])["clients_suppressed"],
        true
    );
}
