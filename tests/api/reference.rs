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
