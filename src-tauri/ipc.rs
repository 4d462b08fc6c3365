//! The types that exist only at the IPC boundary: errors as `{ code, message, field }`, the
//! responses that carry more than a core type, and the events the UI listens to.

use authdeck_core::team::merge::SetupConflict;
use authdeck_core::{Error, ErrorCode, ExchangeFailure, ExchangePart};
use serde::Serialize;
use ts_rs::TS;

/// An error as the webview receives it; the UI acts on `code` and shows `message`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field the error belongs to, when there is one.
    pub field: Option<String>,
    /// A `setup_conflict`'s fields, each with both members' values, for the member to choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Boxed: every command's error is an `IpcError`, and the conflict's sides are rare.
    #[ts(optional)]
    pub conflicts: Option<Box<SetupConflicts>>,
}

/// Both sides of a conflict with another member's change of a team environment's set-up.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SetupConflicts {
    pub fields: Vec<SetupConflict>,
    /// When the other member's version was written, as the vault says (RFC 3339).
    pub theirs_written_at: Option<String>,
    /// Who wrote it: their vault identity (`oidc-bob`), as their Authdeck recorded it.
    pub theirs_written_by: Option<String>,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        let conflicts = match &error {
            Error::SetupConflict {
                conflicts,
                theirs_written_at,
                theirs_written_by,
                ..
            } => Some(Box::new(SetupConflicts {
                fields: conflicts.clone(),
                theirs_written_at: theirs_written_at.clone(),
                theirs_written_by: theirs_written_by.clone(),
            })),
            _ => None,
        };
        Self {
            code: error.code(),
            field: error.field().map(str::to_owned),
            message: error.to_string(),
            conflicts,
        }
    }
}

/// A failed token exchange as the exchange dialog shows it: next to the part of the request
/// it is about, with the provider's own words when it refused.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ExchangeError {
    pub code: ErrorCode,
    pub message: String,
    pub part: ExchangePart,
    /// The provider's `error`, when it refused (RFC 6749 §5.2).
    pub provider_error: Option<String>,
    /// The provider's `error_description`, when it gave one.
    pub provider_description: Option<String>,
}

impl From<ExchangeFailure> for ExchangeError {
    fn from(failure: ExchangeFailure) -> Self {
        let (provider_error, provider_description) = match &failure.error {
            Error::Provider {
                error, description, ..
            } => (Some(error.clone()), description.clone()),
            _ => (None, None),
        };
        Self {
            code: failure.error.code(),
            message: failure.error.to_string(),
            part: failure.part,
            provider_error,
            provider_description,
        }
    }
}

/// The store could not be opened: nothing of the request was tried.
impl From<IpcError> for ExchangeError {
    fn from(error: IpcError) -> Self {
        Self {
            code: error.code,
            message: error.message,
            part: ExchangePart::Request,
            provider_error: None,
            provider_description: None,
        }
    }
}

/// What the About section shows.
#[derive(Debug, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub keychain_namespace: String,
    pub debug_build: bool,
    /// In demo mode, the local test authorization server's issuer; None otherwise.
    pub demo_issuer: Option<String>,
}

/// A secret's value, sent only when the user asks to reveal it, and for a bounded time.
#[derive(Serialize, TS)]
pub struct RevealedSecret {
    pub value: String,
    pub hide_after_seconds: u32,
}

/// A secret was written to the clipboard; it is cleared after this many seconds.
#[derive(Debug, Serialize, TS)]
pub struct CopyStarted {
    pub clear_after_seconds: u32,
}

/// A client certificate just added, with the public JWK (`x5c`, `x5t#S256`) to register for
/// self_signed_tls_client_auth when its key is a P-256 one. Public parts only.
#[derive(Debug, Serialize, TS)]
pub struct CertAdded {
    pub certificate: authdeck_core::model::ClientCertMeta,
    pub public_jwk: Option<String>,
}

/// How an app's tokens are bound and its authorization requests sent, as its settings show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AppBinding {
    /// Token requests carry DPoP proofs, so the tokens are bound to the app's proof key.
    pub dpop: bool,
    /// The RFC 7638 thumbprint of the app's proof key (its tokens' `cnf.jkt`), once it exists.
    pub jkt: Option<String>,
    /// The algorithm the proof key signs with (ES256 unless another was chosen), once it exists.
    pub alg: Option<authdeck_core::model::KeyAlg>,
    /// Browser logins push their authorization requests (PAR) even when the metadata does not
    /// require it.
    pub par: bool,
}

/// Which part of the store changed, so the UI refetches just that.
#[derive(Clone, Copy, Debug, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StoreScope {
    Environments,
    Apps,
    Secrets,
    Settings,
    Tokens,
}

/// Event `store-changed`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StoreChanged {
    pub scope: StoreScope,
}

/// Why the clipboard countdown ended.
#[derive(Clone, Copy, Debug, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClearReason {
    /// The timeout passed and the clipboard still held our value: it was cleared.
    Timeout,
    /// Something else was copied since: the clipboard was left alone.
    Replaced,
}

/// Event `clipboard-cleared`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ClipboardCleared {
    pub reason: ClearReason,
}

/// Event `token-renewed`: automatic renewal ran for an app (a quiet notice in the UI).
#[derive(Clone, Debug, Serialize, TS)]
pub struct TokenRenewed {
    pub app_id: authdeck_core::model::AppId,
    pub app_name: String,
    /// None when it worked; else why not (automatic renewal stops until a manual one).
    pub error: Option<String>,
}

/// Event `login-finished`: a browser or device login ended.
#[derive(Clone, Debug, Serialize, TS)]
pub struct LoginFinished {
    pub login_id: String,
    pub app_id: authdeck_core::model::AppId,
    pub outcome: authdeck_core::model::LoginOutcome,
    /// The app's token after a sign-in.
    pub status: Option<authdeck_core::model::TokenStatus>,
    /// Why it failed.
    pub error: Option<IpcError>,
}

/// Event `callback-refused`: a browser login's listener refused a callback (a forged one, or
/// the provider's with a wrong or missing `iss`); the login goes on waiting for a valid one.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CallbackRefused {
    pub login_id: String,
    /// Why, as the browser's page said it.
    pub reason: String,
}

/// The file picked in the import dialog and what importing it would do; `apply_import` with
/// this path imports it.
#[derive(Debug, Serialize, TS)]
pub struct ChosenImport {
    pub path: String,
    pub report: authdeck_core::portable::ImportReport,
}

/// Event names, shared with the UI through the bindings check.
pub const STORE_CHANGED: &str = "store-changed";
/// Event names, shared with the UI through the bindings check.
pub const LOGIN_FINISHED: &str = "login-finished";
/// Event names, shared with the UI through the bindings check.
pub const CALLBACK_REFUSED: &str = "callback-refused";
/// Event names, shared with the UI through the bindings check.
pub const TOKEN_RENEWED: &str = "token-renewed";
/// Event names, shared with the UI through the bindings check.
pub const CLIPBOARD_CLEARED: &str = "clipboard-cleared";
/// Event `open-requested` (no payload): another launch asked to show an app; the UI takes it
/// with `take_open_request`.
pub const OPEN_REQUESTED: &str = "open-requested";

/// What the window does on an app it was asked to show, besides showing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OpenAction {
    /// Starts its browser sign-in, as its Sign in button does (the tray's "Sign in…").
    SignIn,
}

/// An app a launch, a notification or the tray asked to show.
#[derive(Debug, Serialize, TS)]
pub struct OpenedApp {
    pub app: authdeck_core::model::ClientApp,
    pub action: Option<OpenAction>,
}

/// What the window's first screen shows, in one round trip asked for before the UI's bundle
/// has loaded (issue 14): the settings, the environments, and the active environment's apps and
/// team vault. Each part is what its own command (`get_settings`, `list_environments`,
/// `list_apps`, `team_of_environment`) returns.
#[derive(Clone, Debug, Serialize, TS)]
pub struct FirstScreen {
    pub settings: authdeck_core::model::Settings,
    pub environments: Vec<authdeck_core::model::Environment>,
    /// The active environment's apps; None when no environment is active (or the active one is
    /// not among `environments`).
    pub apps: Option<Vec<authdeck_core::model::AppSummary>>,
    /// The active environment's team vault; None for a local environment or none active.
    pub team: Option<crate::team::TeamBadge>,
}

/// One start-up phase of the desktop process: milliseconds after `main` began.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StartupMark {
    pub name: String,
    pub at_ms: f64,
}

/// The desktop process's start-up marks, with the epoch times that put them on one time line
/// with the webview's performance timeline (`performance.timeOrigin`).
#[derive(Clone, Debug, Serialize, TS)]
pub struct StartupMarks {
    /// When `main` began, in milliseconds since the Unix epoch.
    pub main_epoch_ms: f64,
    /// When the kernel started the process (before the dynamic libraries were loaded), where
    /// the platform tells (Linux).
    pub process_epoch_ms: Option<f64>,
    pub marks: Vec<StartupMark>,
}
