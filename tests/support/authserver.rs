//! The test authorization server (tests/authserver, oidc-provider on loopback), started for one
//! test and stopped when the handle is dropped: its stdin closes and it exits.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// tests/authserver of this repository, found from whichever package's tests include this
/// file (the root package, or src-tauri/cli).
fn server_dir() -> std::path::PathBuf {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    start
        .ancestors()
        .map(|dir| dir.join("tests/authserver"))
        .find(|dir| dir.join("server.js").is_file())
        .unwrap_or_else(|| panic!("no tests/authserver/server.js above {}", start.display()))
}

/// A throw-away certificate authority and the server certificate for 127.0.0.1 it signed
/// (tests/authserver/test-ca.sh; the CA's private key is gone once it has signed).
pub struct TestCa {
    dir: std::path::PathBuf,
    _made: Option<tempfile::TempDir>,
}

impl TestCa {
    /// Makes one with the openssl command; panics with the reason when it cannot.
    pub fn make() -> Self {
        let made = tempfile::tempdir().expect("a temporary folder");
        let output = Command::new("bash")
            .arg(server_dir().join("test-ca.sh"))
            .arg(made.path())
            .output()
            .expect("run bash");
        assert!(
            output.status.success(),
            "test-ca.sh failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self {
            dir: made.path().to_owned(),
            _made: Some(made),
        }
    }

    /// One test-ca.sh made earlier in `dir` (the benchmark's, made by .ci/bench).
    pub fn at(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            _made: None,
        }
    }

    /// The CA's certificate: what a client must trust.
    pub fn certificate(&self) -> std::path::PathBuf {
        self.dir.join("ca.pem")
    }

    /// A client certificate the CA signed (subject `CN=authdeck-mtls-client`), for mutual TLS.
    pub fn client_certificate(&self) -> std::path::PathBuf {
        self.dir.join("client.pem")
    }

    /// The client certificate's private key (PKCS#8 PEM).
    pub fn client_key(&self) -> std::path::PathBuf {
        self.dir.join("client-key.pem")
    }
}

/// A running test authorization server.
pub struct AuthServer {
    /// `http://127.0.0.1:PORT`, as the server's metadata names itself.
    pub issuer: String,
    /// Behind TLS: the CA the tests' own requests trust.
    ca: Option<std::path::PathBuf>,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl AuthServer {
    /// Starts the server with extra command-line options (`--strict`, `--token-ttl 60` ...).
    /// Panics with the reason when it cannot (Node or its packages missing), never skips.
    pub fn start(options: &[&str]) -> Self {
        Self::spawn(options)
    }

    /// Starts the server behind TLS with `ca`'s certificate for 127.0.0.1; its issuer is
    /// `https://127.0.0.1:PORT`.
    pub fn start_tls(ca: &TestCa, options: &[&str]) -> Self {
        let dir = ca.dir.to_str().expect("a UTF-8 folder");
        let mut server = Self::spawn(&[&["--tls", dir], options].concat());
        server.ca = Some(ca.certificate());
        server
    }

    /// The client for the tests' own requests to this server (trusting its test CA).
    fn client(&self) -> reqwest::blocking::Client {
        match &self.ca {
            Some(ca) => super::http_client_trusting(ca),
            None => super::http_client(),
        }
        .build()
        .unwrap()
    }

    fn spawn(options: &[&str]) -> Self {
        let dir = server_dir();
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test authorization server is not installed: run .ci/install-deps (npm ci in tests/authserver)"
        );
        let mut child = Command::new("node")
            .arg("server.js")
            .args(options)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node (Node.js 20+ must be installed)");
        let stdin = child.stdin.take();
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut ready)
            .expect("read the ready line");
        let line: serde_json::Value = serde_json::from_str(&ready)
            .unwrap_or_else(|_| panic!("the server did not say it was ready: {ready:?}"));
        let issuer = line["issuer"].as_str().expect("an issuer").to_owned();
        Self {
            issuer,
            ca: None,
            child,
            stdin,
        }
    }

    /// The list the server keeps at `/test/<route>` (its records of what requests sent).
    fn records(&self, route: &str) -> Vec<serde_json::Value> {
        let url = format!("{}/test/{route}", self.issuer);
        let list: serde_json::Value = self
            .client()
            .get(url)
            .send()
            .expect("ask the server")
            .json()
            .expect("JSON");
        list.as_array().expect("a list").clone()
    }

    /// What each token request the server received sent (client, auth method, scope ...).
    pub fn token_requests(&self) -> Vec<serde_json::Value> {
        self.records("token-requests")
    }

    /// What each revocation request (RFC 7009) the server received sent: client, auth
    /// method, token type hint, `token_digest` (the first 16 hex digits of the token's SHA-256)
    /// and the answer's status.
    pub fn revocation_requests(&self) -> Vec<serde_json::Value> {
        self.records("revocation-requests")
    }

    /// How each client-authenticated request (token, introspection, revocation, device
    /// authorization) authenticated: `endpoint`, `client_id`, `auth_method`,
    /// `client_secret_sent`, `assertion_type`, the assertion's decoded `header` and `claims`
    /// (`assertion`) and the raw `assertion_jwt`, `status`, `error`, and oidc-provider's
    /// `error_detail` (why a client authentication failed).
    pub fn client_auth_requests(&self) -> Vec<serde_json::Value> {
        self.records("client-auth")
    }

    /// What each pushed authorization request (RFC 9126) the server received carried:
    /// `client_id`, `params` (every parameter but the client's credentials), `dpop` (whether a
    /// DPoP header came), `status`, `error` and the `request_uri` it answered with.
    pub fn par_requests(&self) -> Vec<serde_json::Value> {
        self.records("par-requests")
    }

    /// What each token exchange (RFC 8693) the server received saw: `client_id`,
    /// `subject_client_id`, `subject_scope`, `audience` and `resource` (lists), `scope`,
    /// `actor`, `requested_token_type`, `status` and `error`.
    pub fn exchange_requests(&self) -> Vec<serde_json::Value> {
        self.records("exchange-requests")
    }

    /// Each request to the DPoP resource route: the `nonce` its proof carried (or null) and
    /// the `status` it was answered with.
    pub fn dpop_resource_requests(&self) -> Vec<serde_json::Value> {
        self.records("dpop-resource-requests")
    }

    /// Revokes `token` at the server as `client` (client_secret_basic), behind Authdeck's back.
    pub fn revoke(&self, client: &str, secret: &str, token: &str) {
        let status = self
            .client()
            .post(format!("{}/token/revocation", self.issuer))
            .basic_auth(client, Some(secret))
            .form(&[("token", token), ("token_type_hint", "access_token")])
            .send()
            .expect("revoke at the server")
            .status();
        assert_eq!(status, 200);
    }

    /// Each request to the authorization endpoint as the browser sent it: its parameter
    /// `names`, `client_id` and `request_uri`.
    pub fn authorization_requests(&self) -> Vec<serde_json::Value> {
        self.records("authorization-requests")
    }

    /// Each request for a metadata document (`/.well-known/…`) the server received: its
    /// `path` and the client `certificate` its TLS connection presented (null when none).
    pub fn metadata_requests(&self) -> Vec<serde_json::Value> {
        self.records("metadata-requests")
    }

    /// Registers a client at the server's RFC 7591 endpoint (as a provider's console would)
    /// and returns its registration answer.
    pub fn register_client(&self, metadata: serde_json::Value) -> serde_json::Value {
        let response = self
            .client()
            .post(format!("{}/reg", self.issuer))
            .json(&metadata)
            .send()
            .expect("register a client");
        let status = response.status();
        let answer: serde_json::Value = response.json().expect("JSON");
        assert_eq!(status, 201, "registration refused: {answer}");
        answer
    }

    /// Changes the server's behaviour (`{"token_ttl": 2}`, `{"fault": "html_500"}` ...).
    pub fn configure(&self, config: serde_json::Value) {
        let url = format!("{}/test/config", self.issuer);
        let status = self
            .client()
            .post(url)
            .json(&config)
            .send()
            .expect("configure the server")
            .status();
        assert_eq!(status, 200);
    }

    /// curl making the benchmarks' reference token request (basic-client, `read write`), as
    /// a command to run.
    pub fn curl_token_request(&self) -> Command {
        let mut curl = Command::new("curl");
        curl.args(["-sS", "--fail", "-u", "basic-client:basic-secret"])
            .args([
                "-d",
                "grant_type=client_credentials",
                "-d",
                "scope=read write",
            ])
            .arg(format!("{}/token", self.issuer));
        curl
    }

    /// Stops the server by closing its stdin and returns how it exited.
    pub fn stop(mut self) -> Option<std::process::ExitStatus> {
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        self.stdin.take();
        // stop() may have reaped it already; a server that ignored its stdin is killed.
        if matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(200));
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
