//! Why a command failed, as one line on stderr and a documented exit code.

use authdeck_core::team::merge::{SetupConflict, theirs_written};
use authdeck_core::{Error, ErrorCode};

/// The documented exit codes (README, CLI section; `--help`).
pub mod exit {
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NOT_FOUND: u8 = 3;
    pub const PROVIDER: u8 = 4;
    pub const KEYCHAIN: u8 = 5;
    pub const NETWORK: u8 = 6;
    pub const INVALID: u8 = 7;
    pub const NOT_CONFIGURED: u8 = 8;
    /// The app needs a (new) browser or device login, or a team vault a new `team login`.
    pub const LOGIN_REQUIRED: u8 = 9;
    /// `open`: the desktop app runs on this data folder but does not answer (stopped or hung).
    pub const DESKTOP_NOT_ANSWERING: u8 = 10;
    /// Interrupted (Ctrl-C) while waiting for a sign-in, as shells report SIGINT.
    pub const INTERRUPTED: u8 = 130;
    /// `exec`: the command exists but cannot be run (as shells do).
    pub const CANNOT_EXECUTE: u8 = 126;
    /// `exec`: no such command (as shells do).
    pub const COMMAND_NOT_FOUND: u8 = 127;
}

/// A failure: the exit code and one line for a person.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Further problems of the same input, each printed on its own line.
    pub more: Vec<String>,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            more: Vec::new(),
        }
    }

    /// Every field error of an input, first one first (validation, exit code 7).
    pub fn invalid(problems: &[authdeck_core::validate::FieldError]) -> Self {
        let mut lines = problems
            .iter()
            .map(|p| format!("{}: {}", flag_of(&p.field), p.message));
        let mut failure = Self::new(exit::INVALID, lines.next().unwrap_or_default());
        failure.more = lines.collect();
        failure
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(exit::NOT_FOUND, message)
    }

    /// The message on one line (a provider's description may hold line breaks).
    pub fn line(&self) -> String {
        one_line(&self.message)
    }
}

/// Text with every run of whitespace (line breaks too) made one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit code of a core error.
pub fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::NotFound => exit::NOT_FOUND,
        ErrorCode::Provider | ErrorCode::VaultRefused => exit::PROVIDER,
        ErrorCode::KeychainUnavailable
        | ErrorCode::KeychainLocked
        | ErrorCode::Keychain
        | ErrorCode::SecretMissing => exit::KEYCHAIN,
        ErrorCode::BadResponse | ErrorCode::Network | ErrorCode::Timeout => exit::NETWORK,
        ErrorCode::Validation
        | ErrorCode::Conflict
        | ErrorCode::LastSecret
        | ErrorCode::EnvironmentNotEmpty
        | ErrorCode::SetupConflict => exit::INVALID,
        ErrorCode::NotConfigured | ErrorCode::RenewalPaused => exit::NOT_CONFIGURED,
        ErrorCode::ProductionUnconfirmed => exit::USAGE,
        ErrorCode::LoginRequired | ErrorCode::VaultSignInRequired => exit::LOGIN_REQUIRED,
        ErrorCode::StoreTooNew
        | ErrorCode::StoreCorrupt
        | ErrorCode::Store
        | ErrorCode::File
        | ErrorCode::Internal => exit::OTHER,
    }
}

/// The command-line flag (or argument) that sets a core input field, so a validation message
/// points at what the user typed: `endpoints.token_url` → `--token-url`, `redirect_uris.1` →
/// `--redirect-uri #2`.
pub fn flag_of(field: &str) -> String {
    let (base, index) = match field.rsplit_once('.') {
        Some((base, index)) if index.chars().all(|c| c.is_ascii_digit()) => {
            (base, index.parse::<usize>().ok())
        }
        _ => (field, None),
    };
    let flag = match base {
        "name" | "display_name" => "NAME",
        "kind" => "--kind",
        "color" => "--color",
        "rotation_days" => "--rotation-days",
        "endpoints.issuer_url" => "--issuer",
        "endpoints.authorization_url" => "--authorize-url",
        "endpoints.device_authorization_url" => "--device-url",
        "endpoints.token_url" => "--token-url",
        "endpoints.token_info_url" => "--token-info-url",
        "endpoints.introspection_url" => "--introspection-url",
        "endpoints.revocation_url" => "--revocation-url",
        "endpoints.api_base_url" => "--api-base",
        "environment_id" => "--env",
        "client_id" => "--client-id",
        "client_type" => "--public",
        "auth_method" => "--auth-method",
        "description" => "--description",
        "redirect_uris" => "--redirect-uri",
        "default_scopes" | "scopes" => "--scope",
        "labels" | "label" => "--label",
        "link" => "--link",
        "audience" => "--audience",
        "resource" => "--resource",
        "value" => "secret",
        "provider_created_at" => "--created-at",
        "username" => "--username",
        "role_id" => "--role-id",
        "auth_mount" => "--auth-mount",
        "dpop_alg" => "--dpop-alg",
        other => other,
    };
    match index {
        Some(i) => format!("{flag} #{}", i + 1),
        None => flag.to_owned(),
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        if let Error::SetupConflict {
            conflicts,
            theirs_written_at,
            theirs_written_by,
            ..
        } = &error
        {
            return setup_conflict(
                conflicts,
                &theirs_written(theirs_written_at.as_deref(), theirs_written_by.as_deref()),
            );
        }
        let message = match error.field() {
            Some(field) => format!("{}: {error}", flag_of(field)),
            None => error.to_string(),
        };
        Self::new(exit_code(error.code()), message)
    }
}

/// A conflict with another member's change: a line, then both sides of each field, then how
/// to choose.
fn setup_conflict(conflicts: &[SetupConflict], when: &str) -> Failure {
    let mut failure = Failure::new(
        exit::INVALID,
        format!(
            "Another member changed the same fields of this team environment's set-up{when}; nothing              was written:"
        ),
    );
    let side = |value: &Option<String>| value.clone().unwrap_or_else(|| "(removed)".into());
    for conflict in conflicts {
        let place = match (&conflict.app, &conflict.client_id) {
            (Some(app), Some(id)) => format!("app “{app}” ({id})"),
            _ => "the environment".into(),
        };
        failure.more.push(format!(
            "{place} {}: yours {}, theirs {}",
            conflict.field,
            side(&conflict.mine),
            side(&conflict.theirs)
        ));
    }
    failure
        .more
        .push("Run it again with --keep-mine or --take-theirs.".into());
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_the_flags_that_set_them() {
        assert_eq!(flag_of("endpoints.token_url"), "--token-url");
        assert_eq!(flag_of("redirect_uris.1"), "--redirect-uri #2");
        assert_eq!(flag_of("display_name"), "NAME");
        assert_eq!(flag_of("something_new"), "something_new");
    }

    #[test]
    fn core_errors_keep_their_message_and_get_their_code() {
        let failure = Failure::from(Error::invalid("color", "Pick a colour as #rrggbb."));
        assert_eq!(failure.code, exit::INVALID);
        assert_eq!(failure.message, "--color: Pick a colour as #rrggbb.");
        let failure = Failure::from(Error::Timeout("slow".into()));
        assert_eq!(failure.code, exit::NETWORK);
        assert_eq!(Failure::new(1, "two\nlines  here").line(), "two lines here");
    }
}
