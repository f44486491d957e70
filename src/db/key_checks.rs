//! The keys that protect personal data must be those the stored data was written with: a
//! service started with other keys could read no personal code and would register a
//! registered person again. Their check values (`PiiKeys::check_values`) are recorded by the
//! first start and compared by every later one.

use anyhow::bail;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::key_checks;
use crate::pii::PiiKeys;

/// Records the keys' check values where none is recorded yet; fails when one differs.
pub fn verify(conn: &mut DbConnection, keys: &PiiKeys) -> anyhow::Result<()> {
    conn.write_transaction(|conn| {
        for (name, value) in keys.check_values() {
            let stored: Option<String> = key_checks::table
                .find(name)
                .select(key_checks::check_value)
                .first(conn)
                .optional()?;
            match stored {
                Some(stored) if stored == *value => {}
                Some(_) => bail!(
                    "{name} is not the key the stored personal data was written with: start with the original key (the database keeps its check value in key_checks)"
                ),
                None => {
                    diesel::insert_into(key_checks::table)
                        .values((
                            key_checks::name.eq(name),
                            key_checks::check_value.eq(value),
                            key_checks::created_at.eq(chrono::Utc::now().naive_utc()),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(())
    })
}
