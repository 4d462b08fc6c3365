//! Client apps' rows.

use super::{enum_at, list_at, list_json, optional, store_error, text_at, time_at};
use crate::error::Result;
use crate::model::*;
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<ClientApp> {
    Ok(ClientApp {
        id: AppId(row.get("id")?),
        environment_id: EnvironmentId(row.get("environment_id")?),
        display_name: row.get("display_name")?,
        client_id: row.get("client_id")?,
        client_type: enum_at(row, "client_type", ClientType::parse)?,
        auth_method: enum_at(row, "auth_method", AuthMethod::parse)?,
        description: row.get("description")?,
        logo_uri: row.get("logo_uri")?,
        redirect_uris: list_at(row, "redirect_uris")?,
        logout_urls: list_at(row, "logout_urls")?,
        web_origins: list_at(row, "web_origins")?,
        default_scopes: list_at(row, "default_scopes")?,
        labels: list_at(row, "labels")?,
        link: row.get("link")?,
        audience: row.get("audience")?,
        resource: row.get("resource")?,
        auto_renew: row.get("auto_renew")?,
        created_at: time_at(row, "created_at")?,
        updated_at: time_at(row, "updated_at")?,
    })
}

/// One row of the app list, with the oldest active secret's time (for the rotation badge).
pub struct SummaryRow {
    pub summary: AppSummary,
    pub oldest_active_secret: Option<i64>,
}

/// The columns of an app list row, from `apps a`.
const SUMMARY_COLUMNS: &str = "a.id, a.environment_id, a.display_name, a.client_id, \
     a.client_type, a.labels, a.link, \
     (SELECT count(*) FROM secrets s WHERE s.app_id = a.id AND s.state = 'active') \
       AS active_secrets, \
     (SELECT min(coalesce(s.provider_created_at, s.added_at)) FROM secrets s \
       WHERE s.app_id = a.id AND s.state = 'active') AS oldest, \
     a.auth_method";

/// The apps of an environment, by display name.
///
/// Each app's active secrets are counted in one pass over the secrets (grouped by app, then
/// found per app through SQLite's automatic index and its Bloom filter), not by the two
/// subqueries per app of [`SUMMARY_COLUMNS`], which for 10,000 apps opened 20,000 cursors on
/// the secrets' index.
pub fn list(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<SummaryRow>> {
    summaries(
        conn,
        "SELECT a.id, a.environment_id, a.display_name, a.client_id, a.client_type, a.labels, \
         a.link, coalesce(s.active, 0), s.oldest, a.auth_method FROM apps a \
         LEFT JOIN (SELECT app_id, count(*) AS active, \
             min(coalesce(provider_created_at, added_at)) AS oldest \
           FROM secrets WHERE state = 'active' GROUP BY app_id) s ON s.app_id = a.id \
         WHERE a.environment_id = ?1 ORDER BY a.display_name COLLATE NOCASE",
        &[environment.as_str()],
    )
}

/// The apps of an environment whose ID or client ID is `text`, or whose display name or link
/// is `text` ignoring ASCII case: each an index lookup, so a name is found among 10,000 apps
/// without reading them all.
pub fn named(
    conn: &Connection,
    environment: &EnvironmentId,
    text: &str,
) -> Result<Vec<SummaryRow>> {
    summaries(
        conn,
        &format!(
            // `+`: found by ID from the lookups below, not by scanning the environment's apps
            "SELECT {SUMMARY_COLUMNS} FROM apps a WHERE +a.environment_id = ?1 AND a.id IN ( \
               SELECT id FROM apps WHERE environment_id = ?1 \
                 AND display_name = ?2 COLLATE NOCASE \
               UNION SELECT id FROM apps WHERE environment_id = ?1 AND client_id = ?2 \
               UNION SELECT id FROM apps WHERE link = ?2 COLLATE NOCASE \
               UNION SELECT id FROM apps WHERE id = ?2) \
             ORDER BY a.display_name COLLATE NOCASE"
        ),
        &[environment.as_str(), text],
    )
}

fn summaries(conn: &Connection, sql: &str, params: &[&str]) -> Result<Vec<SummaryRow>> {
    let mut statement = conn.prepare_cached(sql).map_err(store_error)?;
    // By position in SUMMARY_COLUMNS (`list` reads the same columns in the same order).
    let rows = statement
        .query_map(rusqlite::params_from_iter(params), |row| {
            let client_type = enum_at(row, 4, ClientType::parse)?;
            let method = enum_at(row, 9, AuthMethod::parse)?;
            Ok(SummaryRow {
                summary: AppSummary {
                    id: AppId(row.get(0)?),
                    environment_id: EnvironmentId(row.get(1)?),
                    display_name: row.get(2)?,
                    client_id: row.get(3)?,
                    client_type,
                    labels: list_at(row, 5)?,
                    link: row.get(6)?,
                    active_secrets: row.get(7)?,
                    rotation_due: false,
                    uses_secret: method.uses_secret() && client_type == ClientType::Confidential,
                },
                oldest_active_secret: row.get(8)?,
            })
        })
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// One app.
pub fn get(conn: &Connection, id: &AppId) -> Result<Option<ClientApp>> {
    optional(conn.query_row("SELECT * FROM apps WHERE id = ?1", [id.as_str()], from_row))
}

/// Every app of an environment with all its fields, by display name (for export).
pub fn all_in(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<ClientApp>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT * FROM apps WHERE environment_id = ?1 ORDER BY display_name COLLATE NOCASE",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], from_row)
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The app of an environment with this client ID (unique within an environment).
pub fn by_client_id(
    conn: &Connection,
    environment: &EnvironmentId,
    client_id: &str,
) -> Result<Option<ClientApp>> {
    let mut statement = conn
        .prepare_cached("SELECT * FROM apps WHERE environment_id = ?1 AND client_id = ?2")
        .map_err(store_error)?;
    optional(statement.query_row([environment.as_str(), client_id], from_row))
}

/// Whether another app of the environment has this display name (case-insensitively).
pub fn name_taken(
    conn: &Connection,
    environment: &EnvironmentId,
    name: &str,
    except: Option<&AppId>,
) -> Result<bool> {
    exists(
        conn,
        "SELECT EXISTS (SELECT 1 FROM apps WHERE environment_id = ?1 \
         AND display_name = ?2 COLLATE NOCASE AND id IS NOT ?3)",
        environment,
        name,
        except,
    )
}

/// Whether another app of the environment has this client ID.
pub fn client_id_taken(
    conn: &Connection,
    environment: &EnvironmentId,
    client_id: &str,
    except: Option<&AppId>,
) -> Result<bool> {
    exists(
        conn,
        "SELECT EXISTS (SELECT 1 FROM apps WHERE environment_id = ?1 \
         AND client_id = ?2 AND id IS NOT ?3)",
        environment,
        client_id,
        except,
    )
}

fn exists(
    conn: &Connection,
    sql: &str,
    environment: &EnvironmentId,
    value: &str,
    except: Option<&AppId>,
) -> Result<bool> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| {
            statement.query_row(
                params![environment.as_str(), value, except.map(AppId::as_str)],
                |row| row.get(0),
            )
        })
        .map_err(store_error)
}

/// Apps of other environments with the same link name, with their environments.
pub fn linked(conn: &Connection, app: &ClientApp) -> Result<Vec<LinkedApp>> {
    let Some(link) = app.link.as_deref() else {
        return Ok(Vec::new());
    };
    let mut statement = conn
        .prepare_cached(
            "SELECT a.id, a.display_name, e.id AS environment_id, e.name, e.kind \
             FROM apps a JOIN environments e ON e.id = a.environment_id \
             WHERE a.link = ?1 COLLATE NOCASE AND a.id != ?2 ORDER BY e.name COLLATE NOCASE",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map(params![link, app.id.as_str()], |row| {
            Ok(LinkedApp {
                app_id: AppId(row.get("id")?),
                environment_id: EnvironmentId(row.get("environment_id")?),
                environment_name: row.get("name")?,
                environment_kind: enum_at(row, "kind", EnvironmentKind::parse)?,
                display_name: row.get("display_name")?,
            })
        })
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Inserts or replaces an app's row.
pub fn save(conn: &Connection, app: &ClientApp) -> Result<()> {
    // cached: an import saves thousands of apps in one transaction
    let mut statement = conn
        .prepare_cached(
            "INSERT INTO apps (id, environment_id, display_name, client_id, client_type, \
         auth_method, description, logo_uri, redirect_uris, logout_urls, web_origins, \
         default_scopes, labels, link, created_at, updated_at, audience, resource, auto_renew) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19) \
         ON CONFLICT (id) DO UPDATE SET environment_id = ?2, display_name = ?3, client_id = ?4, \
         client_type = ?5, auth_method = ?6, description = ?7, logo_uri = ?8, \
         redirect_uris = ?9, logout_urls = ?10, web_origins = ?11, default_scopes = ?12, \
         labels = ?13, link = ?14, updated_at = ?16, audience = ?17, resource = ?18, \
         auto_renew = ?19",
        )
        .map_err(store_error)?;
    statement
        .execute(params![
            app.id.as_str(),
            app.environment_id.as_str(),
            app.display_name,
            app.client_id,
            app.client_type.as_str(),
            app.auth_method.as_str(),
            app.description,
            app.logo_uri,
            list_json(&app.redirect_uris),
            list_json(&app.logout_urls),
            list_json(&app.web_origins),
            list_json(&app.default_scopes),
            list_json(&app.labels),
            app.link,
            app.created_at.unix(),
            app.updated_at.unix(),
            app.audience,
            app.resource,
            app.auto_renew,
        ])
        .map_err(store_error)?;
    Ok(())
}

/// Deletes an app's row (its secrets' rows go with it).
pub fn delete(conn: &Connection, id: &AppId) -> Result<()> {
    conn.execute("DELETE FROM apps WHERE id = ?1", [id.as_str()])
        .map_err(store_error)?;
    Ok(())
}

/// The ids of an environment's apps.
pub fn ids_in(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<AppId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM apps WHERE environment_id = ?1")
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], |row| Ok(AppId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Turns automatic renewal of an app's token on or off.
pub fn set_auto_renew(conn: &Connection, id: &AppId, on: bool) -> Result<()> {
    conn.execute(
        "UPDATE apps SET auto_renew = ?2 WHERE id = ?1",
        params![id.as_str(), on],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Whether an app's browser logins push their authorization requests (RFC 9126).
pub fn par_of(conn: &Connection, id: &AppId) -> Result<bool> {
    optional(
        conn.query_row("SELECT par FROM apps WHERE id = ?1", [id.as_str()], |row| {
            row.get(0)
        }),
    )
    .map(Option::unwrap_or_default)
}

/// The IDs of an environment's apps that push their authorization requests, in one query (the
/// export reads every app).
pub fn par_in(
    conn: &Connection,
    environment: &EnvironmentId,
) -> Result<std::collections::HashSet<String>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM apps WHERE environment_id = ?1 AND par = 1")
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Makes an app's browser logins push their authorization requests, or not.
pub fn set_par(conn: &Connection, id: &AppId, on: bool) -> Result<()> {
    conn.prepare_cached("UPDATE apps SET par = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![id.as_str(), on]))
        .map_err(store_error)?;
    Ok(())
}

/// Whether an app is DPoP-bound, and the thumbprint of its proof key once it has one.
pub fn dpop_of(conn: &Connection, id: &AppId) -> Result<(bool, Option<String>)> {
    let (bound, key) = dpop_key_of(conn, id)?;
    Ok((bound, key.map(|(_, jkt)| jkt)))
}

/// Whether an app is DPoP-bound, and its proof key's algorithm and thumbprint once it has one.
pub fn dpop_key_of(conn: &Connection, id: &AppId) -> Result<(bool, Option<(KeyAlg, String)>)> {
    let row: Option<(bool, Option<String>, Option<String>)> = optional(conn.query_row(
        "SELECT dpop, dpop_jkt, dpop_alg FROM apps WHERE id = ?1",
        [id.as_str()],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    ))?;
    let Some((bound, jkt, alg)) = row else {
        return Ok((false, None));
    };
    let key = match jkt {
        None => None,
        Some(jkt) => {
            // Schema 22 set every earlier key's algorithm; ES256 was the only one before it.
            let alg = alg.as_deref().unwrap_or("ES256");
            let alg = KeyAlg::parse(alg).ok_or_else(|| {
                crate::error::Error::Store(format!(
                    "An app's DPoP key is recorded with an unknown algorithm “{alg}”."
                ))
            })?;
            Some((alg, jkt))
        }
    };
    Ok((bound, key))
}

/// The IDs of an environment's DPoP-bound apps, in one query (the export reads every app).
pub fn dpop_bound_in(
    conn: &Connection,
    environment: &EnvironmentId,
) -> Result<std::collections::HashSet<String>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM apps WHERE environment_id = ?1 AND dpop = 1")
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Marks an app DPoP-bound or not.
pub fn set_dpop(conn: &Connection, id: &AppId, on: bool) -> Result<()> {
    conn.prepare_cached("UPDATE apps SET dpop = ?2 WHERE id = ?1")
        .and_then(|mut statement| statement.execute(params![id.as_str(), on]))
        .map_err(store_error)?;
    Ok(())
}

/// Records the algorithm and thumbprint of an app's proof key (None: the key is gone).
pub fn set_dpop_key(conn: &Connection, id: &AppId, key: Option<(KeyAlg, &str)>) -> Result<()> {
    let (alg, jkt) = match key {
        Some((alg, jkt)) => (Some(alg.as_str()), Some(jkt)),
        None => (None, None),
    };
    conn.execute(
        "UPDATE apps SET dpop_jkt = ?2, dpop_alg = ?3 WHERE id = ?1",
        params![id.as_str(), jkt, alg],
    )
    .map_err(store_error)?;
    Ok(())
}

/// The apps that have a DPoP proof key in the keychain.
pub fn with_dpop_key(conn: &Connection) -> Result<Vec<AppId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM apps WHERE dpop_jkt IS NOT NULL")
        .map_err(store_error)?;
    let rows = statement
        .query_map([], |row| Ok(AppId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Pauses automatic renewal of every app of an environment (an import changed an endpoint
/// its secrets or tokens go to) until a token is got by hand.
pub fn pause_renewal(conn: &Connection, environment: &EnvironmentId, now: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE apps SET renewal_paused_at = ?2 WHERE environment_id = ?1",
        params![environment.as_str(), now.unix()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Ends an app's renewal pause (a token was got by hand).
pub fn resume_renewal(conn: &Connection, id: &AppId) -> Result<()> {
    conn.execute(
        "UPDATE apps SET renewal_paused_at = NULL WHERE id = ?1",
        [id.as_str()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Whether an import paused the app's automatic renewal.
pub fn renewal_paused(conn: &Connection, id: &AppId) -> Result<bool> {
    optional(conn.query_row(
        "SELECT renewal_paused_at IS NOT NULL FROM apps WHERE id = ?1",
        [id.as_str()],
        |row| row.get::<_, bool>(0),
    ))
    .map(|paused| paused.unwrap_or(false))
}

/// What a token status needs of an app, as SQLite's row holds it (not copied).
pub struct TokenFacts<'row> {
    pub id: &'row str,
    pub name: &'row str,
    pub client_id: &'row str,
    pub client_type: ClientType,
    pub auto_renew: bool,
    pub renewal_paused: bool,
    /// Its browser logins push their authorization requests (PAR).
    pub par: bool,
}

/// The token facts of an environment's apps, by display name, handed to `each` one at a time
/// as SQLite steps to them: 10,000 apps are not gathered in a list first.
pub fn each_token_facts<E: From<crate::error::Error>>(
    conn: &Connection,
    environment: &EnvironmentId,
    mut each: impl FnMut(TokenFacts<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut statement = conn
        .prepare_cached(
            "SELECT id, display_name, client_id, client_type, auto_renew, \
             renewal_paused_at IS NOT NULL AS renewal_paused, par FROM apps \
             WHERE environment_id = ?1 ORDER BY display_name COLLATE NOCASE",
        )
        .map_err(store_error)?;
    let mut rows = statement
        .query([environment.as_str()])
        .map_err(store_error)?;
    while let Some(row) = rows.next().map_err(store_error)? {
        // By position in the SELECT above.
        let facts = (|| {
            Ok::<_, rusqlite::Error>(TokenFacts {
                id: text_at(row, 0)?,
                name: text_at(row, 1)?,
                client_id: text_at(row, 2)?,
                client_type: enum_at(row, 3, ClientType::parse)?,
                auto_renew: row.get(4)?,
                renewal_paused: row.get(5)?,
                par: row.get(6)?,
            })
        })()
        .map_err(store_error)?;
        each(facts)?;
    }
    Ok(())
}
