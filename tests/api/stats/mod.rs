use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use kopiena::api::assessments::CreateAssessment;
use kopiena::api::providers::CreateProvider;
use kopiena::api::services::{CreateService, UpdateService};
use kopiena::api::transfers::TransferClient;
use kopiena::domain::client::{DiStatus, TargetGroup};
use kopiena::domain::codes::MunicipalityCode;
use kopiena::domain::ids::AssessmentId;
use kopiena::domain::mentor::ContractType;
use kopiena::domain::registry::ServiceStatus;
use serde_json::{Value, json};

use crate::helpers::{
    IndicatorsQuery, StatsQuery, TestApp, admin, assert_bad_request, assert_problem,
    assessment_body, assignment, date, ending, grouped_by, id_of, mentor_body, ministry,
    municipality, placement, provider, provider_body, region, service_body, service_update,
    stats_query, token, training, transfer, when,
};
use crate::mentors::{FULL_TRAINING, client, mentor};

mod cache;
mod disclosure;
mod history;

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

fn row<'a>(table: &'a Value, pairs: &[(&str, &str)]) -> &'a Value {
    table["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| pairs.iter().all(|(k, v)| r[*k] == *v)))
        .unwrap_or_else(|| panic!("no row {pairs:?} in {table}"))
}

/// Registers `n` adults in `municipality` with the given DI status, which follows from a
/// placement made today (in a state social care centre or a group home), an entry in the
/// group homes' queue added today (`waiting_list`) or neither (`no_service`); returns their
/// ids.
async fn adults(
    app: &TestApp,
    municipality_code: &str,
    first: u64,
    n: u64,
    status: DiStatus,
) -> Vec<i64> {
    adults_placed(app, municipality_code, first, n, status, None).await
}

/// [`adults`] whose placement starts on `placed_on` (`None`: today).
async fn adults_placed(
    app: &TestApp,
    municipality_code: &str,
    first: u64,
    n: u64,
    status: DiStatus,
    placed_on: Option<NaiveDate>,
) -> Vec<i64> {
    let m = token(&municipality(municipality_code));
    let service = match status {
        DiStatus::NoService => None,
        DiStatus::InInstitution | DiStatus::InCommunity | DiStatus::WaitingList => {
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
        match service {
            Some(service_id) if status == DiStatus::WaitingList => {
                app.wait(&m, id, service_id).await;
            }
            Some(service_id) => {
                app.grant(&m, id, service_id).await;
                app.create_placement(&m, id, &placement(service_id, placed_on))
                    .created()
                    .await;
            }
            None => {}
        }
        ids.push(id);
    }
    ids
}

/// The cells of a statistics table: dimension values → `metric`, zero cells left out.
pub(crate) fn cells(table: &Value, dims: &[&str], metric: &str) -> BTreeMap<Vec<String>, i64> {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = dims
                .iter()
                .map(|d| r[*d].as_str().expect("a dimension value").to_string())
                .collect();
            (key, r[metric].as_i64().expect("a published count"))
        })
        .filter(|(_, n)| *n != 0)
        .collect()
}

/// A cell of [`cells`]: zero where the table has none.
fn at(cells: &BTreeMap<Vec<String>, i64>, key: &[String]) -> i64 {
    cells.get(key).copied().unwrap_or(0)
}

/// The day `n` days before today.
fn days_ago(n: u64) -> NaiveDate {
    kopiena::domain::today() - Days::new(n)
}

/// Dates every client's registration `n` days back and recomputes the runs: the ministry and
/// the regions read complete months, so what is registered today is not in their figures yet.
fn registered_days_ago(app: &TestApp, n: u64) {
    app.execute_sql(&format!(
        "UPDATE clients SET created_at = '{} 09:00:00'",
        days_ago(n)
    ));
    app.rebuild_derived_runs();
}

/// Every person count a table publishes: its cells and its total.
fn published(table: &Value, metric: &str) -> Vec<i64> {
    let rows = table["rows"].as_array().expect("rows");
    rows.iter()
        .chain([&table["total"]])
        .map(|r| r[metric].as_i64().expect("a published count"))
        .collect()
}

/// Whether no published count lies between 1 and the threshold minus 1 (5 by default).
fn none_small(table: &Value, metric: &str) -> bool {
    published(table, metric).iter().all(|v| *v == 0 || *v >= 5)
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
async fn client_counts_are_exact_for_municipalities_and_admins_and_perturbed_for_ministry_and_regions()
 {
    let app = TestApp::spawn().await;
    let since = Some(days_ago(60));
    adults_placed(&app, "050", 0, 7, DiStatus::InInstitution, since).await; // Kuldīga, Kurzeme
    adults_placed(&app, "050", 100, 2, DiStatus::InCommunity, since).await;
    adults(&app, "RIX", 200, 6, DiStatus::NoService).await; // Rīga
    registered_days_ago(&app, 60);
    let by_municipality = grouped_by("municipality,di_status");
    let stats = async |claims: &Value| {
        app.client_stats(&token(claims), &by_municipality)
            .ok()
            .await
    };

    // The municipality sees its own counts, exact and to the day, and only its own.
    let own = stats(&municipality("050")).await;
    assert_eq!(own["disclosure"]["applied"], false);
    assert_eq!(row(&own, &[("di_status", "in_institution")])["clients"], 7);
    assert_eq!(row(&own, &[("di_status", "in_community")])["clients"], 2);
    assert_eq!(own["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(own["total"]["clients"], 9);

    // The ministry sees the country at the end of the last complete month, every person
    // count perturbed within the table's bounds, and the table that did it.
    let national = stats(&ministry()).await;
    assert_eq!(
        national["disclosure"],
        serde_json::json!({"applied": true, "method": "cell-key", "threshold": 5,
            "max_noise": 2, "table_version": "ckm-1-t5-d2"})
    );
    let cell = |table: &Value, m: &str, status: &str| {
        row(table, &[("municipality", m), ("di_status", status)])["clients"]
            .as_i64()
            .expect("a count")
    };
    assert!(
        [0, 5].contains(&cell(&national, "050", "in_community")),
        "true 2"
    );
    assert!(
        (5..=9).contains(&cell(&national, "050", "in_institution")),
        "true 7"
    );
    assert!(
        (5..=7).contains(&cell(&national, "RIX", "no_service")),
        "true 6"
    );
    let total = national["total"]["clients"].as_i64().expect("a total");
    assert!((13..=17).contains(&total), "true 15, published {total}");
    assert!(none_small(&national, "clients"));
    assert!(national["rows"][0].get("clients_suppressed").is_none());
    assert_eq!(
        stats(&ministry()).await,
        national,
        "the same records, the same values"
    );
    assert!(!national.to_string().contains("personal_code"));
    assert!(!national.to_string().contains("given_name"));

    // A region sees only its region, perturbed: the same cells publish the same values.
    let kurzeme = stats(&region("KURZEME")).await;
    assert!(
        kurzeme["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["municipality"] == "050")
    );
    for status in ["in_community", "in_institution"] {
        assert_eq!(
            cell(&kurzeme, "050", status),
            cell(&national, "050", status)
        );
    }
    let riga = StatsQuery {
        region: Some("RIGA".into()),
        ..stats_query()
    };
    let response = app.client_stats(&token(&region("KURZEME")), &riga).await;
    assert_problem(response, 403, "about:blank").await;
    let staff = provider(app.new_provider("050", "LM-STATS-STAFF").await);
    let response = app.client_stats(&token(&staff), &stats_query()).await;
    assert_problem(response, 403, "about:blank").await;

    // Admin: exact, today.
    let full = stats(&admin()).await;
    assert_eq!(full["disclosure"]["applied"], false);
    assert_eq!(cell(&full, "050", "in_community"), 2);
    assert_eq!(cell(&full, "RIX", "no_service"), 6);
}

#[tokio::test]
async fn csv_parses_and_matches_the_json_with_latvian_labels() {
    let app = TestApp::spawn().await;
    adults_placed(
        &app,
        "050",
        0,
        6,
        DiStatus::InInstitution,
        Some(days_ago(60)),
    )
    .await;
    registered_days_ago(&app, 60);
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
            "clients"
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
async fn a_closed_dimension_has_its_label_in_the_requested_language() {
    let app = TestApp::spawn().await;
    adults_placed(&app, "050", 0, 6, DiStatus::InCommunity, Some(days_ago(60))).await;
    registered_days_ago(&app, 60);
    let kuldiga = token(&municipality("050"));
    for (lang, status, mentor) in [
        ("en", "in a community-based service", "without a mentor"),
        ("lv", "sabiedrībā balstītā pakalpojumā", "bez mentora"),
    ] {
        let table = app
            .client_stats(&kuldiga, &grouped_by("di_status"))
            .accept_language(lang)
            .ok()
            .await;
        let row = &table["rows"][0];
        assert_eq!(row["di_status"], "in_community", "{table}");
        assert_eq!(row["di_status_label"], status, "{table}");
        let coverage = app
            .mentor_coverage_stats(&kuldiga, &grouped_by("mentor"))
            .accept_language(lang)
            .ok()
            .await;
        let without = coverage["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["mentor"] == "without"))
            .unwrap_or_else(|| panic!("{coverage}"));
        assert_eq!(without["mentor_label"], mentor, "{coverage}");
    }
}

#[tokio::test]
async fn registry_aggregates_count_providers_services_places_and_municipalities_offering_each_type()
{
    let app = TestApp::spawn().await;
    let a = app.new_provider("050", "LM-A").await; // Kuldīga
    let b = app.new_provider("LPX", "LM-B").await; // Liepāja
    let c = app.new_provider("RIX", "LM-C").await; // Rīga
    let mut moved = 0;
    for (pid, t, cap, st) in [
        (a, "home_care", 10, ServiceStatus::Active),
        (a, "home_care", 5, ServiceStatus::Active),
        (b, "home_care", 20, ServiceStatus::Active),
        (c, "home_care", 30, ServiceStatus::Planned),
        (b, "group_home", 8, ServiceStatus::Active),
    ] {
        let created = app
            .create_service(&token(&ministry()), pid, &plain_service(t, cap, st))
            .created()
            .await;
        if cap == 5 {
            moved = id_of(&created);
        }
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
    // A service that moves counts in its new municipality from then on.
    let to_liepaja = UpdateService {
        municipality: Some(MunicipalityCode::new("LPX")),
        ..service_update()
    };
    app.update_service(&token(&ministry()), moved, &to_liepaja)
        .ok()
        .await;
    let by_municipality = registry(&grouped_by("municipality")).await;
    assert_eq!(
        row(&by_municipality, &[("municipality", "050")])["capacity"],
        10
    );
    assert_eq!(
        row(&by_municipality, &[("municipality", "LPX")])["capacity"],
        33
    );
    // Nothing was recorded in 2000: the record cannot answer for that day.
    let before = app
        .registry_stats(
            &token(&ministry()),
            &StatsQuery {
                as_of: when("2000-01-01"),
                ..grouped_by("sector")
            },
        )
        .await;
    let problem = assert_problem(before, 422, "/problems/before-record").await;
    assert_eq!(problem["rule"], "STATS-RECORD-FIRST-DAY");
}

#[tokio::test]
async fn kurzeme_indicators_are_computed_from_known_data_or_said_not_computable() {
    let app = TestApp::spawn().await;
    let kuldiga = app.new_provider("050", "LM-K1").await;
    let liepaja = app.new_provider("LPX", "LM-K2").await;
    app.new_provider("RIX", "LM-R1").await;
    for (pid, t, status) in [
        (kuldiga, "home_care", ServiceStatus::Active),
        (liepaja, "home_care", ServiceStatus::Active),
        (liepaja, "social_rehabilitation", ServiceStatus::Active),
        (liepaja, "social_rehabilitation", ServiceStatus::Active),
        (liepaja, "day_care_centre", ServiceStatus::Planned),
        (kuldiga, "social_rehabilitation", ServiceStatus::Planned),
    ] {
        let body = plain_service(t, 5, status);
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
            providers["target"]["value"].as_i64()
        ),
        (Some(2), Some(53), Some(150))
    );
    let home_care = find("KUR-02");
    assert_eq!(home_care["value"], 2, "home care in Kuldīga and Liepāja");
    // The target (20 municipalities, 2018) counts the municipalities of 2009–2021: Kuldīga
    // stands for one to three of them (Kuldīga, Alsunga, Skrunda), Liepāja for itself.
    assert_eq!(home_care["geography"], "municipalities_2009");
    assert_eq!(home_care["target"], json!({"year": 2018, "value": 20}));
    assert_eq!(
        home_care["former_geography"],
        json!({"at_least": 2, "at_most": 4})
    );
    assert_eq!(home_care["target_met"], false);
    // Planned services are counted apart: a planned day care centre in Liepāja; social
    // rehabilitation planned in Kuldīga, where none runs yet.
    assert_eq!(find("KUR-03")["planned"], 1);
    assert_eq!(find("KUR-11")["planned"], 1);
    assert_eq!(find("KUR-11S")["planned"], 1);
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
    // For the ministry, of the last complete month: nobody was registered then.
    let national = app
        .mentor_coverage_stats(&token(&ministry()), &by_mentor)
        .ok()
        .await;
    assert_eq!(national["disclosure"]["applied"], true);
    assert_eq!(national["total"]["clients"], 0);
}

/// A filter naming a region, municipality, service type or target group that does not
/// exist is refused (400), on the table statistics and the indicators alike, rather than
/// answered with an empty table.
#[tokio::test]
async fn a_filter_naming_no_known_code_or_an_unknown_parameter_is_a_400() {
    let app = TestApp::spawn().await;
    let ministry = token(&ministry());
    for query in [
        StatsQuery {
            region: Some("NOWHERE".into()),
            ..stats_query()
        },
        StatsQuery {
            municipality: Some("999".into()),
            ..stats_query()
        },
        StatsQuery {
            target_group: Some("nobody".into()),
            ..stats_query()
        },
    ] {
        assert_bad_request(
            app.client_stats(&ministry, &query).await,
            "is not the code of a",
        )
        .await;
    }
    let nowhere = IndicatorsQuery {
        region: Some("NOWHERE".into()),
        as_of: None,
        format: None,
    };
    assert_problem(
        app.indicator_stats(&ministry, &nowhere).await,
        400,
        "about:blank",
    )
    .await;
    let kurzeme = IndicatorsQuery {
        region: Some("KURZEME".into()),
        as_of: None,
        format: None,
    };
    app.indicator_stats(&ministry, &kurzeme).ok().await;
    // An unknown parameter is refused, as on the table statistics, not ignored.
    for bogus in ["bogus=1", "group_by=region", "municipality=050"] {
        let response = app
            .get_as(&format!("/api/v1/stats/indicators?{bogus}"), &ministry)
            .await;
        assert_bad_request(
            response,
            "accepts programme, region, as_of, from, to, step, format",
        )
        .await;
    }
}
