//! The services delivered to a client per month (issue 18, point 2): the days, and for a
//! service billed by the hour the hours (INV-F12), recorded by the provider of the service or
//! the case-owning municipality. A correction is the next version of the same client, service
//! and month; no version is ever changed. The monthly claims are computed from the latest
//! versions (`api::claims`).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::audit::Caller;
use super::common::{self, Created, IdempotencyKey, Idempotent, Private};
use super::paths::ClientPath;
use crate::db::changes::{self, Change};
use crate::db::clients::ClientRow;
use crate::db::deliveries::{self as q, DeliveryFilter, DeliveryRow, NewDelivery};
use crate::db::placements::{self, PlacementSpan};
use crate::db::{Db, DbConnection, clients, referrals};
use crate::domain::access::{
    ClientAccess, DeliveryReach, Role, Sharer, delivery_read_access, delivery_write_access,
};
use crate::domain::audit::{AuditAction, OfClient};
use crate::domain::change::{Audience, ChangeAction, ChangeType};
use crate::domain::ids::*;
use crate::domain::interval::Interval;
use crate::domain::money;
use crate::domain::registry::PriceUnit;
use crate::domain::subsidy::{Month, MonthDays, check_delivered_days};
use crate::error::{ApiError, ApiResult};

/// A version of the services delivered to a client in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDelivery {
    pub id: ServiceDeliveryId,
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub month: Month,
    /// 1 for the first record of the client, service and month, then 2, 3… for each
    /// correction; the latest counts.
    pub version: i32,
    /// The days of the month the service was delivered on.
    #[schema(example = json!([4, 5, 6, 7, 8]))]
    pub days: Vec<u32>,
    /// The service type's billing unit (Table 3, INV-F12).
    pub unit: PriceUnit,
    /// In `unit`, two decimals: the days for a service billed per person-day, the hours for
    /// one billed by the hour.
    #[schema(example = "5.00")]
    pub quantity: String,
    /// The token subject of the caller who recorded it, and their role.
    pub recorded_by: String,
    pub recorded_role: Role,
    pub recorded_at: DateTime<Utc>,
}

impl From<DeliveryRow> for ServiceDelivery {
    fn from(r: DeliveryRow) -> Self {
        let month = Month::of(r.month);
        ServiceDelivery {
            id: r.id,
            client_id: r.client_id,
            service_id: r.service_id,
            month,
            version: r.version,
            days: r.days.numbers(),
            unit: r.unit,
            quantity: money::eur(r.quantity_hundredths),
            recorded_by: r.recorded_by,
            recorded_role: r.recorded_role,
            recorded_at: r.created_at.and_utc(),
        }
    }
}

/// The services delivered to the client in a month: a new record, or the correction of the
/// latest (it replaces it as a whole).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordDelivery {
    pub service_id: ServiceId,
    pub month: Month,
    /// The days of the month the service was delivered on, each within a placement of the
    /// client in the service and not after today (DELIVERY-PLACED); none to correct a
    /// record to nothing delivered.
    #[validate(length(max = 31))]
    #[schema(max_items = 31, example = json!([4, 5, 6, 7, 8]))]
    pub days: Vec<u32>,
    /// For a service billed by the hour (its type's unit, INV-F12): the hours delivered in
    /// the month, at most 24 a day; absent for a service billed per person-day.
    #[schema(example = "11.25", pattern = r"^\d{1,7}(\.\d{1,2})?$")]
    pub hours: Option<String>,
}

/// The quantity recorded in `unit`: the days, or the hours given (at most 24 a day).
fn quantity(unit: PriceUnit, days: MonthDays, hours: Option<&str>) -> ApiResult<i64> {
    match (unit, hours) {
        (PriceUnit::Hour, Some(text)) => {
            let hundredths = money::hundredths(text).ok_or_else(|| {
                ApiError::field("/hours", "hours are a number with at most two decimals")
            })?;
            if hundredths > i64::from(days.count()) * 24 * 100 {
                return Err(ApiError::field(
                    "/hours",
                    "at most 24 hours on each day delivered",
                ));
            }
            Ok(hundredths)
        }
        (PriceUnit::Hour, None) => Err(ApiError::field(
            "/hours",
            "the service is billed by the hour: give the hours delivered",
        )),
        (_, Some(_)) => Err(ApiError::field(
            "/hours",
            "the service is billed per person-day: the days are the quantity, without hours",
        )),
        (_, None) => Ok(i64::from(days.count()) * 100),
    }
}

/// The client, if within `reach`: the case owner's own clients, an administrator's every
/// client, and for a provider's staff a client it places or placed in one of its services or
/// holds a place for (`404` otherwise, as if the client did not exist).
fn reach_client(
    conn: &mut DbConnection,
    reach: &DeliveryReach,
    client_id: ClientId,
) -> ApiResult<ClientRow> {
    let access = match reach {
        DeliveryReach::Owner(access) => access,
        DeliveryReach::Provider(provider) => {
            let sharer = Sharer::Provider(*provider);
            if referrals::case_relations(conn, sharer, client_id)?.is_empty() {
                return Err(ApiError::NotFound);
            }
            &ClientAccess::All
        }
    };
    Ok(clients::get(conn, access, client_id)?)
}

/// Records the services delivered to the client in a month, in the service type's billing
/// unit (INV-F12): by the provider of the service, or by the case-owning municipality. A
/// record for a client, service and month already recorded is its correction, the next
/// version; the claims use the latest. Idempotent with `Idempotency-Key`; audited as
/// `service_delivery.record`; the case owner and the provider learn of it on the change feed.
#[utoipa::path(
    tag = "money",
    request_body = RecordDelivery,
    params(ClientPath, IdempotencyKey),
    responses(
        (status = 201, body = ServiceDelivery, headers(("Location" = String))),
        (status = 409, response = super::problems::Conflict),
        (status = 422, response = super::problems::Unprocessable),
    )
)]
#[post("/clients/{id}/service-deliveries")]
pub async fn record_service_delivery(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ClientPath>,
    request: Idempotent<RecordDelivery>,
) -> ApiResult<HttpResponse> {
    let client_id = id.into_inner().id;
    let action = AuditAction::ServiceDeliveryRecord;
    let subject = OfClient::records(client_id).into();
    let decision = delivery_write_access(&caller.user.scope);
    let reach = caller.allowed(&db, action, subject, decision).await?;
    let Caller { user, auditor } = caller;
    let Idempotent { key, body: input } = request;
    input.validate()?;
    let month = input.month;
    let days = MonthDays::of(month, &input.days)
        .ok_or_else(|| ApiError::field("/days", "each day is one of the month's days"))?;
    let still_visible = match &reach {
        DeliveryReach::Owner(access) => Some(access.clone()),
        DeliveryReach::Provider(_) => None,
    };
    let private = Private::audited(&auditor, action, Some(client_id), still_visible);
    common::create(&db, key, user.sub.clone(), Some(private), move |conn| {
        let client = reach_client(conn, &reach, client_id)?;
        let service = q::delivered_service(conn, input.service_id)?;
        let placed: Vec<Interval> =
            placements::spans(conn, Some(client_id), Some(input.service_id))?
                .iter()
                .map(PlacementSpan::interval)
                .collect();
        if !reach.records_for(service.provider_id, !placed.is_empty()) {
            return Err(ApiError::NotFound);
        }
        let today = crate::domain::today();
        check_delivered_days(month, days, &placed, today)?;
        let quantity_hundredths = quantity(service.unit, days, input.hours.as_deref())?;
        clients::lock(conn, client_id)?;
        let version = q::latest_version(conn, client_id, input.service_id, month.first())?;
        let row = q::insert(
            conn,
            &NewDelivery {
                client_id,
                service_id: input.service_id,
                month: month.first(),
                version: version.map_or(1, |v| v + 1),
                days,
                unit: service.unit,
                quantity_hundredths,
                recorded_by: user.sub,
                recorded_role: user.scope.role(),
                created_at: Utc::now().naive_utc(),
            },
        )?;
        auditor.record(conn, action, Some(row.id.get()), Some(client_id))?;
        let audience = Audience {
            provider: Some(service.provider_id),
            ..Audience::case_of(client.municipality)
        };
        let change = Change::new(
            ChangeType::ServiceDelivery,
            row.id.get(),
            ChangeAction::Created,
            audience,
        );
        changes::record(conn, &change.of(client_id.get()))?;
        Ok(Created {
            record_id: row.id.get(),
            location: Some(format!("/api/v1/clients/{client_id}/service-deliveries")),
            etag: None,
            body: ServiceDelivery::from(row),
        })
    })
    .await
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    /// Only this month.
    pub month: Option<Month>,
    /// Every version, corrections included (default: the latest of each service and month).
    #[serde(default)]
    pub all_versions: bool,
}

/// The services delivered to the client, newest month first: every service's for the case
/// owner (and an administrator), its own services' for a provider's staff. Audited as
/// `service_delivery.list`.
#[utoipa::path(
    tag = "money",
    params(ClientPath, DeliveriesQuery),
    responses(
        (status = 200, body = Vec<ServiceDelivery>),
    )
)]
#[get("/clients/{id}/service-deliveries")]
pub async fn list_service_deliveries(
    db: web::Data<Db>,
    caller: Caller,
    id: web::Path<ClientPath>,
    query: web::Query<DeliveriesQuery>,
) -> ApiResult<web::Json<Vec<ServiceDelivery>>> {
    let client_id = id.into_inner().id;
    let action = AuditAction::ServiceDeliveryList;
    let subject = OfClient::records(client_id).into();
    let DeliveriesQuery {
        month,
        all_versions,
    } = query.into_inner();
    let rows = caller
        .write(&db, action, subject, move |conn, user, auditor| {
            let reach = delivery_read_access(&user.scope)?;
            reach_client(conn, &reach, client_id)?;
            let filter = DeliveryFilter {
                month: month.map(Month::first),
                provider: match reach {
                    DeliveryReach::Provider(own) => Some(own),
                    DeliveryReach::Owner(_) => None,
                },
                all_versions,
            };
            auditor.record(conn, action, None, Some(client_id))?;
            Ok(q::list(conn, client_id, &filter)?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter().map(ServiceDelivery::from).collect(),
    ))
}
