//! The vault's HTTP API, as much as Authdeck uses: signing in (userpass, AppRole, OIDC), the token's
//! own lookup, and KV version 2 reads and check-and-set writes, over the one HTTP client
//! (`http.rs`: https except loopback, no redirects of its own, bounded times and bodies), sent
//! to a cluster's nodes as `team/cluster.rs` says.
//!
//! Hand-written rather than a Vault crate: the few calls are small JSON exchanges, and the
//! crates (vaultrs and others) bring their own HTTP stack, which would bypass the client that
//! holds Authdeck's transport rules.

use super::{SignIn, TeamVault};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::Secret;
use serde_json::{Value, json};
use std::sync::Mutex;

/// What a request was for, so a refusal names what the person could not do.
#[derive(Clone, Copy, Debug)]
enum Purpose<'a> {
    /// A login at `auth/<mount>/`, with the method's name.
    SignIn(&'a str, &'a str),
    LookUpToken,
    RenewToken,
    Read(&'a str),
    Write(&'a str),
    Destroy(&'a str),
    Capabilities,
}

/// A KV version 2 entry as read: its data and version.
#[derive(Debug)]
pub struct Entry {
    pub data: Value,
    pub version: u64,
    /// When the vault says this version was written (RFC 3339, its metadata's `created_time`).
    pub written_at: Option<String>,
}

/// One team vault connection with its token, for a few calls.
pub struct Kv<'a> {
    pub http: &'a HttpClient,
    pub vault: &'a TeamVault,
    /// Empty for a sign-in, which is sent without a token.
    pub token: &'a Secret,
    /// Whose token it is, as the vault named it at sign-in (`display_name` of
    /// `auth/token/lookup-self`); written into each set-up version this client writes.
    pub author: Option<String>,
    /// The cluster's replication index of the last answer, sent with the next request
    /// (`team/cluster.rs`).
    pub(super) index: Mutex<Option<http::HeaderValue>>,
}

impl<'a> Kv<'a> {
    /// A connection to `vault` over `http` with `token` (empty for a sign-in).
    pub fn new(http: &'a HttpClient, vault: &'a TeamVault, token: &'a Secret) -> Self {
        Self {
            http,
            vault,
            token,
            author: None,
            index: Mutex::new(None),
        }
    }

    /// The same client, its writes of a set-up signed with `author` (the token's identity).
    pub fn by(self, author: Option<String>) -> Self {
        Self { author, ..self }
    }
}

impl Kv<'_> {
    /// Signs in by the vault's `sign_in` method with `credential` (the password or secret ID;
    /// a `Token` sign-in is the credential itself): the client token the vault gives.
    pub async fn sign_in(&self, credential: &Secret) -> Result<Secret> {
        let (mount, api, body) = match &self.vault.sign_in {
            SignIn::Token => return Ok(Secret::new(credential.expose().trim())),
            SignIn::Userpass { username, mount } => (
                mount,
                format!("auth/{mount}/login/{username}"),
                json!({ "password": credential.expose() }),
            ),
            SignIn::Approle { role_id, mount } => (
                mount,
                format!("auth/{mount}/login"),
                json!({ "role_id": role_id, "secret_id": credential.expose() }),
            ),
            SignIn::Oidc { .. } => {
                return Err(Error::invalid(
                    "method",
                    "An OIDC sign-in happens in the browser, not with a credential.",
                ));
            }
        };
        let purpose = Purpose::SignIn(self.vault.sign_in.method(), mount);
        let (_, answer) = self
            .send(http::Method::POST, &api, Some(body), purpose)
            .await?;
        self.client_token(&answer, mount)
    }

    /// Starts an OIDC sign-in (`auth/<mount>/oidc/auth_url`): the provider's authorization URL
    /// the vault built for `role` (its own state, nonce and PKCE) with the callback
    /// `redirect_uri` and Authdeck's `client_nonce`, which the callback must repeat.
    pub async fn oidc_auth_url(
        &self,
        mount: &str,
        role: Option<&str>,
        redirect_uri: &str,
        client_nonce: &str,
    ) -> Result<String> {
        let mut body = json!({ "redirect_uri": redirect_uri, "client_nonce": client_nonce });
        if let Some(role) = role {
            body["role"] = json!(role);
        }
        let api = format!("auth/{mount}/oidc/auth_url");
        let purpose = Purpose::SignIn("oidc", mount);
        let (_, answer) = self
            .send(http::Method::POST, &api, Some(body), purpose)
            .await?;
        // The vault answers an empty URL when the role does not allow the redirect URI.
        match answer["data"]["auth_url"].as_str() {
            Some(url) if !url.is_empty() => Ok(url.to_owned()),
            _ => Err(Error::NotConfigured(format!(
                "The team vault “{}” would not start an OIDC sign-in at auth/{mount}/ with the \
                 role {} and the callback {redirect_uri}: ask the vault's admin to add that \
                 callback to the role's allowed_redirect_uris (or use the port it allows, \
                 --callback-port).",
                self.vault.name,
                role.map_or_else(|| "the mount's default".to_owned(), |r| format!("“{r}”"))
            ))),
        }
    }

    /// Finishes an OIDC sign-in (`auth/<mount>/oidc/callback`) with what the provider sent
    /// the browser back with: the vault exchanges the code and gives its client token.
    pub async fn oidc_callback(
        &self,
        mount: &str,
        state: &str,
        code: &Secret,
        client_nonce: &str,
    ) -> Result<Secret> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("state", state)
            .append_pair("code", code.expose())
            .append_pair("client_nonce", client_nonce)
            .finish();
        let api = format!("auth/{mount}/oidc/callback?{query}");
        let purpose = Purpose::SignIn("oidc", mount);
        let (_, answer) = self.send(http::Method::GET, &api, None, purpose).await?;
        self.client_token(&answer, mount)
    }

    /// The client token of a login's answer.
    fn client_token(&self, answer: &Value, mount: &str) -> Result<Secret> {
        answer["auth"]["client_token"]
            .as_str()
            .filter(|token| !token.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                Error::BadResponse(format!(
                    "The team vault “{}” signed you in at auth/{mount}/ but gave no token.",
                    self.vault.name
                ))
            })
    }

    /// The token's own lookup (`auth/token/lookup-self`): the address that answered and the
    /// token's data (ttl, policies, display name).
    pub async fn look_up_token(&self) -> Result<(String, Value)> {
        let (address, answer) = self
            .send(
                http::Method::GET,
                "auth/token/lookup-self",
                None,
                Purpose::LookUpToken,
            )
            .await?;
        Ok((address, answer["data"].clone()))
    }

    /// Renews the token (`auth/token/renew-self`) by `increment` seconds: the seconds it now
    /// has and whether the vault would renew it again.
    pub async fn renew_token(&self, increment: i64) -> Result<(i64, bool)> {
        let body = json!({ "increment": format!("{increment}s") });
        let (_, answer) = self
            .send(
                http::Method::POST,
                "auth/token/renew-self",
                Some(body),
                Purpose::RenewToken,
            )
            .await?;
        let auth = &answer["auth"];
        let lease = auth["lease_duration"].as_i64().ok_or_else(|| {
            Error::BadResponse(format!(
                "The team vault “{}” renewed its token but did not say for how long.",
                self.vault.name
            ))
        })?;
        Ok((lease, auth["renewable"].as_bool().unwrap_or(false)))
    }

    /// The current version of the entry at `path` (under the team's base path); `None` when
    /// there is none (never written, or its current version deleted).
    pub async fn read(&self, path: &str) -> Result<Option<Entry>> {
        let full = self.full_path(path);
        let api = format!("{}/data/{full}", self.vault.mount);
        match self
            .send(http::Method::GET, &api, None, Purpose::Read(&full))
            .await
        {
            Ok((_, answer)) => Ok(Some(Entry {
                version: answer["data"]["metadata"]["version"].as_u64().unwrap_or(0),
                written_at: answer["data"]["metadata"]["created_time"]
                    .as_str()
                    .map(str::to_owned),
                data: answer["data"]["data"].clone(),
            })),
            Err(Error::NotFound(_)) => Ok(None),
            Err(error) => Err(self.why_refused(error).await),
        }
    }

    /// A vault answers 403 both for a path the policy does not allow and for a token it no
    /// longer takes: asking about the token tells the two apart, so the message says which.
    async fn why_refused(&self, error: Error) -> Error {
        if !matches!(error, Error::VaultRefused(_)) {
            return error;
        }
        match self.look_up_token().await {
            Err(token_refused @ Error::VaultRefused(_)) => token_refused,
            _ => error,
        }
    }

    /// The current version of the entry at `path` from its KV v2 metadata (a few hundred
    /// bytes, never the data itself), so a change is noticed without reading the entry; `None`
    /// when there is none.
    pub async fn current_version(&self, path: &str) -> Result<Option<u64>> {
        let full = self.full_path(path);
        let api = format!("{}/metadata/{full}", self.vault.mount);
        match self
            .send(http::Method::GET, &api, None, Purpose::Read(&full))
            .await
        {
            Ok((_, answer)) => Ok(answer["data"]["current_version"].as_u64()),
            Err(Error::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Writes `data` at `path` only if the entry is still at version `cas` (0: only if it does
    /// not exist); returns the new version. Another write in between is a `Conflict`.
    pub async fn write(&self, path: &str, data: Value, cas: u64) -> Result<u64> {
        let full = self.full_path(path);
        let api = format!("{}/data/{full}", self.vault.mount);
        let body = json!({ "data": data, "options": { "cas": cas } });
        let (_, answer) = match self
            .send(http::Method::POST, &api, Some(body), Purpose::Write(&full))
            .await
        {
            Ok(sent) => sent,
            Err(error) => return Err(self.why_refused(error).await),
        };
        answer["data"]["version"].as_u64().ok_or_else(|| {
            Error::BadResponse(format!(
                "The team vault “{}” did not say which version it wrote at {full}.",
                self.vault.name
            ))
        })
    }

    /// Deletes every version of the entry at `path` and its metadata (KV v2 `metadata`
    /// delete), so no version of it remains; done when there is none.
    pub async fn destroy(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        let api = format!("{}/metadata/{full}", self.vault.mount);
        match self
            .send(http::Method::DELETE, &api, None, Purpose::Destroy(&full))
            .await
        {
            Ok(_) | Err(Error::NotFound(_)) => Ok(()),
            Err(error) => Err(self.why_refused(error).await),
        }
    }

    /// The names of the entries directly under the folder `path` (KV v2 `metadata` list),
    /// sub-folders left out; empty when there is none.
    pub async fn list(&self, path: &str) -> Result<Vec<String>> {
        let full = self.full_path(path);
        let api = format!("{}/metadata/{full}/?list=true", self.vault.mount);
        match self
            .send(http::Method::GET, &api, None, Purpose::Read(&full))
            .await
        {
            Ok((_, answer)) => Ok(answer["data"]["keys"]
                .as_array()
                .map(|keys| {
                    keys.iter()
                        .filter_map(Value::as_str)
                        .filter(|name| !name.ends_with('/'))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()),
            Err(Error::NotFound(_)) => Ok(Vec::new()),
            Err(error) => Err(self.why_refused(error).await),
        }
    }

    /// Whether the token's policy allows destroying the entry at `path` (asked of the vault,
    /// `sys/capabilities-self`), so a removal that would stop half-way is refused first.
    pub async fn may_destroy(&self, path: &str) -> Result<bool> {
        let api = self.api_path("metadata", path);
        let granted = self.capabilities(std::slice::from_ref(&api)).await?;
        Ok(grants(&granted[0], "delete"))
    }

    /// The token's capabilities on each vault API path (`secret/data/authdeck/acme/…`), in
    /// the order asked, from one `sys/capabilities-self` request.
    pub async fn capabilities(&self, api_paths: &[String]) -> Result<Vec<Vec<String>>> {
        let body = json!({ "paths": api_paths });
        let (_, answer) = self
            .send(
                http::Method::POST,
                "sys/capabilities-self",
                Some(body),
                Purpose::Capabilities,
            )
            .await?;
        Ok(api_paths
            .iter()
            .map(|path| {
                answer["data"][path]
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(|c| c.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect())
    }

    /// The vault API path of the entry at `path` (under the team's base path) in the KV v2
    /// `part` (`data` or `metadata`): `secret/metadata/authdeck/acme/sandbox/secrets/<id>`.
    pub fn api_path(&self, part: &str, path: &str) -> String {
        format!("{}/{part}/{}", self.vault.mount, self.full_path(path))
    }

    /// `mount/path` as the person would name it (`secret/authdeck/acme/sandbox/setup`).
    pub fn shown_path(&self, path: &str) -> String {
        format!("{}/{}", self.vault.mount, self.full_path(path))
    }

    fn full_path(&self, path: &str) -> String {
        format!("{}/{path}", self.vault.path)
    }

    /// Sends to the vault's addresses (`team/cluster.rs`) and checks the answer: the address
    /// that answered and the answer.
    async fn send(
        &self,
        method: http::Method,
        api_path: &str,
        body: Option<Value>,
        purpose: Purpose<'_>,
    ) -> Result<(String, Value)> {
        let (address, response) = self
            .send_to_cluster(&method, api_path, body.as_ref())
            .await?;
        let answer = answer_of(&response.body);
        check(self.vault, response.status, &answer, purpose)?;
        Ok((address, answer))
    }

    /// The request to `url` with the token, the namespace and the last replication index.
    pub(super) fn request(
        &self,
        url: &str,
        method: &http::Method,
        body: Option<&Value>,
    ) -> Result<http::Request<Vec<u8>>> {
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(url)
            .header("X-Vault-Request", "true")
            .header(http::header::ACCEPT, "application/json");
        if !self.token.expose().is_empty() {
            builder = builder.header("X-Vault-Token", self.token.expose());
        }
        if let Some(namespace) = &self.vault.namespace {
            builder = builder.header("X-Vault-Namespace", namespace);
        }
        let index = self.index.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(index) = index {
            builder = builder
                .header(super::cluster::INDEX, index)
                .header(super::cluster::INCONSISTENT, super::cluster::FORWARD);
        }
        let bytes = match body {
            Some(body) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                serde_json::to_vec(body).map_err(|e| Error::Internal(e.to_string()))?
            }
            None => Vec::new(),
        };
        builder.body(bytes).map_err(|_| {
            Error::invalid(
                "addresses",
                format!("“{url}” is not a URL a request can be sent to (or the token holds characters a header cannot)."),
            )
        })
    }
}

pub(super) fn answer_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The vault's own words (`errors`), joined.
pub(super) fn errors_of(answer: &Value) -> String {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(Value::as_str)
                // Vault's multi-error text ("1 error occurred:\n\t* …") on one line.
                .map(|error| error.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "no reason given".into())
}

/// Whether `granted` (a path's capabilities) allows `needed`; a root token may do anything,
/// and an explicit `deny` wins over everything.
pub fn grants(granted: &[String], needed: &str) -> bool {
    !granted.iter().any(|c| c == "deny") && granted.iter().any(|c| c == needed || c == "root")
}

/// Turns a refusal into the error that says what to do.
fn check(vault: &TeamVault, status: u16, answer: &Value, purpose: Purpose<'_>) -> Result<()> {
    let shown = |path: &str| format!("{}/{path}", vault.mount);
    let why = errors_of(answer);
    match (status, purpose) {
        (200..=299, _) => Ok(()),
        // Login paths need no token: a 403 there means no such method is enabled at the mount.
        (403..=405, Purpose::SignIn(method, mount)) => Err(Error::NotConfigured(format!(
            "The team vault “{}” has no {method} sign-in at auth/{mount}/ (HTTP {status}: \
             {why}): check the auth mount (--auth-mount) or ask the vault's admin to enable it.",
            vault.name
        ))),
        (400, Purpose::SignIn(method, _)) => Err(Error::VaultRefused(format!(
            "The team vault “{}” refused the {method} sign-in (HTTP 400: {why}).",
            vault.name
        ))),
        (403, Purpose::LookUpToken | Purpose::Capabilities) => Err(Error::VaultRefused(format!(
            "The team vault “{}” refused the token (HTTP 403: {why}): it is wrong, expired or \
             revoked. Give it a valid token (team login).",
            vault.name
        ))),
        (400 | 403, Purpose::RenewToken) => Err(Error::VaultSignInRequired(format!(
            "The team vault “{name}” would not renew its token (HTTP {status}: {why}): sign in \
             again with `authdeck team login {name}`.",
            name = vault.name
        ))),
        (403, Purpose::Read(path)) => Err(Error::VaultRefused(format!(
            "Your vault policy does not allow reading this secret (path {}; HTTP 403: {why}).",
            shown(path)
        ))),
        (403, Purpose::Write(path)) => Err(Error::VaultRefused(format!(
            "Your vault policy does not allow writing this (path {}; HTTP 403: {why}).",
            shown(path)
        ))),
        (403, Purpose::Destroy(path)) => Err(Error::VaultRefused(format!(
            "Your vault policy does not allow deleting this secret (path {}; HTTP 403: {why}).",
            shown(path)
        ))),
        (404, Purpose::Read(path) | Purpose::Write(path) | Purpose::Destroy(path)) => {
            Err(Error::NotFound(format!(
                "The team vault “{}” holds nothing at {}.",
                vault.name,
                shown(path)
            )))
        }
        (400, Purpose::Write(path)) if why.contains("check-and-set") => Err(Error::Conflict {
            field: "vault".into(),
            message: format!(
                "Someone else changed {} in the team vault since it was read; nothing was \
                     overwritten. Read it again and retry.",
                shown(path)
            ),
        }),
        _ => Err(Error::BadResponse(format!(
            "The team vault “{}” answered HTTP {status}: {why}.",
            vault.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::grants;

    fn granted(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_capability_is_granted_by_name_or_root_and_never_past_a_deny() {
        assert!(grants(&granted(&["create", "read", "update"]), "update"));
        assert!(grants(&granted(&["root"]), "delete"));
        assert!(!grants(&granted(&["create", "read"]), "update"));
        // sudo opens root-protected paths; it grants no delete by itself
        assert!(!grants(&granted(&["sudo"]), "delete"));
        assert!(!grants(&granted(&["deny", "read"]), "read"));
        assert!(!grants(&granted(&[]), "read"));
    }
}
