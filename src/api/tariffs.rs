//! Tariffs (issue 18, point 1): the financing model's prices as public reference data, loaded
//! from `reference/tariffs.csv` with the seed lines they come from, and versioned by validity:
//! an administrator adds a tariff's next version, which ends the one before it the day before
//! (TARIFF-VERSION).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::List;
use super::body::Body;
use super::lang::{Lang, Localized};
use super::problems as p;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::db::tariffs::{self as q, NewTariff, TariffFilter, TariffRow};
use crate::domain::access::may_edit_reference_data;
use crate::domain::assessment::CareLevel;
use crate::domain::ids::TariffId;
use crate::domain::money;
use crate::domain::subsidy::LivingSituation;
use crate::domain::tariff::{TariffKind, TariffUnit, check_new_version};
use crate::error::{ApiError, ApiResult};

/// One version of a tariff.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tariff {
    pub id: TariffId,
    #[schema(example = "pkg_adult_l3_group_apartment")]
    pub code: String,
    /// 1 for the seed's value, then 2, 3… for each new version.
    pub version: i32,
    pub kind: TariffKind,
    /// The care level a monthly package is for.
    pub care_level: Option<CareLevel>,
    /// Where the client of a monthly package lives.
    pub living_situation: Option<LivingSituation>,
    /// What the price is of, in the seed's terms (a service, a specialist's hour).
    #[schema(example = "day_centre")]
    pub service_type: Option<String>,
    pub unit: TariffUnit,
    /// EUR, two decimals.
    #[schema(example = "862.68")]
    pub amount: String,
    /// First day in force (inclusive); `null`: since the record began.
    pub valid_from: Option<NaiveDate>,
    /// Last day in force (inclusive); `null`: until a later version.
    pub valid_to: Option<NaiveDate>,
    /// In the response's language (`Content-Language`).
    pub label: String,
    /// Where the value comes from: the seed lines (`002:6567;6571`), or what an
    /// administrator cited for a later version.
    #[schema(example = "002:6567;6571")]
    pub source: String,
    pub created_at: DateTime<Utc>,
}

fn view(r: TariffRow, lang: Lang) -> Tariff {
    Tariff {
        label: lang.pick(&r.label_lv, &r.label_en).to_string(),
        id: r.id,
        code: r.code,
        version: r.version,
        kind: r.kind,
        care_level: r.care_level,
        living_situation: r.living_situation,
        service_type: r.service_type,
        unit: r.unit,
        amount: money::eur(r.amount_cents),
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        source: r.source,
        created_at: r.created_at.and_utc(),
    }
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TariffsQuery {
    pub kind: Option<TariffKind>,
    /// One tariff's versions.
    #[param(example = "up_adult_day_centre")]
    pub code: Option<String>,
    /// Only the versions in force on this day (default: every version).
    pub on: Option<NaiveDate>,
}

/// The tariffs: Table 3's monthly packages by care level and living situation and its unit
/// prices per person-day or hour, the children's short-term care tariffs (a night billed
/// apart, INV-F11) and the hourly floors (INV-F10), each version with its validity and its
/// source. Public reference data.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(TariffsQuery, Lang),
    responses(
        (status = 200, body = List<Tariff>, headers(("Content-Language" = String))),
        (status = 400, response = p::BadRequest),
    )
)]
#[get("/tariffs")]
pub async fn list_tariffs(
    db: web::Data<Db>,
    query: web::Query<TariffsQuery>,
    lang: Lang,
) -> ApiResult<Localized<List<Tariff>>> {
    let TariffsQuery { kind, code, on } = query.into_inner();
    let filter = TariffFilter { kind, code, on };
    let rows = db.run(move |conn| q::list(conn, &filter)).await?;
    let items: Vec<Tariff> = rows.into_iter().map(|r| view(r, lang)).collect();
    Ok(Localized {
        lang,
        body: items.into(),
    })
}

/// One version of a tariff.
#[utoipa::path(
    security(()),
    tag = "reference",
    params(("id" = TariffId, Path, description = "The tariff version's id."), Lang),
    responses(
        (status = 200, body = Tariff, headers(("Content-Language" = String))),
        (status = 404, response = p::NotFound),
    )
)]
#[get("/tariffs/{id}")]
pub async fn get_tariff(
    db: web::Data<Db>,
    id: web::Path<TariffId>,
    lang: Lang,
) -> ApiResult<Localized<Tariff>> {
    let id = id.into_inner();
    let row = db.run(move |conn| q::get(conn, id)).await?;
    Ok(Localized {
        lang,
        body: view(row, lang),
    })
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTariffVersion {
    /// EUR, at most two decimals.
    #[validate(custom(function = "validate_amount"))]
    #[schema(example = "870.00", pattern = r"^\d{1,7}(\.\d{1,2})?$")]
    pub amount: String,
    /// The first day the new amount is in force: after the day the latest version took
    /// effect (TARIFF-VERSION); that version then ends the day before.
    pub valid_from: NaiveDate,
    /// The act or document that sets the new amount.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "MK noteikumi Nr. 123, 4. punkts"
    )]
    pub source: String,
}

fn validate_amount(amount: &str) -> Result<(), ValidationError> {
    money::cents(amount)
        .map(drop)
        .ok_or_else(|| ValidationError::new("amount"))
}

/// Adds the next version of tariff `code` (administrators only): the same tariff at a new
/// amount from `valid_from`; the latest version ends the day before.
#[utoipa::path(
    tag = "reference",
    request_body = CreateTariffVersion,
    params(("code" = String, Path, description = "The tariff's code.", example = "up_adult_day_centre")),
    responses(
        (status = 201, body = Tariff, headers(("Location" = String), ("Content-Language" = String))),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    )
)]
#[post("/tariffs/{code}/versions")]
pub async fn create_tariff_version(
    db: web::Data<Db>,
    user: AuthUser,
    code: web::Path<String>,
    lang: Lang,
    body: Body<CreateTariffVersion>,
) -> ApiResult<HttpResponse> {
    may_edit_reference_data(&user.scope)?;
    let input = body.into_inner();
    input.validate()?;
    let amount_cents = money::cents(&input.amount)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a validated amount")))?;
    let code = code.into_inner();
    let row = db
        .write(move |conn| -> ApiResult<TariffRow> {
            let latest = q::latest(conn, &code)?;
            let ends_on = check_new_version(latest.valid_from, input.valid_from)?;
            let next = NewTariff {
                code: latest.code,
                version: latest.version + 1,
                kind: latest.kind,
                care_level: latest.care_level,
                living_situation: latest.living_situation,
                service_type: latest.service_type,
                unit: latest.unit,
                amount_cents,
                valid_from: Some(input.valid_from),
                label_lv: latest.label_lv,
                label_en: latest.label_en,
                source: input.source,
                created_by: user.sub,
                created_at: Utc::now().naive_utc(),
            };
            Ok(q::follow(conn, latest.id, ends_on, &next)?)
        })
        .await?;
    let location = format!("/api/v1/tariffs/{}", row.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .insert_header((actix_web::http::header::CONTENT_LANGUAGE, lang.code()))
        .json(view(row, lang)))
}
