//! The domain: environments, client apps, secrets' metadata, and the inputs that create them.
//!
//! Every type here is plain data. Values that are themselves secrets never appear in these
//! types except `Secret`, which cannot be serialized and whose Debug prints a redaction.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

#[cfg(feature = "ts")]
use ts_rs::TS;

pub use crate::client_cert::{CertSource, ClientCertId, ClientCertInput, ClientCertMeta};
pub use crate::signing_key::{
    KeyAlg, KeyOrigin, KeySource, SigningKeyId, SigningKeyInput, SigningKeyMeta,
};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(TS))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A fresh random identifier.
            pub fn new() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
/// One definition of a random text identifier, for the modules beside this one too.
pub(crate) use id_type;

id_type!(
    /// Identifies an environment.
    EnvironmentId
);
id_type!(
    /// Identifies a client app.
    AppId
);
id_type!(
    /// Identifies one client secret of a client app.
    SecretId
);

id_type!(
    /// Identifies one access token held for an app (its keychain entry is `token:<id>`).
    TokenId
);

/// A point in time; crosses IPC as an RFC 3339 string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(type = "string"))]
#[serde(transparent)]
pub struct Timestamp(#[serde(with = "time::serde::rfc3339")] pub OffsetDateTime);

impl Timestamp {
    /// Seconds since the Unix epoch, as stored in SQLite.
    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The timestamp for a number of seconds since the Unix epoch.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().map(Self)
    }

    /// The time `after` this one; None past what a timestamp can hold, never a wrapped time.
    pub fn after(&self, after: std::time::Duration) -> Option<Self> {
        let after = time::Duration::try_from(after).ok()?;
        self.0.checked_add(after).map(Self)
    }
}

/// What kind of environment this is; production is treated with extra care everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentKind {
    Sandbox,
    Production,
    Other,
}

impl EnvironmentKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
            Self::Other => "other",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sandbox" => Some(Self::Sandbox),
            "production" => Some(Self::Production),
            "other" => Some(Self::Other),
            _ => None,
        }
    }
}

/// Whose rules an environment's provider follows where it departs from the standards (see
/// `authdeck_core::profile`): request shapes, response shapes, endpoint templates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ProviderProfile {
    /// A provider that follows the RFCs (oidc-provider, Doorkeeper, Authlib, most others).
    #[default]
    Standard,
    Entra,
    Auth0,
    Okta,
    Google,
    Keycloak,
    Github,
    Salesforce,
    Slack,
    Proof,
    Propper,
}

/// One value the environment form asks for to fill a profile's endpoint templates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProfileParameter {
    /// The name used in the templates, as `{key}`.
    pub key: String,
    pub label: String,
    pub example: String,
    /// The value when the user gives none.
    pub default: Option<String>,
}

/// A provider profile as the user sees it: what it needs, the endpoints it fills, and each
/// way the provider departs from the standards that Authdeck follows for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProfileDescription {
    pub profile: ProviderProfile,
    pub name: String,
    pub parameters: Vec<ProfileParameter>,
    /// Endpoint templates with `{key}` placeholders; None where the provider has no such
    /// endpoint or discovery finds it.
    pub endpoints: Endpoints,
    /// Whether the provider publishes discovery documents under its issuer.
    pub discovery: bool,
    /// The client authentication the provider expects by default.
    pub auth_method: AuthMethod,
    /// What Authdeck does differently for this provider, in the user's words.
    pub quirks: Vec<String>,
}

/// The endpoints of an environment's authorization server and API; each is optional until a
/// flow needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Endpoints {
    pub issuer_url: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub token_info_url: Option<String>,
    pub introspection_url: Option<String>,
    pub revocation_url: Option<String>,
    pub api_base_url: Option<String>,
    /// RFC 8628's device authorization endpoint, for signing in on another device.
    pub device_authorization_url: Option<String>,
}

/// A set of credentials' home: sandbox, production or another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Environment {
    pub id: EnvironmentId,
    pub name: String,
    pub kind: EnvironmentKind,
    /// A CSS hex colour such as `#2f80ed`.
    pub color: String,
    pub endpoints: Endpoints,
    /// Whose quirks the provider has.
    pub profile: ProviderProfile,
    /// Secrets older than this many days are flagged for rotation.
    pub rotation_days: u32,
    /// How many client apps the environment holds.
    pub app_count: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What the user enters to create or edit an environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EnvironmentInput {
    pub name: String,
    pub kind: EnvironmentKind,
    pub color: String,
    pub endpoints: Endpoints,
    /// Absent in the input of older callers: the standard profile.
    #[serde(default)]
    pub profile: ProviderProfile,
    pub rotation_days: u32,
}

/// The default secret-rotation policy in days.
pub const DEFAULT_ROTATION_DAYS: u32 = 90;

/// Whether a client can keep a secret (RFC 6749 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientType {
    Confidential,
    Public,
}

impl ClientType {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confidential => "confidential",
            Self::Public => "public",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "confidential" => Some(Self::Confidential),
            "public" => Some(Self::Public),
            _ => None,
        }
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A JWT signed (HS256) with the client secret (RFC 7523 §2.2, OpenID Connect Core §9).
    ClientSecretJwt,
    /// A JWT signed with one of the app's private keys, whose public part the provider holds.
    PrivateKeyJwt,
    /// Mutual TLS with a certificate from a CA the provider trusts (RFC 8705 §2.1).
    TlsClientAuth,
    /// Mutual TLS with a self-signed certificate the provider holds (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
    None,
}

impl AuthMethod {
    /// Every method, in the order the app form offers them.
    pub const ALL: [Self; 7] = [
        Self::ClientSecretBasic,
        Self::ClientSecretPost,
        Self::ClientSecretJwt,
        Self::PrivateKeyJwt,
        Self::TlsClientAuth,
        Self::SelfSignedTlsClientAuth,
        Self::None,
    ];

    /// What the method sends, in a few words for the app form.
    pub fn summary(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "the secret by HTTP Basic",
            Self::ClientSecretPost => "the secret in the form body",
            Self::ClientSecretJwt => "a JWT signed with the secret",
            Self::PrivateKeyJwt => "a JWT signed with the app's key",
            Self::TlsClientAuth => "a CA-issued client certificate (`authdeck cert add`)",
            Self::SelfSignedTlsClientAuth => {
                "a self-signed client certificate (`authdeck cert generate`)"
            }
            Self::None => "public client, no secret",
        }
    }

    /// The stored spelling, as in RFC 8414 metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::TlsClientAuth => "tls_client_auth",
            Self::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
            Self::None => "none",
        }
    }

    /// Whether the method authenticates with the client secret (sent, or signing a JWT).
    pub fn uses_secret(self) -> bool {
        matches!(
            self,
            Self::ClientSecretBasic | Self::ClientSecretPost | Self::ClientSecretJwt
        )
    }

    /// Whether the client authenticates by presenting its certificate (RFC 8705): no secret
    /// is sent, only `client_id`.
    pub fn uses_certificate(self) -> bool {
        matches!(self, Self::TlsClientAuth | Self::SelfSignedTlsClientAuth)
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "client_secret_jwt" => Some(Self::ClientSecretJwt),
            "private_key_jwt" => Some(Self::PrivateKeyJwt),
            "tls_client_auth" => Some(Self::TlsClientAuth),
            "self_signed_tls_client_auth" => Some(Self::SelfSignedTlsClientAuth),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// One client authentication method as the app form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuthMethodChoice {
    pub method: AuthMethod,
    /// What it sends, in a few words.
    pub summary: String,
    /// The provider's metadata lists it (or lists nothing, so says nothing against it).
    pub listed: bool,
}

/// The client authentication methods the app form offers in one environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuthMethodChoices {
    /// The metadata's `token_endpoint_auth_methods_supported`, as it lists them; None when the
    /// environment has no issuer, or its metadata cannot be read or lists none.
    pub listed_by_provider: Option<Vec<String>>,
    /// Every method Authdeck has, in order.
    pub methods: Vec<AuthMethodChoice>,
}

/// The redirect URI a new app gets unless the user says otherwise (RFC 8252 §7.3).
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// A client app registered with a provider in one environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ClientApp {
    pub id: AppId,
    pub environment_id: EnvironmentId,
    pub display_name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub auth_method: AuthMethod,
    pub description: String,
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    pub logout_urls: Vec<String>,
    pub web_origins: Vec<String>,
    pub default_scopes: Vec<String>,
    pub labels: Vec<String>,
    /// The same integration in other environments shares this name ("Billing sync").
    pub link: Option<String>,
    /// Sent as `audience` with token requests (Auth0 and others want it).
    pub audience: Option<String>,
    /// Sent as `resource` with token requests (RFC 8707 resource indicators).
    pub resource: Option<String>,
    /// Renew this app's client-credentials token before it expires.
    pub auto_renew: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ClientApp {
    /// The app as its form holds it, to edit and save back.
    pub fn input(&self) -> ClientAppInput {
        ClientAppInput {
            environment_id: self.environment_id.clone(),
            display_name: self.display_name.clone(),
            client_id: self.client_id.clone(),
            client_type: self.client_type,
            auth_method: self.auth_method,
            description: self.description.clone(),
            logo_uri: self.logo_uri.clone(),
            redirect_uris: self.redirect_uris.clone(),
            logout_urls: self.logout_urls.clone(),
            web_origins: self.web_origins.clone(),
            default_scopes: self.default_scopes.clone(),
            labels: self.labels.clone(),
            link: self.link.clone(),
            audience: self.audience.clone(),
            resource: self.resource.clone(),
        }
    }
}

/// What the user enters to create or edit a client app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ClientAppInput {
    pub environment_id: EnvironmentId,
    pub display_name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub auth_method: AuthMethod,
    pub description: String,
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    pub logout_urls: Vec<String>,
    pub web_origins: Vec<String>,
    pub default_scopes: Vec<String>,
    pub labels: Vec<String>,
    pub link: Option<String>,
    /// Sent as `audience` with token requests; absent means none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub audience: Option<String>,
    /// Sent as `resource` with token requests (RFC 8707); absent means none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub resource: Option<String>,
}

impl ClientAppInput {
    /// A confidential app that authenticates with `client_secret_basic` and has every other
    /// field empty (no description, logo, redirect URIs, scopes, labels, link, audience or
    /// resource): the start an input that differs in a few fields is written from, with
    /// `ClientAppInput { … ..ClientAppInput::confidential(…) }`.
    pub fn confidential(
        environment_id: EnvironmentId,
        display_name: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        Self {
            environment_id,
            display_name: display_name.into(),
            client_id: client_id.into(),
            client_type: ClientType::Confidential,
            auth_method: AuthMethod::ClientSecretBasic,
            description: String::new(),
            logo_uri: None,
            redirect_uris: vec![],
            logout_urls: vec![],
            web_origins: vec![],
            default_scopes: vec![],
            labels: vec![],
            link: None,
            audience: None,
            resource: None,
        }
    }
}

/// One row of the app list: enough to filter, sort and badge without loading details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppSummary {
    pub id: AppId,
    pub environment_id: EnvironmentId,
    pub display_name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub labels: Vec<String>,
    pub link: Option<String>,
    pub active_secrets: u32,
    /// True when an active secret is older than the environment's rotation policy.
    pub rotation_due: bool,
    /// Whether the app authenticates with a client secret (a confidential app with a
    /// `client_secret_*` method): one with a signing key or a certificate needs none.
    pub uses_secret: bool,
}

/// An app of the same link in another environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LinkedApp {
    pub app_id: AppId,
    pub environment_id: EnvironmentId,
    pub environment_name: String,
    pub environment_kind: EnvironmentKind,
    pub display_name: String,
}

/// Whether a secret is in use or kept only until the new one is proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SecretState {
    Active,
    Retired,
}

impl SecretState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Retired => "retired",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// What is known of a client secret; the value itself lives only in the keychain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecretMeta {
    pub id: SecretId,
    pub app_id: AppId,
    pub label: String,
    /// When the provider created it, if the user knows.
    pub provider_created_at: Option<Timestamp>,
    /// When it was added to Authdeck.
    pub added_at: Timestamp,
    /// The last four characters of the value; empty when it is too short to show any of it.
    pub fingerprint: String,
    /// When "Verify" last made a token request with this secret.
    pub last_verified_at: Option<Timestamp>,
    /// Whether that request got a token.
    pub last_verify_ok: Option<bool>,
    /// What the provider said when it did not.
    pub last_verify_message: Option<String>,
    /// When a token was last minted with it.
    pub last_used_at: Option<Timestamp>,
    pub state: SecretState,
    /// Whole days since the provider created it (or since it was added here).
    pub age_days: u32,
    /// True when an active secret is older than the environment's rotation policy.
    pub rotation_due: bool,
}

/// What the user enters to store a new secret.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecretInput {
    pub app_id: AppId,
    pub label: String,
    pub value: Secret,
    pub provider_created_at: Option<Timestamp>,
}

/// The outcome of storing a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecretAdded {
    pub secret: SecretMeta,
    /// True when surrounding whitespace was removed from the pasted value.
    pub trimmed: bool,
}

/// What deleting an app did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppDeleted {
    pub keychain_entries_removed: u32,
}

/// What deleting an environment did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EnvironmentDeleted {
    pub apps_removed: u32,
    pub keychain_entries_removed: u32,
}

/// User preferences kept in the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Settings {
    pub active_environment_id: Option<EnvironmentId>,
    /// Seconds after which a copied secret is cleared from the clipboard.
    pub clipboard_clear_seconds: u32,
    /// Seconds a revealed secret stays visible.
    pub reveal_seconds: u32,
    /// Which desktop notifications the app raises (all on when a caller leaves them out).
    #[serde(default)]
    pub notifications: NotificationSettings,
    /// Closing the desktop app's window keeps it running in the system tray (where the desktop
    /// shows one); on when a caller leaves it out.
    #[serde(default = "on")]
    pub keep_in_tray: bool,
}

fn on() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            active_environment_id: None,
            clipboard_clear_seconds: 30,
            reveal_seconds: 10,
            notifications: NotificationSettings::default(),
            keep_in_tray: true,
        }
    }
}

/// The desktop notifications, each kind on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NotificationSettings {
    /// A sign-in needs the user: its refresh token was refused, or expires within a day.
    pub sign_in_needed: bool,
    /// Automatic renewal failed (the provider down, a bad answer).
    pub renewal_failed: bool,
    /// A secret is older than its environment's rotation policy.
    pub rotation_due: bool,
    /// A browser sign-in finished while the window was hidden or in the background.
    pub sign_in_completed: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            sign_in_needed: true,
            renewal_failed: true,
            rotation_due: true,
            sign_in_completed: true,
        }
    }
}

/// How a token was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    ClientCredentials,
    /// A browser login (authorization code with PKCE), or a refresh of one.
    AuthorizationCode,
    /// A device login (RFC 8628), or a refresh of one.
    DeviceCode,
    /// An exchange of another token (RFC 8693); never renewed by itself.
    TokenExchange,
}

impl TokenSource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientCredentials => "client_credentials",
            Self::AuthorizationCode => "authorization_code",
            Self::DeviceCode => "device_code",
            Self::TokenExchange => "token_exchange",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "client_credentials" => Some(Self::ClientCredentials),
            "authorization_code" => Some(Self::AuthorizationCode),
            "device_code" => Some(Self::DeviceCode),
            "token_exchange" => Some(Self::TokenExchange),
            _ => None,
        }
    }
}

/// What is known of an app's access token; the value lives only in the keychain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TokenMeta {
    pub id: TokenId,
    pub app_id: AppId,
    pub source: TokenSource,
    /// As the provider named it (`Bearer`, `DPoP` ...).
    pub token_type: String,
    /// The response's `created_at` when it sent one, else when the response arrived.
    pub issued_at: Timestamp,
    /// None when the provider did not say (`expires_in` absent).
    pub expires_at: Option<Timestamp>,
    pub requested_scopes: Vec<String>,
    /// The response's `scope`; None when it sent none (RFC 6749 §5.1: then as requested).
    pub granted_scopes: Option<Vec<String>>,
    /// True when the value has the shape of a JWT (three base64url parts, JSON header).
    pub is_jwt: bool,
    /// The client secret it was minted with.
    pub secret_id: Option<SecretId>,
    /// When Authdeck revoked it at the provider.
    pub revoked_at: Option<Timestamp>,
    /// The last four characters of the value; empty when it is too short to show any of it.
    pub fingerprint: String,
    /// Why the last automatic renewal failed; automatic renewal waits until a manual one.
    pub renew_error: Option<String>,
    /// The keychain holds a refresh token for it.
    pub has_refresh_token: bool,
    /// When the refresh token ends, when the provider said.
    pub refresh_expires_at: Option<Timestamp>,
    /// The keychain holds an OpenID Connect ID token for it (validated when it arrived).
    pub has_id_token: bool,
    /// When the provider refused the sign-in's refresh token (`invalid_grant`): the sign-in has
    /// ended, its access token most likely with it, so the value is no longer handed out.
    pub sign_in_ended_at: Option<Timestamp>,
    /// The API base the provider named for this token (Salesforce's `instance_url`): shown in
    /// the token panel and where "Try it" sends requests.
    pub api_base_url: Option<String>,
    /// The `issued_token_type` of an exchanged token (RFC 8693 §2.2.1); None for other sources.
    pub issued_token_type: Option<String>,
}

/// What a token panel shows first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Valid,
    ExpiringSoon,
    Expired,
    Revoked,
    /// The provider ended the sign-in (its refresh token refused): sign in again.
    SignInEnded,
    None,
}

/// One app's token as the panels show it, computed from stored metadata and the clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TokenStatus {
    pub app_id: AppId,
    pub app_name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub state: TokenState,
    pub token: Option<TokenMeta>,
    /// Seconds until expiry at `computed_at` (negative once expired).
    pub seconds_left: Option<i64>,
    pub computed_at: Timestamp,
    /// Requested but not granted.
    pub scopes_missing: Vec<String>,
    /// Granted but not requested.
    pub scopes_added: Vec<String>,
    pub auto_renew: bool,
    /// An import changed an endpoint of the app's environment that secrets or tokens are sent
    /// to: automatic renewal waits until a token is got by hand.
    pub renewal_paused: bool,
    /// A token within this many seconds of expiry is "expiring soon" and is renewed.
    pub renew_window_seconds: u32,
}

/// One field of a JSON object the provider sent (claims, introspection), for display; the
/// window sends the shown ones back to ask whose certificate a token is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Field {
    pub name: String,
    /// The JSON value as text (strings without quotes).
    pub value: String,
    /// A reading of it for people: times in UTC for `exp`, `iat`, `nbf` ...
    pub note: Option<String>,
}

/// A JWT access token's header and claims, decoded but NOT verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct JwtView {
    pub header: Vec<Field>,
    pub claims: Vec<Field>,
}

/// What the UI shows beyond the status: the decoded JWT, when it is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TokenDetails {
    pub status: TokenStatus,
    pub jwt: Option<JwtView>,
    /// The ID token's claims, validated (signature, iss, aud, exp, nonce) when it arrived.
    pub id_claims: Option<Vec<Field>>,
}

/// What the user asks of a browser or device login.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LoginInput {
    /// None: the app's default scopes.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub scopes: Option<Vec<String>>,
    /// How long to wait for the browser; None: five minutes.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub timeout_seconds: Option<u32>,
}

/// A browser login under way: what the UI shows while the user signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LoginStarted {
    /// Names this attempt (for cancelling it and for its outcome event).
    pub login_id: String,
    pub app_id: AppId,
    /// The authorization URL, for the system browser or for copying.
    pub url: String,
    /// The redirect URI the provider sends the browser back to.
    pub redirect_uri: String,
    /// The loopback port the listener waits on.
    pub port: u16,
    /// When the listener gives up.
    pub expires_at: Timestamp,
}

/// A device login under way (RFC 8628): what the user types on the other device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DeviceLoginStarted {
    pub login_id: String,
    pub app_id: AppId,
    pub user_code: String,
    pub verification_uri: String,
    /// The URI with the code filled in, when the provider gives one (what the QR code holds).
    pub verification_uri_complete: Option<String>,
    /// An SVG QR code of the complete URI (or the plain one).
    pub qr_svg: String,
    /// Seconds between polls, as the provider asked.
    pub interval_seconds: u64,
    /// When the user code stops working.
    pub expires_at: Timestamp,
}

/// How a login ended, for the `login-finished` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    SignedIn,
    Cancelled,
    Failed,
}

/// The provider's answer to introspection (RFC 7662).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Introspection {
    /// True only when the provider sent the JSON boolean `true`.
    pub active: bool,
    pub fields: Vec<Field>,
    pub checked_at: Timestamp,
}

/// The provider's answer at a Doorkeeper-style token-info endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TokenInfo {
    pub resource_owner_id: Option<String>,
    pub scopes: Vec<String>,
    pub expires_in_seconds: Option<i64>,
    pub application_uid: Option<String>,
    pub created_at: Option<Timestamp>,
    /// Everything it sent, for display.
    pub fields: Vec<Field>,
    pub checked_at: Timestamp,
}

/// What the user asks for when getting a token by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TokenRequestInput {
    /// Scopes for this request; None means the app's default scopes.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub scopes: Option<Vec<String>>,
}

/// What discovery found at an issuer (RFC 8414 / OpenID Connect Discovery).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Discovery {
    /// The metadata documents it read and used, OpenID Connect's first.
    pub metadata_urls: Vec<String>,
    pub issuer: String,
    /// The endpoints they name, ready to fill an environment form (the API base URL is kept).
    pub endpoints: Endpoints,
    /// Which document named each endpoint found.
    pub sources: Vec<EndpointSource>,
    pub scopes_supported: Vec<String>,
    pub grant_types_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub device_authorization_endpoint: Option<String>,
    pub registration_endpoint: Option<String>,
    /// Where the issuer publishes its signing keys (ID token validation).
    pub jwks_uri: Option<String>,
    /// RFC 9207: the server names itself (`iss`) on every authorization response.
    pub iss_parameter_supported: bool,
    /// RFC 9126's `pushed_authorization_request_endpoint`: where authorization requests are
    /// pushed (the browser login reads it; the environment form shows it).
    pub par_endpoint: Option<String>,
    /// RFC 9126 §5's `require_pushed_authorization_requests`: the server takes authorization
    /// requests only pushed.
    pub par_required: bool,
    /// RFC 8705 §5: the endpoints to use instead when the client authenticates by mutual TLS
    /// (token, introspection, revocation, device authorization, PAR), by metadata name.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub mtls_endpoint_aliases: std::collections::BTreeMap<String, String>,
    /// RFC 9449 §5.1: the JWS algorithms the server takes DPoP proofs signed with (empty when
    /// the metadata does not say).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub dpop_signing_alg_values_supported: Vec<String>,
}

/// The metadata document an endpoint was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EndpointSource {
    /// As the forms name it: `token_url`, `introspection_url` ...
    pub field: String,
    pub metadata_url: String,
}

/// One HTTP header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A request to the environment's API with the app's token ("Try it").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ApiRequest {
    pub app_id: AppId,
    pub method: String,
    /// Relative to the environment's API base URL (`/v1/things?x=1`).
    pub path: String,
    pub headers: Vec<Header>,
    pub body: String,
}

/// The API's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ApiResponse {
    pub url: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<Header>,
    /// Pretty-printed when it is JSON; lossy UTF-8 otherwise.
    pub body: String,
    pub is_json: bool,
    pub elapsed_ms: u64,
}

/// How an environment's apps are managed at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ConnectorKind {
    /// RFC 7591 / RFC 7592 dynamic client registration and management.
    Registration,
    /// A REST "OAuth apps" API: `{base}/v1/oauthApps`.
    OauthApps,
}

impl ConnectorKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::OauthApps => "oauth_apps",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "registration" => Some(Self::Registration),
            "oauth_apps" => Some(Self::OauthApps),
            _ => None,
        }
    }
}

/// An environment's provider connector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Connector {
    pub environment_id: EnvironmentId,
    pub kind: ConnectorKind,
    /// The registration endpoint, or the REST API's base URL.
    pub base_url: String,
    /// The app whose client-credentials token authenticates the API (optional for
    /// registration: an initial access token, when the provider wants one).
    pub auth_app_id: Option<AppId>,
}

/// An app's fields as a provider's management API holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemoteFields {
    pub display_name: String,
    pub description: String,
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    pub logout_urls: Vec<String>,
    pub web_origins: Vec<String>,
    /// `key=value` (or `key` for an empty value).
    pub labels: Vec<String>,
}

/// An app at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemoteApp {
    /// `oauthApps/{id}`, or the registration client URI.
    pub remote_id: String,
    pub client_id: String,
    pub fields: RemoteFields,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    /// The local app linked to it, if any.
    pub local_app_id: Option<AppId>,
}

/// Where an app is known at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemoteLink {
    pub app_id: AppId,
    pub kind: ConnectorKind,
    pub remote_id: String,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub synced_at: Timestamp,
}

/// One field that differs between the local app and the provider's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FieldDrift {
    /// The field as the app form names it (`display_name`, `redirect_uris` ...).
    pub field: String,
    pub local: String,
    pub remote: String,
}

/// A remote app just created: the local app linked to it, and the secret the provider showed
/// once, already in the keychain (offered for copying by its id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemoteCreated {
    pub app: ClientApp,
    pub remote: RemoteApp,
    pub secret: Option<SecretMeta>,
}

/// What deleting at the provider did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemoteDeleted {
    /// Whether Authdeck revoked the token it held for the app first.
    pub token_revoked: bool,
    pub app_deleted: AppDeleted,
}

/// A secret value: a client secret, or later a token. Its Debug prints a redaction and it
/// cannot be serialized, so it cannot leak through logs, panics or IPC responses by accident;
/// its memory is wiped when it is dropped.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(type = "string"))]
#[serde(transparent)]
pub struct Secret(String);

/// A value shorter than this shows no fingerprint: its last four characters would give away
/// too much of it (all of a 4-character secret, half of an 8-character one).
pub const FINGERPRINT_MIN_CHARS: usize = 16;

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the few places that must hand it on (keychain, clipboard, network).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, as shown to tell values apart; empty for a value shorter
    /// than [`FINGERPRINT_MIN_CHARS`].
    pub fn fingerprint(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < FINGERPRINT_MIN_CHARS {
            return String::new();
        }
        chars[chars.len() - 4..].iter().collect()
    }
}

impl Drop for Secret {
    // Whatever holds a value (the agent for minutes, any process for a moment) leaves no copy
    // of it in freed memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretInput")
            .field("app_id", &self.app_id)
            .field("label", &self.label)
            .field("value", &self.value)
            .field("provider_created_at", &self.provider_created_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("s3cr3t-value");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let input = SecretInput {
            app_id: AppId("a".into()),
            label: "main".into(),
            value: secret,
            provider_created_at: None,
        };
        assert!(!format!("{input:?}").contains("s3cr3t"));
    }

    #[test]
    fn fingerprint_is_the_last_four_characters_of_a_long_value_and_nothing_of_a_short_one() {
        assert_eq!(Secret::new("0123456789abcdefgh").fingerprint(), "efgh");
        assert_eq!(Secret::new("0123456789abcdef").fingerprint(), "cdef");
        assert_eq!(Secret::new("0123456789abcdé€ß✓").fingerprint(), "é€ß✓");
        // 15 characters or fewer: the end would reveal a quarter of the value or more
        assert_eq!(Secret::new("0123456789abcde").fingerprint(), "");
        assert_eq!(Secret::new("abcdefgh").fingerprint(), "");
        assert_eq!(Secret::new("ab").fingerprint(), "");
        assert_eq!(Secret::new("").fingerprint(), "");
    }
}
