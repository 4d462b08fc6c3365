//! The export file: environments and their client apps as versioned JSON, never a secret or a
//! token. This module is the format (reading it strictly, writing it) and the comparison of
//! an imported item with a stored one; `facade::portable` merges a file into the store.
//!
//! Version 1 (README, "Import and export"):
//! `{"authdeck_export": 1, "exported_at": "<RFC 3339>", "environments": [{name, kind, color,
//! endpoints: {...}, profile (absent when standard), rotation_days, apps: [{display_name, client_id, client_type, auth_method,
//! ...}]}]}`. Unknown fields are refused, so a typo or a field of a newer version is never
//! dropped in silence.

use crate::error::{Error, Result};
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// The export format version this build writes and reads.
pub const EXPORT_VERSION: u64 = 1;

/// The largest file import reads; an export of ten thousand apps is a few megabytes.
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// The whole file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportFile {
    pub authdeck_export: u64,
    /// When it was written; informative only.
    #[serde(default)]
    pub exported_at: Option<Timestamp>,
    #[serde(default)]
    pub environments: Vec<ExportedEnvironment>,
}

/// One environment and its apps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedEnvironment {
    pub name: String,
    pub kind: EnvironmentKind,
    pub color: String,
    #[serde(default)]
    pub endpoints: ExportedEndpoints,
    /// Left out when standard, so a file without provider quirks stays readable by builds
    /// that predate profiles.
    #[serde(default, skip_serializing_if = "is_standard")]
    pub profile: ProviderProfile,
    #[serde(default = "default_rotation_days")]
    pub rotation_days: u32,
    #[serde(default)]
    pub apps: Vec<ExportedApp>,
}

fn is_standard(profile: &ProviderProfile) -> bool {
    *profile == ProviderProfile::Standard
}

fn default_rotation_days() -> u32 {
    DEFAULT_ROTATION_DAYS
}

/// An environment's endpoints; each may be absent or null.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedEndpoints {
    #[serde(default)]
    pub issuer_url: Option<String>,
    #[serde(default)]
    pub authorization_url: Option<String>,
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default)]
    pub token_info_url: Option<String>,
    #[serde(default)]
    pub introspection_url: Option<String>,
    #[serde(default)]
    pub revocation_url: Option<String>,
    #[serde(default)]
    pub api_base_url: Option<String>,
    #[serde(default)]
    pub device_authorization_url: Option<String>,
}

/// One client app: what its form holds, and nothing of its secrets or tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedApp {
    pub display_name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub auth_method: AuthMethod,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logo_uri: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub logout_urls: Vec<String>,
    #[serde(default)]
    pub web_origins: Vec<String>,
    #[serde(default)]
    pub default_scopes: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    /// DPoP-bound (RFC 9449); left out when not, so such a file stays readable by older
    /// builds. The proof key is not exported: an imported app gets its own at first use.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dpop: bool,
    /// Browser logins push their authorization requests (RFC 9126); left out when not, as
    /// `dpop` is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub par: bool,
}

impl ExportedEnvironment {
    /// The stored environment and its apps as they are exported.
    pub fn from_stored(environment: &Environment, apps: &[ClientApp]) -> Self {
        let e = &environment.endpoints;
        Self {
            name: environment.name.clone(),
            kind: environment.kind,
            color: environment.color.clone(),
            endpoints: ExportedEndpoints {
                issuer_url: e.issuer_url.clone(),
                authorization_url: e.authorization_url.clone(),
                token_url: e.token_url.clone(),
                token_info_url: e.token_info_url.clone(),
                introspection_url: e.introspection_url.clone(),
                revocation_url: e.revocation_url.clone(),
                api_base_url: e.api_base_url.clone(),
                device_authorization_url: e.device_authorization_url.clone(),
            },
            profile: environment.profile,
            rotation_days: environment.rotation_days,
            apps: apps.iter().map(ExportedApp::from_stored).collect(),
        }
    }

    /// What the environment form would hold for it.
    pub fn input(&self) -> EnvironmentInput {
        let e = &self.endpoints;
        EnvironmentInput {
            name: self.name.clone(),
            kind: self.kind,
            color: self.color.clone(),
            endpoints: Endpoints {
                issuer_url: e.issuer_url.clone(),
                authorization_url: e.authorization_url.clone(),
                token_url: e.token_url.clone(),
                token_info_url: e.token_info_url.clone(),
                introspection_url: e.introspection_url.clone(),
                revocation_url: e.revocation_url.clone(),
                api_base_url: e.api_base_url.clone(),
                device_authorization_url: e.device_authorization_url.clone(),
            },
            profile: self.profile,
            rotation_days: self.rotation_days,
        }
    }
}

impl ExportedApp {
    /// The stored app as exported, without DPoP and PAR (columns of their own).
    pub fn from_stored(app: &ClientApp) -> Self {
        Self {
            display_name: app.display_name.clone(),
            client_id: app.client_id.clone(),
            client_type: app.client_type,
            auth_method: app.auth_method,
            description: app.description.clone(),
            logo_uri: app.logo_uri.clone(),
            redirect_uris: app.redirect_uris.clone(),
            logout_urls: app.logout_urls.clone(),
            web_origins: app.web_origins.clone(),
            default_scopes: app.default_scopes.clone(),
            labels: app.labels.clone(),
            link: app.link.clone(),
            audience: app.audience.clone(),
            resource: app.resource.clone(),
            // the app row's own columns, filled by the export
            dpop: false,
            par: false,
        }
    }

    /// What the app form would hold for it, in `environment`.
    pub fn input(&self, environment: &EnvironmentId) -> ClientAppInput {
        ClientAppInput {
            environment_id: environment.clone(),
            display_name: self.display_name.clone(),
            client_id: self.client_id.clone(),
            client_type: self.client_type,
            auth_method: self.auth_method,
            description: self.description.clone(),
            logo_uri: self.logo_uri.clone(),
            redirect_uris: self.redirect_uris.clone(),
            logout_urls: self.logout_urls.clone(),
            web_origins: self.web_origins.clone(),
            default_scopes: self.default_scopes.clone(),
            labels: self.labels.clone(),
            link: self.link.clone(),
            audience: self.audience.clone(),
            resource: self.resource.clone(),
        }
    }
}

fn invalid_file(message: String) -> Error {
    Error::invalid("file", message)
}

/// Where serde_json stopped and why, without its own " at line L column C" suffix.
fn located(error: &serde_json::Error) -> (usize, usize, String) {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let reason = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    (error.line(), error.column(), reason)
}

/// Reads an export file's text: refused with the line, column and reason when it is not
/// JSON or not this format, and with both versions named when it is from a newer Authdeck.
pub fn parse(text: &str) -> Result<ExportFile> {
    // The version is read first, so a newer file is refused for its version and not for
    // the fields this build does not know.
    let probe: serde_json::Value = serde_json::from_str(text).map_err(|error| {
        let (line, column, reason) = located(&error);
        invalid_file(format!(
            "The file is not valid JSON: line {line}, column {column}: {reason}."
        ))
    })?;
    let Some(object) = probe.as_object() else {
        return Err(invalid_file(
            "The file is not an Authdeck export: it is not a JSON object.".into(),
        ));
    };
    let version = match object.get("authdeck_export") {
        None => {
            return Err(invalid_file(
                "The file is not an Authdeck export: it has no “authdeck_export” version field."
                    .into(),
            ));
        }
        Some(value) => value.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
            invalid_file(format!(
                "“authdeck_export” is {value}; it must be the export version, a whole number \
                 (this build of Authdeck reads version {EXPORT_VERSION})."
            ))
        })?,
    };
    if version > EXPORT_VERSION {
        return Err(invalid_file(format!(
            "The file is an Authdeck export of version {version}; this build of Authdeck reads \
             version {EXPORT_VERSION}. Update Authdeck to import it."
        )));
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let (line, column, reason) = located(error.inner());
        invalid_file(format!("Line {line}, column {column}: {path}: {reason}."))
    })
}

/// The file's text as written: pretty JSON with a final line break.
pub fn render(file: &ExportFile) -> Result<String> {
    let mut text = serde_json::to_string_pretty(file)
        .map_err(|e| Error::Internal(format!("Could not write the export: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The path the user typed for an export or import file: absolute, or starting with `~/`
/// (the home folder); the desktop app has no working folder a relative path could mean.
pub fn chosen_path(text: &str) -> Result<std::path::PathBuf> {
    let text = text.trim();
    let home = || directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned());
    let path = match text.strip_prefix("~/") {
        _ if text.is_empty() => None,
        Some(rest) => home().map(|home| home.join(rest)),
        None => Some(std::path::PathBuf::from(text)),
    };
    match path {
        None => Err(Error::invalid("path", "Enter the file's path.")),
        Some(path) if !path.is_absolute() => Err(Error::invalid(
            "path",
            "Enter the whole path, such as ~/authdeck-setup.json or /home/you/setup.json.",
        )),
        Some(path) if path.file_name().is_none() => Err(Error::invalid(
            "path",
            "The path names a folder; add a file name.",
        )),
        Some(path) => Ok(path),
    }
}

/// Where an export goes unless the user says otherwise: `~/authdeck-export-<date>.json`.
pub fn suggested_path(now: Timestamp) -> Option<String> {
    let home = directories::UserDirs::new()?.home_dir().to_owned();
    let date = now.0.date();
    let name = format!(
        "authdeck-export-{}-{:02}-{:02}.json",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    Some(home.join(name).display().to_string())
}

/// Reads the file the user named: a regular file of at most [`MAX_IMPORT_BYTES`]. A device
/// (`/dev/zero`), a FIFO or a socket is refused at once, unread: it is opened without
/// blocking and checked before a byte is read.
pub fn read_file(path: &Path) -> Result<String> {
    let shown = path.display();
    let file = open_without_blocking(path).map_err(|e| file_error(path, "read", &e))?;
    let metadata = file.metadata().map_err(|e| file_error(path, "read", &e))?;
    if metadata.is_dir() {
        return Err(Error::File(format!("{shown} is a folder, not a file.")));
    }
    if !metadata.is_file() {
        return Err(Error::File(format!(
            "{shown} is not a regular file (a device, a pipe or a socket); an Authdeck export \
             is a file."
        )));
    }
    if metadata.len() > MAX_IMPORT_BYTES {
        return Err(invalid_file(format!(
            "{shown} is {} bytes; an Authdeck export is at most {MAX_IMPORT_BYTES}.",
            metadata.len()
        )));
    }
    read_bounded(file, &shown.to_string())
}

/// Opens for reading; on Unix with O_NONBLOCK, so opening a FIFO with no writer returns at
/// once instead of waiting for one (the flag changes nothing for a regular file's reads).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

/// Reads an export's text from `source` (a file, stdin), never more than
/// [`MAX_IMPORT_BYTES`] + 1 bytes however much it holds; `what` names it in errors.
pub fn read_bounded(source: impl std::io::Read, what: &str) -> Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    source
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::File(format!("Could not read {what}: {e}.")))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(invalid_file(format!(
            "{what} holds more than {MAX_IMPORT_BYTES} bytes; an Authdeck export is at most \
             {MAX_IMPORT_BYTES}."
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        invalid_file(format!(
            "{what} is not UTF-8 text (bad byte at offset {}).",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Writes the export to `path`: never over an existing file unless `overwrite`, and then by
/// replacing it whole (a new file renamed over it), so a failure leaves the old one intact.
pub fn write_file(path: &Path, text: &str, overwrite: bool) -> Result<()> {
    use std::io::Write;
    let write = |target: &Path, create_new: bool| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if create_new {
            options.create_new(true);
        } else {
            options.create(true).truncate(true);
        }
        let mut file = options.open(target)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    };
    if !overwrite {
        return write(path, true).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Conflict {
                    field: "file".into(),
                    message: format!(
                        "{} already exists; it was left as it is. Choose another name, or \
                         allow replacing it.",
                        path.display()
                    ),
                }
            } else {
                // A partly written new file is no use to anyone.
                if e.kind() != std::io::ErrorKind::NotFound {
                    let _ = std::fs::remove_file(path);
                }
                file_error(path, "write", &e)
            }
        });
    }
    let name = path
        .file_name()
        .ok_or_else(|| Error::File(format!("{} does not name a file.", path.display())))?;
    let mut partial = name.to_owned();
    partial.push(format!(".{}.partial", uuid::Uuid::new_v4()));
    let partial = path.with_file_name(partial);
    let outcome = write(&partial, true).and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = outcome {
        let _ = std::fs::remove_file(&partial);
        return Err(file_error(path, "write", &e));
    }
    Ok(())
}

fn file_error(path: &Path, verb: &str, error: &std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound && verb == "read" {
        return Error::NotFound(format!("There is no file {}.", path.display()));
    }
    Error::File(format!("Could not {verb} {}: {error}.", path.display()))
}

/// What importing does with one environment or app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// Not here yet: created.
    Added,
    /// Here, with other values: updated (the changes list them).
    Changed,
    /// Here already, exactly so: left as it is.
    Skipped,
}

/// One field whose value the import changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FieldChange {
    /// As the forms name it: `color`, `endpoints.token_url`, `redirect_uris`.
    pub field: String,
    /// The value here now, as text (lists joined by ", "; empty when none).
    pub before: String,
    /// The value in the file.
    pub after: String,
}

/// What the import does with one app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppImport {
    pub display_name: String,
    pub client_id: String,
    pub outcome: ImportOutcome,
    pub changes: Vec<FieldChange>,
    /// A confidential app with no active secret here (an export never holds one): add it after
    /// importing.
    pub needs_secret: bool,
}

/// What the import does with one environment and its apps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EnvironmentImport {
    pub name: String,
    /// The stored kind when the environment is here (a file cannot relabel production to
    /// escape its care), else the file's.
    pub kind: EnvironmentKind,
    pub outcome: ImportOutcome,
    pub changes: Vec<FieldChange>,
    pub apps: Vec<AppImport>,
}

/// One reason the file cannot be imported as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ImportProblem {
    /// Which item: `environment “Sandbox”` or `app “Billing” (billing-id) in “Sandbox”`.
    pub place: String,
    /// The field as the forms name it (`redirect_uris.0`, `name` ...).
    pub field: String,
    pub message: String,
}

/// A stored environment's endpoint that the import changes: one Authdeck sends secrets or
/// tokens to, or sends the user's browser to. Shown before everything else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EndpointChange {
    /// The environment, named as stored.
    pub environment: String,
    /// As the forms name it: `endpoints.token_url` ...
    pub field: String,
    pub before: String,
    pub after: String,
    /// Automatic renewal of the environment's apps pauses until a token is got by hand
    /// (a secret or token is sent to this endpoint).
    pub pauses_renewal: bool,
}

/// An import's preview, or what it did: every environment and app of the file with its
/// outcome. Nothing is applied while there are problems.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ImportReport {
    /// True once written to the store; false for a preview.
    pub applied: bool,
    /// The changed endpoints of every environment, to be shown first.
    pub endpoint_changes: Vec<EndpointChange>,
    /// Stored production environments whose settings or apps the import changes: applying
    /// needs each confirmed by name.
    pub production_to_confirm: Vec<String>,
    pub environments: Vec<EnvironmentImport>,
    pub problems: Vec<ImportProblem>,
    pub added: u32,
    pub changed: u32,
    pub skipped: u32,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExportSummary {
    pub path: String,
    pub environments: u32,
    pub apps: u32,
}

/// The endpoints whose change an import shows first, in that order, and whether Authdeck
/// sends a client secret or a token there on its own (which pauses automatic renewal). The
/// authorization endpoint gets the browser; the issuer decides which keys an ID token must be
/// signed with and which `iss` a sign-in's callback must carry; the API base URL gets the
/// access token when a person uses Try it. None of those three is used by automatic renewal.
const WATCHED_ENDPOINTS: [(&str, bool); 8] = [
    ("endpoints.token_url", true),
    ("endpoints.authorization_url", false),
    ("endpoints.device_authorization_url", true),
    ("endpoints.introspection_url", true),
    ("endpoints.revocation_url", true),
    ("endpoints.token_info_url", true),
    ("endpoints.issuer_url", false),
    ("endpoints.api_base_url", false),
];

/// The watched endpoints among an environment's changes, token endpoint first.
pub fn endpoint_changes(environment: &str, changes: &[FieldChange]) -> Vec<EndpointChange> {
    WATCHED_ENDPOINTS
        .iter()
        .filter_map(|(field, pauses_renewal)| {
            let change = changes.iter().find(|c| c.field == *field)?;
            Some(EndpointChange {
                environment: environment.to_owned(),
                field: change.field.clone(),
                before: change.before.clone(),
                after: change.after.clone(),
                pauses_renewal: *pauses_renewal,
            })
        })
        .collect()
}

fn shown(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn change(changes: &mut Vec<FieldChange>, field: &str, before: String, after: String) {
    if before != after {
        changes.push(FieldChange {
            field: field.to_owned(),
            before,
            after,
        });
    }
}

/// The fields an import would change in a stored environment (its name is the match key,
/// so it is kept as stored).
pub fn environment_changes(stored: &Environment, imported: &EnvironmentInput) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    change(
        &mut changes,
        "kind",
        stored.kind.as_str().into(),
        imported.kind.as_str().into(),
    );
    change(
        &mut changes,
        "color",
        stored.color.clone(),
        imported.color.clone(),
    );
    let (a, b) = (&stored.endpoints, &imported.endpoints);
    for (field, before, after) in [
        ("endpoints.issuer_url", &a.issuer_url, &b.issuer_url),
        (
            "endpoints.authorization_url",
            &a.authorization_url,
            &b.authorization_url,
        ),
        ("endpoints.token_url", &a.token_url, &b.token_url),
        (
            "endpoints.token_info_url",
            &a.token_info_url,
            &b.token_info_url,
        ),
        (
            "endpoints.introspection_url",
            &a.introspection_url,
            &b.introspection_url,
        ),
        (
            "endpoints.revocation_url",
            &a.revocation_url,
            &b.revocation_url,
        ),
        ("endpoints.api_base_url", &a.api_base_url, &b.api_base_url),
        (
            "endpoints.device_authorization_url",
            &a.device_authorization_url,
            &b.device_authorization_url,
        ),
    ] {
        change(&mut changes, field, shown(before), shown(after));
    }
    change(
        &mut changes,
        "profile",
        stored.profile.as_str().into(),
        imported.profile.as_str().into(),
    );
    change(
        &mut changes,
        "rotation_days",
        stored.rotation_days.to_string(),
        imported.rotation_days.to_string(),
    );
    changes
}

/// The fields an import would change in a stored app (its client ID is the match key).
pub fn app_changes(stored: &ClientApp, imported: &ClientAppInput) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for (field, before, after) in [
        (
            "display_name",
            stored.display_name.clone(),
            imported.display_name.clone(),
        ),
        (
            "client_type",
            stored.client_type.as_str().into(),
            imported.client_type.as_str().into(),
        ),
        (
            "auth_method",
            stored.auth_method.as_str().into(),
            imported.auth_method.as_str().into(),
        ),
        (
            "description",
            stored.description.clone(),
            imported.description.clone(),
        ),
        (
            "logo_uri",
            shown(&stored.logo_uri),
            shown(&imported.logo_uri),
        ),
    ] {
        change(&mut changes, field, before, after);
    }
    for (field, before, after) in [
        (
            "redirect_uris",
            &stored.redirect_uris,
            &imported.redirect_uris,
        ),
        ("logout_urls", &stored.logout_urls, &imported.logout_urls),
        ("web_origins", &stored.web_origins, &imported.web_origins),
        (
            "default_scopes",
            &stored.default_scopes,
            &imported.default_scopes,
        ),
        ("labels", &stored.labels, &imported.labels),
    ] {
        // Compared as lists: ["a, b"] and ["a", "b"] read alike but differ.
        if before != after {
            changes.push(FieldChange {
                field: field.to_owned(),
                before: before.join(", "),
                after: after.join(", "),
            });
        }
    }
    for (field, before, after) in [
        ("link", &stored.link, &imported.link),
        ("audience", &stored.audience, &imported.audience),
        ("resource", &stored.resource, &imported.resource),
    ] {
        change(&mut changes, field, shown(before), shown(after));
    }
    changes
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
