//! The care level the default instrument derives, and what it accepts.

use kopiena::api::assessments::{CreateAssessment, InstrumentRef};
use serde_json::{Value, json};

use super::{ADULT, as_json, assessments_of, client, post, post_json, record};
use crate::helpers::{TestApp, assert_problem, assessment_body, date};

#[tokio::test]
async fn the_default_instrument_derives_the_care_level_at_every_threshold() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    // (scores, total, level by total, raised by a domain at 4, care level)
    type Case<'a> = ((i32, i32, i32), i64, &'a str, Option<&'a str>, &'a str);
    let cases: [Case; 16] = [
        ((0, 0, 0), 0, "I", None, "I"),
        ((1, 0, 0), 1, "I", None, "I"),
        ((1, 1, 1), 3, "I", None, "I"),
        ((2, 1, 1), 4, "II", None, "II"),
        ((2, 2, 1), 5, "II", None, "II"),
        ((2, 2, 2), 6, "II", None, "II"),
        ((3, 2, 2), 7, "III", None, "III"),
        ((3, 3, 2), 8, "III", None, "III"),
        ((3, 3, 3), 9, "III", None, "III"),
        ((4, 3, 3), 10, "IV", None, "IV"),
        ((4, 4, 3), 11, "IV", None, "IV"),
        ((4, 4, 4), 12, "IV", None, "IV"),
        // One domain at 4 raises a lower total to at least III.
        ((4, 0, 0), 4, "II", Some("III"), "III"),
        ((0, 0, 4), 4, "II", Some("III"), "III"),
        ((0, 4, 2), 6, "II", Some("III"), "III"),
        // Already III by total: nothing to raise.
        ((4, 3, 0), 7, "III", None, "III"),
    ];
    for (scores, total, by_total, raised, level) in cases {
        let created = record(
            &app,
            "050",
            id,
            &assessment_body(ADULT, date("2026-05-01"), scores),
        )
        .await;
        let derivation = &created["derivation"];
        assert_eq!(created["care_level"], level, "{scores:?}");
        assert_eq!(derivation["total"], total, "{scores:?}");
        assert_eq!(derivation["level_by_total"], by_total, "{scores:?}");
        assert_eq!(derivation["raised_by_domain"], json!(raised), "{scores:?}");
        assert_eq!(derivation["care_level"], level, "{scores:?}");
        assert_eq!(derivation["instrument"], "kopiena-default");
        assert_eq!(derivation["instrument_version"], 1);
    }
}

#[tokio::test]
async fn scores_outside_the_instrument_ranges_are_422() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    for (scores, quality_of_life, named) in [
        ((5, 0, 0), 50, "health"),
        ((0, -1, 0), 50, "self_care"),
        ((0, 0, 7), 50, "communication"),
        ((0, 0, 0), 101, "quality_of_life"),
        ((0, 0, 0), -1, "quality_of_life"),
    ] {
        let body = CreateAssessment {
            quality_of_life_score: quality_of_life,
            ..assessment_body(ADULT, date("2026-05-01"), scores)
        };
        let response = post(&app, id, &body).await;
        let problem = assert_problem(response, 422, "/problems/scores-out-of-range").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(named)),
            "{problem}"
        );
    }
    // A domain left unscored cannot be built as a DTO: sent as JSON.
    let mut body = as_json(&assessment_body(ADULT, date("2026-05-01"), (1, 1, 1)));
    body["scores"] = json!({"health": 1, "self_care": 1});
    assert_eq!(
        post_json(&app, id, &body).await.status(),
        422,
        "a domain unscored"
    );
    assert!(assessments_of(&app, id).await.is_empty());
}

#[tokio::test]
async fn the_default_assessment_instrument_is_published_without_a_token() {
    let app = TestApp::spawn().await;
    let list = app.list_instruments().ok().await;
    let default: Vec<&Value> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["is_default"] == true)
        .collect();
    assert_eq!(default.len(), 1, "exactly one default instrument: {list}");
    let instrument = default[0];
    assert_eq!(instrument["code"], "kopiena-default");
    assert_eq!(instrument["version"], 1);
    let mut domains: Vec<(String, Value, Value)> = instrument["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().expect("domain").to_string(),
                d["min_score"].clone(),
                d["max_score"].clone(),
            )
        })
        .collect();
    domains.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        domains,
        [
            ("communication".to_string(), json!(0), json!(4)),
            ("health".to_string(), json!(0), json!(4)),
            ("self_care".to_string(), json!(0), json!(4)),
        ]
    );
    let levels: Vec<(Value, Value)> = instrument["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| (l["care_level"].clone(), l["min_total"].clone()))
        .collect();
    assert_eq!(
        levels,
        [
            (json!("I"), json!(0)),
            (json!("II"), json!(4)),
            (json!("III"), json!(7)),
            (json!("IV"), json!(10)),
        ]
    );
    assert_eq!(instrument["floor_score"], 4);
    assert_eq!(instrument["floor_level"], "III");
    assert_eq!(instrument["quality_of_life_min"], 0);
    assert_eq!(instrument["quality_of_life_max"], 100);

    // Naming it explicitly is the same as the default; an unknown one is 422.
    let id = client(&app, ADULT, 1).await;
    let mut body = CreateAssessment {
        instrument: Some(InstrumentRef {
            code: "kopiena-default".into(),
            version: 1,
        }),
        ..assessment_body(ADULT, date("2026-05-01"), (2, 1, 1))
    };
    let created = record(&app, "050", id, &body).await;
    assert_eq!(created["care_level"], "II");
    body.instrument = Some(InstrumentRef {
        code: "kopiena-default".into(),
        version: 99,
    });
    assert_problem(
        post(&app, id, &body).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
}

#[tokio::test]
async fn needed_service_types_must_be_in_the_catalogue() {
    let app = TestApp::spawn().await;
    let id = client(&app, ADULT, 1).await;
    let body = CreateAssessment {
        needed_service_types: vec!["group_home".into(), "teleportation".into()],
        ..assessment_body(ADULT, date("2026-05-01"), (1, 1, 1))
    };
    super::refused_as_unknown(&app, id, &body, "teleportation").await;
}
