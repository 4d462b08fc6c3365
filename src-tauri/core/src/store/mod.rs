//! The SQLite store: metadata only, never a secret value.
//!
//! Opening checks, before anything is written, that the file is an Authdeck database of a
//! version this build understands; a newer or damaged file is left exactly as it was.

pub(crate) mod apps;
pub(crate) mod audit;
pub(crate) mod client_certs;
pub(crate) mod connectors;
pub(crate) mod environments;
pub(crate) mod intents;
pub(crate) mod issuers;
pub(crate) mod secrets;
pub(crate) mod settings;
pub(crate) mod signing_keys;
pub(crate) mod teams;
pub(crate) mod tokens;

use crate::error::{Error, Result};
use crate::folder;
use crate::model::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rusqlite_migration::{M, Migrations};
use std::fs;
use std::io::Read;
use std::path::Path;

/// The database file's name inside the data folder.
pub const DATABASE_FILE: &str = "authdeck.db";

/// Marks the file as Authdeck's (`PRAGMA application_id`, "ADK1").
const APPLICATION_ID: i32 = 0x4144_4B31;

/// The forward-only schema history; a migration is never edited once released.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_initial.sql")),
    M::up(include_str!("migrations/0002_tokens.sql")),
    M::up(include_str!("migrations/0003_browser_login.sql")),
    M::up(include_str!("migrations/0004_connectors.sql")),
    M::up(include_str!("migrations/0005_audit.sql")),
    M::up(include_str!("migrations/0006_renewal_pause.sql")),
    M::up(include_str!("migrations/0007_issuer_metadata.sql")),
    M::up(include_str!("migrations/0008_intent_owner.sql")),
    M::up(include_str!("migrations/0009_sign_in_ended.sql")),
    M::up(include_str!("migrations/0010_provider_profiles.sql")),
    // rebuilds `apps` (foreign keys are off while migrations run: see `Store::open`)
    M::up(include_str!("migrations/0011_client_jwt.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0012_team_vaults.sql")),
    M::up(include_str!("migrations/0013_app_counts.sql")),
    M::up(include_str!("migrations/0014_team_sign_in.sql")),
    M::up(include_str!("migrations/0015_dpop.sql")),
    M::up(include_str!("migrations/0016_team_oidc.sql")),
    M::up(include_str!("migrations/0017_par.sql")),
    // rebuilds `tokens` to widen its source CHECK (foreign keys off: see `Store::open`)
    M::up(include_str!("migrations/0018_token_exchange.sql")).foreign_key_check(),
    // rebuilds `apps` to widen its auth method CHECK (foreign keys off: see `Store::open`)
    M::up(include_str!("migrations/0019_mtls.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0020_team_audit.sql")),
    // rebuilds `signing_keys` to widen its alg CHECK (foreign keys off: see `Store::open`)
    M::up(include_str!("migrations/0021_rsa_keys.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0022_dpop_alg.sql")),
    // rebuilds `apps` so its CHECKs run in line, not through a temporary index per row written
    // (foreign keys off: see `Store::open`)
    M::up(include_str!("migrations/0023_apps_checks_inline.sql")).foreign_key_check(),
];

/// How much of an existing database is checked when it is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// SQLite's `quick_check` of every page (the desktop app, once per start): its cost grows
    /// with the database, about 40 ms with 10,000 apps.
    WholeFile,
    /// The header and schema only; SQLite checks each page as a command reads it, and a
    /// damaged one refuses the command with the same error (the CLI, run many times a minute
    /// by scripts: its cost must not grow with the number of apps).
    AsRead,
}

/// An open database connection with Authdeck's schema.
pub struct Store {
    pub(crate) conn: Connection,
    /// Run before the first write transaction, until it succeeds (the facade takes its writer
    /// lock there: a process that only reads never does).
    before_first_write: Option<BeforeFirstWrite>,
}

/// See `Store::before_first_write`.
pub(crate) type BeforeFirstWrite = Box<dyn FnMut(&Connection) -> Result<()> + Send>;

impl Store {
    /// Opens (creating if needed) the database in `home`, refusing newer or damaged files.
    pub fn open(home: &Path, integrity: Integrity) -> Result<Self> {
        folder::private_dir(home)?;
        let path = home.join(DATABASE_FILE);
        let existed = path.exists();
        if existed {
            check_header(&path)?;
        }
        // The database and its -wal and -shm files (which SQLite creates with the database's
        // mode) are the user's alone, whatever the umask.
        create_private_file(&path)?;
        secure_database_files(&path)?;
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(&path, &e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(store_error)?;
        if existed {
            check_existing(&conn, &path, integrity)?;
        }
        let mut conn = conn;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(store_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(store_error)?;
        keep_wal_between_processes(&conn)?;
        // Stamped once, on a new file: stamping it again would be a write transaction (an
        // fsync) at every start of every CLI call.
        let stamped: i32 = conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(store_error)?;
        if stamped != APPLICATION_ID {
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(store_error)?;
        }
        // Off while migrating (the bundled SQLite starts with them on): a migration that
        // rebuilds a table (0011) drops the old one, which with foreign keys on would delete
        // every row referring to it. Each such migration checks the keys before it commits.
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(store_error)?;
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .map_err(|e| Error::Store(format!("Could not upgrade the database: {e}")))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(store_error)?;
        // Who owns the intents this connection records (none until a writer says so).
        conn.execute_batch("CREATE TEMP TABLE intent_owner (owner TEXT NOT NULL)")
            .map_err(store_error)?;
        secure_database_files(&path)?;
        Ok(Self {
            conn,
            before_first_write: None,
        })
    }

    /// Makes `hook` run before this connection's first write transaction (and again before the
    /// next one, as long as it fails: no write happens without it).
    pub(crate) fn before_first_write(&mut self, hook: BeforeFirstWrite) {
        self.before_first_write = Some(hook);
    }

    /// Runs `f` in one immediate transaction (taking the write lock up front, so two processes
    /// never interleave a read-then-write).
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.transaction(f, true)
    }

    /// Runs `f` like `write`, committed without waiting for the disk (`synchronous=NORMAL`
    /// for this transaction only), for a step whose loss leaves only work the reconciler
    /// redoes (finishing an intent whose keychain entry is already gone). A crash of the
    /// process loses nothing (the commit is in the WAL, which the system holds); a power cut
    /// can lose it with whatever came after it, never a commit before it, and it reaches the
    /// disk with the next fsynced commit or the checkpoint when the connection closes.
    pub fn write_redoable<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(store_error)?;
        let outcome = self.transaction(f, true);
        let restored = self.conn.pragma_update(None, "synchronous", "FULL");
        let value = outcome?;
        restored.map_err(store_error)?;
        Ok(value)
    }

    /// Runs `f` like `write` and then rolls everything back: what a write would do, shown
    /// without doing it (the import's preview runs the import itself this way).
    pub fn rehearse<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.transaction(f, false)
    }

    /// Runs `f` in one immediate transaction, committed or rolled back at the end.
    fn transaction<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
        commit: bool,
    ) -> Result<T> {
        if let Some(hook) = self.before_first_write.as_mut() {
            hook(&self.conn)?;
            self.before_first_write = None;
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(store_error)?;
        let value = f(&tx)?;
        if commit { tx.commit() } else { tx.rollback() }.map_err(store_error)?;
        Ok(value)
    }
}

/// A WAL larger than this (bytes) is copied into the database and emptied when a connection
/// closes (see `Drop for Store`): 1 MiB, 256 pages of 4 KiB, about 20 renewed tokens.
pub(crate) const WAL_KEPT_BYTES: u64 = 1 << 20;

/// Leaves the WAL (and its index, `-shm`) in place when the connection closes, instead of
/// copying it into the database (a checkpoint: two fsyncs) and deleting both files, as SQLite
/// does when the last connection closes. The next process then neither creates the WAL again
/// (with an fsync of the header and one of the data folder at its first write) nor removes
/// it. Durability does not change: every commit is in the WAL, fsynced as before
/// (`synchronous=FULL`), and SQLite reads the WAL as part of the database. The WAL stays
/// bounded: SQLite's automatic checkpoint at 1000 pages within a long-lived connection (the
/// desktop app), `journal_size_limit` shrinking the file when it is reused after that, and a
/// checkpoint at close once it passes `WAL_KEPT_BYTES` (its index is rebuilt by every process
/// that opens the database alone, reading the whole WAL).
fn keep_wal_between_processes(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )
    .map_err(store_error)?;
    conn.pragma_update(None, "journal_size_limit", WAL_KEPT_BYTES as i64)
        .map_err(store_error)?;
    Ok(())
}

impl Drop for Store {
    fn drop(&mut self) {
        // One stat per process: most closes leave the WAL as it is.
        let mut wal = self.conn.path().unwrap_or_default().to_owned();
        if wal.is_empty() {
            return;
        }
        wal.push_str("-wal");
        if fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_KEPT_BYTES) {
            // Copied into the database and emptied (TRUNCATE), unless another connection is
            // reading or writing: then it is left for a later close (no waiting at exit).
            let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                    row.get::<_, i64>(0)
                });
        }
    }
}

/// Creates the database file, private, when it does not exist yet (an empty file is a fresh
/// database to SQLite), so it never exists with the umask's mode.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Store(format!(
            "Could not create {}: {e}",
            path.display()
        ))),
    }
}

/// The database, its -wal and -shm files: the user's alone.
fn secure_database_files(path: &Path) -> Result<()> {
    folder::private_file(path)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        folder::private_file(Path::new(&name))?;
    }
    Ok(())
}

fn corrupt(path: &Path, why: &str) -> Error {
    Error::StoreCorrupt(format!(
        "{} is damaged or is not an Authdeck database ({why}). It was left untouched; move it \
         aside to start afresh, or restore a backup.",
        path.display()
    ))
}

/// Reads the file's first bytes without SQLite, so nothing (not even a WAL file) is created
/// for a file that is not a database at all.
fn check_header(path: &Path) -> Result<()> {
    let mut header = [0u8; 16];
    let mut file = fs::File::open(path)
        .map_err(|e| Error::Store(format!("Could not read {}: {e}", path.display())))?;
    let read = file
        .read(&mut header)
        .map_err(|e| Error::Store(format!("Could not read {}: {e}", path.display())))?;
    if read == 0 {
        return Ok(()); // an empty file is a fresh database to SQLite
    }
    if read < 16 || &header != b"SQLite format 3\0" {
        return Err(corrupt(path, "not an SQLite file"));
    }
    Ok(())
}

/// Checks an existing file using reads only.
fn check_existing(conn: &Connection, path: &Path, integrity: Integrity) -> Result<()> {
    let read = |pragma: &str| -> Result<i64> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
            .map_err(|e| corrupt(path, &e.to_string()))
    };
    let version = read("user_version")?;
    let application_id = read("application_id")?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(|e| corrupt(path, &e.to_string()))?;
    if tables > 0 && application_id != i64::from(APPLICATION_ID) {
        return Err(corrupt(path, "it belongs to another program"));
    }
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(Error::StoreTooNew(format!(
            "{} was written by a newer version of Authdeck (schema {version}; this version \
             knows up to {known}). It was left untouched: update Authdeck to open it.",
            path.display()
        )));
    }
    if integrity == Integrity::AsRead {
        return Ok(());
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|e| corrupt(path, &e.to_string()))?;
    if check != "ok" {
        return Err(corrupt(path, &check));
    }
    Ok(())
}

/// Maps a database failure that is not the user's doing.
pub(crate) fn store_error(error: rusqlite::Error) -> Error {
    match error {
        rusqlite::Error::SqliteFailure(code, _)
            if code.code == rusqlite::ErrorCode::DatabaseBusy
                || code.code == rusqlite::ErrorCode::DatabaseLocked =>
        {
            Error::Store("The database is busy (another Authdeck is writing); try again.".into())
        }
        rusqlite::Error::SqliteFailure(code, _)
            if code.code == rusqlite::ErrorCode::DatabaseCorrupt
                || code.code == rusqlite::ErrorCode::NotADatabase =>
        {
            // a damaged page met while reading: SQLite ends the statement (and so the
            // transaction) before anything is written
            Error::StoreCorrupt(format!(
                "Authdeck's database ({DATABASE_FILE} in the data folder) is damaged \
                 ({error}). Nothing was written; move it aside to start afresh, or restore a \
                 backup."
            ))
        }
        other => Error::Store(format!("Database error: {other}")),
    }
}

/// A column named, or at a position (a list of 10,000 rows reads by position: rusqlite finds
/// a name by comparing it with every column's name, for every row).
pub(crate) trait Column: rusqlite::RowIndex + Copy + std::fmt::Display {}
impl Column for &str {}
impl Column for usize {}

/// A timestamp column.
pub(crate) fn time_at(row: &rusqlite::Row<'_>, column: impl Column) -> rusqlite::Result<Timestamp> {
    let seconds: i64 = row.get(column)?;
    Timestamp::from_unix(seconds).ok_or_else(|| bad_column(column))
}

/// An optional timestamp column.
pub(crate) fn optional_time_at(
    row: &rusqlite::Row<'_>,
    column: impl Column,
) -> rusqlite::Result<Option<Timestamp>> {
    let seconds: Option<i64> = row.get(column)?;
    seconds
        .map(|s| Timestamp::from_unix(s).ok_or_else(|| bad_column(column)))
        .transpose()
}

/// A JSON list-of-strings column.
pub(crate) fn list_at(
    row: &rusqlite::Row<'_>,
    column: impl Column,
) -> rusqlite::Result<Vec<String>> {
    // Read in place, not copied into a String first; most lists are empty.
    match text_at(row, column)? {
        "[]" => Ok(Vec::new()),
        text => serde_json::from_str(text).map_err(|_| bad_column(column)),
    }
}

/// An enum column, parsed by `parse`.
pub(crate) fn enum_at<T>(
    row: &rusqlite::Row<'_>,
    column: impl Column,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    parse(text_at(row, column)?).ok_or_else(|| bad_column(column))
}

/// A text column as the row holds it, without a copy (a list of 10,000 rows made and dropped
/// a String per enum and list column for nothing).
fn text_at<'row>(row: &'row rusqlite::Row<'_>, column: impl Column) -> rusqlite::Result<&'row str> {
    row.get_ref(column)?
        .as_str()
        .map_err(|_| bad_column(column))
}

fn bad_column(column: impl Column) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnName(format!("unexpected value in column {column}"))
}

/// Serializes a list for a JSON column.
pub(crate) fn list_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Runs a query expected to return at most one row.
pub(crate) fn optional<T>(result: rusqlite::Result<T>) -> Result<Option<T>> {
    result.optional().map_err(store_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_counts(conn: &Connection) -> Vec<(String, i64)> {
        let mut statement = conn
            .prepare("SELECT id, app_count FROM environments ORDER BY id")
            .unwrap();
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)));
        rows.unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn add_environment(conn: &Connection, id: &str) {
        conn.execute(
            "INSERT INTO environments (id, name, kind, color, rotation_days, created_at, \
             updated_at) VALUES (?1, ?1, 'sandbox', '#000000', 90, 0, 0)",
            [id],
        )
        .unwrap();
    }

    fn add_app(conn: &Connection, id: &str, environment: &str) {
        conn.execute(
            "INSERT INTO apps (id, environment_id, display_name, client_id, client_type, \
             auth_method, created_at, updated_at) \
             VALUES (?1, ?2, ?1, ?1, 'confidential', 'client_secret_basic', 0, 0)",
            [id, environment],
        )
        .unwrap();
    }

    #[test]
    fn schema_18_rebuilds_tokens_keeping_them_and_takes_exchanged_ones() {
        let mut conn = just_before(
            M::up(include_str!("migrations/0018_token_exchange.sql")).foreign_key_check(),
        );
        add_environment(&conn, "a");
        add_app(&conn, "a1", "a");
        add_app(&conn, "a2", "a");
        conn.execute(
            "INSERT INTO tokens (id, app_id, source, token_type, issued_at, is_jwt, fingerprint, \
             has_refresh_token, api_base_url) \
             VALUES ('t1', 'a1', 'authorization_code', 'Bearer', 5, 0, 'wxyz', 1, 'https://api')",
            [],
        )
        .unwrap();
        // as `Store::open` migrates: schema 19 rebuilds `apps`, whose drop would cascade
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        let kept = tokens::of_app(&conn, &crate::model::AppId("a1".into()))
            .unwrap()
            .unwrap();
        assert_eq!(kept.source, crate::model::TokenSource::AuthorizationCode);
        assert!(kept.has_refresh_token);
        assert_eq!(kept.api_base_url.as_deref(), Some("https://api"));
        assert_eq!(kept.issued_token_type, None);
        let mut exchanged = kept.clone();
        exchanged.id = crate::model::TokenId("t2".into());
        exchanged.app_id = crate::model::AppId("a2".into());
        exchanged.source = crate::model::TokenSource::TokenExchange;
        exchanged.issued_token_type = Some("urn:ietf:params:oauth:token-type:access_token".into());
        tokens::replace(&conn, &exchanged, None).unwrap();
        assert_eq!(
            tokens::of_app(&conn, &exchanged.app_id).unwrap(),
            Some(exchanged)
        );
        // the app's cascade still reaches the rebuilt table
        conn.execute("PRAGMA foreign_keys = ON", []).unwrap();
        conn.execute("DELETE FROM apps WHERE id = 'a1'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM tokens", [], |row| row.get(0))
            .unwrap();
        assert_eq!(left, 1);
    }

    /// An empty database at the schema just before `migration` (found by content: later
    /// migrations follow it).
    fn just_before(migration: M<'static>) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        let before = MIGRATIONS.iter().position(|m| *m == migration).unwrap();
        Migrations::from_slice(&MIGRATIONS[..before])
            .to_latest(&mut conn)
            .unwrap();
        conn
    }

    /// A database with the app `a1` (environment `a`) made before the migration `sql`, then
    /// migrated to the latest schema.
    fn app_a1_from_before(sql: &'static str) -> Connection {
        let mut conn = just_before(M::up(sql));
        add_environment(&conn, "a");
        add_app(&conn, "a1", "a");
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        conn
    }

    #[test]
    fn schema_19_rebuilds_apps_keeping_their_rows_tokens_counts_and_marks() {
        let sql = include_str!("migrations/0019_mtls.sql");
        let mut conn = just_before(M::up(sql).foreign_key_check());
        add_environment(&conn, "a");
        add_app(&conn, "a1", "a");
        conn.execute_batch(
            "UPDATE apps SET auth_method = 'private_key_jwt', dpop = 1, dpop_jkt = 'jkt', \
             par = 1 WHERE id = 'a1';
             INSERT INTO tokens (id, app_id, source, token_type, issued_at, is_jwt, fingerprint) \
             VALUES ('t1', 'a1', 'client_credentials', 'Bearer', 5, 0, 'wxyz');",
        )
        .unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let app = crate::model::AppId("a1".into());
        let kept = apps::get(&conn, &app).unwrap().unwrap();
        assert_eq!(kept.auth_method, crate::model::AuthMethod::PrivateKeyJwt);
        assert_eq!(
            apps::dpop_of(&conn, &app).unwrap(),
            (true, Some("jkt".into()))
        );
        assert!(apps::par_of(&conn, &app).unwrap());
        assert!(tokens::of_app(&conn, &app).unwrap().is_some());
        // the new methods are taken, an unknown one is not; the count triggers are back
        conn.execute(
            "UPDATE apps SET auth_method = 'self_signed_tls_client_auth' WHERE id = 'a1'",
            [],
        )
        .unwrap();
        assert!(
            conn.execute("UPDATE apps SET auth_method = 'mtls'", [])
                .is_err()
        );
        add_app(&conn, "a2", "a");
        let count = |conn: &Connection| -> i64 {
            conn.query_row(
                "SELECT app_count FROM environments WHERE id = 'a'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(count(&conn), 2);
        conn.execute("DELETE FROM apps WHERE id = 'a1'", [])
            .unwrap();
        assert_eq!(count(&conn), 1);
        let tokens_left: i64 = conn
            .query_row("SELECT count(*) FROM tokens", [], |row| row.get(0))
            .unwrap();
        assert_eq!(tokens_left, 0, "the cascade reaches the tokens");
    }

    #[test]
    fn schema_23_checks_apps_in_line_with_the_same_rules_and_keeps_every_row() {
        let sql = include_str!("migrations/0023_apps_checks_inline.sql");
        let mut conn = just_before(M::up(sql).foreign_key_check());
        add_environment(&conn, "e");
        add_app(&conn, "a1", "e");
        add_app(&conn, "a2", "e");
        conn.execute_batch(
            "UPDATE apps SET dpop = 1, dpop_jkt = 'j', dpop_alg = 'EdDSA', par = 1, \
             auth_method = 'private_key_jwt', labels = '[\"x\"]' WHERE id = 'a1';
             INSERT INTO secrets (id, app_id, label, added_at, fingerprint, state) \
             VALUES ('s1', 'a2', 'k', 0, 'abcd', 'active');",
        )
        .unwrap();
        let row = |conn: &Connection| -> (String, String, Option<String>, bool, String, i64) {
            conn.query_row(
                "SELECT a.id, a.auth_method, a.dpop_alg, a.par, a.labels, e.app_count \
                 FROM apps a JOIN environments e ON e.id = a.environment_id WHERE a.id = 'a1'",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap()
        };
        let kept = row(&conn);
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        assert_eq!(row(&conn), kept);
        assert_eq!(kept.5, 2, "the environment still counts its two apps");
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        // the triggers are back: a new app is counted, a deleted one's secrets go with it
        add_app(&conn, "a3", "e");
        conn.execute("DELETE FROM apps WHERE id = 'a2'", [])
            .unwrap();
        let (count, secrets): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT app_count FROM environments), (SELECT count(*) FROM secrets)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((count, secrets), (2, 0));
        // the same values are allowed and refused as before
        for method in [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "tls_client_auth",
            "self_signed_tls_client_auth",
            "none",
        ] {
            conn.execute("UPDATE apps SET auth_method = ?1 WHERE id = 'a3'", [method])
                .unwrap();
        }
        for alg in [
            Some("ES256"),
            Some("EdDSA"),
            Some("RS256"),
            Some("PS256"),
            None,
        ] {
            conn.execute("UPDATE apps SET dpop_alg = ?1 WHERE id = 'a3'", [alg])
                .unwrap();
        }
        for (column, bad) in [
            ("auth_method", "client_secret"),
            ("auth_method", "NONE"),
            ("dpop_alg", "HS256"),
            ("dpop_alg", ""),
        ] {
            let refused = conn.execute(
                &format!("UPDATE apps SET {column} = ?1 WHERE id = 'a3'"),
                [bad],
            );
            assert!(refused.is_err(), "{column} = {bad:?} is refused");
        }
        // what it is for: writing an app builds no temporary index of allowed values
        let program: Vec<String> = conn
            .prepare(
                "EXPLAIN INSERT INTO apps (id, environment_id, display_name, client_id, \
                 client_type, auth_method, created_at, updated_at) \
                 VALUES ('a4', 'e', 'a4', 'a4', 'public', 'none', 0, 0) \
                 ON CONFLICT (id) DO UPDATE SET auth_method = 'none', dpop_alg = NULL",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(program.iter().any(|op| op == "Insert"), "{program:?}");
        assert!(
            !program.iter().any(|op| op == "OpenEphemeral"),
            "{program:?}"
        );
    }

    #[test]
    fn schema_22_keeps_earlier_dpop_keys_as_es256_and_records_other_algorithms() {
        use crate::model::KeyAlg;
        let sql = include_str!("migrations/0022_dpop_alg.sql");
        let mut conn = just_before(M::up(sql));
        add_environment(&conn, "a");
        add_app(&conn, "a1", "a");
        add_app(&conn, "a2", "a");
        conn.execute_batch("UPDATE apps SET dpop = 1, dpop_jkt = 'jkt1' WHERE id = 'a1';")
            .unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        let (a1, a2) = (
            crate::model::AppId("a1".into()),
            crate::model::AppId("a2".into()),
        );
        assert_eq!(
            apps::dpop_key_of(&conn, &a1).unwrap(),
            (true, Some((KeyAlg::Es256, "jkt1".into())))
        );
        assert_eq!(apps::dpop_key_of(&conn, &a2).unwrap(), (false, None));
        apps::set_dpop_key(&conn, &a2, Some((KeyAlg::Ps256, "jkt2"))).unwrap();
        assert_eq!(
            apps::dpop_key_of(&conn, &a2).unwrap(),
            (false, Some((KeyAlg::Ps256, "jkt2".into())))
        );
        apps::set_dpop_key(&conn, &a2, None).unwrap();
        let alg: Option<String> = conn
            .query_row("SELECT dpop_alg FROM apps WHERE id = 'a2'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(alg, None, "the algorithm goes with the key");
        assert!(
            conn.execute("UPDATE apps SET dpop_alg = 'HS256'", [])
                .is_err(),
            "only a signing key's algorithms"
        );
    }

    #[test]
    fn schema_21_rebuilds_signing_keys_keeping_their_rows_and_takes_rsa_keys() {
        use crate::model::{AppId, KeyAlg, SigningKeyId};
        let sql = include_str!("migrations/0021_rsa_keys.sql");
        let mut conn = just_before(M::up(sql).foreign_key_check());
        add_environment(&conn, "a");
        add_app(&conn, "a1", "a");
        conn.execute_batch(
            "INSERT INTO signing_keys (id, app_id, alg, kid, public_jwk, label, origin, \
             added_at, last_used_at, state) VALUES \
             ('k1', 'a1', 'ES256', 'kid1', '{}', 'Key 1', 'generated', 5, 7, 'active'), \
             ('k2', 'a1', 'EdDSA', 'kid2', '{}', 'Key 2', 'imported', 6, NULL, 'retired');",
        )
        .unwrap();
        let rsa_refused = conn.execute("UPDATE signing_keys SET alg = 'RS256' WHERE id = 'k1'", []);
        assert!(rsa_refused.is_err(), "schema 20 knows no RSA key");
        let app = AppId("a1".into());
        let kept_before = signing_keys::list(&conn, &app).unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        assert_eq!(signing_keys::list(&conn, &app).unwrap(), kept_before);
        assert_eq!(kept_before.len(), 2);
        // RS256 and PS256 are taken, an unknown alg is not; the kid stays unique per app
        for (id, alg) in [("k1", "RS256"), ("k2", "PS256")] {
            conn.execute("UPDATE signing_keys SET alg = ?2 WHERE id = ?1", [id, alg])
                .unwrap();
        }
        let k2 = signing_keys::get(&conn, &SigningKeyId("k2".into()))
            .unwrap()
            .unwrap();
        assert_eq!(k2.alg, KeyAlg::Ps256);
        assert!(
            conn.execute("UPDATE signing_keys SET alg = 'RS512'", [])
                .is_err()
        );
        assert!(
            conn.execute("UPDATE signing_keys SET kid = 'kid1' WHERE id = 'k2'", [])
                .is_err()
        );
        // the app's cascade still reaches the rebuilt table
        conn.execute("DELETE FROM apps WHERE id = 'a1'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM signing_keys", [], |row| row.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn schema_17_leaves_existing_apps_without_pushed_requests() {
        let conn = app_a1_from_before(include_str!("migrations/0017_par.sql"));
        let app = crate::model::AppId("a1".into());
        assert!(!apps::par_of(&conn, &app).unwrap());
        apps::set_par(&conn, &app, true).unwrap();
        assert!(apps::par_of(&conn, &app).unwrap());
        assert!(
            conn.execute("UPDATE apps SET par = 2", []).is_err(),
            "a mark is 0 or 1"
        );
    }

    #[test]
    fn schema_15_leaves_existing_apps_not_dpop_bound() {
        let conn = app_a1_from_before(include_str!("migrations/0015_dpop.sql"));
        let app = crate::model::AppId("a1".into());
        assert_eq!(apps::dpop_of(&conn, &app).unwrap(), (false, None));
        assert!(
            conn.execute("UPDATE apps SET dpop = 2", []).is_err(),
            "a mark is 0 or 1"
        );
    }

    #[test]
    fn schema_13_counts_the_apps_a_database_already_has() {
        let counts = M::up(include_str!("migrations/0013_app_counts.sql"));
        let before = MIGRATIONS.iter().position(|m| *m == counts).unwrap();
        let mut conn = just_before(counts);
        add_environment(&conn, "a");
        add_environment(&conn, "b");
        add_app(&conn, "a1", "a");
        add_app(&conn, "a2", "a");
        Migrations::from_slice(&MIGRATIONS[..=before])
            .to_latest(&mut conn)
            .unwrap();
        assert_eq!(app_counts(&conn), [("a".into(), 2), ("b".into(), 0)]);
    }

    #[test]
    fn schema_14_reads_a_team_vault_added_before_it_as_a_token_sign_in_never_checked() {
        let mut conn = Connection::open_in_memory().unwrap();
        let before = 13;
        assert_eq!(
            MIGRATIONS[before],
            M::up(include_str!("migrations/0014_team_sign_in.sql"))
        );
        Migrations::from_slice(&MIGRATIONS[..before])
            .to_latest(&mut conn)
            .unwrap();
        conn.execute(
            "INSERT INTO team_vaults (name, addresses, mount, path, created_at) \
             VALUES ('acme', '[\"https://bao.example.com\"]', 'secret', 'authdeck/acme', 0)",
            [],
        )
        .unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
        let vault = teams::get(&conn, "acme").unwrap().unwrap();
        assert_eq!(vault.sign_in, crate::team::SignIn::Token);
        // Never checked: the next use asks the vault once (`Core::team_token`).
        assert_eq!(teams::token_life(&conn, "acme").unwrap(), None);
    }

    #[test]
    fn an_oidc_sign_in_keeps_its_role_mount_and_callback_port() {
        use crate::team::{SignIn, TeamVault};
        let home = tempfile::tempdir().unwrap();
        let store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let conn = &store.conn;
        let oidc = |role: Option<&str>, port| SignIn::Oidc {
            role: role.map(str::to_owned),
            mount: "sso".into(),
            callback_port: port,
        };
        let vault = TeamVault {
            name: "acme".into(),
            addresses: vec!["https://bao.example.com".into()],
            namespace: None,
            mount: "secret".into(),
            path: "authdeck/acme".into(),
            sign_in: oidc(Some("developer"), 8250),
            created_at: crate::model::Timestamp::from_unix(0).unwrap(),
        };
        teams::insert(conn, &vault).unwrap();
        assert_eq!(teams::get(conn, "acme").unwrap().unwrap(), vault);
        // No role: the mount's default role; port 0: any free one.
        teams::set_sign_in(conn, "acme", &oidc(None, 0)).unwrap();
        let changed = teams::get(conn, "acme").unwrap().unwrap();
        assert_eq!(changed.sign_in, oidc(None, 0));
        teams::set_sign_in(conn, "acme", &SignIn::Token).unwrap();
        assert_eq!(
            teams::get(conn, "acme").unwrap().unwrap().sign_in,
            SignIn::Token
        );
    }

    #[test]
    fn app_counts_follow_adding_moving_and_deleting_apps() {
        let home = tempfile::tempdir().unwrap();
        let store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let conn = &store.conn;
        add_environment(conn, "a");
        add_environment(conn, "b");
        add_app(conn, "a1", "a");
        add_app(conn, "a2", "a");
        add_app(conn, "b1", "b");
        assert_eq!(app_counts(conn), [("a".into(), 2), ("b".into(), 1)]);
        conn.execute("UPDATE apps SET environment_id = 'b' WHERE id = 'a1'", [])
            .unwrap();
        // An update that leaves the environment as it is counts nothing.
        conn.execute(
            "UPDATE apps SET environment_id = 'b', display_name = 'B1' WHERE id = 'b1'",
            [],
        )
        .unwrap();
        assert_eq!(app_counts(conn), [("a".into(), 1), ("b".into(), 2)]);
        // Saving a stored app again (the upsert an edit or an import does) is an update.
        conn.execute(
            "INSERT INTO apps (id, environment_id, display_name, client_id, client_type, \
             auth_method, created_at, updated_at) \
             VALUES ('b1', 'b', 'b1', 'b1', 'confidential', 'client_secret_basic', 0, 0) \
             ON CONFLICT (id) DO UPDATE SET display_name = 'Bee'",
            [],
        )
        .unwrap();
        assert_eq!(app_counts(conn), [("a".into(), 1), ("b".into(), 2)]);
        conn.execute("DELETE FROM apps WHERE id = 'a2'", [])
            .unwrap();
        assert_eq!(app_counts(conn), [("a".into(), 0), ("b".into(), 2)]);
        // Deleting an environment deletes its apps; the other environment is untouched.
        add_app(conn, "a3", "a");
        conn.execute("DELETE FROM environments WHERE id = 'a'", [])
            .unwrap();
        assert_eq!(app_counts(conn), [("b".into(), 2)]);
        let counted: i64 = conn
            .query_row(
                "SELECT count(*) FROM apps WHERE environment_id = 'b'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(counted, 2);
    }

    #[test]
    fn a_redoable_write_commits_unsynced_and_leaves_later_writes_fsynced() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let level = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA synchronous", [], |row| row.get(0))
                .unwrap()
        };
        // 1 is NORMAL, 2 FULL
        let inside = store.write_redoable(|tx| Ok(level(tx))).unwrap();
        assert_eq!((inside, level(&store.conn)), (1, 2));
        let failed: Result<()> = store.write_redoable(|_| Err(Error::Internal("no".into())));
        assert!(failed.is_err());
        assert_eq!(level(&store.conn), 2);
    }

    fn wal_size(home: &Path) -> u64 {
        fs::metadata(home.join(format!("{DATABASE_FILE}-wal"))).map_or(0, |m| m.len())
    }

    /// Commits `pages` pages of 4 KiB to a scratch table, one transaction each.
    fn fill(store: &mut Store, pages: usize) {
        store
            .conn
            .execute_batch("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
            .unwrap();
        for _ in 0..pages {
            store
                .write(|tx| {
                    tx.execute("INSERT INTO filler VALUES (zeroblob(3900))", [])
                        .map_err(store_error)?;
                    Ok(())
                })
                .unwrap();
        }
    }

    fn filler_rows(home: &Path) -> i64 {
        let store = Store::open(home, Integrity::AsRead).unwrap();
        store
            .conn
            .query_row("SELECT count(*) FROM filler", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_closed_store_keeps_its_wal_and_the_next_one_reads_its_commits() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        fill(&mut store, 10);
        let size = wal_size(home.path());
        drop(store);
        assert_eq!(wal_size(home.path()), size, "left as it was");
        assert!(size > 10 * 4096, "{size}");
        assert!(home.path().join(format!("{DATABASE_FILE}-shm")).exists());
        assert_eq!(filler_rows(home.path()), 10);
    }

    #[test]
    fn a_store_closed_with_its_wal_past_the_bound_empties_it_into_the_database() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let pages = usize::try_from(WAL_KEPT_BYTES / 4096).unwrap();
        fill(&mut store, pages);
        assert!(wal_size(home.path()) > WAL_KEPT_BYTES);
        drop(store);
        assert_eq!(wal_size(home.path()), 0);
        assert_eq!(filler_rows(home.path()), i64::try_from(pages).unwrap());
    }

    #[test]
    fn a_store_closing_while_another_reads_leaves_its_big_wal_without_waiting() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        fill(&mut store, usize::try_from(WAL_KEPT_BYTES / 4096).unwrap());
        let size = wal_size(home.path());
        let reader = Store::open(home.path(), Integrity::AsRead).unwrap();
        reader.conn.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .conn
            .query_row("SELECT count(*) FROM filler", [], |row| row.get(0))
            .unwrap();
        let started = std::time::Instant::now();
        drop(store);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(wal_size(home.path()), size, "the reader still needs it");
        reader.conn.execute_batch("COMMIT").unwrap();
        drop(reader);
        assert_eq!(wal_size(home.path()), 0, "the last one out emptied it");
    }

    #[test]
    fn an_intent_is_refused_on_a_connection_that_has_no_writer() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let intent = intents::Intent::put("secret:s".into());
        let error = store
            .write(|tx| intents::record(tx, &intent, Timestamp::from_unix(1).unwrap()))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("before this process took its writer lock"),
            "{error}"
        );
        let count: i64 = store
            .conn
            .query_row("SELECT count(*) FROM keychain_intents", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn the_hook_runs_before_the_first_write_until_it_succeeds_and_then_never() {
        let home = tempfile::tempdir().unwrap();
        let mut store = Store::open(home.path(), Integrity::AsRead).unwrap();
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = calls.clone();
        store.before_first_write(Box::new(move |_| {
            match counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Err(Error::Store("no lock yet".into())),
                _ => Ok(()),
            }
        }));
        let wrote = std::cell::Cell::new(0);
        let write = |store: &mut Store| {
            store.write(|_| {
                wrote.set(wrote.get() + 1);
                Ok(())
            })
        };
        assert!(write(&mut store).is_err());
        assert_eq!(wrote.get(), 0, "no write without the hook");
        write(&mut store).unwrap();
        write(&mut store).unwrap();
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(wrote.get(), 2);
    }

    #[test]
    fn opening_an_existing_store_commits_nothing() {
        let home = tempfile::tempdir().unwrap();
        drop(Store::open(home.path(), Integrity::AsRead).unwrap());
        // data_version changes, for this connection, whenever another one commits.
        let watcher = Connection::open(home.path().join(DATABASE_FILE)).unwrap();
        let version = || -> i64 {
            watcher
                .query_row("PRAGMA data_version", [], |row| row.get(0))
                .unwrap()
        };
        let before = version();
        let store = Store::open(home.path(), Integrity::AsRead).unwrap();
        assert_eq!(version(), before);
        let id: i32 = store
            .conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
    }

    #[test]
    fn schema_11_rebuilds_apps_keeping_them_and_what_refers_to_them() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(DATABASE_FILE);
        {
            // a database of schema 10 with an app and its secret, opened as before schema 11
            let mut old = Connection::open(&path).unwrap();
            old.pragma_update(None, "foreign_keys", "ON").unwrap();
            old.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            Migrations::from_slice(&MIGRATIONS[..10])
                .to_latest(&mut old)
                .unwrap();
            old.execute_batch(
                "INSERT INTO environments (id, name, kind, color, rotation_days, created_at, \
                 updated_at) VALUES ('e', 'Local', 'sandbox', '#000000', 90, 1, 1);
                 INSERT INTO apps (id, environment_id, display_name, client_id, client_type, \
                 auth_method, created_at, updated_at, audience) VALUES ('a', 'e', 'Billing', \
                 'billing', 'confidential', 'client_secret_post', 1, 2, 'https://api');
                 INSERT INTO secrets (id, app_id, label, added_at, fingerprint, state) \
                 VALUES ('s', 'a', 'main', 1, '…1234', 'active');",
            )
            .unwrap();
        }
        let store = Store::open(home.path(), Integrity::WholeFile).unwrap();
        let count = |table: &str| -> i64 {
            store
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })
                .unwrap()
        };
        assert_eq!((count("apps"), count("secrets")), (1, 1));
        let (method, audience): (String, String) = store
            .conn
            .query_row("SELECT auth_method, audience FROM apps", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        assert_eq!(
            (method.as_str(), audience.as_str()),
            ("client_secret_post", "https://api")
        );
        store
            .conn
            .execute("UPDATE apps SET auth_method = 'private_key_jwt'", [])
            .unwrap();
        // the secrets' reference to apps survived the rebuild, and foreign keys are on again
        store.conn.execute("DELETE FROM apps", []).unwrap();
        assert_eq!(count("secrets"), 0);
    }
}
