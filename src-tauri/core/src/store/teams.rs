//! Team vault connections and the environments shared through them; the tokens are in the
//! keychain under `team:<name>`.

use super::{list_json, optional, store_error, time_at};
use crate::error::{Error, Result};
use crate::model::EnvironmentId;
use crate::model::Timestamp;
use crate::team::token_life::TokenLife;
use crate::team::{
    DEFAULT_APPROLE_MOUNT, DEFAULT_CALLBACK_PORT, DEFAULT_OIDC_MOUNT, DEFAULT_USERPASS_MOUNT,
    SignIn, TeamVault,
};
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<TeamVault> {
    Ok(TeamVault {
        name: row.get("name")?,
        addresses: super::list_at(row, "addresses")?,
        namespace: row.get("namespace")?,
        mount: row.get("mount")?,
        path: row.get("path")?,
        sign_in: sign_in_at(row)?,
        created_at: time_at(row, "created_at")?,
    })
}

fn sign_in_at(row: &Row<'_>) -> rusqlite::Result<SignIn> {
    let method: String = row.get("sign_in")?;
    let name: Option<String> = row.get("sign_in_name")?;
    let mount: Option<String> = row.get("auth_mount")?;
    let name = name.unwrap_or_default();
    Ok(match method.as_str() {
        "userpass" => SignIn::Userpass {
            username: name,
            mount: mount.unwrap_or_else(|| DEFAULT_USERPASS_MOUNT.into()),
        },
        "approle" => SignIn::Approle {
            role_id: name,
            mount: mount.unwrap_or_else(|| DEFAULT_APPROLE_MOUNT.into()),
        },
        "oidc" => SignIn::Oidc {
            role: (!name.is_empty()).then_some(name),
            mount: mount.unwrap_or_else(|| DEFAULT_OIDC_MOUNT.into()),
            callback_port: row
                .get::<_, Option<u16>>("callback_port")?
                .unwrap_or(DEFAULT_CALLBACK_PORT),
        },
        _ => SignIn::Token,
    })
}

/// The columns that keep a sign-in: the method, the username, role ID or OIDC role, the auth
/// mount, the OIDC callback port.
type SignInColumns<'a> = (&'static str, Option<&'a str>, Option<&'a str>, Option<u16>);

fn sign_in_columns(sign_in: &SignIn) -> SignInColumns<'_> {
    match sign_in {
        SignIn::Token => ("token", None, None, None),
        SignIn::Userpass { username, mount } => ("userpass", Some(username), Some(mount), None),
        SignIn::Approle { role_id, mount } => ("approle", Some(role_id), Some(mount), None),
        SignIn::Oidc {
            role,
            mount,
            callback_port,
        } => ("oidc", role.as_deref(), Some(mount), Some(*callback_port)),
    }
}

/// Inserts a team vault; `Conflict` when the name is taken.
pub fn insert(conn: &Connection, vault: &TeamVault) -> Result<()> {
    let (method, name, mount, port) = sign_in_columns(&vault.sign_in);
    conn.execute(
        "INSERT INTO team_vaults (name, addresses, namespace, mount, path, created_at, sign_in, \
         sign_in_name, auth_mount, callback_port) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            vault.name,
            list_json(&vault.addresses),
            vault.namespace,
            vault.mount,
            vault.path,
            vault.created_at.unix(),
            method,
            name,
            mount,
            port,
        ],
    )
    .map_err(|error| match error {
        rusqlite::Error::SqliteFailure(code, _)
            if code.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::Conflict {
                field: "name".into(),
                message: format!("A team vault named “{}” already exists.", vault.name),
            }
        }
        other => store_error(other),
    })?;
    Ok(())
}

/// Changes how the person signs in to `team`.
pub fn set_sign_in(conn: &Connection, team: &str, sign_in: &SignIn) -> Result<()> {
    let (method, name, mount, port) = sign_in_columns(sign_in);
    conn.execute(
        "UPDATE team_vaults SET sign_in = ?2, sign_in_name = ?3, auth_mount = ?4, \
         callback_port = ?5 WHERE name = ?1",
        params![team, method, name, mount, port],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Remembers what the vault last said of `team`'s token.
pub fn set_token_life(conn: &Connection, team: &str, life: &TokenLife) -> Result<()> {
    conn.execute(
        "UPDATE team_vaults SET token_checked_at = ?2, token_ttl = ?3, token_creation_ttl = ?4, \
         token_renewable = ?5 WHERE name = ?1",
        params![
            team,
            life.checked_at.unix(),
            life.ttl,
            life.creation_ttl,
            life.renewable
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Remembers who the vault says `team`'s token belongs to (its display name).
pub fn set_signed_in_as(conn: &Connection, team: &str, display_name: &str) -> Result<()> {
    conn.execute(
        "UPDATE team_vaults SET signed_in_as = ?2 WHERE name = ?1",
        params![team, display_name],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Who the vault last said `team`'s token belongs to; `None` when it was not asked since.
pub fn signed_in_as(conn: &Connection, team: &str) -> Result<Option<String>> {
    Ok(optional(conn.query_row(
        "SELECT signed_in_as FROM team_vaults WHERE name = ?1",
        [team],
        |row| row.get::<_, Option<String>>(0),
    ))?
    .flatten()
    .filter(|name| !name.is_empty()))
}

/// What the vault last said of `team`'s token; `None` when it was never asked.
pub fn token_life(conn: &Connection, team: &str) -> Result<Option<TokenLife>> {
    let found = optional(conn.query_row(
        "SELECT token_checked_at, token_ttl, token_creation_ttl, token_renewable \
         FROM team_vaults WHERE name = ?1 AND token_checked_at IS NOT NULL",
        [team],
        |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, Option<i64>>(2)?,
                row.get::<_, Option<bool>>(3)?,
            ))
        },
    ))?;
    Ok(
        found.and_then(|(checked_at, ttl, creation_ttl, renewable)| {
            Some(TokenLife {
                checked_at: Timestamp::from_unix(checked_at)?,
                ttl,
                creation_ttl: creation_ttl.unwrap_or(0),
                renewable: renewable.unwrap_or(false),
            })
        }),
    )
}

/// One team vault by name.
pub fn get(conn: &Connection, name: &str) -> Result<Option<TeamVault>> {
    optional(conn.query_row(
        "SELECT * FROM team_vaults WHERE name = ?1",
        [name],
        from_row,
    ))
}

/// Every team vault, by name.
pub fn list(conn: &Connection) -> Result<Vec<TeamVault>> {
    let mut statement = conn
        .prepare_cached("SELECT * FROM team_vaults ORDER BY name")
        .map_err(store_error)?;
    let rows = statement.query_map([], from_row).map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The names of the environments shared through `team`.
pub fn environments_of(conn: &Connection, team: &str) -> Result<Vec<String>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT e.name FROM team_environments t JOIN environments e \
             ON e.id = t.environment_id WHERE t.team = ?1 ORDER BY e.name",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([team], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Marks an environment as living in `team` under `key`.
pub fn link(conn: &Connection, environment: &EnvironmentId, team: &str, key: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO team_environments (environment_id, team, key) VALUES (?1, ?2, ?3)",
        params![environment.as_str(), team, key],
    )
    .map_err(store_error)?;
    Ok(())
}

/// The team vault and key of a team environment; `None` for a local one.
pub fn of_environment(
    conn: &Connection,
    environment: &EnvironmentId,
) -> Result<Option<(TeamVault, String)>> {
    let link: Option<(String, String)> = optional(conn.query_row(
        "SELECT team, key FROM team_environments WHERE environment_id = ?1",
        [environment.as_str()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    ))?;
    let Some((team, key)) = link else {
        return Ok(None);
    };
    let vault = get(conn, &team)?.ok_or_else(|| {
        Error::Internal(format!("the team vault “{team}” of an environment is gone"))
    })?;
    Ok(Some((vault, key)))
}

/// The secrets (by ID) of every team environment: their values are in a team vault, not in
/// the keychain.
pub fn team_secret_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT s.id FROM secrets s JOIN apps a ON a.id = s.app_id \
             JOIN team_environments t ON t.environment_id = a.environment_id",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The secrets (by ID) of one team environment.
pub fn secret_ids_in(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<String>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT s.id FROM secrets s JOIN apps a ON a.id = s.app_id \
             WHERE a.environment_id = ?1",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}
