//! Bearer JWT authentication. Tokens come from the municipalities' and the ministry's
//! identity providers; Kopiena only verifies them. The algorithm is pinned by configuration.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{OnceLock, RwLock};

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use anyhow::Context;
use chrono::NaiveDate;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::config::{AuthSettings, Settings};
use crate::db::{Db, DbConnection, mentors, providers, reference};
use crate::domain::access::{Scope, UnknownScope};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::{MentorId, ProviderId};
use crate::domain::validity::Validity;
use crate::error::{ApiError, ApiResult, Detail};

pub use crate::domain::access::Role;

/// The claims Kopiena reads (SPEC §1).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<MunicipalityCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<ProviderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor_id: Option<MentorId>,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
}

impl Claims {
    /// The scope a role grants; a role without its scope claim is refused.
    pub fn scope(&self) -> Result<Scope, Detail> {
        let needs = |role: &str, claim: &str| {
            Detail::new(
                format!("role {role} needs the {claim} claim"),
                format!("lomai {role} vajadzīgs {claim} apgalvojums"),
            )
        };
        match self.role {
            Role::Municipality => self
                .municipality
                .clone()
                .map(Scope::Municipality)
                .ok_or_else(|| needs("municipality", "municipality")),
            Role::Provider => self
                .provider_id
                .map(Scope::Provider)
                .ok_or_else(|| needs("provider", "provider_id")),
            Role::Region => self
                .region
                .clone()
                .map(Scope::Region)
                .ok_or_else(|| needs("region", "region")),
            Role::Mentor => self
                .mentor_id
                .map(Scope::Mentor)
                .ok_or_else(|| needs("mentor", "mentor_id")),
            Role::Ministry => Ok(Scope::National),
            Role::Admin => Ok(Scope::Admin),
        }
    }
}

/// The authenticated caller. Requiring it in a handler's signature makes the endpoint
/// protected; `MaybeAuthUser` allows anonymous calls but still refuses a bad token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub sub: String,
    pub scope: Scope,
}

/// Verification keys, built once from the settings, with the time limits of a token.
pub struct JwtKeys {
    decoding: DecodingKey,
    validation: Validation,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    leeway: i64,
    /// Longest accepted lifetime, `exp − iat`, in seconds.
    max_lifetime: i64,
}

impl JwtKeys {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let auth = &settings.auth;
        let decoding = match auth.algorithm {
            Algorithm::HS256 => {
                let secret = hs256_secret(settings)?;
                DecodingKey::from_secret(secret.expose_secret().as_bytes())
            }
            Algorithm::RS256 => DecodingKey::from_rsa_pem(public_key(auth)?.as_bytes())
                .context("KOPIENA_JWT_PUBLIC_KEY is not an RSA public key in PEM")?,
            Algorithm::ES256 => DecodingKey::from_ec_pem(public_key(auth)?.as_bytes())
                .context("KOPIENA_JWT_PUBLIC_KEY is not an EC public key in PEM")?,
            other => anyhow::bail!("unsupported algorithm {other:?}"),
        };
        let mut validation = Validation::new(auth.algorithm);
        validation.set_issuer(&[&auth.issuer]);
        validation.set_audience(&[&auth.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = auth.leeway_seconds;
        Ok(Self {
            decoding,
            validation,
            leeway: i64::try_from(auth.leeway_seconds).unwrap_or(i64::MAX),
            max_lifetime: auth.max_lifetime_seconds,
        })
    }

    /// Verifies signature, algorithm, issuer, audience, `exp` and `nbf` (with the leeway),
    /// then what the library leaves to us: `iat` present and not in the future, `exp − iat`
    /// within the maximum lifetime, a non-empty `sub`, the role's scope claim. Every refusal
    /// has a fixed detail; nothing of the token or the parser's message is echoed.
    pub fn verify(&self, token: &str) -> Result<AuthUser, ApiError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| ApiError::Unauthorized(refusal(e.kind())))?
            .claims;
        let now = chrono::Utc::now().timestamp();
        let refuse = |en: &str, lv: &str| Err(ApiError::Unauthorized(Detail::new(en, lv)));
        if claims.sub.trim().is_empty() {
            return refuse(
                "the token's subject (sub) is empty",
                "pilnvaras subjekts (sub) ir tukšs",
            );
        }
        if claims.iat > now.saturating_add(self.leeway) {
            return refuse(
                "the token was issued in the future (iat)",
                "pilnvara izdota nākotnē (iat)",
            );
        }
        if claims.exp.saturating_sub(claims.iat) > self.max_lifetime {
            let max = self.max_lifetime;
            return refuse(
                &format!("the token's lifetime (exp - iat) exceeds the maximum of {max} seconds"),
                &format!("pilnvaras derīguma ilgums (exp - iat) pārsniedz {max} sekunžu maksimumu"),
            );
        }
        let scope = claims.scope().map_err(ApiError::Unauthorized)?;
        Ok(AuthUser {
            sub: claims.sub,
            scope,
        })
    }
}

/// The fixed detail of a token the library refused.
fn refusal(kind: &jsonwebtoken::errors::ErrorKind) -> Detail {
    use jsonwebtoken::errors::ErrorKind as K;
    let (en, lv) = match kind {
        K::ExpiredSignature => ("the token has expired", "pilnvaras derīgums ir beidzies"),
        K::ImmatureSignature => (
            "the token is not valid yet (nbf)",
            "pilnvara vēl nav derīga (nbf)",
        ),
        K::InvalidSignature => (
            "the token's signature is invalid",
            "pilnvaras paraksts nav derīgs",
        ),
        K::InvalidAlgorithm | K::InvalidAlgorithmName | K::UnsupportedAlgorithm => (
            "the token is not signed with the configured algorithm",
            "pilnvara nav parakstīta ar iestatīto algoritmu",
        ),
        K::InvalidIssuer => (
            "the token's issuer (iss) is not accepted",
            "pilnvaras izdevējs (iss) netiek pieņemts",
        ),
        K::InvalidAudience => (
            "the token's audience (aud) is not this service",
            "pilnvaras adresāts (aud) nav šis pakalpojums",
        ),
        K::MissingRequiredClaim(claim) => match claim.as_str() {
            "exp" => (
                "the token has no expiry (exp)",
                "pilnvarai nav derīguma beigu (exp)",
            ),
            "iss" => (
                "the token has no issuer (iss)",
                "pilnvarai nav izdevēja (iss)",
            ),
            "aud" => (
                "the token has no audience (aud)",
                "pilnvarai nav adresāta (aud)",
            ),
            "sub" => (
                "the token has no subject (sub)",
                "pilnvarai nav subjekta (sub)",
            ),
            _ => (
                "the token lacks a required claim",
                "pilnvarai trūkst obligāta apgalvojuma",
            ),
        },
        K::Json(e) if e.to_string().starts_with("missing field `iat`") => (
            "the token has no issue time (iat)",
            "pilnvarai nav izdošanas laika (iat)",
        ),
        K::Json(e) if e.to_string().starts_with("missing field `role`") => {
            ("the token has no role", "pilnvarai nav lomas")
        }
        K::Json(_) | K::InvalidClaimFormat(_) => (
            "the token's header or claims are malformed",
            "pilnvaras galvene vai apgalvojumi ir nepareizi veidoti",
        ),
        _ => ("the token is malformed", "pilnvara ir nepareizi veidota"),
    };
    Detail::new(en, lv)
}

fn public_key(auth: &AuthSettings) -> anyhow::Result<&str> {
    auth.public_key_pem
        .as_deref()
        .context("a public key is required for this algorithm")
}

/// The configured HS256 secret or, in development, one kept under the data directory (made
/// on first use) so that `kopiena token` and the server agree without configuration.
pub fn hs256_secret(settings: &Settings) -> anyhow::Result<SecretString> {
    if let Some(secret) = &settings.auth.secret {
        return Ok(secret.clone());
    }
    let path = settings.data_dir.join("dev-jwt-secret");
    let secret = read_or_create_secret(&path, || {
        format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
    })?;
    tracing::warn!(
        path = %path.display(),
        "no KOPIENA_JWT_SECRET configured: using the development secret (never in production)"
    );
    Ok(secret)
}

/// Reads a development secret from `path`, or writes a new one made by `make` (mode 0600).
pub fn read_or_create_secret(
    path: &Path,
    make: impl FnOnce() -> String,
) -> anyhow::Result<SecretString> {
    if let Ok(existing) = std::fs::read_to_string(path)
        && !existing.trim().is_empty()
    {
        return Ok(SecretString::from(existing.trim().to_string()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let secret = make();
    std::fs::write(path, &secret)
        .with_context(|| format!("cannot write the development secret {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(SecretString::from(secret))
}

/// Issues an HS256 token with the configured (or development) secret: for the `token`
/// command and the tests.
pub fn issue_token(
    secret: &SecretString,
    auth: &AuthSettings,
    claims_for: impl FnOnce(i64, &str, &str) -> Claims,
) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = claims_for(now, &auth.issuer, &auth.audience);
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose_secret().as_bytes()),
    )
    .context("cannot sign the token")
}

/// The bearer token of a request: exactly one `Authorization` header whose scheme is
/// `Bearer` in any case (RFC 9110 §11.1); `None` without the header.
fn bearer_token(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    let mut values = req.headers().get_all(header::AUTHORIZATION);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::Unauthorized(Detail::new(
            "send exactly one Authorization header",
            "sūtiet tieši vienu Authorization galveni",
        )));
    }
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or_else(|| {
            ApiError::Unauthorized(Detail::new(
                "expected `Authorization: Bearer <token>`",
                "gaidīta galvene `Authorization: Bearer <token>`",
            ))
        })
}

/// The caller a request's token names, verified (`JwtKeys::verify`) and with its scope claim
/// checked against the register (`ScopeRegister`); `None` without a token. Worked out once
/// per request: later extractors of the same request reuse it.
async fn authenticate(req: HttpRequest) -> ApiResult<Option<AuthUser>> {
    if let Some(Authenticated(user)) = req.extensions().get::<Authenticated>() {
        return Ok(user.clone());
    }
    let user = match bearer_token(&req)? {
        None => None,
        Some(token) => {
            let keys = req
                .app_data::<web::Data<JwtKeys>>()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("JwtKeys are not configured")))?;
            let user = keys.verify(token)?;
            let (Some(register), Some(db)) = (
                req.app_data::<web::Data<ScopeRegister>>(),
                req.app_data::<web::Data<Db>>(),
            ) else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "the scope register or the database is not configured"
                )));
            };
            register
                .check(db, &user.scope, crate::domain::today())
                .await?;
            Some(user)
        }
    };
    req.extensions_mut().insert(Authenticated(user.clone()));
    Ok(user)
}

/// The outcome of `authenticate` kept in the request's extensions.
#[derive(Clone)]
struct Authenticated(Option<AuthUser>);

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            authenticate(req).await?.ok_or_else(|| {
                ApiError::Unauthorized(Detail::new(
                    "this operation needs a bearer token",
                    "šai darbībai vajadzīga nesēja pilnvara (bearer token)",
                ))
            })
        })
    }
}

/// Optional authentication: anonymous callers get `None`; a present but invalid token is
/// still a 401 (actix's `Option<T>` would silently ignore it).
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeAuthUser) })
    }
}

/// What a token's scope claim may name (AUTH-SCOPE-EXISTS): a municipality valid today, a
/// planning region, a registered provider or mentor. Municipalities (with their validity) and regions
/// are reference data that change only by migration, so they are read once, on first use,
/// and each check after that is a look-up in memory (validity is judged on the day of the
/// request, so a municipality stops counting the day after it was dissolved). Providers are
/// registered while the service runs and never deleted, and so are mentors: one found once is
/// remembered, one not found is looked up again (it may have been registered since, by another
/// instance).
#[derive(Default)]
pub struct ScopeRegister {
    reference: OnceLock<ScopeReference>,
    providers: Registered<ProviderId>,
    mentors: Registered<MentorId>,
}

/// Records registered while the service runs and never deleted, as far as seen.
struct Registered<Id>(RwLock<HashSet<Id>>);

impl<Id> Default for Registered<Id> {
    fn default() -> Self {
        Self(RwLock::new(HashSet::new()))
    }
}

impl<Id: Copy + Eq + std::hash::Hash + Send + 'static> Registered<Id> {
    /// `Ok` when `id` is registered: remembered, or found by `exists` (then remembered).
    async fn check(
        &self,
        db: &Db,
        id: Id,
        exists: fn(&mut DbConnection, Id) -> diesel::QueryResult<bool>,
        unknown: UnknownScope,
    ) -> ApiResult<()> {
        if self.0.read().is_ok_and(|known| known.contains(&id)) {
            return Ok(());
        }
        if !db.run(move |conn| exists(conn, id)).await? {
            return Err(unknown.into());
        }
        if let Ok(mut known) = self.0.write() {
            known.insert(id);
        }
        Ok(())
    }
}

/// The reference data a scope claim is checked against.
#[derive(Debug, Default)]
struct ScopeReference {
    municipalities: HashMap<MunicipalityCode, Validity>,
    regions: HashSet<RegionCode>,
}

impl ScopeReference {
    fn load(conn: &mut DbConnection) -> diesel::QueryResult<Self> {
        let municipalities = reference::list_municipalities(conn, &Default::default())?
            .into_iter()
            .map(|m| (m.code.clone(), m.validity()))
            .collect();
        let regions = reference::list_planning_regions(conn)?
            .into_iter()
            .map(|r| r.code)
            .collect();
        Ok(Self {
            municipalities,
            regions,
        })
    }

    /// Whether a municipality or region scope names something on `today`. A provider scope
    /// is the register's to answer; the ministry and admin scopes name nothing.
    fn check(&self, scope: &Scope, today: NaiveDate) -> Result<(), UnknownScope> {
        match scope {
            Scope::Municipality(code) => self
                .municipalities
                .get(code)
                .filter(|validity| validity.contains(today))
                .map(|_| ())
                .ok_or(UnknownScope::Municipality),
            Scope::Region(code) if !self.regions.contains(code) => Err(UnknownScope::Region),
            _ => Ok(()),
        }
    }
}

impl ScopeRegister {
    /// Refuses (401) a scope whose claim names nothing on `today`; ministry and admin scopes
    /// pass without a look-up.
    pub async fn check(&self, db: &Db, scope: &Scope, today: NaiveDate) -> ApiResult<()> {
        match scope {
            Scope::Municipality(_) | Scope::Region(_) => {
                Ok(self.reference(db).await?.check(scope, today)?)
            }
            Scope::Provider(id) => {
                let unknown = UnknownScope::Provider;
                self.providers
                    .check(db, *id, providers::exists, unknown)
                    .await
            }
            Scope::Mentor(id) => {
                let unknown = UnknownScope::Mentor;
                self.mentors.check(db, *id, mentors::exists, unknown).await
            }
            Scope::National | Scope::Admin => Ok(()),
        }
    }

    async fn reference(&self, db: &Db) -> ApiResult<&ScopeReference> {
        if let Some(loaded) = self.reference.get() {
            return Ok(loaded);
        }
        // Two first requests may both load it; the first stored wins, the data is the same.
        let loaded = db.run(ScopeReference::load).await?;
        Ok(self.reference.get_or_init(|| loaded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn reference() -> ScopeReference {
        let validity = |from: &str, to: Option<&str>| Validity {
            from: d(from),
            to: to.map(d),
        };
        ScopeReference {
            municipalities: HashMap::from([
                ("050".into(), validity("2021-07-01", None)),
                ("102".into(), validity("2021-07-01", Some("2025-06-30"))),
                ("NEW".into(), validity("2027-01-01", None)),
            ]),
            regions: HashSet::from(["KURZEME".into()]),
        }
    }

    #[test]
    fn auth_scope_exists_a_municipality_claim_names_a_municipality_valid_today() {
        let r = reference();
        let municipality = |code: &str| Scope::Municipality(code.into());
        let today = d("2026-12-06");
        assert_eq!(r.check(&municipality("050"), today), Ok(()));
        for code in ["102", "ZZZ", "", "NEW"] {
            assert_eq!(
                r.check(&municipality(code), today),
                Err(UnknownScope::Municipality),
                "{code:?}"
            );
        }
        // Dissolved after its last day, not on it.
        assert_eq!(r.check(&municipality("102"), d("2025-06-30")), Ok(()));
        assert_eq!(
            r.check(&municipality("102"), d("2025-07-01")),
            Err(UnknownScope::Municipality)
        );
    }

    #[test]
    fn auth_scope_exists_a_region_claim_names_a_planning_region() {
        let r = reference();
        let today = d("2026-12-06");
        assert_eq!(r.check(&Scope::Region("KURZEME".into()), today), Ok(()));
        assert_eq!(
            r.check(&Scope::Region("MARS".into()), today),
            Err(UnknownScope::Region)
        );
        assert_eq!(r.check(&Scope::National, today), Ok(()));
        assert_eq!(r.check(&Scope::Admin, today), Ok(()));
    }
}
