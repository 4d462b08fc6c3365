//! The user's settings as key/value rows.

use super::{optional, store_error};
use crate::error::Result;
use crate::model::{EnvironmentId, NotificationSettings, Settings};
use rusqlite::{Connection, params};

fn read(conn: &Connection, key: &str) -> Result<Option<String>> {
    optional(
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        }),
    )
}

fn write(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(value) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        ),
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key]),
    }
    .map_err(store_error)?;
    Ok(())
}

/// The settings, with defaults for what was never set.
pub fn load(conn: &Connection) -> Result<Settings> {
    let defaults = Settings::default();
    let number = |key: &str, default: u32| -> Result<u32> {
        Ok(read(conn, key)?
            .and_then(|text| text.parse().ok())
            .unwrap_or(default))
    };
    Ok(Settings {
        active_environment_id: read(conn, "active_environment_id")?.map(EnvironmentId),
        clipboard_clear_seconds: number(
            "clipboard_clear_seconds",
            defaults.clipboard_clear_seconds,
        )?,
        reveal_seconds: number("reveal_seconds", defaults.reveal_seconds)?,
        notifications: load_notifications(conn)?,
        keep_in_tray: read(conn, "keep_in_tray")?.is_none_or(|text| text != "off"),
    })
}

/// True the first time it is asked for `key`, false ever after (a hint the user gets once).
pub fn first_time(conn: &Connection, key: &str) -> Result<bool> {
    if read(conn, key)?.is_some() {
        return Ok(false);
    }
    write(conn, key, Some("told"))?;
    Ok(true)
}

/// Whether the flag `key` is set (a one-time step done).
pub fn flag(conn: &Connection, key: &str) -> Result<bool> {
    Ok(read(conn, key)?.is_some())
}

/// Sets the flag `key` for good.
pub fn set_flag(conn: &Connection, key: &str) -> Result<()> {
    write(conn, key, Some("done"))
}

/// An issuer's `mtls_endpoint_aliases` (RFC 8705 §5) as a discovery found them, and when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptAliases {
    pub seen_at: i64,
    pub aliases: std::collections::BTreeMap<String, String>,
}

/// Kept aliases older than this are dropped when others are kept (an issuer no longer used).
const FORGET_ALIASES_AFTER_SECONDS: i64 = 30 * 24 * 60 * 60;

/// The aliases last kept for `issuer`, if any. They are kept as an `mtls_aliases:<issuer>` row:
/// a cache each CLI process reads instead of discovering the issuer again, kept here because
/// the store is the one place every process shares (a column beside `issuer_metadata` needs a
/// schema change of its own).
pub fn mtls_aliases(conn: &Connection, issuer: &str) -> Result<Option<KeptAliases>> {
    Ok(read(conn, &format!("mtls_aliases:{issuer}"))?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

/// Keeps what a discovery of `issuer` found (no aliases is kept too: it is an answer).
pub fn keep_mtls_aliases(conn: &Connection, issuer: &str, kept: &KeptAliases) -> Result<()> {
    conn.execute(
        "DELETE FROM settings WHERE key LIKE 'mtls_aliases:%' \
         AND json_extract(value, '$.seen_at') < ?1",
        [kept.seen_at - FORGET_ALIASES_AFTER_SECONDS],
    )
    .map_err(store_error)?;
    let text = serde_json::to_string(kept)
        .map_err(|e| crate::error::Error::Internal(format!("aliases not written ({e})")))?;
    write(conn, &format!("mtls_aliases:{issuer}"), Some(&text))
}

/// Told marks older than this are dropped: the apps and tokens they were about are long gone
/// or replaced, and one that still matters is told again, at most once in this span.
const FORGET_TOLD_AFTER_SECONDS: i64 = 90 * 24 * 60 * 60;

/// Drops the told marks older than [`FORGET_TOLD_AFTER_SECONDS`] at `now`; how many went.
/// Once per start of the desktop app (the store's opening): a scan of every mark is not worth
/// making on each notice looked at.
pub fn forget_old_notices(conn: &Connection, now: i64) -> Result<usize> {
    conn.execute(
        "DELETE FROM settings WHERE key LIKE 'told:%' AND CAST(value AS INTEGER) < ?1",
        [now - FORGET_TOLD_AFTER_SECONDS],
    )
    .map_err(store_error)
}

/// Whether the notice `subject` is due at `now`: never told, or told `every` seconds or more
/// before (`None`: told once only). When due, `now` is recorded as its time. Kept as a
/// `told:<subject>` row, so "once" and "once a day" outlive the desktop app's restarts.
pub fn notice_due(conn: &Connection, subject: &str, now: i64, every: Option<i64>) -> Result<bool> {
    let key = format!("told:{subject}");
    let told = read(conn, &key)?.and_then(|text| text.parse::<i64>().ok());
    let due = match (told, every) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(at), Some(every)) => now - at >= every,
    };
    if due {
        write(conn, &key, Some(&now.to_string()))?;
    }
    Ok(due)
}

/// How long a resource server's DPoP nonce is kept for a later process: a nonce is short-lived
/// by design (oidc-provider's last a minute or two), and an older one would only cost the retry
/// it was kept to save.
pub const KEEP_DPOP_NONCE_SECONDS: i64 = 10 * 60;

/// The DPoP nonce the resource server at `origin` sent within the last
/// [`KEEP_DPOP_NONCE_SECONDS`] before `now`. A nonce is no secret (the server hands it to any
/// caller, to be echoed in proofs), so it may be kept here, as `<unix time> <nonce>` in the
/// `dpop-nonce:<origin>` row.
pub fn dpop_nonce(conn: &Connection, origin: &str, now: i64) -> Result<Option<String>> {
    let row = read(conn, &format!("dpop-nonce:{origin}"))?;
    Ok(row.and_then(|row| {
        let (at, nonce) = row.split_once(' ')?;
        let fresh = at.parse::<i64>().ok()? >= now - KEEP_DPOP_NONCE_SECONDS;
        fresh.then(|| nonce.to_owned())
    }))
}

/// Keeps the DPoP nonce the resource server at `origin` sent at `now`, and drops the other
/// origins' nonces too old to be of use.
pub fn keep_dpop_nonce(conn: &Connection, origin: &str, nonce: &str, now: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM settings WHERE key LIKE 'dpop-nonce:%' \
         AND CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER) < ?1",
        [now - KEEP_DPOP_NONCE_SECONDS],
    )
    .map_err(store_error)?;
    write(
        conn,
        &format!("dpop-nonce:{origin}"),
        Some(&format!("{now} {nonce}")),
    )
}

/// The notification kinds' keys; a kind never set is on.
const NOTIFY_KEYS: [&str; 4] = [
    "notify_sign_in_needed",
    "notify_renewal_failed",
    "notify_rotation_due",
    "notify_sign_in_completed",
];

fn load_notifications(conn: &Connection) -> Result<NotificationSettings> {
    let mut on = [true; 4];
    for (value, key) in on.iter_mut().zip(NOTIFY_KEYS) {
        *value = read(conn, key)?.is_none_or(|text| text != "off");
    }
    let [
        sign_in_needed,
        renewal_failed,
        rotation_due,
        sign_in_completed,
    ] = on;
    Ok(NotificationSettings {
        sign_in_needed,
        renewal_failed,
        rotation_due,
        sign_in_completed,
    })
}

fn save_notifications(conn: &Connection, kinds: &NotificationSettings) -> Result<()> {
    let on = [
        kinds.sign_in_needed,
        kinds.renewal_failed,
        kinds.rotation_due,
        kinds.sign_in_completed,
    ];
    for (value, key) in on.into_iter().zip(NOTIFY_KEYS) {
        write(conn, key, Some(if value { "on" } else { "off" }))?;
    }
    Ok(())
}

/// Saves every setting.
pub fn save(conn: &Connection, settings: &Settings) -> Result<()> {
    write(
        conn,
        "active_environment_id",
        settings
            .active_environment_id
            .as_ref()
            .map(EnvironmentId::as_str),
    )?;
    write(
        conn,
        "clipboard_clear_seconds",
        Some(&settings.clipboard_clear_seconds.to_string()),
    )?;
    write(
        conn,
        "reveal_seconds",
        Some(&settings.reveal_seconds.to_string()),
    )?;
    write(
        conn,
        "keep_in_tray",
        Some(if settings.keep_in_tray { "on" } else { "off" }),
    )?;
    save_notifications(conn, &settings.notifications)
}
