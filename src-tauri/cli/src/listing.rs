//! `status`, `envs`, `apps` and `use`: what the store holds, for people and (`--json`) scripts.

use crate::cli::ListArgs;
use crate::failure::Failure;
use crate::output::{self, table};
use crate::resolve;
use authdeck_core::Core;
use authdeck_core::client_cert::TokenCertBinding;
use authdeck_core::model::*;
use serde::Serialize;

#[derive(Serialize)]
struct EnvironmentRef<'a> {
    id: &'a EnvironmentId,
    name: &'a str,
    kind: EnvironmentKind,
}

/// One app's token in `status --json`.
#[derive(Serialize)]
struct AppTokenJson<'a> {
    app_id: &'a AppId,
    name: &'a str,
    client_id: &'a str,
    client_type: ClientType,
    state: TokenState,
    seconds_left: Option<i64>,
    expires_at: Option<Timestamp>,
    issued_at: Option<Timestamp>,
    token_type: Option<&'a str>,
    /// A DPoP token's binding: the thumbprint of the app's proof key (RFC 9449 `cnf.jkt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    dpop_jkt: Option<String>,
    /// The token's client-certificate binding (RFC 8705 §3), for an app holding certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    cert_binding: Option<CertBindingJson>,
    /// Browser logins push their authorization requests (RFC 9126) though the provider's
    /// metadata does not require it.
    par: bool,
    requested_scopes: Option<&'a [String]>,
    granted_scopes: Option<&'a [String]>,
    scopes_missing: &'a [String],
    auto_renew: bool,
    renew_error: Option<&'a str>,
    /// How the token was obtained: client_credentials, authorization_code, device_code,
    /// token_exchange.
    source: Option<TokenSource>,
    /// A refresh token is held (a sign-in's token): `token` refreshes instead of signing in.
    has_refresh_token: bool,
    refresh_expires_at: Option<Timestamp>,
    /// An ID token (validated when it arrived) is held.
    has_id_token: bool,
    /// When Authdeck revoked the token at the provider.
    revoked_at: Option<Timestamp>,
    /// When the provider ended the sign-in (refused its refresh token).
    sign_in_ended_at: Option<Timestamp>,
    /// The API base the provider named for this token (Salesforce's instance_url).
    api_base_url: Option<&'a str>,
}

/// A token's certificate binding in `status --json`, from the token's own claims (no network).
#[derive(Serialize)]
struct CertBindingJson {
    /// `bound` (a JWT with `cnf.x5t#S256`), `not_bound` (a JWT without), or `not_in_view` (an
    /// opaque token: `authdeck introspect` asks the provider).
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    x5t_s256: Option<String>,
    /// Whether it is the certificate the app presents now (its newest active, unexpired one).
    #[serde(skip_serializing_if = "Option::is_none")]
    matches_active_certificate: Option<bool>,
    /// The label of the app's certificate with that thumbprint (None: none of the app's).
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<String>,
}

impl CertBindingJson {
    fn of(binding: &TokenCertBinding) -> Self {
        let (state, bound) = match binding {
            TokenCertBinding::Bound(bound) => ("bound", Some(bound)),
            TokenCertBinding::NotBound => ("not_bound", None),
            TokenCertBinding::NotInView => ("not_in_view", None),
        };
        Self {
            state,
            x5t_s256: bound.map(|b| b.x5t_s256.clone()),
            matches_active_certificate: bound.map(|b| b.presented_now),
            certificate: bound.and_then(|b| b.certificate.as_ref().map(|c| c.label.clone())),
        }
    }
}

/// The CERTIFICATE cell: what the token is bound to, as `introspect` says it in words.
fn cert_word(binding: Option<&TokenCertBinding>) -> String {
    match binding {
        None => "-".to_owned(),
        Some(TokenCertBinding::NotBound) => "not bound".to_owned(),
        Some(TokenCertBinding::NotInView) => "opaque: see introspect".to_owned(),
        Some(TokenCertBinding::Bound(bound)) => {
            let short: String = bound.x5t_s256.chars().take(8).collect();
            match (&bound.certificate, bound.presented_now) {
                (Some(cert), true) => format!("{short}… “{}”, presented", cert.label),
                (Some(cert), false) => format!("{short}… “{}”, NOT presented", cert.label),
                (None, _) => format!("{short}… none of the app's"),
            }
        }
    }
}

#[derive(Serialize)]
struct StatusJson<'a> {
    environment: EnvironmentRef<'a>,
    apps: AppsJson<'a>,
}

/// The `apps` of `status --json`, each made as it is written: 10,000 apps' entries are not
/// gathered in a list first (megabytes of memory touched once).
struct AppsJson<'a> {
    statuses: &'a [(TokenStatus, bool)],
    dpop_jkts: &'a std::collections::HashMap<AppId, String>,
    bindings: &'a std::collections::HashMap<AppId, TokenCertBinding>,
}

impl Serialize for AppsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.statuses.iter().map(|(s, par)| {
            let token = s.token.as_ref();
            AppTokenJson {
                dpop_jkt: self.dpop_jkts.get(&s.app_id).cloned(),
                cert_binding: self.bindings.get(&s.app_id).map(CertBindingJson::of),
                par: *par,
                app_id: &s.app_id,
                name: &s.app_name,
                client_id: &s.client_id,
                client_type: s.client_type,
                state: s.state,
                seconds_left: s.seconds_left,
                expires_at: token.and_then(|t| t.expires_at),
                issued_at: token.map(|t| t.issued_at),
                token_type: token.map(|t| t.token_type.as_str()),
                requested_scopes: token.map(|t| t.requested_scopes.as_slice()),
                granted_scopes: token.and_then(|t| t.granted_scopes.as_deref()),
                scopes_missing: &s.scopes_missing,
                auto_renew: s.auto_renew,
                renew_error: token.and_then(|t| t.renew_error.as_deref()),
                source: token.map(|t| t.source),
                has_refresh_token: token.is_some_and(|t| t.has_refresh_token),
                refresh_expires_at: token.and_then(|t| t.refresh_expires_at),
                has_id_token: token.is_some_and(|t| t.has_id_token),
                revoked_at: token.and_then(|t| t.revoked_at),
                sign_in_ended_at: token.and_then(|t| t.sign_in_ended_at),
                api_base_url: token.and_then(|t| t.api_base_url.as_deref()),
            }
        }))
    }
}

pub fn state_word(state: TokenState) -> &'static str {
    match state {
        TokenState::Valid => "valid",
        TokenState::ExpiringSoon => "expiring soon",
        TokenState::Expired => "expired",
        TokenState::Revoked => "revoked",
        TokenState::SignInEnded => "sign-in ended",
        TokenState::None => "none",
    }
}

/// The REFRESH cell: whether a sign-in's refresh token is held, and for how long.
fn refresh_word(token: Option<&TokenMeta>, now: i64) -> String {
    match token {
        Some(t) if t.has_refresh_token => match &t.refresh_expires_at {
            Some(at) => format!("held ({})", output::time_left(Some(at.unix() - now))),
            None => "held".to_owned(),
        },
        // A sign-in without one (never sent, or retired): the next token needs a sign-in.
        Some(t) if t.source != TokenSource::ClientCredentials => "none".to_owned(),
        _ => "-".to_owned(),
    }
}

fn kind_word(kind: EnvironmentKind) -> &'static str {
    kind.as_str()
}

/// `authdeck status`: the apps of an environment with token state and time left.
pub fn status(core: &Core, args: &ListArgs) -> Result<u8, Failure> {
    let environment = resolve::environment(core, args.env.as_deref())?;
    // read only for apps holding client certificates: none in most environments
    let bindings: std::collections::HashMap<AppId, TokenCertBinding> = core
        .token_cert_bindings(&environment.id)?
        .into_iter()
        .collect();
    if args.json {
        let statuses = core.token_statuses_with_par(&environment.id)?;
        // asked only for DPoP tokens: a status of thousands of apps stays one query
        let mut dpop_jkts = std::collections::HashMap::new();
        for (s, _) in &statuses {
            if s.token.as_ref().is_some_and(|t| t.token_type == "DPoP")
                && let Some(jkt) = core.dpop_binding(&s.app_id)?.jkt
            {
                dpop_jkts.insert(s.app_id.clone(), jkt);
            }
        }
        return output::print_json(&StatusJson {
            environment: EnvironmentRef {
                id: &environment.id,
                name: &environment.name,
                kind: environment.kind,
            },
            apps: AppsJson {
                statuses: &statuses,
                dpop_jkts: &dpop_jkts,
                bindings: &bindings,
            },
        })
        .map(|()| 0);
    }
    let statuses = core.token_statuses(&environment.id)?;
    // The REFRESH column appears once a token of the list came from a sign-in.
    let signed_in = statuses.iter().any(|s| {
        s.token
            .as_ref()
            .is_some_and(|t| t.source != TokenSource::ClientCredentials)
    });
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|s| {
            // A revoked token, or an ended sign-in's, has no time left whatever its expiry.
            let left = match s.state {
                TokenState::None | TokenState::Revoked | TokenState::SignInEnded => "-".to_owned(),
                _ => output::time_left(s.seconds_left),
            };
            let mut row = vec![
                s.app_name.clone(),
                s.client_id.clone(),
                state_word(s.state).to_owned(),
                left,
            ];
            if signed_in {
                row.push(refresh_word(s.token.as_ref(), now));
            }
            if !bindings.is_empty() {
                row.push(cert_word(bindings.get(&s.app_id)));
            }
            row
        })
        .collect();
    let mut text = format!("{} ({})\n", environment.name, kind_word(environment.kind));
    let mut headers = vec!["APP", "CLIENT ID", "TOKEN", "TIME LEFT"];
    if signed_in {
        headers.push("REFRESH");
    }
    // The CERTIFICATE column appears once an app of the list holds a certificate and a token.
    if !bindings.is_empty() {
        headers.push("CERTIFICATE");
    }
    if rows.is_empty() {
        text.push_str("No apps yet.\n");
    } else {
        text.push_str(&table(&headers, &rows));
    }
    output::print(&text).map(|()| 0)
}

#[derive(Serialize)]
struct EnvironmentJson<'a> {
    #[serde(flatten)]
    environment: &'a Environment,
    active: bool,
}

/// `authdeck profiles`: each profile's name for `--profile`, the values its templates need
/// (`--set KEY=VALUE`), and what Authdeck does differently for it.
pub fn profiles(json: bool) -> Result<u8, Failure> {
    let all = authdeck_core::profile::profiles();
    if json {
        return output::print_json(&all).map(|()| 0);
    }
    let mut text = String::new();
    for profile in &all {
        text.push_str(&format!("{}  {}\n", profile.profile.as_str(), profile.name));
        for parameter in &profile.parameters {
            let default = parameter
                .default
                .as_deref()
                .map(|value| format!(", default {value}"))
                .unwrap_or_default();
            text.push_str(&format!(
                "  --set {}=…  {} (such as {}{default})\n",
                parameter.key, parameter.label, parameter.example
            ));
        }
        for quirk in &profile.quirks {
            text.push_str(&format!("  - {quirk}\n"));
        }
    }
    output::print(&text).map(|()| 0)
}

/// `authdeck envs`.
pub fn envs(core: &Core, json: bool) -> Result<u8, Failure> {
    let all = core.environments()?;
    let active = core.settings()?.active_environment_id;
    if json {
        let list: Vec<EnvironmentJson> = all
            .iter()
            .map(|environment| EnvironmentJson {
                environment,
                active: Some(&environment.id) == active.as_ref(),
            })
            .collect();
        return output::print_json(&list).map(|()| 0);
    }
    if all.is_empty() {
        return output::print("No environments yet.\n").map(|()| 0);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|e| {
            vec![
                if Some(&e.id) == active.as_ref() {
                    "*".into()
                } else {
                    String::new()
                },
                e.name.clone(),
                kind_word(e.kind).to_owned(),
                e.app_count.to_string(),
                e.endpoints.token_url.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    output::print(&table(&["", "NAME", "KIND", "APPS", "TOKEN URL"], &rows)).map(|()| 0)
}

/// `authdeck apps`.
pub fn apps(core: &Core, args: &ListArgs) -> Result<u8, Failure> {
    let environment = resolve::environment(core, args.env.as_deref())?;
    if core.is_team_environment(&environment.id)? {
        // what other members changed in the vault's set-up shows here too
        crate::tokens::block_on(core.follow_team_setup(&environment.id, None))??;
    }
    let apps = core.apps(&environment.id)?;
    if args.json {
        return output::print_json(&apps).map(|()| 0);
    }
    let rows: Vec<Vec<String>> = apps
        .iter()
        .map(|a| {
            vec![
                a.display_name.clone(),
                a.client_id.clone(),
                a.client_type.as_str().to_owned(),
                a.active_secrets.to_string(),
                a.link.clone().unwrap_or_else(|| "-".into()),
                if a.rotation_due { "rotate" } else { "" }.to_owned(),
            ]
        })
        .collect();
    let mut text = format!("{} ({})\n", environment.name, kind_word(environment.kind));
    if rows.is_empty() {
        text.push_str("No apps yet.\n");
    } else {
        text.push_str(&table(
            &["APP", "CLIENT ID", "TYPE", "SECRETS", "LINK", ""],
            &rows,
        ));
    }
    output::print(&text).map(|()| 0)
}

/// `authdeck use ENV`.
pub fn use_environment(core: &Core, name: &str) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(name))?;
    core.set_active_environment(&environment.id)?;
    output::print(&format!(
        "Active environment: {} ({})\n",
        environment.name,
        kind_word(environment.kind)
    ))
    .map(|()| 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(source: TokenSource, refresh: bool, refresh_ends: Option<i64>) -> TokenMeta {
        TokenMeta {
            id: TokenId::new(),
            app_id: AppId::new(),
            source,
            token_type: "Bearer".into(),
            issued_at: Timestamp::from_unix(1_000).unwrap(),
            expires_at: Timestamp::from_unix(4_600),
            requested_scopes: vec![],
            granted_scopes: None,
            is_jwt: false,
            secret_id: None,
            revoked_at: None,
            fingerprint: "abcd".into(),
            renew_error: None,
            has_refresh_token: refresh,
            refresh_expires_at: refresh_ends.and_then(Timestamp::from_unix),
            has_id_token: false,
            sign_in_ended_at: None,
            api_base_url: None,
            issued_token_type: None,
        }
    }

    #[test]
    fn the_refresh_cell_says_held_for_how_long_none_or_nothing() {
        let now = 1_000;
        let signed_in = TokenSource::AuthorizationCode;
        assert_eq!(
            refresh_word(Some(&token(signed_in, true, Some(now + 90_000))), now),
            "held (1d 01h)"
        );
        assert_eq!(
            refresh_word(Some(&token(TokenSource::DeviceCode, true, None)), now),
            "held"
        );
        // a sign-in whose refresh token was refused or never sent
        assert_eq!(
            refresh_word(Some(&token(signed_in, false, None)), now),
            "none"
        );
        assert_eq!(
            refresh_word(
                Some(&token(TokenSource::ClientCredentials, false, None)),
                now
            ),
            "-"
        );
        assert_eq!(refresh_word(None, now), "-");
    }
}
