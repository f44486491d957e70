//! The change feed: what a write tells the systems that keep a copy. Every creation, update
//! and end of a record is one event, written in the same transaction as the write and numbered
//! in commit order, so a reader that resumes after the last number it saw misses nothing and
//! sees nothing twice. An event names a record, never its content: the reader fetches the
//! record with its own authorisation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::codes::{MunicipalityCode, RegionCode, closed_set};
use super::ids::ProviderId;
use super::mentor::EmployerKind;

closed_set! {
    /// The kind of record an event names.
    pub enum ChangeType {
        Provider = "provider",
        Service = "service",
        Client = "client",
        /// A change of the case-owning municipality (`client_transfer`), seen by both.
        ClientTransfer = "client_transfer",
        Assessment = "assessment",
        SupportPlan = "support_plan",
        /// A municipality's service decision (`decision`), seen by the case owner only.
        Decision = "decision",
        /// A client's entry in a waiting list, seen by the case owner only.
        WaitingListEntry = "waiting_list_entry",
        /// A referral to a service: the case owner and the service's provider.
        Referral = "referral",
        /// A note on a client's case, seen by the case owner.
        CaseNote = "case_note",
        /// The services delivered to a client in a month (a version): the case owner and the
        /// service's provider.
        ServiceDelivery = "service_delivery",
        Placement = "placement",
        Mentor = "mentor",
        MentorTraining = "mentor_training",
        MentorAssignment = "mentor_assignment",
    }
}

closed_set! {
    /// What happened to the record.
    pub enum ChangeAction {
        Created = "created",
        Updated = "updated",
        /// Ended or closed: a placement or assignment ended, a service closed.
        Ended = "ended",
    }
}

/// Who may learn of an event, decided when it is written from what the record belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    /// The public directory (providers and services): every reader, anonymous ones too.
    pub public: bool,
    /// The municipality that owns the record (the client's case owner, the mentor's employer).
    pub municipality: Option<MunicipalityCode>,
    /// The municipality that owned it until this change (a transfer's sender).
    pub previous_municipality: Option<MunicipalityCode>,
    /// The planning region whose coordinator reads the record (a mentor of its area). When
    /// no municipality owns it (the region employs the mentor), the region's municipalities
    /// read it too.
    pub region: Option<RegionCode>,
    /// The provider whose staff read the record (its own register entry, its services, the
    /// placements in them).
    pub provider: Option<ProviderId>,
}

impl Audience {
    /// The public directory; the provider's staff are named too, so their own feed has it.
    pub fn directory(provider: ProviderId) -> Self {
        Self {
            public: true,
            provider: Some(provider),
            ..Self::default()
        }
    }

    /// A mentor's record (and trainings): the employing municipality, or the municipalities
    /// of the employing region; the coordinator of the mentor's region either way.
    pub fn of_mentor(employer_kind: EmployerKind, employer_code: &str, region: RegionCode) -> Self {
        Self {
            municipality: (employer_kind == EmployerKind::Municipality)
                .then(|| MunicipalityCode::new(employer_code)),
            region: Some(region),
            ..Self::default()
        }
    }

    /// Client-level data of a client owned by `municipality`.
    pub fn case_of(municipality: MunicipalityCode) -> Self {
        Self {
            municipality: Some(municipality),
            ..Self::default()
        }
    }
}

/// Which events a reader of the feed sees: the same reach as the records themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeReach {
    /// Anonymous readers, the ministry: the public directory.
    Public,
    /// A municipality: the directory, its own clients and mentors, and the mentors its
    /// planning region employs.
    Municipality {
        code: MunicipalityCode,
        region: Option<RegionCode>,
    },
    /// Provider staff: their own register entry, services and the placements in them.
    Provider(ProviderId),
    /// A planning region: the directory and the mentors of its area.
    Region(RegionCode),
    /// An administrator: everything.
    All,
}

impl ChangeReach {
    /// Whether an event written for `audience` is within this reach (the database query
    /// `db::changes::list` applies the same rule).
    pub fn sees(&self, audience: &Audience) -> bool {
        match self {
            ChangeReach::All => true,
            ChangeReach::Public => audience.public,
            ChangeReach::Provider(own) => audience.provider == Some(*own),
            ChangeReach::Region(own) => audience.public || audience.region.as_ref() == Some(own),
            ChangeReach::Municipality { code, region } => {
                audience.public
                    || audience.municipality.as_ref() == Some(code)
                    || audience.previous_municipality.as_ref() == Some(code)
                    || (audience.municipality.is_none()
                        && region.is_some()
                        && audience.region == *region)
            }
        }
    }
}

/// A position in the feed: the readers hold it as an opaque text and pass it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Cursor(pub i64);

/// What marks a cursor as one this feed issued (a version, should the encoding change).
const CURSOR_PREFIX: &str = "c1.";

impl Cursor {
    /// The cursor before every event.
    pub const START: Cursor = Cursor(0);

    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", self.0))
    }

    /// Reads a cursor this feed issued; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let digits = text.strip_prefix(CURSOR_PREFIX)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Cursor)
    }
}

/// Where the record an event names is read (under `/api/v1`); `parent` is the client of a
/// client's record, the mentor of a training.
pub fn href(kind: ChangeType, id: i64, parent: Option<i64>) -> String {
    let parent = parent.unwrap_or(id);
    match kind {
        ChangeType::Provider => format!("/api/v1/providers/{id}"),
        ChangeType::Service => format!("/api/v1/services/{id}"),
        ChangeType::Client => format!("/api/v1/clients/{id}"),
        ChangeType::ClientTransfer => format!("/api/v1/clients/{parent}/transfers"),
        ChangeType::Assessment => format!("/api/v1/clients/{parent}/assessments/{id}"),
        ChangeType::SupportPlan => format!("/api/v1/clients/{parent}/support-plans/{id}"),
        ChangeType::Decision => format!("/api/v1/clients/{parent}/decisions/{id}"),
        ChangeType::WaitingListEntry => format!("/api/v1/clients/{parent}/waiting-list/{id}"),
        ChangeType::Referral => format!("/api/v1/clients/{parent}/referrals/{id}"),
        ChangeType::CaseNote => format!("/api/v1/clients/{parent}/case-notes/{id}"),
        ChangeType::ServiceDelivery => format!("/api/v1/clients/{parent}/service-deliveries"),
        ChangeType::Placement => format!("/api/v1/clients/{parent}/placements/{id}"),
        ChangeType::Mentor | ChangeType::MentorTraining => format!("/api/v1/mentors/{parent}"),
        ChangeType::MentorAssignment => {
            format!("/api/v1/clients/{parent}/mentor-assignments/{id}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riga() -> MunicipalityCode {
        MunicipalityCode::new("RIX")
    }

    #[test]
    fn a_cursor_round_trips_and_nothing_else_is_one() {
        for seq in [0, 1, 42, i64::MAX] {
            assert_eq!(Cursor::parse(&Cursor(seq).encode()), Some(Cursor(seq)));
        }
        assert_ne!(Cursor(7).encode(), "7", "the cursor is opaque");
        for text in [
            "",
            "7",
            "YzEu",
            "YzEuLTE",
            "bm90IGEgY3Vyc29y",
            "c1.7",
            "%%%",
        ] {
            assert_eq!(Cursor::parse(text), None, "{text:?}");
        }
        // A number too large for the feed is no cursor either.
        let huge = URL_SAFE_NO_PAD.encode("c1.99999999999999999999");
        assert_eq!(Cursor::parse(&huge), None);
    }

    #[test]
    fn the_directory_is_public_and_the_provider_sees_its_own() {
        let event = Audience::directory(ProviderId(7));
        assert!(ChangeReach::Public.sees(&event));
        assert!(ChangeReach::Provider(ProviderId(7)).sees(&event));
        assert!(!ChangeReach::Provider(ProviderId(8)).sees(&event));
        assert!(ChangeReach::Region(RegionCode::new("RIGA")).sees(&event));
        let municipality = ChangeReach::Municipality {
            code: riga(),
            region: None,
        };
        assert!(municipality.sees(&event));
    }

    #[test]
    fn a_case_is_seen_by_its_owner_alone_and_a_transfer_by_both_sides() {
        let event = Audience::case_of(riga());
        let owner = ChangeReach::Municipality {
            code: riga(),
            region: Some(RegionCode::new("RIGA")),
        };
        let other = ChangeReach::Municipality {
            code: MunicipalityCode::new("050"),
            region: Some(RegionCode::new("RIGA")),
        };
        assert!(owner.sees(&event));
        assert!(!other.sees(&event));
        for reach in [
            ChangeReach::Public,
            ChangeReach::Provider(ProviderId(1)),
            ChangeReach::Region(RegionCode::new("RIGA")),
        ] {
            assert!(!reach.sees(&event), "{reach:?}");
        }
        assert!(ChangeReach::All.sees(&event));
        let transfer = Audience {
            previous_municipality: Some(MunicipalityCode::new("050")),
            ..Audience::case_of(riga())
        };
        assert!(owner.sees(&transfer) && other.sees(&transfer));
    }

    #[test]
    fn a_placement_is_also_seen_by_the_provider_that_runs_the_service() {
        let event = Audience {
            provider: Some(ProviderId(3)),
            ..Audience::case_of(riga())
        };
        assert!(ChangeReach::Provider(ProviderId(3)).sees(&event));
        assert!(!ChangeReach::Public.sees(&event));
    }

    #[test]
    fn a_mentor_the_region_employs_is_seen_by_its_municipalities() {
        let kurzeme = RegionCode::new("KURZEME");
        let regional = Audience::of_mentor(EmployerKind::Region, "KURZEME", kurzeme.clone());
        let municipal = Audience::of_mentor(EmployerKind::Municipality, "LIE", kurzeme.clone());
        assert_eq!(municipal.municipality, Some(MunicipalityCode::new("LIE")));
        assert_eq!(regional.municipality, None);
        let in_region = ChangeReach::Municipality {
            code: MunicipalityCode::new("KUL"),
            region: Some(kurzeme.clone()),
        };
        let elsewhere = ChangeReach::Municipality {
            code: riga(),
            region: Some(RegionCode::new("RIGA")),
        };
        assert!(in_region.sees(&regional));
        assert!(!in_region.sees(&municipal), "another municipality's mentor");
        assert!(!elsewhere.sees(&regional));
        assert!(ChangeReach::Region(kurzeme.clone()).sees(&regional));
        assert!(ChangeReach::Region(kurzeme).sees(&municipal));
    }

    #[test]
    fn every_kind_of_record_has_an_address() {
        assert_eq!(
            href(ChangeType::Placement, 9, Some(4)),
            "/api/v1/clients/4/placements/9"
        );
        assert_eq!(
            href(ChangeType::MentorTraining, 9, Some(2)),
            "/api/v1/mentors/2"
        );
        assert_eq!(href(ChangeType::Service, 9, None), "/api/v1/services/9");
        for kind in ChangeType::ALL {
            assert!(href(kind, 1, Some(2)).starts_with("/api/v1/"));
        }
    }
}
