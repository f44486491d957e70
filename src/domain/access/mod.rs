//! Who may do what: the caller's scope, decided once from the token, and the pure policies
//! that read it. Queries take the scope so a list only returns what the caller may see.

use super::change::ChangeReach;
use super::codes::{MunicipalityCode, RegionCode, closed_set};
use super::ids::{MentorId, ProviderId};
use super::mentor::EmployerKind;
use super::webhook::WebhookOwner;

mod money;
mod staff;
pub use money::*;
pub use staff::*;

closed_set! {
    /// A caller's role: the token's `role` claim (SPEC §1).
    pub enum Role {
        Municipality = "municipality",
        Provider = "provider",
        Region = "region",
        Ministry = "ministry",
        Admin = "admin",
        Mentor = "mentor",
    }
}

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
    /// A social mentor: the shared case record of the clients assigned to them, and their
    /// own case notes.
    Mentor(MentorId),
}

impl Scope {
    pub fn role(&self) -> Role {
        match self {
            Scope::Municipality(_) => Role::Municipality,
            Scope::Provider(_) => Role::Provider,
            Scope::Region(_) => Role::Region,
            Scope::National => Role::Ministry,
            Scope::Admin => Role::Admin,
            Scope::Mentor(_) => Role::Mentor,
        }
    }
}

/// Why a write was refused (answered 403: provider and service records are public, so
/// their existence is no secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct Forbidden {
    pub en: &'static str,
    /// The same reason in Latvian, for `Accept-Language: lv`.
    pub lv: &'static str,
}

impl Forbidden {
    const fn new(en: &'static str, lv: &'static str) -> Self {
        Self { en, lv }
    }
}

/// AUTH-SCOPE-EXISTS: a token's scope claim must name something the caller can act for: a
/// municipality that exists today (not unknown, not dissolved), a registered provider, a
/// planning region. One that names nothing is refused like any invalid token (401), with its
/// own problem type, before anything is read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnknownScope {
    #[error(
        "the token's municipality claim names no municipality that exists today (unknown, or dissolved)"
    )]
    Municipality,
    #[error("the token's provider_id claim names no registered provider")]
    Provider,
    #[error("the token's region claim names no planning region")]
    Region,
    #[error("the token's mentor_id claim names no registered mentor")]
    Mentor,
}

impl UnknownScope {
    /// The English message (`Display`) in Latvian.
    pub fn detail_lv(self) -> &'static str {
        match self {
            UnknownScope::Municipality => {
                "pilnvaras municipality apgalvojums nenorāda šodien pastāvošu pašvaldību (nezināma vai likvidēta)"
            }
            UnknownScope::Provider => {
                "pilnvaras provider_id apgalvojums nenorāda reģistrētu pakalpojumu sniedzēju"
            }
            UnknownScope::Region => "pilnvaras region apgalvojums nenorāda plānošanas reģionu",
            UnknownScope::Mentor => "pilnvaras mentor_id apgalvojums nenorāda reģistrētu mentoru",
        }
    }
}

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
        Scope::Region(_) | Scope::Mentor(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Forbidden::new(
            "your role may not write this provider",
            "jūsu loma nedrīkst mainīt šo pakalpojumu sniedzēju",
        ))
    }
}

/// Only the ministry and admin change a provider's register status.
pub fn may_change_provider_status(scope: &Scope) -> Result<(), Forbidden> {
    match scope {
        Scope::National | Scope::Admin => Ok(()),
        _ => Err(Forbidden::new(
            "only the ministry or an administrator changes a provider's status",
            "pakalpojumu sniedzēja statusu maina tikai ministrija vai administrators",
        )),
    }
}

/// Only the ministry and admin register a provider anywhere; a municipality registers
/// providers in its own municipality; provider staff cannot create providers.
pub fn may_create_provider(scope: &Scope, municipality: &str) -> Result<(), Forbidden> {
    match scope {
        Scope::Provider(_) | Scope::Mentor(_) => Err(Forbidden::new(
            "provider staff cannot register providers",
            "pakalpojumu sniedzēja darbinieki nereģistrē pakalpojumu sniedzējus",
        )),
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
        _ => Err(Forbidden::new(
            "client-level data is for the case-owning municipality only",
            "klientu līmeņa dati pieejami tikai pašvaldībai, kuras pārziņā ir lieta",
        )),
    }
}

/// Case work (creating and changing client records) is the case-owning municipality's.
pub fn client_write_access(scope: &Scope) -> Result<MunicipalityCode, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(code.clone()),
        _ => Err(Forbidden::new(
            "only the case-owning municipality changes client records",
            "klientu ierakstus maina tikai pašvaldība, kuras pārziņā ir lieta",
        )),
    }
}

/// The case owner's working lists across its clients (the plans due for review): a
/// municipality's, of its own clients only; an administrator reads each case, not the
/// municipalities' work queues.
pub fn case_owner_access(scope: &Scope) -> Result<MunicipalityCode, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(code.clone()),
        _ => Err(Forbidden::new(
            "this list is the case-owning municipality's work list",
            "šis saraksts ir lietas pārzinošās pašvaldības darba saraksts",
        )),
    }
}

/// Which events of the change feed a caller follows: those of the records it may read. A
/// municipality also follows the mentors its planning region (`own_region`) employs.
pub fn change_reach(scope: Option<&Scope>, own_region: Option<RegionCode>) -> ChangeReach {
    match scope {
        None | Some(Scope::National) => ChangeReach::Public,
        Some(Scope::Municipality(code)) => ChangeReach::Municipality {
            code: code.clone(),
            region: own_region,
        },
        Some(Scope::Provider(own)) => ChangeReach::Provider(*own),
        Some(Scope::Region(own)) => ChangeReach::Region(own.clone()),
        Some(Scope::Admin) => ChangeReach::All,
        // A mentor's clients' records are client-level data; the feed tells them nothing
        // beyond the public register.
        Some(Scope::Mentor(_)) => ChangeReach::Public,
    }
}

/// Who subscribes to webhooks: a municipality and provider staff, for their organisation;
/// the events are those the organisation may follow in the feed.
pub fn webhook_owner(scope: &Scope) -> Result<WebhookOwner, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(WebhookOwner::Municipality(code.clone())),
        Scope::Provider(id) => Ok(WebhookOwner::Provider(*id)),
        _ => Err(Forbidden::new(
            "webhooks are for municipalities and providers; others read the change feed",
            "tīmekļa āķi ir pašvaldībām un pakalpojumu sniedzējiem; citi lasa izmaiņu plūsmu",
        )),
    }
}

/// Which audit records a caller reads: an administrator all of them; a municipality the
/// acts of its own staff, including those on clients whose case has since moved to another
/// municipality (a case owner reads its client's whole access log through client access).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditReach {
    All,
    ActsOf(MunicipalityCode),
}

pub fn audit_reach(scope: &Scope) -> Result<AuditReach, Forbidden> {
    match scope {
        Scope::Admin => Ok(AuditReach::All),
        Scope::Municipality(code) => Ok(AuditReach::ActsOf(code.clone())),
        _ => Err(Forbidden::new(
            "the audit log is for administrators and, for their own acts, municipalities",
            "audita žurnāls ir administratoriem un pašvaldībām (par to pašu darbībām)",
        )),
    }
}

/// Which mentor records a caller may read: a municipality those it or its planning region
/// employs, a region those of its area, an administrator all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentorAccess {
    Municipality(MunicipalityCode),
    Region(RegionCode),
    All,
}

pub fn mentor_read_access(scope: &Scope) -> Result<MentorAccess, Forbidden> {
    match scope {
        Scope::Municipality(code) => Ok(MentorAccess::Municipality(code.clone())),
        Scope::Region(region) => Ok(MentorAccess::Region(region.clone())),
        Scope::Admin => Ok(MentorAccess::All),
        Scope::Provider(_) | Scope::National | Scope::Mentor(_) => Err(Forbidden::new(
            "mentor records are for municipalities, planning regions and administrators",
            "mentoru ieraksti ir pašvaldībām, plānošanas reģioniem un administratoriem",
        )),
    }
}

/// Municipalities manage the mentors they employ, regions those the region employs, an
/// administrator all.
pub fn may_manage_mentor(
    scope: &Scope,
    employer_kind: EmployerKind,
    employer_code: &str,
) -> Result<(), Forbidden> {
    let allowed = match scope {
        Scope::Municipality(own) => {
            employer_kind == EmployerKind::Municipality && own.as_str() == employer_code
        }
        Scope::Region(own) => {
            employer_kind == EmployerKind::Region && own.as_str() == employer_code
        }
        Scope::Admin => true,
        Scope::Provider(_) | Scope::National | Scope::Mentor(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Forbidden::new(
            "you do not employ this mentor",
            "jūs neesat šī mentora darba devējs",
        ))
    }
}

/// The employer of a mentor registered without one: the caller's own municipality or region.
/// Other callers (an administrator) must name it.
pub fn own_employer(scope: &Scope) -> Option<(EmployerKind, String)> {
    match scope {
        Scope::Municipality(code) => Some((EmployerKind::Municipality, code.to_string())),
        Scope::Region(code) => Some((EmployerKind::Region, code.to_string())),
        Scope::Provider(_) | Scope::National | Scope::Admin | Scope::Mentor(_) => None,
    }
}

/// Whose placements in a service (of provider `provider_id`) a caller sees: the provider's
/// staff and administrators all of them, a municipality those of its own clients.
pub fn service_placements_access(
    scope: &Scope,
    provider_id: ProviderId,
) -> Result<ClientAccess, Forbidden> {
    match scope {
        Scope::Provider(own) if *own == provider_id => Ok(ClientAccess::All),
        Scope::Municipality(code) => Ok(ClientAccess::Municipality(code.clone())),
        Scope::Admin => Ok(ClientAccess::All),
        _ => Err(Forbidden::new(
            "placements are for the provider, the clients' municipality and administrators",
            "pakalpojuma saņemšanas ieraksti ir pakalpojumu sniedzējam, klientu pašvaldībai un administratoriem",
        )),
    }
}

/// A provider's relation to a client: a placement in one of its services (in a state social
/// care centre when `vsac`), or a place an accepted referral holds there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRelation {
    pub interval: super::interval::Interval,
    pub vsac: bool,
}

/// Who shares a client's case without owning it: a provider's staff, while the provider
/// places the client or holds a place for them, and a social mentor, while assigned to the
/// client (`shares_case` over the relations of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharer {
    Provider(ProviderId),
    Mentor(MentorId),
}

/// Who reads a shared case record: provider staff and mentors (which clients: `shares_case`).
pub fn shared_record_access(scope: &Scope) -> Result<Sharer, Forbidden> {
    match scope {
        Scope::Provider(own) => Ok(Sharer::Provider(*own)),
        Scope::Mentor(own) => Ok(Sharer::Mentor(*own)),
        _ => Err(Forbidden::new(
            "the shared case record is for the staff of a provider serving the client and the client's mentor",
            "kopīgais lietas ieraksts ir klientam pakalpojumu sniedzošā pakalpojumu sniedzēja darbiniekiem un klienta mentoram",
        )),
    }
}

/// CASE-NOTE-ACCESS: whose case notes a caller reads. The case-owning municipality (and an
/// administrator) reads every note on its client's case; a provider's staff and a mentor
/// sharing the case read the notes their own organisation wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteReach {
    /// Every note of the clients within this reach.
    Owner(ClientAccess),
    /// The notes this sharer wrote, while it shares the case.
    Own(Sharer),
}

pub fn case_note_read_access(scope: &Scope) -> Result<NoteReach, Forbidden> {
    match scope {
        Scope::Provider(_) | Scope::Mentor(_) => shared_record_access(scope).map(NoteReach::Own),
        _ => client_read_access(scope).map(NoteReach::Owner).map_err(|_| {
            Forbidden::new(
                "case notes are for the case owner, the client's providers and mentor",
                "lietas piezīmes ir lietas īpašniekam, klienta pakalpojumu sniedzējiem un mentoram",
            )
        }),
    }
}

/// CASE-NOTE-ACCESS: who writes a case note, as whom: those who do case work with the client
/// (the owning municipality, a provider or mentor sharing the case). An administrator reads
/// notes but writes none.
pub fn case_note_author(scope: &Scope) -> Result<super::case_note::NoteAuthor, Forbidden> {
    use super::case_note::NoteAuthor;
    match scope {
        Scope::Municipality(code) => Ok(NoteAuthor::Municipality(code.clone())),
        Scope::Provider(own) => Ok(NoteAuthor::Provider(*own)),
        Scope::Mentor(own) => Ok(NoteAuthor::Mentor(*own)),
        Scope::Region(_) | Scope::National | Scope::Admin => Err(Forbidden::new(
            "case notes are written by the case owner, the client's providers and mentor",
            "lietas piezīmes raksta lietas īpašnieks, klienta pakalpojumu sniedzēji un mentors",
        )),
    }
}

/// SHARE-NEED-TO-KNOW: a provider's staff read the client's shared case record (the current
/// final plan and the current assessment, never the personal code) while it places the
/// client or holds a place for them; a state social care centre keeps reading for
/// `vsac_follow_up_days` after the client left it, for its three-monthly follow-up (INV-A13).
/// The relation ended, the read is `404` again.
pub fn shares_case(
    relations: &[CaseRelation],
    today: chrono::NaiveDate,
    vsac_follow_up_days: u32,
) -> bool {
    relations.iter().any(|r| {
        let follow_up = r.vsac
            && r.interval.end.is_some_and(|left| {
                left <= today
                    && left
                        .checked_add_days(chrono::Days::new(u64::from(vsac_follow_up_days)))
                        .is_none_or(|until| today < until)
            });
        r.interval.active_on(today) || follow_up
    })
}

/// Who answers a referral to a service of provider `provider_id`, and reads the referrals to
/// it: that provider's staff only (the referring municipality reads its own client's).
pub fn referral_answer_access(scope: &Scope, provider_id: ProviderId) -> Result<(), Forbidden> {
    match scope {
        Scope::Provider(own) if *own == provider_id => Ok(()),
        _ => Err(Forbidden::new(
            "a referral is answered by the staff of the provider that runs the service",
            "uz nosūtījumu atbild pakalpojuma sniedzēja darbinieki",
        )),
    }
}

/// Only an administrator changes reference data that is not the register's (a tariff's new
/// version); everyone reads it.
pub fn may_edit_reference_data(scope: &Scope) -> Result<(), Forbidden> {
    match scope {
        Scope::Admin => Ok(()),
        _ => Err(Forbidden::new(
            "only an administrator changes reference data",
            "atsauces datus maina tikai administrators",
        )),
    }
}

/// What a caller may aggregate, and whether its person counts are perturbed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsAccess {
    /// Only this planning region.
    pub region: Option<RegionCode>,
    /// Only this municipality.
    pub municipality: Option<MunicipalityCode>,
    /// Person counts are perturbed and dates are months (`domain::disclosure`): the ministry
    /// and regions. A municipality sees its own cases exactly, an administrator everything.
    pub perturb: bool,
}

impl StatisticsAccess {
    /// The planning region the caller is restricted to, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().map(RegionCode::as_str)
    }

    /// The municipality the caller is restricted to, if any.
    pub fn municipality(&self) -> Option<&str> {
        self.municipality.as_ref().map(MunicipalityCode::as_str)
    }
}

/// The ministry aggregates the country and an administrator everything; a region only its own
/// region (`requested_region` must be it, if given); a municipality only itself. Provider
/// staff see no statistics.
pub fn statistics_access(
    scope: &Scope,
    requested_region: Option<&str>,
) -> Result<StatisticsAccess, Forbidden> {
    let access = |region: Option<&RegionCode>, municipality: Option<&MunicipalityCode>, perturb| {
        Ok(StatisticsAccess {
            region: region.cloned(),
            municipality: municipality.cloned(),
            perturb,
        })
    };
    match scope {
        Scope::National => access(None, None, true),
        Scope::Admin => access(None, None, false),
        Scope::Region(own) if requested_region.is_some_and(|r| r != own.as_str()) => {
            Err(Forbidden::new(
                "a planning region sees its own region's statistics",
                "plānošanas reģions redz tikai sava reģiona statistiku",
            ))
        }
        Scope::Region(own) => access(Some(own), None, true),
        Scope::Municipality(own) => access(None, Some(own), false),
        Scope::Provider(_) | Scope::Mentor(_) => Err(Forbidden::new(
            "statistics are for municipalities, regions and the ministry",
            "statistika ir pašvaldībām, reģioniem un ministrijai",
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
    fn only_a_municipality_reads_its_work_lists() {
        assert_eq!(
            case_owner_access(&Scope::Municipality("050".into())),
            Ok("050".into())
        );
        for scope in [
            Scope::Admin,
            Scope::National,
            Scope::Region("KURZEME".into()),
            Scope::Provider(ProviderId(1)),
        ] {
            assert!(case_owner_access(&scope).is_err(), "{scope:?}");
        }
    }

    #[test]
    fn administrators_read_the_audit_log_and_municipalities_their_own_acts() {
        assert_eq!(audit_reach(&Scope::Admin), Ok(AuditReach::All));
        assert_eq!(
            audit_reach(&Scope::Municipality("050".into())),
            Ok(AuditReach::ActsOf("050".into()))
        );
        for scope in [
            Scope::Region("KURZEME".into()),
            Scope::Provider(ProviderId(1)),
            Scope::National,
        ] {
            assert!(audit_reach(&scope).is_err(), "{scope:?}");
        }
    }

    #[test]
    fn mentor_records_are_for_municipalities_regions_and_administrators() {
        assert_eq!(
            mentor_read_access(&Scope::Municipality("050".into())),
            Ok(MentorAccess::Municipality("050".into()))
        );
        assert_eq!(
            mentor_read_access(&Scope::Region("KURZEME".into())),
            Ok(MentorAccess::Region("KURZEME".into()))
        );
        assert_eq!(mentor_read_access(&Scope::Admin), Ok(MentorAccess::All));
        assert!(mentor_read_access(&Scope::National).is_err());
        assert!(mentor_read_access(&Scope::Provider(ProviderId(1))).is_err());
    }

    #[test]
    fn employers_manage_their_own_mentors() {
        use EmployerKind::{Municipality, Region};
        let kuldiga = Scope::Municipality("050".into());
        assert!(may_manage_mentor(&kuldiga, Municipality, "050").is_ok());
        assert!(may_manage_mentor(&kuldiga, Municipality, "RIX").is_err());
        // A region's mentor is the region's to manage, even inside the municipality's region.
        assert!(may_manage_mentor(&kuldiga, Region, "050").is_err());
        let kurzeme = Scope::Region("KURZEME".into());
        assert!(may_manage_mentor(&kurzeme, Region, "KURZEME").is_ok());
        assert!(may_manage_mentor(&kurzeme, Region, "VIDZEME").is_err());
        assert!(may_manage_mentor(&kurzeme, Municipality, "KURZEME").is_err());
        assert!(may_manage_mentor(&Scope::Admin, Region, "VIDZEME").is_ok());
        assert!(may_manage_mentor(&Scope::National, Municipality, "050").is_err());
        assert!(may_manage_mentor(&Scope::Provider(ProviderId(1)), Municipality, "050").is_err());
    }

    #[test]
    fn a_mentor_without_an_employer_is_the_callers_own() {
        assert_eq!(
            own_employer(&Scope::Municipality("050".into())),
            Some((EmployerKind::Municipality, "050".into()))
        );
        assert_eq!(
            own_employer(&Scope::Region("KURZEME".into())),
            Some((EmployerKind::Region, "KURZEME".into()))
        );
        assert_eq!(own_employer(&Scope::Admin), None);
        assert_eq!(own_employer(&Scope::National), None);
    }

    #[test]
    fn a_services_placements_are_for_its_provider_the_clients_municipality_and_admins() {
        assert_eq!(
            service_placements_access(&Scope::Provider(ProviderId(7)), ProviderId(7)),
            Ok(ClientAccess::All)
        );
        assert!(service_placements_access(&Scope::Provider(ProviderId(8)), ProviderId(7)).is_err());
        assert_eq!(
            service_placements_access(&Scope::Municipality("050".into()), ProviderId(7)),
            Ok(ClientAccess::Municipality("050".into()))
        );
        assert_eq!(
            service_placements_access(&Scope::Admin, ProviderId(7)),
            Ok(ClientAccess::All)
        );
        assert!(service_placements_access(&Scope::National, ProviderId(7)).is_err());
        assert!(
            service_placements_access(&Scope::Region("KURZEME".into()), ProviderId(7)).is_err()
        );
    }

    #[test]
    fn statistics_are_perturbed_for_the_ministry_and_regions_and_scoped_to_the_caller() {
        let national = statistics_access(&Scope::National, Some("KURZEME")).expect("ministry");
        assert_eq!(
            (national.region, national.municipality, national.perturb),
            (None, None, true)
        );
        let admin = statistics_access(&Scope::Admin, None).expect("admin");
        assert_eq!(
            (admin.region, admin.municipality, admin.perturb),
            (None, None, false)
        );
        let region = Scope::Region("KURZEME".into());
        for requested in [None, Some("KURZEME")] {
            let own = statistics_access(&region, requested).expect("own region");
            assert_eq!(
                (own.region(), own.municipality(), own.perturb),
                (Some("KURZEME"), None, true)
            );
        }
        assert!(statistics_access(&region, Some("VIDZEME")).is_err());
        let kuldiga = statistics_access(&Scope::Municipality("050".into()), None).expect("own");
        assert_eq!(
            (kuldiga.region(), kuldiga.municipality(), kuldiga.perturb),
            (None, Some("050"), false)
        );
        assert!(statistics_access(&Scope::Provider(ProviderId(1)), None).is_err());
    }

    #[test]
    fn case_note_access_owner_reads_all_sharers_their_own_admin_writes_none() {
        use super::super::case_note::NoteAuthor;
        let kuldiga = Scope::Municipality("050".into());
        assert_eq!(
            case_note_read_access(&kuldiga),
            Ok(NoteReach::Owner(ClientAccess::Municipality("050".into())))
        );
        assert_eq!(
            case_note_read_access(&Scope::Admin),
            Ok(NoteReach::Owner(ClientAccess::All))
        );
        assert_eq!(
            case_note_read_access(&Scope::Provider(ProviderId(7))),
            Ok(NoteReach::Own(Sharer::Provider(ProviderId(7))))
        );
        assert_eq!(
            case_note_read_access(&Scope::Mentor(MentorId(3))),
            Ok(NoteReach::Own(Sharer::Mentor(MentorId(3))))
        );
        assert_eq!(
            case_note_author(&kuldiga),
            Ok(NoteAuthor::Municipality("050".into()))
        );
        assert_eq!(
            case_note_author(&Scope::Mentor(MentorId(3))),
            Ok(NoteAuthor::Mentor(MentorId(3)))
        );
        for scope in [Scope::National, Scope::Region("KURZEME".into())] {
            assert!(case_note_read_access(&scope).is_err(), "{scope:?}");
            assert!(case_note_author(&scope).is_err(), "{scope:?}");
        }
        assert!(case_note_author(&Scope::Admin).is_err());
    }

    #[test]
    fn a_mentor_reaches_no_register_record_statistics_or_client_list() {
        let mentor = Scope::Mentor(MentorId(3));
        assert!(may_write_provider(&mentor, provider(1, "050")).is_err());
        assert!(mentor_read_access(&mentor).is_err());
        assert!(statistics_access(&mentor, None).is_err());
        assert!(client_read_access(&mentor).is_err());
        assert!(webhook_owner(&mentor).is_err());
        assert_eq!(
            shared_record_access(&mentor),
            Ok(Sharer::Mentor(MentorId(3)))
        );
    }

    #[test]
    fn a_region_writes_no_provider() {
        let scope = Scope::Region("KURZEME".into());
        assert!(may_write_provider(&scope, provider(1, "050")).is_err());
        assert!(may_create_provider(&scope, "050").is_err());
    }

    #[test]
    fn share_need_to_know_lasts_while_the_relation_does_and_a_vsac_follows_up() {
        use super::super::interval::Interval;
        let date = |s: &str| s.parse::<chrono::NaiveDate>().expect("a date");
        let stay = |end: Option<&str>, vsac| CaseRelation {
            interval: Interval {
                start: date("2026-01-01"),
                end: end.map(date),
            },
            vsac,
        };
        let on = date("2026-06-01");
        assert!(shares_case(&[stay(None, false)], on, 92));
        assert!(!shares_case(&[stay(Some("2026-05-01"), false)], on, 92));
        assert!(shares_case(&[stay(Some("2026-05-01"), true)], on, 92));
        assert!(!shares_case(&[stay(Some("2026-02-01"), true)], on, 92));
        assert!(!shares_case(&[], on, 92));
        // Not before the relation begins.
        assert!(!shares_case(&[stay(None, true)], date("2025-12-31"), 92));
    }
}
