//! Who reads and keeps the records of staff beyond mentors (issue 18, point 5): employees'
//! personal data, for their employer, their planning region and administrators only.

use super::{Forbidden, Scope};
use crate::domain::codes::{MunicipalityCode, RegionCode};
use crate::domain::ids::ProviderId;
use crate::domain::staff::StaffEmployerKind;

/// Which staff records a caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffReach {
    /// A provider's staff: the provider's own employees.
    Provider(ProviderId),
    /// A municipality: its own social service's employees.
    Municipality(MunicipalityCode),
    /// A planning region: every employee of an employer in the region.
    Region(RegionCode),
    All,
}

/// STAFF-READ: the employer, the employer's planning region and an administrator read a
/// staff record; the ministry and mentors see statistics only.
pub fn staff_read_access(scope: &Scope) -> Result<StaffReach, Forbidden> {
    match scope {
        Scope::Provider(id) => Ok(StaffReach::Provider(*id)),
        Scope::Municipality(code) => Ok(StaffReach::Municipality(code.clone())),
        Scope::Region(code) => Ok(StaffReach::Region(code.clone())),
        Scope::Admin => Ok(StaffReach::All),
        Scope::National | Scope::Mentor(_) => Err(Forbidden::new(
            "staff records are for their employer, its planning region and administrators; the ministry has their statistics",
            "darbinieku ieraksti ir darba devējam, tā plānošanas reģionam un administratoriem; ministrijai ir to statistika",
        )),
    }
}

/// The employer a caller registers staff for when it names none: itself. An administrator
/// must name one; other callers employ no staff here.
pub fn own_staff_employer(scope: &Scope) -> Option<(StaffEmployerKind, String)> {
    match scope {
        Scope::Provider(id) => Some((StaffEmployerKind::Provider, id.to_string())),
        Scope::Municipality(code) => Some((StaffEmployerKind::Municipality, code.to_string())),
        Scope::Region(code) => Some((StaffEmployerKind::Region, code.to_string())),
        Scope::National | Scope::Admin | Scope::Mentor(_) => None,
    }
}

/// STAFF-MANAGE: the employer registers its staff and their trainings; an administrator
/// any. A region reads its providers' and municipalities' staff but keeps only its own.
pub fn may_manage_staff(
    scope: &Scope,
    kind: StaffEmployerKind,
    code: &str,
) -> Result<(), Forbidden> {
    let own = own_staff_employer(scope);
    if matches!(scope, Scope::Admin) || own.is_some_and(|(k, c)| k == kind && c == code) {
        Ok(())
    } else {
        Err(Forbidden::new(
            "staff records are kept by their employer",
            "darbinieku ierakstus uztur to darba devējs",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_read_is_for_the_employer_the_region_and_administrators() {
        assert_eq!(
            staff_read_access(&Scope::Provider(ProviderId(7))),
            Ok(StaffReach::Provider(ProviderId(7)))
        );
        assert_eq!(
            staff_read_access(&Scope::Region("LATGALE".into())),
            Ok(StaffReach::Region("LATGALE".into()))
        );
        assert!(staff_read_access(&Scope::National).is_err());
        assert!(staff_read_access(&Scope::Mentor(crate::domain::ids::MentorId(1))).is_err());
    }

    #[test]
    fn staff_manage_is_for_the_employer_and_administrators() {
        let provider = Scope::Provider(ProviderId(7));
        assert!(may_manage_staff(&provider, StaffEmployerKind::Provider, "7").is_ok());
        assert!(may_manage_staff(&provider, StaffEmployerKind::Provider, "8").is_err());
        let region = Scope::Region("LATGALE".into());
        assert!(may_manage_staff(&region, StaffEmployerKind::Region, "LATGALE").is_ok());
        assert!(may_manage_staff(&region, StaffEmployerKind::Municipality, "DGV").is_err());
        assert!(may_manage_staff(&Scope::Admin, StaffEmployerKind::Municipality, "DGV").is_ok());
        assert!(may_manage_staff(&Scope::National, StaffEmployerKind::Region, "RIGA").is_err());
    }
}
