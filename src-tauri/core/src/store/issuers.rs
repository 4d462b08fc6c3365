//! The last metadata seen of each environment's issuer: the facts a sign-in needs when the
//! provider's metadata cannot be read at the time.

use super::{optional, store_error};
use crate::error::Result;
use crate::model::{EnvironmentId, Timestamp};
use rusqlite::{Connection, params};

/// What an issuer's metadata said, as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenMetadata {
    /// The issuer the metadata was read for.
    pub issuer: String,
    /// `authorization_response_iss_parameter_supported` (RFC 9207).
    pub iss_parameter_supported: bool,
}

/// The metadata last seen for the environment's issuer, if any.
pub fn last_seen(conn: &Connection, environment: &EnvironmentId) -> Result<Option<SeenMetadata>> {
    optional(conn.query_row(
        "SELECT issuer, iss_parameter_supported FROM issuer_metadata WHERE environment_id = ?1",
        [environment.as_str()],
        |row| {
            Ok(SeenMetadata {
                issuer: row.get(0)?,
                iss_parameter_supported: row.get(1)?,
            })
        },
    ))
}

/// Keeps the metadata just seen, replacing what was kept before.
pub fn remember(
    conn: &Connection,
    environment: &EnvironmentId,
    seen: &SeenMetadata,
    at: Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO issuer_metadata (environment_id, issuer, iss_parameter_supported, seen_at) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (environment_id) DO UPDATE SET \
         issuer = excluded.issuer, iss_parameter_supported = excluded.iss_parameter_supported, \
         seen_at = excluded.seen_at",
        params![
            environment.as_str(),
            seen.issuer,
            seen.iss_parameter_supported,
            at.unix()
        ],
    )
    .map_err(store_error)?;
    Ok(())
}
