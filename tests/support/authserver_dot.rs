//! The second test authorization server (tests/authserver-dot: django-oauth-toolkit on
//! loopback, an implementation independent of oidc-provider), started for one test and stopped
//! when the handle is dropped: its stdin closes and it exits.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// tests/authserver-dot of this repository, found from whichever package's tests include this
/// file (the root package, or src-tauri/cli).
fn server_dir() -> PathBuf {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    start
        .ancestors()
        .map(|dir| dir.join("tests/authserver-dot"))
        .find(|dir| dir.join("server.py").is_file())
        .unwrap_or_else(|| {
            panic!(
                "no tests/authserver-dot/server.py above {}",
                start.display()
            )
        })
}

/// Where .ci/install-deps put django-oauth-toolkit and its pinned packages.
fn packages_dir() -> PathBuf {
    let tools = std::env::var_os("AUTHDECK_TOOLS").map_or_else(
        || {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/authdeck-tools")
        },
        PathBuf::from,
    );
    tools.join("dot")
}

/// A client the server created at start.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Client {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
}

/// The clients the server creates at start, their IDs made by its own generator unless said.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Clients {
    /// Confidential, client credentials; the tests authenticate it with HTTP Basic.
    pub basic: Client,
    /// Confidential, client credentials, a secret full of characters forms and Basic escape;
    /// the tests authenticate it in the body.
    pub post: Client,
    /// Confidential, client credentials, an ID starting with `-` on purpose.
    pub dash: Client,
    /// Public, authorization code with PKCE, redirect `http://127.0.0.1/callback` on any port.
    pub public: Client,
}

#[derive(serde::Deserialize)]
struct Ready {
    issuer: String,
    clients: Clients,
}

/// A running django-oauth-toolkit server.
pub struct DotServer {
    /// `http://127.0.0.1:PORT/o`: DOT mounted under `/o/`, as its documentation does.
    pub issuer: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    pub clients: Clients,
    child: Child,
    stdin: Option<ChildStdin>,
    _data: tempfile::TempDir,
}

impl DotServer {
    /// Starts the server with alice's password `password`. Panics with the reason when it
    /// cannot (Python or the installed packages missing), never skips.
    pub fn start(password: &str) -> Self {
        let packages = packages_dir();
        assert!(
            packages.join("oauth2_provider").is_dir(),
            "django-oauth-toolkit, the second test authorization server, is not installed in {}: \
             run .ci/install-deps",
            packages.display()
        );
        let data = tempfile::tempdir().expect("a temporary folder for the server's database");
        let errors = data.path().join("stderr");
        // -I: nothing from the user's site packages or PYTHON* variables; -B: no .pyc files in
        // the repository (the installed packages were compiled when installed).
        let mut child = Command::new("python3")
            .args(["-I", "-B", "server.py", "--packages"])
            .arg(&packages)
            .arg("--data")
            .arg(data.path())
            .args(["--password", password])
            .current_dir(server_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&errors).expect("a file for the server's errors"))
            .spawn()
            .expect("start python3 (Python 3.10+ must be installed)");
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read the ready line");
        let Ok(ready) = serde_json::from_str::<Ready>(&line) else {
            let _ = child.wait();
            let why = std::fs::read_to_string(&errors).unwrap_or_default();
            panic!("django-oauth-toolkit did not start: {line:?}\n{why}");
        };
        let origin = ready
            .issuer
            .strip_suffix("/o")
            .expect("the issuer ends in /o")
            .to_owned();
        Self {
            issuer: ready.issuer,
            origin,
            clients: ready.clients,
            child,
            stdin,
            _data: data,
        }
    }

    /// What each token request the server received sent: grant, auth method, scope, status.
    pub fn token_requests(&self) -> Vec<serde_json::Value> {
        let url = format!("{}/test/token-requests", self.origin);
        let list: serde_json::Value = super::http_client()
            .build()
            .expect("an HTTP client")
            .get(url)
            .send()
            .expect("ask the server")
            .json()
            .expect("JSON");
        list.as_array().expect("a list").clone()
    }
}

impl Drop for DotServer {
    fn drop(&mut self) {
        self.stdin.take();
        for _ in 0..50 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
