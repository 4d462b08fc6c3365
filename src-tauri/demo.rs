//! Demo mode (`authdeck-desktop --demo`): starts the test authorization server on loopback and opens
//! the app on a fresh "Demo (local)" sandbox with ready apps, in a data folder and keychain
//! namespace of its own, so a newcomer gets a real token in the first minute without touching
//! their own data.

use authdeck_core::model::*;
use authdeck_core::vault::{KeychainVault, SecretStore};
use authdeck_core::{Core, DATABASE_FILE, SystemClock};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

/// The keychain namespace of demo mode; nothing else uses it.
pub const DEMO_NAMESPACE: &str = "authdeck-demo";

/// Where the server script is: `AUTHDECK_DEMO_SERVER`, else tests/authserver of this checkout.
fn server_dir() -> PathBuf {
    std::env::var_os("AUTHDECK_DEMO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/authserver"))
}

/// The running demo server. It exits when its stdin closes, which happens when this process
/// ends for any reason, so it never outlives the app.
pub struct DemoServer {
    pub issuer: String,
    _child: Child,
}

/// Starts the server; the error says what to run when it cannot.
pub fn start_server() -> Result<DemoServer, String> {
    let dir = server_dir();
    if !dir.join("node_modules/oidc-provider").is_dir() {
        return Err(format!(
            "Demo mode needs the local test authorization server, which is not installed in {}. \
             Run `bash .ci/launch --demo` from the repository (it installs it).",
            dir.display()
        ));
    }
    let mut child = Command::new("node")
        .arg("server.js")
        .args(["--token-ttl", "600"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("Demo mode could not start Node.js ({e}); install Node.js 20 or later.")
        })?;
    let mut ready = String::new();
    let stdout = child.stdout.take().ok_or("the demo server has no stdout")?;
    BufReader::new(stdout)
        .read_line(&mut ready)
        .map_err(|e| format!("The demo server did not start: {e}"))?;
    let line: serde_json::Value = serde_json::from_str(&ready)
        .map_err(|_| format!("The demo server did not start (it said {ready:?})."))?;
    let issuer = line["issuer"]
        .as_str()
        .ok_or("The demo server did not name its issuer.")?
        .to_owned();
    Ok(DemoServer {
        issuer,
        _child: child,
    })
}

/// Empties the demo's data folder and keychain namespace and fills them with a ready
/// environment for `issuer`.
pub fn prepare(home: &Path, issuer: &str) -> authdeck_core::Result<Core> {
    for suffix in ["", "-wal", "-shm"] {
        let file = home.join(format!("{DATABASE_FILE}{suffix}"));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|e| {
                authdeck_core::Error::Store(format!("Could not reset {}: {e}", file.display()))
            })?;
        }
    }
    let vault = Arc::new(KeychainVault::new(DEMO_NAMESPACE));
    for account in vault.accounts()? {
        vault.delete(&account)?;
    }
    let core = Core::open(home, vault, Arc::new(SystemClock))?;
    let environment = core.create_environment(EnvironmentInput {
        name: "Demo (local)".into(),
        kind: EnvironmentKind::Sandbox,
        color: "#27ae60".into(),
        endpoints: Endpoints {
            issuer_url: Some(issuer.to_owned()),
            authorization_url: Some(format!("{issuer}/auth")),
            token_url: Some(format!("{issuer}/token")),
            token_info_url: Some(format!("{issuer}/oauth/token/info")),
            introspection_url: Some(format!("{issuer}/token/introspection")),
            revocation_url: Some(format!("{issuer}/token/revocation")),
            api_base_url: Some(issuer.to_owned()),
            device_authorization_url: Some(format!("{issuer}/device/auth")),
        },
        profile: ProviderProfile::Standard,
        rotation_days: DEFAULT_ROTATION_DAYS,
    })?;
    let apps = [
        (
            "Demo service",
            "basic-client",
            AuthMethod::ClientSecretBasic,
            "basic-secret",
            "Client credentials with HTTP Basic; opaque tokens",
        ),
        (
            "Demo service (post)",
            "post-client",
            AuthMethod::ClientSecretPost,
            "post-secret",
            "Client credentials with the secret in the form body",
        ),
        (
            "Demo JWT API",
            "jwt-client",
            AuthMethod::ClientSecretBasic,
            "jwt-secret",
            "Issues JWT access tokens: see their decoded claims",
        ),
    ];
    for (name, client_id, method, secret, description) in apps {
        let app = core.create_app(ClientAppInput {
            auth_method: method,
            description: description.into(),
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
            default_scopes: vec!["read".into(), "write".into()],
            labels: vec!["demo".into()],
            ..ClientAppInput::confidential(environment.id.clone(), name, client_id)
        })?;
        core.add_secret(SecretInput {
            app_id: app.id,
            label: "Demo secret".into(),
            value: Secret::new(secret),
            provider_created_at: None,
        })?;
    }
    // An app allowed to manage apps through the server's REST "OAuth apps" API, and the
    // environment's connector using it.
    let admin = core.create_app(ClientAppInput {
        description: "May create and delete apps at the provider (Provider in the top bar)".into(),
        default_scopes: vec!["read".into()],
        labels: vec!["demo".into()],
        ..ClientAppInput::confidential(environment.id.clone(), "Demo admin", "admin-client")
    })?;
    core.add_secret(SecretInput {
        app_id: admin.id.clone(),
        label: "Demo secret".into(),
        value: Secret::new("admin-secret"),
        provider_created_at: None,
    })?;
    core.set_connector(
        &environment.id,
        Some(Connector {
            environment_id: environment.id.clone(),
            kind: ConnectorKind::OauthApps,
            base_url: issuer.to_owned(),
            auth_app_id: Some(admin.id),
        }),
    )?;
    // A public client that signs in as a user (log in as any name, any password).
    core.create_app(ClientAppInput {
        client_type: ClientType::Public,
        auth_method: AuthMethod::None,
        description: "A public client: sign in with the browser or another device".into(),
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        default_scopes: ["openid", "profile", "offline_access", "read"]
            .map(String::from)
            .to_vec(),
        labels: vec!["demo".into()],
        ..ClientAppInput::confidential(environment.id.clone(), "Demo sign-in", "native-client")
    })?;
    Ok(core)
}
