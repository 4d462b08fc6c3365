//! A data folder, the real keychain and the real test authorization server with one
//! environment pointing at it: what the token and login tests start from.

use super::authserver::AuthServer;
use authdeck_core::http::HttpLimits;
use authdeck_core::model::*;
use authdeck_core::{Clock, Core, Fetch, SystemClock};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system clock plus an offset the test moves.
#[derive(Default)]
pub struct MovableClock(pub AtomicI64);

impl Clock for MovableClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(SystemClock.now().unix() + self.0.load(Ordering::SeqCst)).unwrap()
    }
}

pub struct Fixture {
    pub server: AuthServer,
    pub home: tempfile::TempDir,
    pub namespace: String,
    pub clock: Arc<MovableClock>,
    pub core: Arc<Core>,
    pub environment: Environment,
}

impl Fixture {
    pub fn new(test: &str, options: &[&str]) -> Self {
        Self::with_limits(test, options, HttpLimits::default())
    }

    pub fn with_limits(test: &str, options: &[&str], limits: HttpLimits) -> Self {
        Self::on(AuthServer::start(options), test, limits)
    }

    /// The server behind TLS with `ca`'s certificate (the process must trust `ca`: core reads
    /// the platform's roots, SSL_CERT_FILE on Linux).
    pub fn behind_tls(test: &str, ca: &super::authserver::TestCa) -> Self {
        Self::on(AuthServer::start_tls(ca, &[]), test, HttpLimits::default())
    }

    fn on(server: AuthServer, test: &str, limits: HttpLimits) -> Self {
        let home = tempfile::tempdir().unwrap();
        let namespace = super::unique_namespace(test);
        let clock = Arc::new(MovableClock::default());
        let mut core = Core::open(home.path(), super::keychain(&namespace), clock.clone()).unwrap();
        core.set_http_limits(limits).unwrap();
        let issuer = server.issuer.clone();
        let environment = core
            .create_environment(EnvironmentInput {
                name: "Local".into(),
                kind: EnvironmentKind::Sandbox,
                color: "#2f80ed".into(),
                endpoints: Endpoints {
                    issuer_url: Some(issuer.clone()),
                    authorization_url: Some(format!("{issuer}/auth")),
                    token_url: Some(format!("{issuer}/token")),
                    token_info_url: Some(format!("{issuer}/oauth/token/info")),
                    introspection_url: Some(format!("{issuer}/token/introspection")),
                    revocation_url: Some(format!("{issuer}/token/revocation")),
                    api_base_url: Some(issuer.clone()),
                    device_authorization_url: Some(format!("{issuer}/device/auth")),
                },
                profile: ProviderProfile::Standard,
                rotation_days: DEFAULT_ROTATION_DAYS,
            })
            .unwrap();
        Self {
            server,
            home,
            namespace,
            clock,
            core: Arc::new(core),
            environment,
        }
    }

    /// A confidential app for one of the server's clients, with its secret stored.
    pub fn app(
        &self,
        client_id: &str,
        method: AuthMethod,
        secret: &str,
        scopes: &[&str],
    ) -> ClientApp {
        self.app_with(client_id, Some((method, secret)), &[], scopes)
    }

    /// A public app (no secret) that signs in on `http://127.0.0.1/callback`.
    pub fn public_app(&self, client_id: &str, scopes: &[&str]) -> ClientApp {
        self.app_with(client_id, None, &[DEFAULT_REDIRECT_URI], scopes)
    }

    /// An app with these redirect URIs; confidential (its secret stored) when `secret` is given.
    pub fn app_with(
        &self,
        client_id: &str,
        secret: Option<(AuthMethod, &str)>,
        redirect_uris: &[&str],
        scopes: &[&str],
    ) -> ClientApp {
        let app = self
            .core
            .create_app(ClientAppInput {
                client_type: if secret.is_some() {
                    ClientType::Confidential
                } else {
                    ClientType::Public
                },
                auth_method: secret.map_or(AuthMethod::None, |(method, _)| method),
                redirect_uris: redirect_uris.iter().map(|u| u.to_string()).collect(),
                default_scopes: scopes.iter().map(|s| s.to_string()).collect(),
                ..ClientAppInput::confidential(
                    self.environment.id.clone(),
                    format!("App {client_id}"),
                    client_id,
                )
            })
            .unwrap();
        if let Some((_, secret)) = secret {
            super::add(&self.core, &app, "main", secret);
        }
        app
    }

    pub fn basic_app(&self) -> ClientApp {
        self.app(
            "basic-client",
            AuthMethod::ClientSecretBasic,
            "basic-secret",
            &["read", "write"],
        )
    }

    pub async fn new_token(&self, app: &ClientApp) -> authdeck_core::Result<TokenStatus> {
        self.core
            .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
            .await
    }

    /// What each token request the server received sent. The helper's blocking HTTP client
    /// may not run on a runtime thread as is: block_in_place hands the thread over.
    pub fn requests(&self) -> Vec<Value> {
        tokio::task::block_in_place(|| self.server.token_requests())
    }

    /// How each client-authenticated request the server received authenticated.
    pub fn client_auth(&self) -> Vec<Value> {
        tokio::task::block_in_place(|| self.server.client_auth_requests())
    }

    /// What each token exchange the server received saw.
    pub fn exchanges(&self) -> Vec<Value> {
        tokio::task::block_in_place(|| self.server.exchange_requests())
    }

    pub fn configure(&self, config: Value) {
        tokio::task::block_in_place(|| self.server.configure(config));
    }

    /// Runs a device login of `app` to its end (polling every second), approved in the
    /// browser `pending_for` after it starts, so the first polls find it pending.
    pub async fn device_login_approved_after(
        &self,
        app: &AppId,
        pending_for: std::time::Duration,
    ) -> Option<TokenStatus> {
        self.configure(serde_json::json!({ "device_interval": 1 }));
        let login = self
            .core
            .start_device_login(app, authdeck_core::LoginOptions::default())
            .await
            .unwrap();
        let complete = login.started.verification_uri_complete.clone().unwrap();
        let core = self.core.clone();
        let finishing = tokio::spawn(async move {
            core.finish_device_login(login, std::future::pending())
                .await
        });
        tokio::time::sleep(pending_for).await;
        tokio::task::spawn_blocking(move || super::browser::approve_device(&complete))
            .await
            .unwrap();
        finishing.await.unwrap().unwrap()
    }

    /// Every keychain account in the test's namespace.
    pub fn accounts(&self) -> Vec<String> {
        let (_, held) = self.core.consistency().unwrap();
        held
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        super::clear_namespace(&self.namespace);
    }
}

impl Fixture {
    /// Gives the environment the test server's RFC 7591 registration endpoint as its connector.
    pub fn connect_registration(&self) {
        self.core
            .set_connector(
                &self.environment.id,
                Some(Connector {
                    environment_id: self.environment.id.clone(),
                    kind: ConnectorKind::Registration,
                    base_url: format!("{}/reg", self.server.issuer),
                    auth_app_id: None,
                }),
            )
            .unwrap();
    }

    /// Signs `app` in through the stand-in browser (alice on the server's own pages) and
    /// returns what was stored: an access token and, with `offline_access`, a refresh token.
    pub async fn sign_in(&self, app: &ClientApp) -> authdeck_core::Result<TokenStatus> {
        let login = self
            .core
            .start_login(&app.id, authdeck_core::LoginOptions::default())
            .await?;
        let url = login.started.url.clone();
        let finishing = {
            let core = self.core.clone();
            tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
        };
        let (status, last) = tokio::task::spawn_blocking(move || super::browser::sign_in(&url))
            .await
            .expect("the stand-in browser ran");
        assert_eq!(
            status, 200,
            "the browser ends on the listener's page ({last})"
        );
        finishing
            .await
            .expect("the login task ran")
            .map(|done| done.expect("not cancelled"))
    }
}
