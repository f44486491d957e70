use kopiena::domain::registry::Setting;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use kopiena::api::reference::{
    ListMunicipalitiesQuery, ListServiceTypesQuery, ListTargetGroupsQuery,
};
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, date};

fn municipalities(region: Option<&str>, valid_on: Option<NaiveDate>) -> ListMunicipalitiesQuery {
    ListMunicipalitiesQuery {
        region: region.map(Into::into),
        valid_on,
    }
}

fn service_types(setting: Option<Setting>, target_group: Option<&str>) -> ListServiceTypesQuery {
    ListServiceTypesQuery {
        setting,
        target_group: target_group.map(Into::into),
        di_alternative: None,
    }
}

fn csv_rows(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = format!("{}/reference/{name}", env!("CARGO_MANIFEST_DIR"));
    csv::Reader::from_path(&path)
        .expect("reference CSV")
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("CSV rows")
}

/// An optional integer column.
fn opt(value: &str) -> Value {
    value.parse::<i64>().map_or(Value::Null, Value::from)
}

/// An optional text column.
fn opt_str(value: &str) -> Value {
    if value.is_empty() {
        Value::Null
    } else {
        Value::from(value)
    }
}

#[tokio::test]
async fn municipalities_are_served_exactly_as_the_reference_csv_holds_them() {
    let app = TestApp::spawn().await;
    let all = municipalities(None, None);
    let en = app.list_municipalities(&all).ok().await;
    let lv = app
        .list_municipalities(&all)
        .accept_language("lv")
        .ok()
        .await;
    let rows = csv_rows("municipalities.csv");
    assert_eq!(en["total"], rows.len());
    assert_eq!(rows.len(), 43);
    for row in &rows {
        let find = |doc: &Value| -> Value {
            doc["items"]
                .as_array()
                .and_then(|items| items.iter().find(|m| m["code"] == row["code"].as_str()))
                .cloned()
                .expect("municipality present")
        };
        let (m_en, m_lv) = (find(&en), find(&lv));
        assert_eq!(m_en["name"], row["name_en"]);
        assert_eq!(m_lv["name"], row["name_lv"]);
        assert_eq!(m_en["iso_3166_2"], row["iso_3166_2"]);
        assert_eq!(m_en["atvk_code"], row["atvk_2021"]);
        assert_eq!(m_en["kind"], row["kind"]);
        assert_eq!(m_en["planning_region"], row["planning_region"]);
        assert_eq!(m_en["valid_from"], row["valid_from"]);
        assert_eq!(m_en["valid_to"], opt_str(&row["valid_to"]));
        assert_eq!(m_en["successor"], opt_str(&row["successor"]));
    }
}

#[tokio::test]
async fn municipalities_filter_by_region_and_by_validity_date() {
    let app = TestApp::spawn().await;
    let rows = csv_rows("municipalities.csv");
    let kurzeme = app
        .list_municipalities(&municipalities(Some("KURZEME"), None))
        .ok()
        .await;
    let expected = rows
        .iter()
        .filter(|r| r["planning_region"] == "KURZEME")
        .count();
    assert_eq!(kurzeme["total"], expected);
    assert!(
        kurzeme["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|m| m["planning_region"] == "KURZEME")
    );

    // Varakļāni municipality existed until 2025-06-30.
    let valid_on = async |day: &str| {
        app.list_municipalities(&municipalities(None, Some(date(day))))
            .ok()
            .await
    };
    let before = valid_on("2025-06-30").await;
    let after = valid_on("2025-07-01").await;
    let has = |doc: &Value, code: &str| {
        doc["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|m| m["code"] == code)
    };
    assert!(has(&before, "102"));
    assert!(!has(&after, "102"));
    assert_eq!(before["total"], rows.len());
    assert_eq!(after["total"], rows.len() - 1);
    let none = valid_on("2020-01-01").await;
    assert_eq!(none["total"], 0);

    let combined = app
        .list_municipalities(&municipalities(Some("VIDZEME"), Some(date("2026-01-01"))))
        .ok()
        .await;
    assert!(!has(&combined, "102"));
    assert!(has(&combined, "113"));
}

#[tokio::test]
async fn planning_regions_and_single_municipalities_are_readable() {
    let app = TestApp::spawn().await;
    let regions = app.list_planning_regions().ok().await;
    assert_eq!(regions["total"], 5);
    let kurzeme = app.get_planning_region("KURZEME").ok().await;
    assert_eq!(kurzeme["name"], "Kurzeme Planning Region");
    let riga = app.get_municipality("RIX").ok().await;
    assert_eq!(riga["name"], "Riga");
    assert_eq!(riga["kind"], "state_city");
    assert_problem(app.get_municipality("XXX").await, 404, "about:blank").await;
    assert_problem(app.get_planning_region("MARS").await, 404, "about:blank").await;
}

#[tokio::test]
async fn the_service_type_catalogue_matches_the_reference_csv() {
    let app = TestApp::spawn().await;
    let catalogue = app
        .list_service_types(&service_types(None, None))
        .ok()
        .await;
    let rows = csv_rows("service_types.csv");
    let links = csv_rows("service_type_target_groups.csv");
    assert_eq!(catalogue["total"], rows.len());
    for row in &rows {
        let code = row["code"].as_str();
        let item = catalogue["items"]
            .as_array()
            .and_then(|items| items.iter().find(|s| s["code"] == code))
            .expect("service type present");
        assert_eq!(item["label"], row["label_en"]);
        assert_eq!(item["setting"], row["setting"]);
        assert_eq!(item["limits"]["max_capacity"], opt(&row["max_capacity"]));
        assert_eq!(
            item["limits"]["max_age_at_placement"],
            opt(&row["max_age_at_placement"])
        );
        let mut served: Vec<&str> = item["target_groups"]
            .as_array()
            .expect("target groups")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut expected: Vec<&str> = links
            .iter()
            .filter(|l| l["service_type"] == code)
            .map(|l| l["target_group"].as_str())
            .collect();
        served.sort_unstable();
        expected.sort_unstable();
        assert_eq!(served, expected, "target groups of {code}");
    }
}

#[tokio::test]
async fn the_catalogue_holds_the_di_plan_limits() {
    let app = TestApp::spawn().await;
    let limit = |doc: &Value| doc["limits"]["max_capacity"].clone();
    let family = app.get_service_type("family_like_care_home").ok().await;
    assert_eq!(limit(&family), 8);
    let correction = app.get_service_type("social_correction_home").ok().await;
    assert_eq!(limit(&correction), 24);
    let youth = app.get_service_type("youth_home").ok().await;
    assert_eq!(youth["limits"]["max_age_at_placement"], 23);
    let vsac = app.get_service_type("state_social_care_centre").ok().await;
    assert_eq!(vsac["setting"], "institutional");
    assert_problem(app.get_service_type("hospital").await, 404, "about:blank").await;
}

#[tokio::test]
async fn service_types_filter_by_setting_and_target_group() {
    let app = TestApp::spawn().await;
    let institutional = app
        .list_service_types(&service_types(Some(Setting::Institutional), None))
        .ok()
        .await;
    let items = institutional["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|s| s["setting"] == "institutional"));

    let adults = app
        .list_service_types(&service_types(
            Some(Setting::Community),
            Some("adult_with_mental_disorder"),
        ))
        .ok()
        .await;
    let items = adults["items"].as_array().expect("items");
    assert!(items.iter().any(|s| s["code"] == "group_home"));
    assert!(items.iter().all(|s| {
        s["setting"] == "community"
            && s["target_groups"]
                .as_array()
                .is_some_and(|g| g.iter().any(|g| g == "adult_with_mental_disorder"))
    }));
}

#[tokio::test]
async fn labels_follow_accept_language_and_name_it_in_content_language() {
    let app = TestApp::spawn().await;
    for (accept, language, label) in [
        (None, "en", "Family-like care home"),
        (Some("lv"), "lv", "Ģimenes videi pietuvinātas aprūpes māja"),
        (
            Some("lv-LV,en;q=0.5"),
            "lv",
            "Ģimenes videi pietuvinātas aprūpes māja",
        ),
        (Some("de"), "en", "Family-like care home"),
    ] {
        let mut request = app.get_service_type("family_like_care_home");
        if let Some(accept) = accept {
            request = request.accept_language(accept);
        }
        let response = request.await;
        assert_eq!(response.headers()["content-language"], language);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["label"], label, "Accept-Language {accept:?}");
    }
}

#[tokio::test]
async fn target_groups_roles_and_programmes_are_published() {
    let app = TestApp::spawn().await;
    let di = app
        .list_target_groups(&ListTargetGroupsQuery { di: Some(true) })
        .ok()
        .await;
    let codes: Vec<&str> = di["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|g| g["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "orphan_or_no_parental_care",
            "child_with_functional_impairment",
            "adult_with_mental_disorder"
        ]
    );
    let all = app
        .list_target_groups(&ListTargetGroupsQuery { di: None })
        .ok()
        .await;
    assert_eq!(all["total"], csv_rows("target_groups.csv").len());

    let roles = app.list_specialist_roles().ok().await;
    assert_eq!(roles["total"], csv_rows("specialist_roles.csv").len());
    assert!(
        roles["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|r| r["code"] == "social_worker")
    );

    // The legal bases a decision names by code: exactly the CSV's, in its order, in both
    // languages.
    for (lang, label) in [("en", "label_en"), ("lv", "label_lv")] {
        let bases = app.list_legal_bases().accept_language(lang).ok().await;
        let served: Vec<(String, String)> = bases["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|b| {
                (
                    b["code"].as_str().expect("code").into(),
                    b["label"].as_str().expect("label").into(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = csv_rows("legal_bases.csv")
            .into_iter()
            .map(|r| (r["code"].clone(), r[label].clone()))
            .collect();
        assert_eq!(served, expected, "{lang}");
    }

    let programmes = app.list_training_programmes().ok().await;
    let hours = |code: &str| {
        programmes["items"]
            .as_array()
            .and_then(|items| items.iter().find(|p| p["code"] == code))
            .map(|p| p["min_hours"].clone())
            .expect("programme")
    };
    assert_eq!(hours("life_skills"), 48);
    assert_eq!(hours("support_plan_development"), 24);
    assert_eq!(hours("work_with_disabilities"), 24);
    assert_eq!(hours("client_needs_work"), 64);
}

/// Tariffs (issue 18, point 1): the API serves `reference/tariffs.csv` exactly (amounts,
/// sources, labels in both languages); an administrator adds a tariff's next version, which
/// ends the one before it the day before (TARIFF-VERSION); `on` picks the version in force.
#[tokio::test]
async fn tariffs_are_the_seed_values_and_an_administrator_adds_the_next_version() {
    use kopiena::api::tariffs::CreateTariffVersion;

    use crate::helpers::{admin, municipality, token};

    let app = TestApp::spawn().await;
    let rows = csv_rows("tariffs.csv");
    for (lang, label) in [("en", "label_en"), ("lv", "label_lv")] {
        let served = app.get("/api/v1/tariffs").accept_language(lang).ok().await;
        let mut seen: Vec<[String; 5]> = served["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|t| {
                ["code", "amount", "unit", "source", "label"]
                    .map(|k| t[k].as_str().unwrap_or_default().to_string())
            })
            .collect();
        let mut expected: Vec<[String; 5]> = rows
            .iter()
            .map(|r| ["code", "amount_eur", "unit", "source", label].map(|k| r[k].clone()))
            .collect();
        seen.sort();
        expected.sort();
        assert_eq!(seen, expected, "{lang}");
    }
    let packages = app.get("/api/v1/tariffs?kind=monthly_package").ok().await;
    let level_iii = packages["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["care_level"] == "III" && t["living_situation"] == "group_apartment")
        .expect("level III in a group apartment");
    assert_eq!(level_iii["amount"], "862.68");
    assert_eq!(packages["total"], 7);

    // The next version, from 2027: the seed's version ends on 31 December 2026.
    let next = CreateTariffVersion {
        amount: "15.50".into(),
        valid_from: date("2027-01-01"),
        source: "MK noteikumi Nr. 1, 2. punkts".into(),
    };
    let path = "/api/v1/tariffs/up_adult_day_centre/versions";
    let refused = app.post_as(path, &token(&municipality("050")), &next).await;
    assert_problem(refused, 403, "about:blank").await;
    let admin = token(&admin());
    let created = app.post_as(path, &admin, &next).created().await;
    assert_eq!(
        (created["version"].as_i64(), created["amount"].as_str()),
        (Some(2), Some("15.50"))
    );
    let one = app
        .get(&format!("/api/v1/tariffs/{}", created["id"]))
        .ok()
        .await;
    assert_eq!(one["valid_from"], "2027-01-01");
    let versions = app
        .get("/api/v1/tariffs?code=up_adult_day_centre")
        .ok()
        .await;
    assert_eq!(versions["items"][0]["valid_to"], "2026-12-31");
    assert_eq!(versions["items"][1]["valid_to"], Value::Null);
    for (on, amount) in [("2026-12-31", "14.94"), ("2027-01-01", "15.50")] {
        let in_force = app
            .get(&format!("/api/v1/tariffs?code=up_adult_day_centre&on={on}"))
            .ok()
            .await;
        assert_eq!(in_force["total"], 1, "{on}");
        assert_eq!(in_force["items"][0]["amount"], amount, "{on}");
    }
    // Not on or before the day the latest version took effect; no unknown tariff; no bad
    // amount.
    let early = app.post_as(path, &admin, &next).await;
    let problem = assert_problem(early, 409, "/problems/tariff-version-out-of-order").await;
    assert_eq!(problem["rule"], "TARIFF-VERSION");
    let unknown = app
        .post_as("/api/v1/tariffs/no_such_tariff/versions", &admin, &next)
        .await;
    assert_problem(unknown, 404, "about:blank").await;
    let odd = CreateTariffVersion {
        amount: "15,5".into(),
        valid_from: date("2028-01-01"),
        ..next
    };
    assert_eq!(app.post_as(path, &admin, &odd).await.status(), 422);
    assert_problem(app.get("/api/v1/tariffs/999999").await, 404, "about:blank").await;
}
