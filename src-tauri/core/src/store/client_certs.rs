//! Client certificates' rows: the certificate (public) and the lifecycle; the private key is in
//! the keychain under `client-cert:<id>`.

use super::{enum_at, optional, store_error, time_at};
use crate::client_cert::{ClientCertId, ClientCertMeta};
use crate::error::Result;
use crate::model::{AppId, EnvironmentId, SecretState};
use crate::signing_key::KeyOrigin;
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<ClientCertMeta> {
    Ok(ClientCertMeta {
        id: ClientCertId(row.get("id")?),
        app_id: AppId(row.get("app_id")?),
        subject: row.get("subject")?,
        not_after: time_at(row, "not_after")?,
        x5t_s256: row.get("x5t_s256")?,
        cert_pem: row.get("cert_pem")?,
        label: row.get("label")?,
        origin: enum_at(row, "origin", KeyOrigin::parse)?,
        added_at: time_at(row, "added_at")?,
        state: enum_at(row, "state", SecretState::parse)?,
    })
}

/// An app's certificates, active first, then newest first.
pub fn list(conn: &Connection, app: &AppId) -> Result<Vec<ClientCertMeta>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT * FROM client_certs WHERE app_id = ?1 \
             ORDER BY state = 'retired', added_at DESC, rowid DESC",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.as_str()], from_row)
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// One certificate's row.
pub fn get(conn: &Connection, id: &ClientCertId) -> Result<Option<ClientCertMeta>> {
    optional(conn.query_row(
        "SELECT * FROM client_certs WHERE id = ?1",
        [id.as_str()],
        from_row,
    ))
}

/// Inserts a certificate's row.
pub fn insert(conn: &Connection, cert: &ClientCertMeta) -> Result<()> {
    conn.execute(
        "INSERT INTO client_certs (id, app_id, cert_pem, subject, not_after, x5t_s256, label, \
         origin, added_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            cert.id.as_str(),
            cert.app_id.as_str(),
            cert.cert_pem,
            cert.subject,
            cert.not_after.unix(),
            cert.x5t_s256,
            cert.label,
            cert.origin.as_str(),
            cert.added_at.unix(),
            cert.state.as_str(),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Sets a certificate's state.
pub fn set_state(conn: &Connection, id: &ClientCertId, state: SecretState) -> Result<()> {
    conn.execute(
        "UPDATE client_certs SET state = ?2 WHERE id = ?1",
        params![id.as_str(), state.as_str()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// How many active certificates an app has.
pub fn active_count(conn: &Connection, app: &AppId) -> Result<u32> {
    conn.query_row(
        "SELECT count(*) FROM client_certs WHERE app_id = ?1 AND state = 'active'",
        [app.as_str()],
        |row| row.get(0),
    )
    .map_err(store_error)
}

/// The apps of `environment` that hold at least one client certificate. Read from the
/// certificates' side (`CROSS JOIN` keeps SQLite from choosing the other order, which stepped
/// through every app of the environment, 10,000 table rows for none), so an environment of
/// thousands of apps without any costs nothing.
pub fn apps_holding(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<AppId>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT DISTINCT c.app_id FROM client_certs c CROSS JOIN apps a ON a.id = c.app_id \
             WHERE a.environment_id = ?1 ORDER BY c.app_id",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], |row| Ok(AppId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The ids of every certificate of an app, or of every app when `app` is None.
pub fn ids(conn: &Connection, app: Option<&AppId>) -> Result<Vec<ClientCertId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM client_certs WHERE ?1 IS NULL OR app_id = ?1 ORDER BY id")
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.map(AppId::as_str)], |row| {
            Ok(ClientCertId(row.get(0)?))
        })
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}
