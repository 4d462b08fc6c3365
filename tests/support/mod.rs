//! The one place integration tests set up real services: a data folder of their own and the
//! real keychain (Secret Service in the private D-Bus session `.ci/with-keychain` starts).
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod authserver;
pub mod authserver_dot;
pub mod browser;
pub mod fixture;
pub mod openbao;
pub mod openbao_cluster;
pub mod team;

use authdeck_core::model::*;
use authdeck_core::vault::{KeychainVault, SecretStore};
use authdeck_core::{Core, SystemClock};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// An HTTP client for the tests' own requests to the test servers, with Authdeck's TLS
/// settings (reqwest is built without a TLS provider of its own).
pub fn http_client() -> reqwest::blocking::ClientBuilder {
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(authdeck_core::http::tls_settings().expect("TLS settings"))
}

/// [`http_client`] trusting only the test CA in the PEM file `ca` (a server behind TLS).
pub fn http_client_trusting(ca: &Path) -> reqwest::blocking::ClientBuilder {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(ca).expect("read the test CA") {
        roots
            .add(certificate.expect("a PEM certificate"))
            .expect("the test CA as a root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::blocking::Client::builder().tls_backend_preconfigured(tls)
}

/// A keychain namespace no other test (or person) uses.
pub fn unique_namespace(test: &str) -> String {
    format!("authdeck-test-{test}-{}", std::process::id())
}

/// A loopback port free a moment ago (for a redirect URI that must name its port).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Fails loudly when the tests were started without a keychain to talk to.
pub fn require_keychain() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "These tests need the real keychain: run them through .ci/with-keychain \
         (a private D-Bus session with gnome-keyring)."
    );
}

/// The product's vault in `namespace`.
pub fn keychain(namespace: &str) -> Arc<KeychainVault> {
    require_keychain();
    Arc::new(KeychainVault::new(namespace))
}

/// Opens the store in `home` with the real keychain.
pub fn open(home: &Path, namespace: &str) -> Core {
    Core::open(home, keychain(namespace), Arc::new(SystemClock)).expect("open the store")
}

/// An environment and a confidential app in it.
pub fn environment_and_app(core: &Core) -> (Environment, ClientApp) {
    let environment = core
        .create_environment(EnvironmentInput {
            name: "Sandbox".into(),
            kind: EnvironmentKind::Sandbox,
            color: "#2f80ed".into(),
            endpoints: Endpoints::default(),
            profile: ProviderProfile::Standard,
            rotation_days: DEFAULT_ROTATION_DAYS,
        })
        .expect("create an environment");
    let app = core
        .create_app(ClientAppInput {
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
            ..ClientAppInput::confidential(
                environment.id.clone(),
                "Billing sync",
                "billing-sbx-123",
            )
        })
        .expect("create an app");
    (environment, app)
}

/// Adds a secret with `value` and `label`.
pub fn add(core: &Core, app: &ClientApp, label: &str, value: &str) -> SecretMeta {
    core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: label.into(),
        value: Secret::new(value),
        provider_created_at: None,
    })
    .expect("add a secret")
    .secret
}

/// What `secret-tool` (libsecret, a program that is not ours) finds for an account.
pub fn secret_tool_lookup(namespace: &str, account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", namespace, "username", account])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed");
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).expect("utf-8"))
}

/// Removes every entry a test left in its namespace.
pub fn clear_namespace(namespace: &str) {
    let vault = keychain(namespace);
    for account in vault.accounts().expect("list the namespace") {
        vault.delete(&account).expect("delete a test entry");
    }
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}
