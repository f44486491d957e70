//! Who records and reads the services delivered to clients, and who sees and closes the
//! municipalities' monthly claims (issue 18).

use super::{ClientAccess, Forbidden, Scope};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::ProviderId;

/// Who records the services delivered to a client, and whose deliveries they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryReach {
    /// The case-owning municipality (all of its clients' deliveries), or an administrator
    /// reading every client's.
    Owner(ClientAccess),
    /// A provider's staff: the deliveries of its own services, to clients placed in them.
    Provider(ProviderId),
}

/// The provider that delivered the service (to a client placed in it) and the case-owning
/// municipality record deliveries.
pub fn delivery_write_access(scope: &Scope) -> Result<DeliveryReach, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(DeliveryReach::Owner(ClientAccess::Municipality(
            code.clone(),
        ))),
        Scope::Provider(id) => Ok(DeliveryReach::Provider(*id)),
        _ => Err(Forbidden::new(
            "deliveries are recorded by the provider of the service and the client's municipality",
            "sniegtos pakalpojumus reģistrē pakalpojuma sniedzējs un klienta pašvaldība",
        )),
    }
}

impl DeliveryReach {
    /// DELIVERY-PLACED, for a provider's staff: they record the deliveries of their own
    /// services only, to clients they have placed in the service (`placed`); anything else
    /// is, to them, as if it did not exist (`404`). The case owner records for any service
    /// (the days are checked against the placements apart).
    pub fn records_for(&self, service_provider: ProviderId, placed: bool) -> bool {
        match self {
            DeliveryReach::Owner(_) => true,
            DeliveryReach::Provider(own) => *own == service_provider && placed,
        }
    }
}

/// Those who record deliveries read them, and an administrator reads every client's.
pub fn delivery_read_access(scope: &Scope) -> Result<DeliveryReach, Forbidden> {
    match scope {
        Scope::Admin => Ok(DeliveryReach::Owner(ClientAccess::All)),
        _ => delivery_write_access(scope),
    }
}

/// What a caller sees of monthly claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimReach {
    /// A municipality its own claims, line by line; an administrator every claim.
    Lines(ClientAccess),
    /// The ministry every municipality's, a planning region its municipalities': totals only,
    /// no client's line.
    Totals(Option<RegionCode>),
}

pub fn claim_access(scope: &Scope) -> Result<ClaimReach, Forbidden> {
    match scope {
        Scope::Municipality(code) => {
            Ok(ClaimReach::Lines(ClientAccess::Municipality(code.clone())))
        }
        Scope::Admin => Ok(ClaimReach::Lines(ClientAccess::All)),
        Scope::National => Ok(ClaimReach::Totals(None)),
        Scope::Region(code) => Ok(ClaimReach::Totals(Some(code.clone()))),
        Scope::Provider(_) | Scope::Mentor(_) => Err(Forbidden::new(
            "claims are for municipalities, regions and the ministry",
            "pieprasījumi ir pašvaldībām, reģioniem un ministrijai",
        )),
    }
}

/// Whether `reach` covers the claims of `municipality` (of `region`).
pub fn claim_in_reach(
    reach: &ClaimReach,
    municipality: &MunicipalityCode,
    region: &RegionCode,
) -> Result<(), Forbidden> {
    let within = match reach {
        ClaimReach::Lines(ClientAccess::Municipality(own)) => own == municipality,
        ClaimReach::Lines(ClientAccess::All) | ClaimReach::Totals(None) => true,
        ClaimReach::Totals(Some(own)) => own == region,
    };
    if within {
        Ok(())
    } else {
        Err(Forbidden::new(
            "a municipality sees its own claims, a planning region those of its municipalities",
            "pašvaldība redz savus pieprasījumus, plānošanas reģions savu pašvaldību pieprasījumus",
        ))
    }
}

/// Which municipalities a list of claims covers: a municipality's own, or those of a planning
/// region (`None`: every region), as asked within the caller's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimList {
    Own(MunicipalityCode),
    Region(Option<RegionCode>),
}

pub fn claim_list(
    reach: &ClaimReach,
    requested_region: Option<&RegionCode>,
) -> Result<ClaimList, Forbidden> {
    match reach {
        ClaimReach::Lines(ClientAccess::Municipality(own)) => Ok(ClaimList::Own(own.clone())),
        ClaimReach::Lines(ClientAccess::All) | ClaimReach::Totals(None) => {
            Ok(ClaimList::Region(requested_region.cloned()))
        }
        ClaimReach::Totals(Some(own)) if requested_region.is_none_or(|r| r == own) => {
            Ok(ClaimList::Region(Some(own.clone())))
        }
        ClaimReach::Totals(Some(_)) => Err(Forbidden::new(
            "a planning region sees its own municipalities' claims",
            "plānošanas reģions redz savu pašvaldību pieprasījumus",
        )),
    }
}

/// A municipality closes (submits) its own monthly claim.
pub fn may_close_claim(scope: &Scope, municipality: &MunicipalityCode) -> Result<(), Forbidden> {
    match scope {
        Scope::Municipality(own) if own == municipality => Ok(()),
        _ => Err(Forbidden::new(
            "a municipality closes its own monthly claim",
            "pašvaldība slēdz savu mēneša pieprasījumu",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_placed_a_provider_records_its_own_placed_services_only() {
        let own = DeliveryReach::Provider(ProviderId(1));
        assert!(own.records_for(ProviderId(1), true));
        assert!(!own.records_for(ProviderId(1), false));
        assert!(!own.records_for(ProviderId(2), true));
        let owner = DeliveryReach::Owner(ClientAccess::Municipality("050".into()));
        assert!(owner.records_for(ProviderId(2), false));
        assert!(delivery_write_access(&Scope::Admin).is_err());
        assert!(delivery_read_access(&Scope::Admin).is_ok());
    }

    #[test]
    fn claims_lines_for_the_municipality_totals_for_ministry_and_region() {
        let kuldiga = MunicipalityCode::new("050");
        let kurzeme = RegionCode::new("KURZEME");
        let own = claim_access(&Scope::Municipality(kuldiga.clone())).expect("own");
        assert!(matches!(own, ClaimReach::Lines(_)));
        assert!(claim_in_reach(&own, &kuldiga, &kurzeme).is_ok());
        assert!(claim_in_reach(&own, &MunicipalityCode::new("RIX"), &kurzeme).is_err());
        let region = claim_access(&Scope::Region(RegionCode::new("LATGALE"))).expect("region");
        assert!(claim_in_reach(&region, &kuldiga, &kurzeme).is_err());
        assert!(claim_list(&region, Some(&kurzeme)).is_err());
        assert_eq!(
            claim_list(&claim_access(&Scope::National).expect("ministry"), None),
            Ok(ClaimList::Region(None))
        );
        assert!(may_close_claim(&Scope::Municipality(kuldiga.clone()), &kuldiga).is_ok());
        assert!(may_close_claim(&Scope::Admin, &kuldiga).is_err());
        assert!(claim_access(&Scope::Provider(ProviderId(1))).is_err());
    }
}
