//! The one error type of core, and the stable codes the desktop app and the CLI act on.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// What went wrong, in the terms a caller can act on. Messages never contain secret values.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// A field of the user's input is invalid; `field` names it as the UI does.
    #[error("{message}")]
    Validation { field: String, message: String },

    /// The thing asked for does not exist (any more).
    #[error("{0}")]
    NotFound(String),

    /// The input clashes with what is stored, such as a duplicate name.
    #[error("{message}")]
    Conflict { field: String, message: String },

    /// The operation would leave a confidential app without an active secret.
    #[error("{0}")]
    LastSecret(String),

    /// The environment still holds apps and the caller did not ask to delete them too.
    #[error("{0}")]
    EnvironmentNotEmpty(String),

    /// No keychain could be reached (no Secret Service, no session bus ...); nothing was written.
    #[error("{0}")]
    KeychainUnavailable(String),

    /// The keychain is locked or refused access; nothing was written.
    #[error("{0}")]
    KeychainLocked(String),

    /// The keychain failed in another way.
    #[error("{0}")]
    Keychain(String),

    /// The keychain entry that should hold this secret is missing.
    #[error("{0}")]
    SecretMissing(String),

    /// The database was written by a newer version of Authdeck; it was not modified.
    #[error("{0}")]
    StoreTooNew(String),

    /// The database file is damaged or not an Authdeck database; it was not modified.
    #[error("{0}")]
    StoreCorrupt(String),

    /// The authorization server refused the request with an OAuth error (RFC 6749 §5.2); the
    /// message quotes its `error` and `error_description` and says what to check.
    #[error("{message}")]
    Provider {
        status: u16,
        error: String,
        description: Option<String>,
        message: String,
    },

    /// The server's answer was not what the protocol expects (HTML, not JSON, too large, a
    /// redirect, a 5xx without an OAuth error ...).
    #[error("{0}")]
    BadResponse(String),

    /// No answer: connection refused, DNS, TLS, or a URL Authdeck will not send credentials to.
    #[error("{0}")]
    Network(String),

    /// The server did not answer in time.
    #[error("{0}")]
    Timeout(String),

    /// The environment or app lacks what the action needs (a token endpoint, a secret ...).
    #[error("{0}")]
    NotConfigured(String),

    /// The app's sign-in is over (its refresh token was refused, spent or lost): only a new
    /// browser or device login gets tokens again.
    #[error("{0}")]
    LoginRequired(String),

    /// An import paused the app's automatic renewal (it changed an endpoint its secret or
    /// tokens are sent to): only a token got by hand resumes it.
    #[error("{0}")]
    RenewalPaused(String),

    /// An import would change stored production environments the user did not confirm by
    /// name; nothing was imported.
    #[error("{message}")]
    ProductionUnconfirmed {
        /// The unconfirmed environments, named as stored.
        environments: Vec<String>,
        message: String,
    },

    /// A team vault refused the token or the path (HTTP 403): the message says which and why.
    #[error("{0}")]
    VaultRefused(String),

    /// A team vault's token has ended (expired, past its longest life, or refused renewal):
    /// the person signs in to the vault again (`team login`). A code of its own, apart from
    /// an app's `LoginRequired`, which the app's browser login would mend and this one not;
    /// the CLI gives both the "sign-in needed" exit code.
    #[error("{0}")]
    VaultSignInRequired(String),

    /// Another member changed the same fields of a shared environment's set-up as this
    /// change (or removed what it changes): nothing was written; the member chooses a side for
    /// each and writes again.
    #[error("{message}")]
    SetupConflict {
        conflicts: Vec<crate::team::merge::SetupConflict>,
        /// When the vault's version was written, as its metadata says (RFC 3339).
        theirs_written_at: Option<String>,
        /// Who wrote it: their vault identity, as their Authdeck recorded it in the set-up.
        theirs_written_by: Option<String>,
        message: String,
    },

    /// Any other database failure.
    #[error("{0}")]
    Store(String),

    /// A file the user named (an export, an import) could not be read or written.
    #[error("{0}")]
    File(String),

    /// A failure with no better category (a bug if it shows).
    #[error("{0}")]
    Internal(String),
}

/// The stable code of an error, as sent over IPC and mapped to exit codes by the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    LastSecret,
    EnvironmentNotEmpty,
    KeychainUnavailable,
    KeychainLocked,
    Keychain,
    SecretMissing,
    StoreTooNew,
    StoreCorrupt,
    Store,
    File,
    Provider,
    BadResponse,
    Network,
    Timeout,
    NotConfigured,
    LoginRequired,
    RenewalPaused,
    ProductionUnconfirmed,
    VaultRefused,
    VaultSignInRequired,
    SetupConflict,
    Internal,
}

impl Error {
    /// The code the UI and CLI act on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::Validation,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::LastSecret(_) => ErrorCode::LastSecret,
            Self::EnvironmentNotEmpty(_) => ErrorCode::EnvironmentNotEmpty,
            Self::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Self::KeychainLocked(_) => ErrorCode::KeychainLocked,
            Self::Keychain(_) => ErrorCode::Keychain,
            Self::SecretMissing(_) => ErrorCode::SecretMissing,
            Self::StoreTooNew(_) => ErrorCode::StoreTooNew,
            Self::StoreCorrupt(_) => ErrorCode::StoreCorrupt,
            Self::Store(_) => ErrorCode::Store,
            Self::File(_) => ErrorCode::File,
            Self::Provider { .. } => ErrorCode::Provider,
            Self::BadResponse(_) => ErrorCode::BadResponse,
            Self::Network(_) => ErrorCode::Network,
            Self::Timeout(_) => ErrorCode::Timeout,
            Self::NotConfigured(_) => ErrorCode::NotConfigured,
            Self::LoginRequired(_) => ErrorCode::LoginRequired,
            Self::RenewalPaused(_) => ErrorCode::RenewalPaused,
            Self::ProductionUnconfirmed { .. } => ErrorCode::ProductionUnconfirmed,
            Self::VaultRefused(_) => ErrorCode::VaultRefused,
            Self::VaultSignInRequired(_) => ErrorCode::VaultSignInRequired,
            Self::SetupConflict { .. } => ErrorCode::SetupConflict,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The input field the error belongs to, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } | Self::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ended_team_vault_token_has_a_code_apart_from_an_apps_sign_in() {
        let vault = Error::VaultSignInRequired("sign in with `authdeck team login acme`".into());
        let app = Error::LoginRequired("sign in again".into());
        assert_eq!(vault.code(), ErrorCode::VaultSignInRequired);
        assert_eq!(app.code(), ErrorCode::LoginRequired);
        assert_eq!(
            serde_json::to_value(vault.code()).unwrap(),
            "vault_sign_in_required"
        );
    }
}
