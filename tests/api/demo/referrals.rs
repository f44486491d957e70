//! The demo's referrals and case notes, checked with SQL.

use chrono::NaiveDate;
use kopiena::db::DbConnection;

use super::count;

/// REF-HOLD: a placed referral names its client's placement in its service; holds and
/// placements active today never exceed a service's places; every outcome appears, and notes
/// by each kind of author.
pub(super) fn check_referrals(conn: &mut DbConnection, today: NaiveDate) {
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) AS n FROM referrals r WHERE r.status = 'placed' AND NOT EXISTS (\
             SELECT 1 FROM placements p WHERE p.id = r.placement_id \
             AND p.client_id = r.client_id AND p.service_id = r.service_id)"
        ),
        0,
        "a placed referral without its placement"
    );
    let on = format!("'{today}'");
    assert_eq!(
        count(
            conn,
            &format!(
                "SELECT COUNT(*) AS n FROM services s WHERE s.capacity < \
                 (SELECT COUNT(*) FROM placements p WHERE p.service_id = s.id \
                  AND p.started_on <= {on} AND (p.ended_on IS NULL OR p.ended_on > {on})) + \
                 (SELECT COUNT(*) FROM referrals r WHERE r.service_id = s.id \
                  AND r.status = 'accepted' AND r.accepted_on <= {on} AND r.hold_until > {on})"
            )
        ),
        0,
        "a service holding more places than it has"
    );
    for status in ["referred", "accepted", "declined", "placed"] {
        let sql = format!("SELECT COUNT(*) AS n FROM referrals WHERE status = '{status}'");
        assert!(count(conn, &sql) > 0, "no {status} referral");
    }
    for role in ["municipality", "provider", "mentor"] {
        let sql = format!("SELECT COUNT(*) AS n FROM case_notes WHERE author_role = '{role}'");
        assert!(count(conn, &sql) > 0, "no case note by a {role}");
    }
}
