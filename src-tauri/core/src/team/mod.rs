//! Team vaults: a team's shared home for environments and their secrets' values, an OpenBao or
//! HashiCorp Vault KV version 2 engine (DESIGN.md, "Beyond one desktop").
//!
//! A team vault is a connection: server addresses tried in order, an optional namespace, the KV
//! mount and the team's base path. The vault token lives only in the keychain (`team:<name>`).
//! A shared environment lives under `<path>/<key>/`: `setup` holds the export format of the
//! environment (never a secret) and the metadata of its secrets, `secrets/<id>` each value.
//!
//! A person signs in with a pasted token, a username and password (userpass), an AppRole
//! (CI machines) or the vault's OIDC method (a browser sign-in at the team's identity provider,
//! `facade/team_oidc.rs`); the method, username, role ID or OIDC role, the auth mount and the
//! OIDC callback port are kept in SQLite, so a later sign-in asks only for the password or
//! secret ID (never kept anywhere), or opens the browser again.

mod cluster;
pub mod kv;
pub mod merge;
pub mod token_life;

use crate::error::{Error, Result};
use crate::model::{Secret, SecretState, Timestamp};
use crate::validate::check_endpoint;
use serde::{Deserialize, Serialize};

/// The KV v2 mount OpenBao and Vault dev servers (and most teams) use.
pub const DEFAULT_MOUNT: &str = "secret";

/// The keychain account that holds a team vault's token.
pub fn token_account(team: &str) -> String {
    format!("team:{team}")
}

/// The userpass auth method's usual mount.
pub const DEFAULT_USERPASS_MOUNT: &str = "userpass";

/// The AppRole auth method's usual mount.
pub const DEFAULT_APPROLE_MOUNT: &str = "approle";

/// The OIDC auth method's usual mount.
pub const DEFAULT_OIDC_MOUNT: &str = "oidc";

/// The port of the vault CLI's OIDC callback (`http://localhost:8250/oidc/callback`), which
/// admins allow in their roles' `allowed_redirect_uris`.
pub const DEFAULT_CALLBACK_PORT: u16 = 8250;

/// How a person signs in to a team vault; what is kept of it is never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum SignIn {
    /// A vault token pasted by the person.
    Token,
    /// Username and password at `auth/<mount>/login/<username>`.
    Userpass { username: String, mount: String },
    /// A role ID and secret ID at `auth/<mount>/login` (machines, CI).
    Approle { role_id: String, mount: String },
    /// A browser sign-in through the vault's OIDC method at `auth/<mount>/oidc/`, with the
    /// vault's callback on `http://localhost:<callback_port>/oidc/callback` (0: any free port,
    /// for a provider that allows any loopback port). No role: the mount's `default_role`.
    Oidc {
        role: Option<String>,
        mount: String,
        callback_port: u16,
    },
}

impl SignIn {
    /// The method's name as the vault and the CLI call it.
    pub fn method(&self) -> &'static str {
        match self {
            SignIn::Token => "token",
            SignIn::Userpass { .. } => "userpass",
            SignIn::Approle { .. } => "approle",
            SignIn::Oidc { .. } => "oidc",
        }
    }

    /// Whether the person gives something at each sign-in (OIDC signs in at the browser).
    pub fn needs_credential(&self) -> bool {
        !matches!(self, SignIn::Oidc { .. })
    }

    /// What the person gives at each sign-in, in their words.
    pub fn credential_name(&self) -> &'static str {
        match self {
            SignIn::Token => "vault token",
            SignIn::Userpass { .. } => "password",
            SignIn::Approle { .. } => "secret ID",
            SignIn::Oidc { .. } => "browser sign-in",
        }
    }

    /// Checks the username, role ID or OIDC role and the auth mount.
    pub fn validate(&self) -> Result<()> {
        let (field, name, mount) = match self {
            SignIn::Token => return Ok(()),
            SignIn::Userpass { username, mount } => ("username", username, mount),
            SignIn::Approle { role_id, mount } => ("role_id", role_id, mount),
            SignIn::Oidc {
                role: None, mount, ..
            } => return check_segments("auth_mount", mount),
            SignIn::Oidc {
                role: Some(role),
                mount,
                ..
            } => ("role", role, mount),
        };
        if name.trim().is_empty() || name.len() > 256 || name.chars().any(|c| c.is_control()) {
            return Err(Error::invalid(
                field,
                "Give it in 1 to 256 characters, without control characters.",
            ));
        }
        if (field == "username" || field == "role") && name.contains('/') {
            return Err(Error::invalid(
                field,
                format!("A vault {field} has no “/”."),
            ));
        }
        check_segments("auth_mount", mount)
    }
}

/// A stored team vault connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamVault {
    pub name: String,
    /// Base URLs (`https://bao.example.com:8200`), tried in order.
    pub addresses: Vec<String>,
    pub namespace: Option<String>,
    pub mount: String,
    /// The team's base path inside the mount, without slashes around it.
    pub path: String,
    pub sign_in: SignIn,
    pub created_at: Timestamp,
}

/// What `team add` is given.
#[derive(Debug)]
pub struct TeamVaultInput {
    pub name: String,
    pub addresses: Vec<String>,
    pub namespace: Option<String>,
    pub mount: String,
    pub path: String,
    pub sign_in: SignIn,
    /// The token, password or secret ID, by `sign_in`; used once, never kept.
    pub credential: Secret,
}

/// What the vault says of the token a team vault connection holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamStatus {
    pub vault: TeamVault,
    /// The address that answered.
    pub address: String,
    /// Seconds the token has left; `None` for a token that never expires (a root token).
    pub ttl_seconds: Option<i64>,
    /// Whether the vault would renew the token (Authdeck renews it before it ends).
    pub renewable: bool,
    pub policies: Vec<String>,
    /// The token's display name at the vault (`token`, `oidc-alice` ...).
    pub display_name: String,
}

/// A shared environment's set-up as kept in the vault: the export format (never a secret) and
/// its secrets' metadata (never a value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedSetup {
    pub export: crate::portable::ExportFile,
    pub secrets: Vec<SharedSecret>,
    /// Who wrote this version: the writer's vault identity (their token's display name at
    /// the vault, `oidc-alice`), which KV v2's metadata does not keep (only times). Absent in
    /// set-ups written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<String>,
}

/// One secret's metadata in a shared set-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedSecret {
    pub id: String,
    /// The client ID of the app it belongs to.
    pub client_id: String,
    pub label: String,
    pub fingerprint: String,
    pub state: SecretState,
    pub added_at: Timestamp,
    pub provider_created_at: Option<Timestamp>,
}

impl TeamVaultInput {
    /// Checks every field; the first problem is the error.
    pub fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control() || c == ':') {
            return Err(Error::invalid(
                "name",
                "Name the team vault in 1 to 64 characters, without “:”.",
            ));
        }
        if self.addresses.is_empty() {
            return Err(Error::invalid(
                "addresses",
                "Give the vault's address (--address https://bao.example.com:8200).",
            ));
        }
        for address in &self.addresses {
            check_endpoint(address).map_err(|message| Error::invalid("addresses", message))?;
        }
        check_segments("mount", &self.mount)?;
        check_segments("path", &self.path)?;
        if let Some(namespace) = &self.namespace {
            check_segments("namespace", namespace)?;
        }
        self.sign_in.validate()?;
        check_credential(&self.sign_in, &self.credential)
    }
}

/// A token, password or secret ID that is not empty (an OIDC sign-in takes none).
pub fn check_credential(sign_in: &SignIn, credential: &Secret) -> Result<()> {
    if sign_in.needs_credential() && credential.expose().trim().is_empty() {
        return Err(Error::invalid(
            "credential",
            format!("The {} is empty.", sign_in.credential_name()),
        ));
    }
    Ok(())
}

/// A vault path: segments of letters, digits and `-_.`, separated by single slashes.
fn check_segments(field: &str, value: &str) -> Result<()> {
    let good = |segment: &str| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if value.split('/').all(good) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "“{value}” is not a vault path: use letters, digits, “-”, “_” and “.” in parts \
                 separated by single “/”, with none at either end."
            ),
        ))
    }
}

/// The folder of an environment under a team's path: its name in lower case, every run of
/// other characters one `-` (`Sandbox EU` → `sandbox-eu`).
pub fn environment_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('-') {
            key.push('-');
        }
    }
    key.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TeamVaultInput {
        TeamVaultInput {
            name: "acme".into(),
            addresses: vec!["https://bao.example.com:8200".into()],
            namespace: None,
            mount: DEFAULT_MOUNT.into(),
            path: "authdeck/acme".into(),
            sign_in: SignIn::Token,
            credential: Secret::new("s.token"),
        }
    }

    #[test]
    fn a_plain_http_address_off_loopback_is_refused() {
        let mut bad = input();
        bad.addresses.push("http://bao.example.com:8200".into());
        let error = bad.validate().unwrap_err();
        assert_eq!(error.field(), Some("addresses"));
        assert!(error.to_string().contains("https"), "{error}");
    }

    #[test]
    fn paths_with_empty_or_dot_segments_are_refused() {
        for path in [
            "/authdeck",
            "authdeck/",
            "authdeck//acme",
            "authdeck/../x",
            "a b",
        ] {
            let mut bad = input();
            bad.path = path.into();
            assert_eq!(bad.validate().unwrap_err().field(), Some("path"), "{path}");
        }
        assert!(input().validate().is_ok());
    }

    #[test]
    fn an_oidc_sign_in_takes_no_credential_and_checks_its_role_and_mount() {
        let oidc = |role: Option<&str>, mount: &str| TeamVaultInput {
            sign_in: SignIn::Oidc {
                role: role.map(str::to_owned),
                mount: mount.into(),
                callback_port: DEFAULT_CALLBACK_PORT,
            },
            credential: Secret::new(""),
            ..input()
        };
        assert!(oidc(None, DEFAULT_OIDC_MOUNT).validate().is_ok());
        assert!(oidc(Some("developer"), "sso/corp").validate().is_ok());
        for (role, mount, field) in [
            (Some("a/b"), "oidc", "role"),
            (Some(" "), "oidc", "role"),
            (None, "oidc/", "auth_mount"),
        ] {
            let error = oidc(role, mount).validate().unwrap_err();
            assert_eq!(error.field(), Some(field), "{role:?} {mount}");
        }
        // The other methods still need theirs.
        let mut userpass = input();
        userpass.sign_in = SignIn::Userpass {
            username: "alice".into(),
            mount: DEFAULT_USERPASS_MOUNT.into(),
        };
        userpass.credential = Secret::new(" ");
        assert_eq!(userpass.validate().unwrap_err().field(), Some("credential"));
    }

    #[test]
    fn environment_keys_are_lower_case_with_dashes() {
        assert_eq!(environment_key("Sandbox EU (2)"), "sandbox-eu-2");
        assert_eq!(environment_key("  Prod  "), "prod");
    }
}
