//! Who may do what: the caller's scope, decided once from the token, and the pure policies
//! that read it. Queries take the scope so a list only returns what the caller may see.

use super::codes::{MunicipalityCode, RegionCode};
use super::ids::ProviderId;

/// What an authenticated caller may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A municipal social service: its own municipality (by code).
    Municipality(MunicipalityCode),
    /// Provider staff: their own provider record and its services.
    Provider(ProviderId),
    /// A planning region coordinator: aggregates of the region, mentors it engages.
    Region(RegionCode),
    /// The Ministry of Welfare: the whole country, aggregates only.
    National,
    /// System administrator: everything (every access audited).
    Admin,
}

impl Scope {
    pub fn role(&self) -> &'static str {
        match self {
            Scope::Municipality(_) => "municipality",
            Scope::Provider(_) => "provider",
            Scope::Region(_) => "region",
            Scope::National => "ministry",
            Scope::Admin => "admin",
        }
    }
}

/// Why a write was refused (answered 403: provider and service records are public, so
/// their existence is no secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub &'static str);

/// The facts about a provider that decide who may write it.
#[derive(Debug, Clone, Copy)]
pub struct ProviderRef<'a> {
    /// `None` for a provider being created.
    pub id: Option<ProviderId>,
    pub municipality: &'a str,
}

/// Ministry and admin write any provider; a municipality the providers in its own
/// municipality; provider staff their own record.
pub fn may_write_provider(scope: &Scope, provider: ProviderRef<'_>) -> Result<(), Forbidden> {
    let allowed = match scope {
        Scope::National | Scope::Admin => true,
        Scope::Municipality(code) => code.as_str() == provider.municipality,
        Scope::Provider(own) => provider.id == Some(*own),
        Scope::Region(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Forbidden("your role may not write this provider"))
    }
}

/// Only the ministry and admin change a provider's register status.
pub fn may_change_provider_status(scope: &Scope) -> Result<(), Forbidden> {
    match scope {
        Scope::National | Scope::Admin => Ok(()),
        _ => Err(Forbidden(
            "only the ministry or an administrator changes a provider's status",
        )),
    }
}

/// Only the ministry and admin register a provider anywhere; a municipality registers
/// providers in its own municipality; provider staff cannot create providers.
pub fn may_create_provider(scope: &Scope, municipality: &str) -> Result<(), Forbidden> {
    match scope {
        Scope::Provider(_) => Err(Forbidden("provider staff cannot register providers")),
        _ => may_write_provider(
            scope,
            ProviderRef {
                id: None,
                municipality,
            },
        ),
    }
}

/// Which clients a caller may see. Only municipalities (their own cases) and admins see
/// client-level data; a client outside the caller's reach is "not found", never "forbidden".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAccess {
    Municipality(MunicipalityCode),
    All,
}

pub fn client_read_access(scope: &Scope) -> Result<ClientAccess, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(ClientAccess::Municipality(code.clone())),
        Scope::Admin => Ok(ClientAccess::All),
        _ => Err(Forbidden(
            "client-level data is for the case-owning municipality only",
        )),
    }
}

/// Case work (creating and changing client records) is the case-owning municipality's.
pub fn client_write_access(scope: &Scope) -> Result<MunicipalityCode, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(code.clone()),
        _ => Err(Forbidden(
            "only the case-owning municipality changes client records",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(id: i64, municipality: &str) -> ProviderRef<'_> {
        ProviderRef {
            id: Some(ProviderId(id)),
            municipality,
        }
    }

    #[test]
    fn ministry_and_admin_write_every_provider_and_its_status() {
        for scope in [Scope::National, Scope::Admin] {
            assert!(may_write_provider(&scope, provider(1, "050")).is_ok());
            assert!(may_change_provider_status(&scope).is_ok());
            assert!(may_create_provider(&scope, "RIX").is_ok());
        }
    }

    #[test]
    fn a_municipality_writes_only_providers_in_its_municipality_and_never_status() {
        let scope = Scope::Municipality("050".into());
        assert!(may_write_provider(&scope, provider(1, "050")).is_ok());
        assert!(may_write_provider(&scope, provider(1, "RIX")).is_err());
        assert!(may_create_provider(&scope, "050").is_ok());
        assert!(may_create_provider(&scope, "RIX").is_err());
        assert!(may_change_provider_status(&scope).is_err());
    }

    #[test]
    fn provider_staff_write_their_own_record_only() {
        let scope = Scope::Provider(ProviderId(7));
        assert!(may_write_provider(&scope, provider(7, "050")).is_ok());
        assert!(may_write_provider(&scope, provider(8, "050")).is_err());
        assert!(may_create_provider(&scope, "050").is_err());
        assert!(may_change_provider_status(&scope).is_err());
    }

    #[test]
    fn only_municipalities_and_admins_see_clients_and_only_municipalities_change_them() {
        assert_eq!(
            client_read_access(&Scope::Municipality("050".into())),
            Ok(ClientAccess::Municipality("050".into()))
        );
        assert_eq!(client_read_access(&Scope::Admin), Ok(ClientAccess::All));
        for scope in [
            Scope::National,
            Scope::Region("KURZEME".into()),
            Scope::Provider(ProviderId(1)),
        ] {
            assert!(client_read_access(&scope).is_err());
            assert!(client_write_access(&scope).is_err());
        }
        assert!(client_write_access(&Scope::Admin).is_err());
        assert_eq!(
            client_write_access(&Scope::Municipality("050".into())),
            Ok("050".into())
        );
    }

    #[test]
    fn a_region_writes_no_provider() {
        let scope = Scope::Region("KURZEME".into());
        assert!(may_write_provider(&scope, provider(1, "050")).is_err());
        assert!(may_create_provider(&scope, "050").is_err());
    }
}
