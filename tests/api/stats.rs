use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use kopiena::api::assessments::CreateAssessment;
use kopiena::api::clients::TransferClient;
use kopiena::api::providers::CreateProvider;
use kopiena::api::services::{CreateService, UpdateService};
use kopiena::domain::client::{DiStatus, TargetGroup};
use kopiena::domain::codes::MunicipalityCode;
use kopiena::domain::ids::AssessmentId;
use kopiena::domain::mentor::ContractType;
use kopiena::domain::registry::ServiceStatus;
use serde_json::Value;

use crate::helpers::{
    IndicatorsQuery, StatsQuery, TestApp, admin, assert_problem, assessment_body, assignment, date,
    ending, grouped_by, id_of, mentor_body, ministry, municipality, placement, provider,
    provider_body, region, service_body, service_update, stats_query, token, training, transfer,
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
                as_of: Some(date("2000-01-01")),
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

// ---------------------------------------------------------------------------------------
// History: every statistic on past dates equals what the record says about that day.
// ---------------------------------------------------------------------------------------

/// A fact of the fixture that holds from `from` up to, not including, `to`.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Span {
    fn on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }
}

/// A service of the fixture: its periods of (status, capacity), its provider's index.
struct ServiceModel {
    id: i64,
    service_type: &'static str,
    municipality: &'static str,
    institutional: bool,
    provider: usize,
    periods: Vec<(Span, &'static str, i64)>,
}

/// A client of the fixture: registration, owners over time, stays, assessments, mentor.
struct ClientModel {
    id: i64,
    registered: NaiveDate,
    /// (from, municipality): the owner from that day on.
    owners: Vec<(NaiveDate, &'static str)>,
    /// (service index, span).
    stays: Vec<(usize, Span)>,
    /// In the order recorded: (assessed on, care level, next reassessment due).
    assessments: Vec<(NaiveDate, String, NaiveDate)>,
    /// Mentor assignments: (mentor index, span).
    mentored: Vec<(usize, Span)>,
}

impl ClientModel {
    fn owner(&self, day: NaiveDate) -> &'static str {
        self.owners
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .or(self.owners.first())
            .map(|(_, m)| *m)
            .expect("an owner")
    }

    /// The DI status on `day`, or `None` before the client is in the record.
    fn status(&self, services: &[ServiceModel], day: NaiveDate) -> Option<&'static str> {
        let active: Vec<bool> = self
            .stays
            .iter()
            .filter(|(_, span)| span.on(day))
            .map(|(s, _)| services[*s].institutional)
            .collect();
        if active.contains(&true) {
            Some("in_institution")
        } else if !active.is_empty() {
            Some("in_community")
        } else {
            (self.registered <= day).then_some("waiting_list")
        }
    }

    /// The assessment current on `day`: the last recorded among those dated by then.
    fn assessment(&self, day: NaiveDate) -> Option<&(NaiveDate, String, NaiveDate)> {
        self.assessments.iter().rev().find(|(on, ..)| *on <= day)
    }
}

/// The cells of a statistics table: dimension values → `metric`, zero cells left out.
fn cells(table: &Value, dims: &[&str], metric: &str) -> BTreeMap<Vec<String>, i64> {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = dims
                .iter()
                .map(|d| r[*d].as_str().expect("a dimension value").to_string())
                .collect();
            (key, r[metric].as_i64().expect("an unsuppressed count"))
        })
        .filter(|(_, n)| *n != 0)
        .collect()
}

/// Counts `keys`, leaving nothing at zero.
fn tally(keys: impl IntoIterator<Item = Vec<String>>) -> BTreeMap<Vec<String>, i64> {
    let mut out = BTreeMap::new();
    for key in keys {
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

fn key(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// Two years of a small record, built through the API where it can date facts in the past
/// (providers, services, placements, assignments, assessments, transfers; the recording
/// window is widened to 1000 days for it) and in the database where it cannot: a provider's
/// status change and a capacity change take effect the day they are made, a closure too,
/// and a registration is stamped by the server. Each statistic is then asked on four past
/// dates and compared with the counts computed here from the fixture.
#[tokio::test]
async fn statistics_on_past_dates_equal_what_the_record_said_that_day() {
    let app =
        TestApp::spawn_with(|key| (key == "KOPIENA_DATING_DAYS_BACK").then(|| "1000".to_string()))
            .await;
    let today = crate::helpers::today();
    let ago = |days: u64| today - Days::new(days);
    let sql_day = |d: NaiveDate| format!("'{d}'");
    let ministry_token = token(&ministry());
    let m050 = token(&municipality("050"));

    // Providers, registered 800 days ago: Kuldīga's (suspended from 300 to 250 days ago)
    // and Liepāja's, both in Kurzeme.
    let mut providers = Vec::new();
    for (code, number) in [("050", "LM-HIST-1"), ("LPX", "LM-HIST-2")] {
        let body = CreateProvider {
            registered_on: Some(ago(800)),
            ..provider_body(code, number)
        };
        providers.push(
            app.create_provider(&ministry_token, &body)
                .created_id()
                .await,
        );
    }
    let provider_periods: [Vec<(Span, &str)>; 2] = [
        vec![
            (
                Span {
                    from: ago(800),
                    to: Some(ago(300)),
                },
                "active",
            ),
            (
                Span {
                    from: ago(300),
                    to: Some(ago(250)),
                },
                "suspended",
            ),
            (
                Span {
                    from: ago(250),
                    to: None,
                },
                "active",
            ),
        ],
        vec![(
            Span {
                from: ago(800),
                to: None,
            },
            "active",
        )],
    ];
    app.execute_sql(&format!(
        "DELETE FROM provider_status_periods WHERE provider_id = {}",
        providers[0]
    ));
    for (span, status) in &provider_periods[0] {
        app.execute_sql(&format!(
            "INSERT INTO provider_status_periods (provider_id, starts_on, ends_on, status) \
             VALUES ({}, {}, {}, '{status}')",
            providers[0],
            sql_day(span.from),
            span.to.map_or("NULL".to_string(), sql_day),
        ));
    }

    // Services opened 800 days ago: an institution in Liepāja, a group home in Kuldīga
    // (4 places, 6 from 400 days ago) and one in Liepāja (closed 200 days ago).
    let mut services = Vec::new();
    for (provider, service_type, capacity, institutional) in [
        (1, "long_term_care_institution", 10, false),
        (0, "group_home", 4, false),
        (1, "group_home", 3, false),
    ] {
        let body = CreateService {
            opened_on: Some(ago(800)),
            ..plain_service(service_type, capacity, ServiceStatus::Active)
        };
        let id = app
            .create_service(&ministry_token, providers[provider], &body)
            .created_id()
            .await;
        services.push(ServiceModel {
            id,
            service_type,
            municipality: ["050", "LPX"][provider],
            institutional: institutional || service_type == "long_term_care_institution",
            provider,
            periods: vec![(
                Span {
                    from: ago(800),
                    to: None,
                },
                "active",
                i64::from(capacity),
            )],
        });
    }
    let (institution, kuldiga_home, liepaja_home) = (0, 1, 2);
    services[kuldiga_home].periods = vec![
        (
            Span {
                from: ago(800),
                to: Some(ago(400)),
            },
            "active",
            4,
        ),
        (
            Span {
                from: ago(400),
                to: None,
            },
            "active",
            6,
        ),
    ];
    let g1 = services[kuldiga_home].id;
    app.execute_sql(&format!(
        "UPDATE service_periods SET ends_on = {} WHERE service_id = {g1}",
        sql_day(ago(400))
    ));
    app.execute_sql(&format!(
        "INSERT INTO service_periods (service_id, starts_on, ends_on, status, capacity) \
         VALUES ({g1}, {}, NULL, 'active', 6)",
        sql_day(ago(400))
    ));
    app.execute_sql(&format!("UPDATE services SET capacity = 6 WHERE id = {g1}"));

    // Clients of Kuldīga: registered 760 days ago, except `e`, registered today with a stay
    // back-dated before that; `f` moves to Rīga 300 days ago.
    let registered_early = ago(760);
    let mut clients = Vec::new();
    for n in 0..6u64 {
        let id = client(
            &app,
            "050",
            9000 + n,
            TargetGroup::AdultWithMentalDisorder,
            date("1980-01-01"),
        )
        .await;
        let registered = if n == 4 { today } else { registered_early };
        if n != 4 {
            app.execute_sql(&format!(
                "UPDATE clients SET created_at = '{registered} 09:00:00' WHERE id = {id}"
            ));
        }
        clients.push(ClientModel {
            id,
            registered,
            owners: vec![(registered, "050")],
            stays: Vec::new(),
            assessments: Vec::new(),
            mentored: Vec::new(),
        });
    }
    let (a, b, c, d, e, f) = (0, 1, 2, 3, 4, 5);

    // Stays: (client, service, from, to). `a` moves from the institution to the Kuldīga
    // group home 450 days ago (a DI transition); `c` from the Liepāja group home to the
    // Kuldīga one on the day its provider is readmitted; `d` waits throughout.
    let stays = [
        (a, institution, ago(700), Some(ago(450))),
        (a, kuldiga_home, ago(450), None),
        (b, institution, ago(700), None),
        (c, liepaja_home, ago(650), Some(ago(250))),
        (c, kuldiga_home, ago(250), None),
        (e, kuldiga_home, ago(550), Some(ago(350))),
        (f, institution, ago(700), None),
    ];
    for (who, service, from, to) in stays {
        let placed = app
            .create_placement(
                &m050,
                clients[who].id,
                &placement(services[service].id, Some(from)),
            )
            .created_id()
            .await;
        if let Some(to) = to {
            app.end_placement(&m050, placed, &ending(Some(to), "Moves on"))
                .ok()
                .await;
        }
        clients[who].stays.push((service, Span { from, to }));
    }

    // The Liepāja group home closes 200 days ago.
    let g2 = services[liepaja_home].id;
    app.close_service(&ministry_token, g2).ok().await;
    app.execute_sql(&format!(
        "UPDATE service_periods SET ends_on = {} WHERE service_id = {g2} AND status = 'active'",
        sql_day(ago(200))
    ));
    app.execute_sql(&format!(
        "UPDATE service_periods SET starts_on = {} WHERE service_id = {g2} AND status = 'closed'",
        sql_day(ago(200))
    ));
    services[liepaja_home].periods = vec![
        (
            Span {
                from: ago(800),
                to: Some(ago(200)),
            },
            "active",
            3,
        ),
        (
            Span {
                from: ago(200),
                to: None,
            },
            "closed",
            3,
        ),
    ];

    // Mentors: one registered 760 days ago, trained before, who mentors `c` from 600 to 300
    // days ago and `a` from 440 days ago; one registered today, without clients.
    let mentor_id = app
        .create_mentor(&m050, &mentor_body("Ilze", "Kalna", ContractType::Services))
        .created_id()
        .await;
    for (programme, hours) in FULL_TRAINING {
        app.add_training(&m050, mentor_id, &training(programme, hours, ago(790)))
            .created()
            .await;
    }
    app.execute_sql(&format!(
        "UPDATE mentors SET created_at = '{registered_early} 09:00:00' WHERE id = {mentor_id}"
    ));
    mentor(&app, "050", &FULL_TRAINING).await;
    let mentors_registered = [registered_early, today];
    for (who, from, to) in [(c, ago(600), Some(ago(300))), (a, ago(440), None)] {
        let assigned = app
            .create_assignment(&m050, mentor_id, &assignment(clients[who].id, Some(from)))
            .created_id()
            .await;
        if let Some(to) = to {
            app.end_assignment(&m050, assigned, &ending(Some(to), "Moves on"))
                .ok()
                .await;
        }
        clients[who].mentored.push((0, Span { from, to }));
    }

    // Assessments a year apart; `f`'s second is corrected by one dated 20 days earlier.
    let adult = TargetGroup::AdultWithMentalDisorder;
    for (who, on, scores, corrects) in [
        (a, ago(720), (1, 1, 1), false),
        (a, ago(360), (4, 4, 4), false),
        (b, ago(720), (4, 3, 0), false),
        (d, ago(500), (2, 2, 2), false),
        (f, ago(720), (1, 1, 1), false),
        (f, ago(360), (4, 4, 4), false),
        (f, ago(380), (4, 3, 0), true),
    ] {
        let previous = app
            .list_assessments(&m050, clients[who].id)
            .ok()
            .await
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|x| x["superseded_by_id"].is_null())
                    .cloned()
            });
        let body = CreateAssessment {
            corrects: corrects
                .then(|| previous.as_ref().map(|p| AssessmentId(id_of(p))))
                .flatten(),
            ..assessment_body(adult, on, scores)
        };
        let created = app
            .create_assessment(&m050, clients[who].id, &body)
            .created()
            .await;
        clients[who].assessments.push((
            on,
            created["care_level"]
                .as_str()
                .expect("care level")
                .to_string(),
            date(created["next_reassessment_due"].as_str().expect("due")),
        ));
    }

    // `f`'s case moves to Rīga 300 days ago.
    let moved = TransferClient {
        transferred_on: Some(ago(300)),
        ..transfer("RIX", "Declared residence moved")
    };
    app.transfer_client(&m050, clients[f].id, &moved)
        .created()
        .await;
    clients[f].owners.push((ago(300), "RIX"));
    // `a`'s case follows 100 days ago: their transition, 450 days ago, stays Kuldīga's.
    let moved = TransferClient {
        transferred_on: Some(ago(100)),
        ..transfer("RIX", "Declared residence moved")
    };
    app.transfer_client(&m050, clients[a].id, &moved)
        .created()
        .await;
    clients[a].owners.push((ago(100), "RIX"));

    // The model's answers on a day.
    let admin_token = token(&admin());
    let service_on = |s: &ServiceModel, day: NaiveDate| -> Option<(&'static str, i64)> {
        let (_, status, capacity) = s.periods.iter().find(|(span, ..)| span.on(day))?;
        let provider = provider_periods[s.provider]
            .iter()
            .find(|(span, _)| span.on(day))
            .map(|(_, p)| *p)?;
        let standing = match (*status, provider) {
            ("closed", _) | (_, "excluded") => return None,
            ("active", "suspended") => "suspended",
            (status, _) => status,
        };
        Some((standing, *capacity))
    };
    let first_day = ago(800);
    let checked_days = [ago(600), ago(370), ago(280), ago(100)];
    for day in checked_days {
        let on = |group_by: &str| StatsQuery {
            as_of: Some(day),
            ..grouped_by(group_by)
        };
        let what = format!("as of {day}");

        // Clients by DI status, in the municipality that owned the case that day.
        let expected = tally(
            clients
                .iter()
                .filter_map(|cl| Some(key(&[cl.owner(day), cl.status(&services, day)?]))),
        );
        let table = app
            .client_stats(&admin_token, &on("municipality,di_status"))
            .ok()
            .await;
        let dims = ["municipality", "di_status"];
        assert_eq!(cells(&table, &dims, "clients"), expected, "clients {what}");

        // The register: services standing that day, the capacity valid then, the
        // placements active then.
        let mut expected: BTreeMap<Vec<String>, [i64; 3]> = BTreeMap::new();
        for (i, s) in services.iter().enumerate() {
            let Some((standing, capacity)) = service_on(s, day) else {
                continue;
            };
            let occupied = clients
                .iter()
                .flat_map(|cl| &cl.stays)
                .filter(|(service, span)| *service == i && span.on(day))
                .count();
            let cell = expected
                .entry(key(&[s.service_type, standing]))
                .or_default();
            cell[0] += 1;
            cell[1] += capacity;
            cell[2] += i64::try_from(occupied).expect("small");
        }
        let table = app
            .registry_stats(&admin_token, &on("service_type,status"))
            .ok()
            .await;
        let dims = ["service_type", "status"];
        let got: BTreeMap<Vec<String>, [i64; 3]> = cells(&table, &dims, "services")
            .into_keys()
            .map(|k| {
                let r = row(&table, &[("service_type", &k[0]), ("status", &k[1])]);
                let n = |m: &str| r[m].as_i64().expect("a count");
                (k, [n("services"), n("capacity"), n("occupied")])
            })
            .collect();
        assert_eq!(got, expected, "registry {what}");
        let running = app
            .registry_stats(
                &admin_token,
                &StatsQuery {
                    status: Some("active".into()),
                    ..on("service_type")
                },
            )
            .ok()
            .await;
        let expected_running = services
            .iter()
            .filter(|s| service_on(s, day).is_some_and(|(st, _)| st == "active"))
            .count();
        assert_eq!(
            running["total"]["services"],
            i64::try_from(expected_running).expect("small"),
            "services running {what}"
        );

        // Overdue reassessments and care levels of the assessment current that day.
        let expected = tally(clients.iter().filter_map(|cl| {
            let (_, _, due) = cl.assessment(day)?;
            (*due < day).then(|| key(&[cl.owner(day)]))
        }));
        let table = app
            .overdue_stats(&admin_token, &on("municipality"))
            .ok()
            .await;
        assert_eq!(
            cells(&table, &["municipality"], "clients"),
            expected,
            "overdue {what}"
        );
        let expected = tally(clients.iter().filter_map(|cl| {
            let (_, level, _) = cl.assessment(day)?;
            Some(key(&[cl.owner(day), level]))
        }));
        let table = app
            .care_level_stats(&admin_token, &on("municipality,care_level"))
            .ok()
            .await;
        let dims = ["municipality", "care_level"];
        assert_eq!(
            cells(&table, &dims, "clients"),
            expected,
            "care levels {what}"
        );

        // Mentor coverage of the clients in the community that day, and mentor load.
        let in_community = |cl: &&ClientModel| cl.status(&services, day) == Some("in_community");
        let expected = tally(clients.iter().filter(in_community).map(|cl| {
            let with = cl.mentored.iter().any(|(_, span)| span.on(day));
            key(&[cl.owner(day), if with { "with" } else { "without" }])
        }));
        let table = app
            .mentor_coverage_stats(&admin_token, &on("municipality,mentor"))
            .ok()
            .await;
        let dims = ["municipality", "mentor"];
        assert_eq!(cells(&table, &dims, "clients"), expected, "coverage {what}");
        let mut expected = BTreeMap::new();
        for (m, registered) in mentors_registered.iter().enumerate() {
            let load = clients
                .iter()
                .flat_map(|cl| &cl.mentored)
                .filter(|(mentor, span)| *mentor == m && span.on(day))
                .count();
            if *registered <= day || load > 0 {
                *expected.entry(key(&[&load.to_string()])).or_insert(0) += 1;
            }
        }
        let table = app.mentor_load_stats(&admin_token, &on("load")).ok().await;
        assert_eq!(cells(&table, &["load"], "mentors"), expected, "load {what}");

        // Kurzeme: municipalities with a group home running that day (KUR-04), providers
        // in the register (KUR-01: a suspended provider is still registered).
        let indicators = app
            .indicator_stats(
                &token(&region("KURZEME")),
                &IndicatorsQuery {
                    region: Some("KURZEME".into()),
                    as_of: Some(day),
                    format: None,
                },
            )
            .ok()
            .await;
        let value = |code: &str| {
            indicators
                .as_array()
                .and_then(|all| all.iter().find(|i| i["code"] == code))
                .map(|i| i["value"].clone())
                .expect("indicator")
        };
        let group_homes: BTreeSet<&str> = services
            .iter()
            .filter(|s| s.service_type == "group_home")
            .filter(|s| service_on(s, day).is_some_and(|(st, _)| st == "active"))
            .map(|s| s.municipality)
            .collect();
        assert_eq!(value("KUR-04"), group_homes.len(), "KUR-04 {what}");
        assert_eq!(value("KUR-01"), 2, "KUR-01 {what}");
    }

    // The fixture's dates meant something: each day saw a different record.
    let statuses_on = |day: NaiveDate| -> Vec<Option<&str>> {
        clients.iter().map(|cl| cl.status(&services, day)).collect()
    };
    assert_ne!(statuses_on(ago(600)), statuses_on(ago(100)));
    assert!(service_on(&services[kuldiga_home], ago(280)).is_some_and(|(s, _)| s == "suspended"));

    // DI transitions in periods: `a`'s, 450 days ago, in Kuldīga.
    for (from, to, expected) in [
        (ago(730), ago(400), 1),
        (ago(450), ago(450), 1),
        (ago(449), today, 0),
    ] {
        let table = app
            .transition_stats(
                &admin_token,
                &StatsQuery {
                    from: Some(from),
                    to: Some(to),
                    ..grouped_by("municipality")
                },
            )
            .ok()
            .await;
        assert_eq!(table["total"]["transitions"], expected, "{from} to {to}");
        if expected > 0 {
            assert_eq!(
                row(&table, &[("municipality", "050")])["transitions"],
                expected
            );
        }
    }

    // The record begins with its first fact (the providers' registration): that day
    // answers, the day before is a 422 for every statistic that takes a date.
    let before = first_day - Days::new(1);
    let at = |day: NaiveDate| StatsQuery {
        as_of: Some(day),
        ..stats_query()
    };
    assert_eq!(
        app.registry_stats(&admin_token, &at(first_day)).ok().await["total"]["services"],
        3
    );
    for response in [
        app.registry_stats(&admin_token, &at(before)).await,
        app.client_stats(&admin_token, &at(before)).await,
        app.overdue_stats(&admin_token, &at(before)).await,
        app.care_level_stats(&admin_token, &at(before)).await,
        app.mentor_coverage_stats(&admin_token, &at(before)).await,
        app.mentor_load_stats(&admin_token, &at(before)).await,
        app.transition_stats(
            &admin_token,
            &StatsQuery {
                from: Some(before),
                ..stats_query()
            },
        )
        .await,
        app.indicator_stats(
            &admin_token,
            &IndicatorsQuery {
                as_of: Some(before),
                ..IndicatorsQuery::default()
            },
        )
        .await,
    ] {
        let problem = assert_problem(response, 422, "/problems/before-record").await;
        assert_eq!(problem["rule"], "STATS-RECORD-FIRST-DAY");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&first_day.to_string())),
            "{problem}"
        );
    }

    // The runs the writers kept through this history are those computed from the record
    // at once (as after the migration that adds them).
    let kept = app.derived_runs();
    assert!(kept.len() > 20, "{kept:?}");
    app.rebuild_derived_runs();
    assert_eq!(app.derived_runs(), kept);
}

/// A filter naming a region, municipality, service type or target group that does not
/// exist is refused (400), on the table statistics and the indicators alike, rather than
/// answered with an empty table.
#[tokio::test]
async fn a_filter_naming_no_known_code_is_a_400() {
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
        let body = assert_problem(
            app.client_stats(&ministry, &query).await,
            400,
            "about:blank",
        )
        .await;
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("is not the code of a")),
            "{body}"
        );
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
}
