//! Money follows the client (issue 18, points 2 and 3): deliveries recorded per month, the
//! adult DI clients' care-level subsidy and the municipality's monthly claim, frozen when
//! closed, corrections as adjustments in the next claim.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use kopiena::domain::client::TargetGroup;
use kopiena::domain::subsidy::Month;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, admin, adult, assert_problem, assessment_body, child, ministry, municipality,
    new_code, placement, provider, region, service_body, today, token,
};

const ADULTS: [TargetGroup; 1] = [TargetGroup::AdultWithMentalDisorder];

/// The public holidays of `reference/public_holidays.csv`.
fn holidays() -> BTreeSet<NaiveDate> {
    let path = format!(
        "{}/reference/public_holidays.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    csv::Reader::from_path(&path)
        .expect("reference CSV")
        .records()
        .map(|r| r.expect("a row")[0].parse().expect("a day"))
        .collect()
}

/// The month's working days, worked out here from the calendar and the CSV.
fn working_days(month: Month) -> Vec<u32> {
    let holidays = holidays();
    month
        .days()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(d))
        .map(|d| d.day())
        .collect()
}

/// Half a package, the half cent up.
fn half(cents: i64) -> i64 {
    (cents + 1) / 2
}

fn cents(amount: &Value) -> i64 {
    let text = amount.as_str().expect("an amount");
    let negative = text.starts_with('-');
    let (whole, fraction) = text.trim_start_matches('-').split_once('.').expect("EUR");
    let value = whole.parse::<i64>().expect("euro") * 100 + fraction.parse::<i64>().expect("cents");
    if negative { -value } else { value }
}

struct Fixture {
    app: TestApp,
    owner: String,
    staff: String,
    group_home: i64,
    day_centre: i64,
    home_care: i64,
}

/// A provider in Kuldīga (050) with a group home, a day centre and home care for adults.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let provider_id = app.new_provider("050", "LM-CLAIMS-1").await;
    let ministry = token(&ministry());
    let mut services = Vec::new();
    for service_type in ["group_home", "day_care_centre", "home_care"] {
        let id = app
            .create_service(
                &ministry,
                provider_id,
                &service_body(service_type, 8, &ADULTS),
            )
            .created_id()
            .await;
        services.push(id);
    }
    Fixture {
        app,
        owner: token(&municipality("050")),
        staff: token(&provider(provider_id)),
        group_home: services[0],
        day_centre: services[1],
        home_care: services[2],
    }
}

impl Fixture {
    /// An adult client of Kuldīga assessed on `assessed_on` with `scores`, placed in
    /// `services` from `placed_from`.
    async fn client(
        &self,
        n: u64,
        assessed_on: NaiveDate,
        scores: (i32, i32, i32),
        services: &[i64],
        placed_from: NaiveDate,
    ) -> i64 {
        let id = self
            .app
            .new_client("050", &adult(&new_code(n), &format!("Klients{n}")))
            .await;
        self.assess(id, assessed_on, scores).await;
        for service in services {
            self.app.grant(&self.owner, id, *service).await;
            self.app
                .create_placement(&self.owner, id, &placement(*service, Some(placed_from)))
                .created()
                .await;
        }
        id
    }

    /// a: level III in the group home and the day centre; b: level IV at the day centre;
    /// c: level II with home care; all placed and assessed from `since`.
    async fn three_clients(&self, since: NaiveDate) -> [i64; 3] {
        let both = [self.group_home, self.day_centre];
        [
            self.client(1, since, (3, 3, 3), &both, since).await,
            self.client(2, since, (4, 4, 4), &[self.day_centre], since)
                .await,
            self.client(3, since, (2, 2, 2), &[self.home_care], since)
                .await,
        ]
    }

    async fn assess(&self, client: i64, on: NaiveDate, scores: (i32, i32, i32)) -> Value {
        let body = assessment_body(TargetGroup::AdultWithMentalDisorder, on, scores);
        self.app
            .create_assessment(&self.owner, client, &body)
            .created()
            .await
    }

    fn deliver(&self, who: &str, client: i64, body: Value) -> crate::helpers::Call {
        self.app.post_as(
            &format!("/api/v1/clients/{client}/service-deliveries"),
            who,
            &body,
        )
    }

    async fn claim(&self, who: &str, month: Month) -> Value {
        self.app
            .get_as(&format!("/api/v1/claims/050/{month}"), who)
            .ok()
            .await
    }

    fn close(&self, month: Month) -> crate::helpers::Call {
        self.app.post_as(
            &format!("/api/v1/claims/050/{month}/close"),
            &self.owner,
            &json!({}),
        )
    }
}

fn line<'a>(claim: &'a Value, key: &str, client: i64) -> &'a Value {
    claim[key]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["client_id"] == client)
        .unwrap_or_else(|| panic!("no {key} line of client {client}: {claim}"))
}

/// The fixture's three months: three, two and one month back.
fn months() -> [Month; 3] {
    let this = Month::of(today());
    let m3 = this.previous();
    let m2 = m3.previous();
    [m2.previous(), m2, m3]
}

#[tokio::test]
async fn the_monthly_claim_is_the_table_3_subsidy_of_each_client_frozen_when_closed() {
    let f = fixture().await;
    let [m1, m2, m3] = months();
    let before = m1.first() - chrono::Days::new(20);
    let w1 = working_days(m1);
    let w2 = working_days(m2);
    let every_day = |m: Month| m.days().map(|d| d.day()).collect::<Vec<_>>();
    let (below, exactly) = {
        // Fewer than half of the working days halve the package; half of them does not.
        let enough = w1.len().div_ceil(2);
        (w1[..enough - 1].to_vec(), w1[..enough].to_vec())
    };

    // a: level III in a group home, every day; b: level IV at home, below half; c: level II
    // at home, half of the working days (home care by the hour); d: level I, reassessed to
    // IV in the second month; e: level III, nothing delivered; a child is not an adult DI
    // client.
    let [a, b, c] = f.three_clients(before).await;
    let d = f
        .client(4, before, (0, 0, 0), &[f.day_centre], before)
        .await;
    let e = f
        .client(5, before, (3, 3, 3), &[f.day_centre], before)
        .await;
    let kid = f
        .app
        .new_client(
            "050",
            &child(
                &new_code(6),
                "Bērns",
                TargetGroup::ChildWithFunctionalImpairment,
            ),
        )
        .await;

    let delivered = [
        (&f.staff, a, f.group_home, m1, every_day(m1), None),
        (&f.staff, a, f.day_centre, m1, w1.clone(), None),
        (&f.staff, b, f.day_centre, m1, below.clone(), None),
        (&f.owner, c, f.home_care, m1, exactly.clone(), Some("20.50")),
        (&f.staff, d, f.day_centre, m1, w1.clone(), None),
        (&f.staff, d, f.day_centre, m2, w2.clone(), None),
        (&f.staff, a, f.group_home, m2, every_day(m2), None),
    ];
    for (who, client, service, month, days, hours) in delivered {
        let body = json!({"service_id": service, "month": month, "days": days, "hours": hours});
        let created = f.deliver(who, client, body).created().await;
        assert_eq!(created["version"], 1);
    }
    // d's reassessment in the second month sets that month's level (INV-F02).
    let mid = m2.first() + chrono::Days::new(10);
    assert_eq!(f.assess(d, mid, (4, 4, 4)).await["care_level"], "IV");

    // The first month, computed: the sum of Table 3's packages worked out here.
    let expected = [
        (a, "III", "group_apartment", 86268, false),
        (b, "IV", "with_family", half(78986), true),
        (c, "II", "with_family_or_social_house", 39048, false),
        (d, "I", "with_family_or_social_house", 37188, false),
    ];
    let claim = f.claim(&f.owner, m1).await;
    assert_eq!(claim["status"], "open");
    assert_eq!(claim["working_days"], w1.len());
    // The month's public holidays are reference/public_holidays.csv's.
    let in_month: Vec<String> = holidays()
        .into_iter()
        .filter(|d| Month::of(*d) == m1)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(claim["holidays"], json!(in_month));
    assert_eq!(claim["clients"], expected.len(), "{claim}");
    for (client, level, living, due, halved) in expected {
        let l = line(&claim, "lines", client);
        assert_eq!(l["care_level"], level);
        assert_eq!(l["living_situation"], living);
        assert_eq!(cents(&l["due"]), due, "{l}");
        assert_eq!(l["halved"], halved);
        assert_eq!(l["working_days"], w1.len());
    }
    assert_eq!(line(&claim, "lines", b)["delivered_days"], below.len());
    assert_eq!(line(&claim, "lines", c)["delivered_days"], exactly.len());
    for absent in [e, kid] {
        assert!(
            !claim["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .any(|l| l["client_id"] == absent)
        );
    }
    let first_total: i64 = expected.iter().map(|x| x.3).sum();
    assert_eq!(cents(&claim["total"]), first_total);
    assert_eq!(claim["adjustments"], json!([]));

    // The ministry and the region see the totals, never a client's line.
    let national = f
        .app
        .get_as(&format!("/api/v1/claims?month={m1}"), &token(&ministry()))
        .ok()
        .await;
    let kuldiga = national
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["municipality"] == "050")
        .expect("Kuldīga's claim");
    assert_eq!(cents(&kuldiga["total"]), first_total);
    assert!(kuldiga["lines"].is_null() && kuldiga["clients"].is_null());
    let kurzeme = f.claim(&token(&region("KURZEME")), m1).await;
    assert!(kurzeme["lines"].is_null());
    assert_eq!(cents(&kurzeme["total"]), first_total);
    let other = f
        .app
        .get_as(
            &format!("/api/v1/claims/050/{m1}"),
            &token(&region("LATGALE")),
        )
        .await;
    assert_problem(other, 403, "about:blank").await;

    // Closing: not the current month, not twice, in order.
    let current = Month::of(today());
    let early = f.app.post_as(
        &format!("/api/v1/claims/050/{current}/close"),
        &f.owner,
        &json!({}),
    );
    assert_problem(early.await, 409, "/problems/claim-month-not-over").await;
    let closed = f.close(m1).ok().await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(cents(&closed["total"]), first_total);
    assert_problem(f.close(m1).await, 409, "/problems/claim-closed").await;
    assert_problem(f.close(m3).await, 409, "/problems/claim-out-of-order").await;

    // b's first month corrected to every working day: the closed month does not change, the
    // next claim adjusts it by the other half.
    let corrected = json!({"service_id": f.day_centre, "month": m1, "days": w1});
    assert_eq!(
        f.deliver(&f.staff, b, corrected).created().await["version"],
        2
    );
    let frozen = f.claim(&f.owner, m1).await;
    assert_eq!(cents(&frozen["total"]), first_total);
    assert_eq!(line(&frozen, "lines", b)["halved"], true);
    let second = f.claim(&f.owner, m2).await;
    let adjusted = line(&second, "adjustments", b);
    assert_eq!(adjusted["month"], m1.to_string());
    assert_eq!(cents(&adjusted["due"]), 78986);
    assert_eq!(cents(&adjusted["already_claimed"]), half(78986));
    assert_eq!(cents(&adjusted["amount"]), 78986 - half(78986));
    assert!(
        adjusted["rules"]
            .as_array()
            .expect("rules")
            .contains(&json!("CLAIM-ADJUST"))
    );
    // The second month: d at level IV from the reassessment, a in the group home.
    let second_lines = [(a, 86268), (d, 78986)];
    for (client, due) in second_lines {
        assert_eq!(cents(&line(&second, "lines", client)["due"]), due);
    }
    let second_total = 86268 + 78986 + (78986 - half(78986));
    assert_eq!(cents(&second["total"]), second_total);

    // Closed with its adjustment; nothing changed since, so the third month adjusts nothing.
    let closed = f.close(m2).ok().await;
    assert_eq!(cents(&closed["total"]), second_total);
    assert_eq!(cents(&closed["adjustments_total"]), 78986 - half(78986));
    let third = f.claim(&f.owner, m3).await;
    assert_eq!(third["adjustments"], json!([]));
    assert_eq!(cents(&third["total"]), 0);

    // a's group home ends now, dated in the second month: on that month's last day a lived at
    // home, so the third claim pays back the difference of the two level III packages.
    let placements = f
        .app
        .get_as(&format!("/api/v1/clients/{a}/placements"), &f.owner)
        .ok()
        .await;
    let home = placements
        .as_array()
        .or_else(|| placements["items"].as_array())
        .expect("placements")
        .iter()
        .find(|p| p["service_id"] == f.group_home)
        .map(crate::helpers::id_of)
        .expect("the group home placement");
    let moved_out = crate::helpers::ending(Some(m2.first() + chrono::Days::new(15)), "Moved home");
    f.app.end_placement(&f.owner, home, &moved_out).ok().await;
    let third = f.claim(&f.owner, m3).await;
    let back = line(&third, "adjustments", a);
    assert_eq!(back["month"], m2.to_string());
    assert_eq!(back["living_situation"], "with_family_or_social_house");
    assert_eq!(cents(&back["amount"]), 62306 - 86268);

    // Reading the lines is in each client's access log.
    let audit = f.app.audit_of_client(b).await;
    assert!(
        audit.iter().any(|r| r["action"] == "claim.read"),
        "{audit:?}"
    );
    assert!(audit.iter().any(|r| r["action"] == "claim.close"));
    assert!(
        audit
            .iter()
            .any(|r| r["action"] == "service_delivery.record")
    );

    // The client months the writers kept (deliveries, assessments, placements) are those
    // computed from the record at once.
    let kept = f.app.derived_runs();
    assert!(
        kept.iter().any(|l| l.starts_with("claim_months ")),
        "{kept:?}"
    );
    f.app.rebuild_derived_runs();
    assert_eq!(f.app.derived_runs(), kept);
}

#[tokio::test]
async fn deliveries_are_recorded_by_the_provider_or_the_owner_within_placements() {
    let f = fixture().await;
    let [m1, ..] = months();
    let placed_from = m1.first() + chrono::Days::new(9);
    let client = f
        .client(
            1,
            m1.first(),
            (2, 2, 2),
            &[f.day_centre, f.home_care],
            placed_from,
        )
        .await;
    let days = |from: u32| (from..from + 3).collect::<Vec<u32>>();

    // A day before the placement began (DELIVERY-PLACED).
    let early = json!({"service_id": f.day_centre, "month": m1, "days": days(8)});
    assert_problem(
        f.deliver(&f.staff, client, early).await,
        409,
        "/problems/delivery-outside-placement",
    )
    .await;
    // Hours for a service billed per person-day; none for one billed by the hour; a day the
    // month does not have; more than 24 hours a day.
    for (service, day_list, hours) in [
        (f.day_centre, days(10), Some("3")),
        (f.home_care, days(10), None),
        (f.day_centre, vec![32], None),
        (f.home_care, days(10), Some("72.01")),
    ] {
        let body = json!({"service_id": service, "month": m1, "days": day_list, "hours": hours});
        assert_problem(
            f.deliver(&f.staff, client, body).await,
            422,
            "/problems/validation",
        )
        .await;
    }
    // Another provider's staff, and the ministry, do not record (404 as if no client; 403).
    let stranger = f.app.new_provider("050", "LM-CLAIMS-2").await;
    let body = json!({"service_id": f.day_centre, "month": m1, "days": days(10)});
    assert_problem(
        f.deliver(&token(&provider(stranger)), client, body.clone())
            .await,
        404,
        "about:blank",
    )
    .await;
    assert_problem(
        f.deliver(&token(&ministry()), client, body.clone()).await,
        403,
        "about:blank",
    )
    .await;

    // Recorded, corrected, and hours by the hour.
    let first = f.deliver(&f.staff, client, body).created().await;
    assert_eq!(
        (first["version"].clone(), first["quantity"].clone()),
        (json!(1), json!("3.00"))
    );
    assert_eq!(first["unit"], "person_day");
    let fix = json!({"service_id": f.day_centre, "month": m1, "days": days(12)});
    let second = f.deliver(&f.owner, client, fix).created().await;
    assert_eq!(second["version"], 2);
    assert_eq!(second["days"], json!(days(12)));
    let hours = json!({"service_id": f.home_care, "month": m1, "days": days(10), "hours": "11.25"});
    let by_hour = f.deliver(&f.staff, client, hours).created().await;
    assert_eq!(
        (by_hour["unit"].clone(), by_hour["quantity"].clone()),
        (json!("hour"), json!("11.25"))
    );

    // The case owner and the provider learn of each version on the change feed; another
    // provider does not.
    let href = format!("/api/v1/clients/{client}/service-deliveries");
    for (who, seen) in [
        (&f.owner, 3),
        (&f.staff, 3),
        (&token(&provider(stranger)), 0),
    ] {
        let feed = f.app.get_as("/api/v1/changes?limit=100", who).ok().await;
        let events = feed["items"].as_array().expect("items");
        let deliveries = events.iter().filter(|e| e["type"] == "service_delivery");
        assert!(deliveries.clone().all(|e| e["href"] == href.as_str()));
        assert_eq!(deliveries.count(), seen, "{feed}");
    }

    // The latest of each service, or every version.
    let path = format!("/api/v1/clients/{client}/service-deliveries?month={m1}");
    let latest = f.app.get_as(&path, &f.owner).ok().await;
    assert_eq!(latest.as_array().expect("list").len(), 2);
    let all = f
        .app
        .get_as(&format!("{path}&all_versions=true"), &token(&admin()))
        .ok()
        .await;
    assert_eq!(all.as_array().expect("list").len(), 3);
    let unknown = f.app.get_as(&format!("{path}&colour=red"), &f.owner).await;
    assert_problem(unknown, 400, "about:blank").await;
    assert_problem(
        f.app.get_as(&path, &token(&provider(stranger))).await,
        404,
        "about:blank",
    )
    .await;
}

#[tokio::test]
async fn the_cost_of_the_services_delivered_is_their_units_at_the_table_3_price() {
    let f = fixture().await;
    let [m1, m2, _] = months();
    let before = m1.first() - chrono::Days::new(20);
    let w1 = working_days(m1);
    let every_day: Vec<u32> = m1.days().map(|d| d.day()).collect();
    let [a, b, c] = f.three_clients(before).await;
    for (client, service, days, hours) in [
        (a, f.group_home, every_day.clone(), None),
        (a, f.day_centre, w1.clone(), None),
        (b, f.day_centre, w1[..3].to_vec(), None),
        // Corrected: the latest version counts.
        (b, f.day_centre, w1[..5].to_vec(), None),
        (c, f.home_care, w1[..4].to_vec(), Some("20.50")),
    ] {
        let body = json!({"service_id": service, "month": m1, "days": days, "hours": hours});
        f.deliver(&f.staff, client, body).created().await;
    }
    // A month outside the period does not count.
    let later = json!({"service_id": f.home_care, "month": m2, "days": [3], "hours": "2"});
    f.deliver(&f.staff, c, later).created().await;
    // A client not assessed (yet) costs too, but has no care level to be grouped under.
    let unassessed = f
        .app
        .new_client("050", &adult(&new_code(4), "Klients4"))
        .await;
    f.app.grant(&f.owner, unassessed, f.day_centre).await;
    f.app
        .create_placement(&f.owner, unassessed, &placement(f.day_centre, Some(before)))
        .created()
        .await;
    let two = json!({"service_id": f.day_centre, "month": m1, "days": w1[..2].to_vec()});
    f.deliver(&f.staff, unassessed, two).created().await;

    // Table 3's unit prices (002:6512-6553): group apartment 10.52, day centre 14.94 a day,
    // home care 3.32 an hour.
    let days = |n: usize| n as i64 * 100;
    let expected = [
        (
            "day_care_centre",
            3,
            (days(w1.len()) + days(5) + days(2)) * 1494 / 100,
        ),
        ("group_home", 1, days(every_day.len()) * 1052 / 100),
        ("home_care", 1, 2050 * 332 / 100),
    ];
    let path = format!("/api/v1/stats/costs?from={m1}&to={m1}&group_by=service_type");
    let table = f.app.get_as(&path, &f.owner).ok().await;
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), expected.len(), "{table}");
    for (service_type, recipients, cost) in expected {
        let row = rows
            .iter()
            .find(|r| r["service_type"] == service_type)
            .expect("a row");
        assert_eq!(row["recipients"], recipients, "{row}");
        assert_eq!(row["cost_cents"], cost, "{row}");
        assert_eq!(
            row["cost_per_recipient_cents"],
            (cost + recipients / 2) / recipients
        );
    }
    let total: i64 = expected.iter().map(|x| x.2).sum();
    assert_eq!(table["total"]["cost_cents"], total);

    // By care level: a (III) and b (IV) at the day centre; the unassessed client has no row.
    let by_level = f
        .app
        .get_as(
            &format!("{path},care_level&service_type=day_care_centre"),
            &f.owner,
        )
        .ok()
        .await;
    let levels: Vec<&str> = by_level["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["care_level"].as_str().expect("a level"))
        .collect();
    assert_eq!(levels, ["III", "IV"]);

    // The ministry: fewer recipients in a cell than the threshold withhold its cost.
    let national = f.app.get_as(&path, &token(&ministry())).ok().await;
    for row in national["rows"].as_array().expect("rows") {
        assert!(row["cost_cents"].is_null(), "{row}");
        assert!(row["cost_per_recipient_cents"].is_null(), "{row}");
    }
}
