//! Indicator tables (issue 18, point 6): Kurzeme's, Latgale's and the DI plan's indicators
//! computed from a fixture history at three dates, each value worked out here; a yearly
//! series; the definitions and the former municipalities as data.

use chrono::{Days, NaiveDate};
use kopiena::domain::registry::ServiceStatus;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, ministry, municipality, new_code, placement, provider,
    region, service_body, staff_body, today, token,
};
use kopiena::api::services::CreateService;
use kopiena::domain::client::TargetGroup;

fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

/// The fixture's three dates.
fn dates() -> [NaiveDate; 3] {
    [ago(700), ago(200), today()]
}

/// A running service of `service_type` opened `opened` days ago (or planned, from today).
async fn service(app: &TestApp, provider_id: i64, service_type: &str, opened: Option<u64>) -> i64 {
    let body = CreateService {
        name: format!("{service_type} {provider_id}"),
        opened_on: opened.map(ago),
        status: Some(if opened.is_some() {
            ServiceStatus::Active
        } else {
            ServiceStatus::Planned
        }),
        price: None,
        ..service_body(service_type, 6, &[served(service_type)])
    };
    app.create_service(&token(&ministry()), provider_id, &body)
        .created_id()
        .await
}

/// A DI target group the catalogue lets the service type serve.
fn served(service_type: &str) -> TargetGroup {
    match service_type {
        "crisis_centre" => TargetGroup::OrphanOrNoParentalCare,
        "multifunctional_centre" => TargetGroup::ChildWithFunctionalImpairment,
        _ => TargetGroup::AdultWithMentalDisorder,
    }
}

/// The indicator `code` of a table.
fn find<'a>(table: &'a Value, code: &str) -> &'a Value {
    table
        .as_array()
        .and_then(|all| all.iter().find(|i| i["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {table}"))
}

async fn table(app: &TestApp, who: &str, query: &str) -> Value {
    app.get_as(&format!("/api/v1/stats/indicators?{query}"), who)
        .ok()
        .await
}

/// A Latgale history: in Daugavpils social work, home care and a crisis centre since 800 days
/// ago, a multifunctional centre since 100 days ago, a group home, and a day centre planned;
/// a client in the group home from 300 days ago who left an institution 250 days ago; an
/// institution closed 150 days ago; a provider's social worker since 800 days ago, the
/// municipality's from 500 to 100 days ago, the region's team member since 400 days ago,
/// with their trainings.
async fn latgale(app: &TestApp) {
    let provider_id = app.new_provider("DGV", "LM-LAT-1").await;
    for t in ["social_work", "home_care", "crisis_centre"] {
        service(app, provider_id, t, Some(800)).await;
    }
    service(app, provider_id, "multifunctional_centre", Some(100)).await;
    service(app, provider_id, "day_centre", None).await;
    let home = service(app, provider_id, "group_home", Some(800)).await;
    let institution = service(app, provider_id, "long_term_care_institution", Some(800)).await;
    // Closed today through the API, then dated back to 150 days ago.
    app.close_service(&token(&ministry()), institution)
        .ok()
        .await;
    let closed = ago(150);
    for sql in [
        format!("UPDATE services SET closed_on = '{closed}' WHERE id = {institution}"),
        format!(
            "UPDATE service_periods SET ends_on = '{closed}' WHERE service_id = {institution} \
             AND status = 'active'"
        ),
        format!(
            "UPDATE service_periods SET starts_on = '{closed}' WHERE service_id = {institution} \
             AND status = 'closed'"
        ),
    ] {
        app.execute_sql(&sql);
    }
    let owner = token(&municipality("DGV"));
    let client = app
        .new_client("DGV", &adult(&new_code(71), "Klientis"))
        .await;
    app.grant(&owner, client, home).await;
    app.create_placement(&owner, client, &placement(home, Some(ago(300))))
        .created()
        .await;
    app.execute_sql(&format!(
        "INSERT INTO di_transitions (client_id, transitioned_on, placement_id, created_at, record_key) \
         VALUES ({client}, '{}', NULL, '{} 12:00:00', 7)",
        ago(250),
        today()
    ));
    app.rebuild_derived_runs();

    let own = token(&provider(provider_id));
    let worker = app
        .register_staff(&own, &staff_body("social_worker", ago(800), None, 6))
        .await;
    app.train_staff(&own, &worker["id"], "work_with_disabilities", 24, ago(600))
        .await;
    let municipal = app
        .register_staff(
            &owner,
            &staff_body("social_worker", ago(500), Some(ago(100)), 6),
        )
        .await;
    app.train_staff(&owner, &municipal["id"], "life_skills", 48, ago(450))
        .await;
    let latgale = token(&region("LATGALE"));
    let member = app
        .register_staff(&latgale, &staff_body("social_worker", ago(400), None, 6))
        .await;
    app.train_staff(&latgale, &member["id"], "di_assessment", 8, ago(380))
        .await;
}

#[tokio::test]
async fn latgale_indicators_are_computed_at_three_dates_and_as_a_yearly_series() {
    let app = TestApp::spawn().await;
    latgale(&app).await;
    let admin = token(&admin());
    // (code, values at the three dates)
    let expected: [(&str, [i64; 3]); 4] = [
        // Services running: social work, home care, crisis rooms, group home (and the
        // institution until it closed), then the multifunctional centre.
        ("LAT-01", [5, 5, 5]),
        // Staff employed: the provider's; the provider's, the municipality's, the region's;
        // the provider's and the region's.
        ("LAT-02", [1, 3, 2]),
        // The client placed 300 days ago.
        ("LAT-03", [0, 1, 1]),
        // Daugavpils has the whole minimum package once the multifunctional centre opens.
        ("LAT-04", [0, 0, 1]),
    ];
    let mut tables = Vec::new();
    for day in dates() {
        tables.push(table(&app, &admin, &format!("programme=LATGALE&as_of={day}")).await);
    }
    for (code, values) in expected {
        for (t, value) in tables.iter().zip(values) {
            assert_eq!(find(t, code)["value"], value, "{code}: {t}");
        }
    }
    // Planned services are counted apart; the package's gaps name what is missing.
    assert_eq!(find(&tables[2], "LAT-01")["planned"], 1);
    let gaps = &find(&tables[1], "LAT-04")["gaps"];
    let daugavpils = gaps
        .as_array()
        .and_then(|g| g.iter().find(|g| g["municipality"] == "DGV"))
        .expect("Daugavpils short of the package");
    assert_eq!(daugavpils["missing"], json!(["multifunctional_centre"]));
    assert_eq!(
        gaps.as_array().map(Vec::len),
        Some(9),
        "every Latgale municipality"
    );
    assert_eq!(
        find(&tables[2], "LAT-04")["target"],
        json!({"year": 2017, "value": 9})
    );
    assert_eq!(find(&tables[2], "LAT-04")["target_met"], false);

    // A yearly series: a year ago and today.
    let series = table(
        &app,
        &admin,
        &format!(
            "programme=LATGALE&from={}&to={}&step=year",
            ago(700),
            today()
        ),
    )
    .await;
    let staff = find(&series, "LAT-02");
    let points: Vec<(&str, i64)> = staff["series"]
        .as_array()
        .expect("a series")
        .iter()
        .map(|p| {
            (
                p["date"].as_str().unwrap_or_default(),
                p["value"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    let year_ago = today()
        .checked_sub_months(chrono::Months::new(12))
        .expect("a date");
    assert_eq!(
        points,
        vec![
            (year_ago.to_string().as_str(), 3),
            (today().to_string().as_str(), 2)
        ]
    );
    assert_eq!(staff["value"], 2, "the top-level value is the series' last");

    // The region's coordinator gets the table by whole months, person counts perturbed;
    // a day is refused; another region is refused.
    let latgale = token(&region("LATGALE"));
    let refused = app
        .get_as(
            &format!(
                "/api/v1/stats/indicators?programme=LATGALE&as_of={}",
                today()
            ),
            &latgale,
        )
        .await;
    assert_problem(refused, 422, "/problems/month-required").await;
    let by_region = table(&app, &latgale, "programme=LATGALE").await;
    assert_eq!(by_region.as_array().map(Vec::len), Some(4));
    assert_eq!(
        find(&by_region, "LAT-04")["value"],
        find(&tables[2], "LAT-04")["value"]
    );
    let kurzeme = app
        .get_as(
            "/api/v1/stats/indicators?programme=LATGALE",
            &token(&region("KURZEME")),
        )
        .await;
    assert_problem(kurzeme, 403, "about:blank").await;
    for bad in [
        "programme=LATGALE&step=month".to_string(),
        "programme=ATLANTIS".to_string(),
        format!("programme=LATGALE&from={}", today() + Days::new(400)),
        format!("programme=LATGALE&from={}&as_of={}", ago(700), today()),
    ] {
        let response = app
            .get_as(&format!("/api/v1/stats/indicators?{bad}"), &admin)
            .await;
        assert_problem(response, 400, "about:blank").await;
    }

    // CSV: a row per indicator and date of the series.
    let csv = app
        .get_as(
            &format!(
                "/api/v1/stats/indicators?programme=LATGALE&from={}&format=csv",
                ago(700)
            ),
            &admin,
        )
        .await
        .text()
        .await
        .expect("text");
    assert!(
        csv.starts_with("programme,code,name,unit,date,value,planned"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 4 * 2, "{csv}");
}

#[tokio::test]
async fn di_plan_indicators_are_computed_at_three_dates() {
    let app = TestApp::spawn().await;
    latgale(&app).await;
    let admin = token(&admin());
    let expected: [(&str, [i64; 3]); 5] = [
        // The institution closed 150 days ago.
        ("DI-01", [0, 0, 1]),
        // The transition 250 days ago.
        ("DI-02", [0, 1, 1]),
        // The region's team member, trained 380 days ago.
        ("DI-TR-di_assessment", [0, 1, 1]),
        // The provider's worker, trained 600 days ago.
        ("DI-TR-work_with_disabilities", [0, 1, 1]),
        // The municipality's, trained 450 days ago, left 100 days ago.
        ("DI-TR-life_skills", [0, 1, 0]),
    ];
    let mut tables = Vec::new();
    for day in dates() {
        tables.push(table(&app, &admin, &format!("programme=DI_PLAN&as_of={day}")).await);
    }
    for (code, values) in expected {
        for (t, value) in tables.iter().zip(values) {
            assert_eq!(find(t, code)["value"], value, "{code}: {t}");
        }
    }
    let closed = find(&tables[2], "DI-01");
    assert_eq!(closed["target"], json!({"year": 2020, "value": 3}));
    assert_eq!(closed["target_met"], false);
    let foster = find(&tables[2], "DI-FOSTER");
    assert_eq!(foster["computable"], false);
    assert_eq!(foster["value"], Value::Null);
    assert_eq!(
        foster["targets"],
        json!([{"year": 2015, "value": 80}, {"year": 2016, "value": 180}])
    );
    // 2 DI-plan results, 12 programmes, foster families.
    assert_eq!(tables[2].as_array().map(Vec::len), Some(15));
}

#[tokio::test]
async fn kurzeme_targets_of_2009_municipalities_are_compared_in_that_geography() {
    let app = TestApp::spawn().await;
    let kuldiga = app.new_provider("050", "LM-KUR-1").await;
    let talsi = app.new_provider("097", "LM-KUR-2").await;
    let tukums = app.new_provider("099", "LM-KUR-3").await;
    service(&app, kuldiga, "home_care", Some(800)).await;
    service(&app, tukums, "home_care", Some(800)).await;
    service(&app, talsi, "home_care", Some(100)).await;
    let own = token(&provider(talsi));
    let worker = app
        .register_staff(&own, &staff_body("social_worker", ago(800), None, 6))
        .await;
    app.train_staff(&own, &worker["id"], "client_needs_work", 64, ago(300))
        .await;

    let admin = token(&admin());
    // Kuldīga succeeded 3 former municipalities, Talsi 4; Tukums was not in Kurzeme then.
    let expected = [
        (
            2,
            json!({"at_least": 1, "at_most": 3}),
            0,
            json!({"at_least": 0, "at_most": 0}),
        ),
        (
            2,
            json!({"at_least": 1, "at_most": 3}),
            1,
            json!({"at_least": 1, "at_most": 4}),
        ),
        (
            3,
            json!({"at_least": 2, "at_most": 7}),
            1,
            json!({"at_least": 1, "at_most": 4}),
        ),
    ];
    for (day, (home, home_former, trained, trained_former)) in dates().into_iter().zip(expected) {
        let t = table(&app, &admin, &format!("programme=KURZEME&as_of={day}")).await;
        let home_care = find(&t, "KUR-02");
        assert_eq!(home_care["value"], home, "{day}: {home_care}");
        assert_eq!(home_care["former_geography"], home_former, "{day}");
        assert_eq!(home_care["target_met"], false);
        let upskilling = find(&t, "KUR-TR");
        assert_eq!(upskilling["value"], trained, "{day}: {upskilling}");
        assert_eq!(upskilling["former_geography"], trained_former, "{day}");
    }
}

#[tokio::test]
async fn indicator_definitions_and_the_former_municipalities_are_data() {
    let app = TestApp::spawn().await;
    let all = app.get("/api/v1/indicators").ok().await;
    let items = all["items"].as_array().expect("items");
    let count = |p: &str| items.iter().filter(|i| i["programme"] == p).count();
    assert_eq!(
        (count("KURZEME"), count("LATGALE"), count("DI_PLAN")),
        (29, 4, 15)
    );
    let one = app.get("/api/v1/indicators/KUR-02").ok().await;
    assert_eq!(one["geography"], "municipalities_2009");
    assert_eq!(one["service_types"], json!(["home_care"]));
    assert_eq!(one["baseline"], json!({"value": 1, "date": "2010-01-01"}));
    assert_eq!(one["targets"], json!([{"year": 2018, "value": 20}]));
    let latgale = app.get("/api/v1/indicators?programme=LATGALE").ok().await;
    assert_eq!(latgale["items"].as_array().map(Vec::len), Some(4));
    assert_problem(app.get("/api/v1/indicators/NOPE").await, 404, "about:blank").await;

    // The reform's mapping is reference/former_municipalities.csv, row for row.
    let path = format!(
        "{}/reference/former_municipalities.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let csv: Vec<(String, String)> = csv::Reader::from_path(&path)
        .expect("reference CSV")
        .records()
        .map(|r| {
            let r = r.expect("a row");
            (r[0].to_string(), r[6].to_string())
        })
        .collect();
    let listed = app.get("/api/v1/former-municipalities").ok().await;
    let mut served: Vec<(String, String)> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["iso_3166_2"].as_str().unwrap_or_default().to_string(),
                m["successor"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut expected = csv;
    expected.sort();
    served.sort();
    assert_eq!(served, expected);
    assert_eq!(
        served.len(),
        41,
        "Kurzeme's 20 (001:301-320) and Latgale's 21"
    );
}
