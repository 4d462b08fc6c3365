//! The audit log: an append-only record of what was done with secrets, tokens, apps and
//! environments — when, to which app and environment (with their names at the time), and from
//! the desktop app or the CLI. Never a secret or token value: an entry holds ids, names, and
//! a detail of metadata (a secret's label, a token's scopes, an import's counts).

use crate::model::{AppId, EnvironmentId, Timestamp};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Which program acted; `Core` knows its own from the moment it is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Desktop,
    Cli,
}

impl Actor {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Cli => "cli",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "desktop" => Some(Self::Desktop),
            "cli" => Some(Self::Cli),
            _ => None,
        }
    }
}

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident = $text:literal, $words:literal;)*) => {
        /// What was done.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(TS))]
        #[serde(rename_all = "snake_case")]
        pub enum AuditAction {
            $($(#[$doc])* $name,)*
        }

        impl AuditAction {
            /// Every action, in the order they are listed here.
            pub const ALL: &'static [AuditAction] = &[$(Self::$name,)*];

            /// The stored spelling (also the JSON one).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$name => $text,)*
                }
            }

            /// Parses the stored spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$name),)*
                    _ => None,
                }
            }

            /// In words, for people: "secret copied".
            pub fn words(self) -> &'static str {
                match self {
                    $(Self::$name => $words,)*
                }
            }
        }
    };
}

actions! {
    SecretAdded = "secret_added", "secret added";
    SecretCopied = "secret_copied", "secret copied";
    SecretRevealed = "secret_revealed", "secret revealed";
    SecretRetired = "secret_retired", "secret retired";
    SecretReactivated = "secret_reactivated", "secret reactivated";
    SecretDeleted = "secret_deleted", "secret deleted";
    SigningKeyAdded = "signing_key_added", "signing key added";
    SigningKeyRetired = "signing_key_retired", "signing key retired";
    SigningKeyReactivated = "signing_key_reactivated", "signing key reactivated";
    SigningKeyDeleted = "signing_key_deleted", "signing key deleted";
    ClientCertAdded = "client_cert_added", "client certificate added";
    ClientCertRetired = "client_cert_retired", "client certificate retired";
    ClientCertReactivated = "client_cert_reactivated", "client certificate reactivated";
    ClientCertDeleted = "client_cert_deleted", "client certificate deleted";
    TokenMinted = "token_minted", "token minted";
    TokenRefreshed = "token_refreshed", "token refreshed";
    TokenRevoked = "token_revoked", "token revoked";
    TokenCopied = "token_copied", "token copied";
    AppCreated = "app_created", "app created";
    /// An app's fields changed; the detail names the fields, never a value of a secret.
    AppEdited = "app_edited", "app edited";
    AppDeleted = "app_deleted", "app deleted";
    /// An app's tokens turned DPoP-bound or not; the detail says which (and the key's thumbprint).
    DpopSwitched = "dpop_switched", "DPoP binding switched";
    /// An app's browser sign-ins turned to push their requests (PAR) or not.
    ParSwitched = "par_switched", "PAR switched";
    EnvironmentCreated = "environment_created", "environment created";
    /// An environment's fields changed; the detail names the fields.
    EnvironmentEdited = "environment_edited", "environment edited";
    EnvironmentDeleted = "environment_deleted", "environment deleted";
    EnvironmentSwitched = "environment_switched", "environment switched";
    ImportApplied = "import_applied", "import applied";
    RemoteAppCreated = "remote_app_created", "app created at the provider";
    RemoteAppDeleted = "remote_app_deleted", "app deleted at the provider";
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuditEntry {
    /// Increases with every entry.
    pub id: i64,
    pub at: Timestamp,
    pub actor: Actor,
    pub action: AuditAction,
    pub environment_id: Option<EnvironmentId>,
    /// The environment's name when it happened.
    pub environment_name: Option<String>,
    pub app_id: Option<AppId>,
    /// The app's display name when it happened.
    pub app_name: Option<String>,
    /// Metadata only: a secret's label, a token's scopes, an import's counts.
    pub detail: String,
}

/// Which entries to read, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuditQuery {
    /// Only entries of this app: its id, or its display name at the time (ignoring case).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub app: Option<String>,
    /// Only entries at or after this time.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub since: Option<Timestamp>,
    /// At most this many (the newest); all when absent.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub limit: Option<u32>,
}
