//! What the mutual-TLS tests share (RFC 8705): the test authorization server behind TLS, asking
//! every client for a certificate and recording the one it saw, a home whose "Local" points at
//! it, and the CLI run trusting only the test CA.

use super::support::authserver::TestCa;
use super::{Home, Run, Server};
use serde_json::{Value, json};
use std::process::Command;

/// A provider behind TLS and a home with "Local" pointing at it.
pub struct Setup {
    pub ca: TestCa,
    pub server: Server,
    pub home: Home,
    /// An empty folder: the only roots trusted are the test CA's.
    no_roots: tempfile::TempDir,
}

impl Setup {
    pub fn new(test: &str) -> Self {
        let ca = TestCa::make();
        let server = Server::start_tls(&ca, &[]);
        let home = Home::new(test);
        let setup = Self {
            ca,
            server,
            home,
            no_roots: tempfile::tempdir().unwrap(),
        };
        setup.home.local_environment(&setup.server);
        setup
    }

    /// The CLI trusting the test CA, as a command to start.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.home.command(args);
        command
            .env("SSL_CERT_FILE", self.ca.certificate())
            .env("SSL_CERT_DIR", self.no_roots.path());
        command
    }

    /// Runs the CLI trusting the test CA.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run authdeck"))
    }

    /// Adds the app "Mtls" for `client_id` authenticating with `method`.
    pub fn app(&self, client_id: &str, method: &str) {
        self.app_with(client_id, method, &["--scope", "read"]);
    }

    /// Adds "Mtls" for `client_id` authenticating with `method`, with more `app add` flags.
    pub fn app_with(&self, client_id: &str, method: &str, flags: &[&str]) {
        let mut args = vec![
            "app",
            "add",
            "Mtls",
            "--env",
            "Local",
            "--client-id",
            client_id,
            "--auth-method",
            method,
        ];
        args.extend_from_slice(flags);
        self.run(&args).ok();
    }

    /// Registers a client-credentials client with these extra metadata.
    pub fn register(&self, metadata: Value) -> String {
        let mut full = json!({
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "scope": "read",
            "tls_client_certificate_bound_access_tokens": true,
        });
        full.as_object_mut()
            .unwrap()
            .extend(metadata.as_object().unwrap().clone());
        let registered = self.server.register_client(full);
        registered["client_id"].as_str().unwrap().to_owned()
    }

    /// The app's only certificate's x5t#S256, as `cert list` gives it.
    pub fn thumbprint(&self) -> String {
        let list = self.run(&["cert", "list", "Mtls", "--json"]).json();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        list[0]["x5t_s256"].as_str().unwrap().to_owned()
    }
}

/// The client certificate the CA signed and its key, imported for "Mtls"; its x5t#S256.
pub fn import_ca_signed(setup: &Setup) -> String {
    let added = import_ca_signed_output(setup);
    assert!(
        added.contains("(CN=authdeck-mtls-client, valid until "),
        "{added}"
    );
    setup.thumbprint()
}

/// Checks a recorded client-authenticated request: `endpoint`, answered 200, authenticated by
/// `method` with the certificate `x5t` and no secret.
pub fn assert_mtls(record: &Value, endpoint: &str, method: &str, x5t: &str) {
    assert_eq!(record["endpoint"], endpoint, "{record}");
    assert_eq!(record["status"], 200, "{record}");
    assert_eq!(record["auth_method"], method, "{record}");
    assert_eq!(record["client_secret_sent"], false, "{record}");
    assert_eq!(record["assertion"], Value::Null, "{record}");
    assert_eq!(record["certificate"]["x5t_s256"], x5t, "{record}");
}

/// What `cert add` printed for the CA-signed certificate.
pub fn import_ca_signed_output(setup: &Setup) -> String {
    let cert = setup.ca.client_certificate();
    let key = setup.ca.client_key();
    setup
        .run(&[
            "cert",
            "add",
            "Mtls",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
        .ok()
        .to_owned()
}
