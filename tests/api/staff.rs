//! Staff beyond mentors (issue 18, point 5): employees' records for their employer, its
//! planning region and administrators, INV-A06 worked out from qualifications and trainings,
//! and the statistics of specialists and of staff trained per programme at any date.

use kopiena::domain::mentor::ContractType;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, assert_problem, date, mentor_body, ministry, municipality, provider, region,
    staff_body, today, token, training,
};

#[tokio::test]
async fn staff_records_are_kept_by_the_employer_read_by_its_region_and_answer_inv_a06() {
    let app = TestApp::spawn().await;
    let provider_id = app.new_provider("DGV", "LM-STAFF-1").await;
    let other_provider = app.new_provider("DGV", "LM-STAFF-2").await;
    let (own, other) = (
        token(&provider(provider_id)),
        token(&provider(other_provider)),
    );
    let latgale = token(&region("LATGALE"));

    // A provider registers its social worker: five years, higher education, no DI training.
    let worker = app
        .register_staff(
            &own,
            &staff_body("social_worker", date("2020-01-01"), None, 5),
        )
        .await;
    let id = worker["id"].clone();
    assert_eq!(
        worker["employer"],
        json!({"kind": "provider", "code": provider_id.to_string()})
    );
    assert_eq!(worker["municipality"], "DGV");
    assert_eq!(worker["region"], "LATGALE");
    assert_eq!(
        worker["assessment_team"],
        json!({"adults": false, "children": false,
               "unmet": ["di_assessment_training", "instrument_certificate"]})
    );

    // INV-A06: eight hours of the DI-assessment training (in two parts) qualify for an
    // adults' team; a children's team also needs the instrument certificate.
    app.train_staff(&own, &id, "di_assessment", 4, date("2021-03-01"))
        .await;
    let trained = app
        .train_staff(&own, &id, "di_assessment", 4, date("2021-04-01"))
        .await;
    assert_eq!(
        trained["assessment_team"],
        json!({"adults": true, "children": false, "unmet": ["instrument_certificate"]})
    );
    assert_eq!(trained["trainings"].as_array().map(Vec::len), Some(2));
    let training_id = &trained["trainings"][0]["id"];
    app.get_as(
        &format!("/api/v1/staff/{id}/trainings/{training_id}"),
        &latgale,
    )
    .ok()
    .await;

    // Read by the employer, its region and an administrator; to another provider, another
    // region and the municipality it is not theirs (404); the ministry has statistics only.
    let path = format!("/api/v1/staff/{id}");
    for reader in [&own, &latgale, &token(&admin())] {
        assert_eq!(app.get_as(&path, reader).ok().await["id"], id);
    }
    for stranger in [
        &other,
        &token(&region("KURZEME")),
        &token(&municipality("DGV")),
    ] {
        assert_problem(app.get_as(&path, stranger).await, 404, "about:blank").await;
    }
    assert_problem(
        app.get_as(&path, &token(&ministry())).await,
        403,
        "about:blank",
    )
    .await;

    // Only the employer keeps the record: the region reads but does not train or end it.
    let by_region = app
        .post_as(
            &format!("/api/v1/staff/{id}/trainings"),
            &latgale,
            &training("life_skills", 48, date("2022-01-01")),
        )
        .await;
    assert_problem(by_region, 403, "about:blank").await;
    assert_problem(
        app.post_as(
            "/api/v1/staff",
            &latgale,
            &json!({"employer": {"kind": "provider", "code": provider_id.to_string()}}),
        )
        .await,
        422,
        "/problems/validation",
    )
    .await;

    // Ending the employment is a new version; it cannot end before it began.
    let early = app
        .patch_as(&path, &own, &json!({"employed_until": "2019-12-31"}))
        .await;
    assert_problem(early, 422, "/problems/validation").await;
    let ended = app
        .patch_as(&path, &own, &json!({"employed_until": "2030-06-30"}))
        .if_match(&format!("\"{id}.1\""))
        .ok()
        .await;
    assert_eq!(ended["employed_until"], "2030-06-30");
    let stale = app
        .patch_as(&path, &own, &json!({"employed_until": "2030-07-31"}))
        .if_match(&format!("\"{id}.1\""))
        .await;
    assert_eq!(stale.status().as_u16(), 412);

    // An unknown profession or employer is refused, not stored.
    let mut unknown = staff_body("astrologer", date("2020-01-01"), None, 1);
    assert_problem(
        app.post_as("/api/v1/staff", &own, &unknown).await,
        422,
        "/problems/unknown-reference",
    )
    .await;
    unknown = staff_body("psychiatrist", date("2020-01-01"), None, 1);
    unknown["employer"] = json!({"kind": "provider", "code": "999999"});
    assert_problem(
        app.post_as("/api/v1/staff", &token(&admin()), &unknown)
            .await,
        422,
        "/problems/validation",
    )
    .await;

    // The region's list holds every employer's staff in the region; a provider's its own.
    app.register_staff(
        &latgale,
        &staff_body("psychiatrist", date("2021-01-01"), None, 9),
    )
    .await;
    app.register_staff(
        &token(&municipality("DGV")),
        &staff_body("social_worker", date("2021-01-01"), None, 2),
    )
    .await;
    let listed = app.get_as("/api/v1/staff?limit=10", &latgale).ok().await;
    assert_eq!(listed["total"], 3, "{listed}");
    let listed = app
        .get_as("/api/v1/staff?role=psychiatrist", &latgale)
        .ok()
        .await;
    assert_eq!(listed["total"], 1, "{listed}");
    let listed = app.get_as("/api/v1/staff", &own).ok().await;
    assert_eq!(listed["total"], 1, "{listed}");
    assert_problem(
        app.get_as("/api/v1/staff?colour=blue", &own).await,
        400,
        "about:blank",
    )
    .await;
}

/// The value of `metric` in the row whose `dimension` is `value` (0 when there is none).
fn cell(table: &Value, dimension: &str, value: &str, metric: &str) -> i64 {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r[dimension] == value)
        .map_or(0, |r| r[metric].as_i64().expect("a count"))
}

#[tokio::test]
async fn specialists_and_staff_trained_per_programme_are_counted_on_each_date() {
    let app = TestApp::spawn().await;
    let provider_id = app.new_provider("DGV", "LM-STAFF-3").await;
    let own = token(&provider(provider_id));
    let dgv = token(&municipality("DGV"));

    // The provider's social worker since 2020, DI-trained in 2021; the municipality's
    // psychiatrist 2020–2023, trained with disabilities 12 h in 2021 and 12 h in 2022 (the
    // minimum is 24); the region's own staff never count for a municipality; a mentor of
    // the municipality, registered today, trained in life skills.
    let worker = app
        .register_staff(
            &own,
            &staff_body("social_worker", date("2020-01-01"), None, 5),
        )
        .await;
    app.train_staff(&own, &worker["id"], "di_assessment", 8, date("2021-03-01"))
        .await;
    let psychiatrist = app
        .register_staff(
            &dgv,
            &staff_body(
                "psychiatrist",
                date("2020-01-01"),
                Some(date("2023-12-31")),
                9,
            ),
        )
        .await;
    let id = &psychiatrist["id"];
    app.train_staff(&dgv, id, "work_with_disabilities", 12, date("2021-01-01"))
        .await;
    let id = &psychiatrist["id"];
    app.train_staff(&dgv, id, "work_with_disabilities", 12, date("2022-01-01"))
        .await;
    app.register_staff(
        &token(&region("LATGALE")),
        &staff_body("psychiatrist", date("2020-01-01"), None, 9),
    )
    .await;
    let mentor = app
        .create_mentor(
            &dgv,
            &mentor_body("Jānis", "Mentors", ContractType::Employment),
        )
        .created_id()
        .await;
    app.post_as(
        &format!("/api/v1/mentors/{mentor}/trainings"),
        &dgv,
        &training("life_skills", 48, today()),
    )
    .created()
    .await;

    let staff = |on: String| {
        let app = &app;
        let dgv = &dgv;
        async move {
            app.get_as(
                &format!("/api/v1/stats/staff?as_of={on}&group_by=role"),
                dgv,
            )
            .ok()
            .await
        }
    };
    let trained = |on: String| {
        let app = &app;
        let dgv = &dgv;
        async move {
            app.get_as(&format!("/api/v1/stats/trained-staff?as_of={on}"), dgv)
                .ok()
                .await
        }
    };
    // Three dates: mid-2021, mid-2022, today.
    let (d1, d2, d3) = (
        "2021-06-30".to_string(),
        "2022-06-30".to_string(),
        today().to_string(),
    );
    let expected_staff = [(&d1, 1, 1), (&d2, 1, 1), (&d3, 1, 0)];
    for (on, workers, psychiatrists) in expected_staff {
        let table = staff(on.clone()).await;
        assert_eq!(
            cell(&table, "role", "social_worker", "staff"),
            workers,
            "{on}: {table}"
        );
        assert_eq!(
            cell(&table, "role", "psychiatrist", "staff"),
            psychiatrists,
            "{on}: {table}"
        );
    }
    let expected_trained = [(&d1, 1, 0, 0), (&d2, 1, 1, 0), (&d3, 1, 0, 1)];
    for (on, di, disabilities, life) in expected_trained {
        let table = trained(on.clone()).await;
        assert_eq!(
            cell(&table, "programme", "di_assessment", "trained_staff"),
            di,
            "{on}: {table}"
        );
        assert_eq!(
            cell(
                &table,
                "programme",
                "work_with_disabilities",
                "trained_staff"
            ),
            disabilities,
            "{on}: {table}"
        );
        assert_eq!(
            cell(&table, "programme", "life_skills", "trained_staff"),
            life,
            "{on}: {table}"
        );
        // Every programme of the catalogue has a row.
        assert_eq!(table["rows"].as_array().map(Vec::len), Some(12), "{table}");
    }
    // The completions the writers kept are those computed from the record at once.
    let kept = app.derived_runs();
    assert!(
        kept.iter()
            .any(|l| l.starts_with("programme_completions mentor")),
        "{kept:?}"
    );
    app.rebuild_derived_runs();
    assert_eq!(app.derived_runs(), kept);
}
