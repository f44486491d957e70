//! History: every statistic on past dates equals what the record says about that day.

use super::*;

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
            (self.registered <= day).then_some("no_service")
        }
    }

    /// The assessment current on `day`: the last recorded among those dated by then.
    fn assessment(&self, day: NaiveDate) -> Option<&(NaiveDate, String, NaiveDate)> {
        self.assessments.iter().rev().find(|(on, ..)| *on <= day)
    }
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
        app.grant(&m050, clients[who].id, services[service].id)
            .await;
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
    // Rīga cannot carry on with Kuldīga's mentor: the assignment ended that day
    // (MENTOR-TRANSFER).
    for (_, span) in &mut clients[a].mentored {
        span.to = span.to.or(Some(ago(100)));
    }

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
            as_of: when(day),
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
                    from: when(from),
                    to: when(to),
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
        as_of: when(day),
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
                from: when(before),
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
