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
        serializer.collect_seq(self.entries())
    }
}

impl AppsJson<'_> {
    /// Each app's entry, made as it is asked for.
    fn entries(&self) -> impl Iterator<Item = AppTokenJson<'_>> {
        self.statuses.iter().map(|(s, par)| {
            entry(
                s,
                *par,
                self.dpop_jkts.get(&s.app_id).map(String::as_str),
                self.bindings,
            )
        })
    }
}

/// An app's entry in `status --json`: its status, whether it pushes its authorization requests
/// (PAR), its DPoP token's key thumbprint, and its token's certificate binding if it has one.
fn entry<'a>(
    s: &'a TokenStatus,
    par: bool,
    dpop_jkt: Option<&str>,
    bindings: &std::collections::HashMap<AppId, TokenCertBinding>,
) -> AppTokenJson<'a> {
    let token = s.token.as_ref();
    AppTokenJson {
        dpop_jkt: dpop_jkt.map(str::to_owned),
        cert_binding: if bindings.is_empty() {
            None
        } else {
            bindings.get(&s.app_id).map(CertBindingJson::of)
        },
        par,
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
}

/// What hands `status --json` each app's status, PAR choice and DPoP key thumbprint in turn
/// (`Core::each_token_status`, or a list in the tests).
type EachStatus<'e> = &'e mut dyn FnMut(&TokenStatus, bool, Option<&str>) -> Result<(), Failure>;

/// `status --json` on one line (for a program), each app's entry written as `read` hands it
/// over: the bytes `StatusJson` serializes to, without 10,000 statuses gathered first.
fn status_line<W: std::io::Write>(
    out: W,
    environment: &EnvironmentRef,
    bindings: &std::collections::HashMap<AppId, TokenCertBinding>,
    read: impl FnOnce(EachStatus<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut open = br#"{"environment":"#.to_vec();
    sonic_rs::to_writer(&mut open, environment).map_err(output::unwritable)?;
    open.extend_from_slice(br#","apps":["#);
    let mut list = output::JsonList::start(out, &open);
    read(&mut |status, par, dpop_jkt| {
        let entry = entry(status, par, dpop_jkt, bindings);
        list.item(|json| entry.write_line(json))
    })?;
    list.end(b"]}")
}

/// One value of an entry written on one line, as serde serializes it (sonic-rs for text, whose
/// escaping is serde_json's).
fn value(json: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) -> sonic_rs::Result<()> {
    sonic_rs::to_writer(json, value)
}

/// An optional value, `null` when absent.
fn optional(json: &mut Vec<u8>, option: Option<impl Serialize>) -> sonic_rs::Result<()> {
    match option {
        Some(present) => value(json, &present),
        None => {
            json.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// `true` or `false`.
fn boolean(json: &mut Vec<u8>, yes: bool) {
    json.extend_from_slice(if yes { b"true" } else { b"false" });
}

impl AppTokenJson<'_> {
    /// This entry on one line, byte for byte what serializing it writes, with each field's name
    /// written as it is (none needs escaping) instead of through the serializer: for 10,000
    /// apps that was 270,000 names escaped one by one, 26 M of `status --json`'s instructions.
    /// `status_on_one_line_is_the_whole_status_serialized` holds it to the derived `Serialize`.
    fn write_line(&self, json: &mut Vec<u8>) -> sonic_rs::Result<()> {
        json.extend_from_slice(br#"{"app_id":"#);
        value(json, self.app_id)?;
        json.extend_from_slice(br#","name":"#);
        value(json, self.name)?;
        json.extend_from_slice(br#","client_id":"#);
        value(json, self.client_id)?;
        json.extend_from_slice(br#","client_type":"#);
        value(json, &self.client_type)?;
        json.extend_from_slice(br#","state":"#);
        value(json, &self.state)?;
        json.extend_from_slice(br#","seconds_left":"#);
        optional(json, self.seconds_left)?;
        json.extend_from_slice(br#","expires_at":"#);
        optional(json, self.expires_at.as_ref())?;
        json.extend_from_slice(br#","issued_at":"#);
        optional(json, self.issued_at.as_ref())?;
        json.extend_from_slice(br#","token_type":"#);
        optional(json, self.token_type)?;
        if let Some(jkt) = &self.dpop_jkt {
            json.extend_from_slice(br#","dpop_jkt":"#);
            value(json, jkt)?;
        }
        if let Some(binding) = &self.cert_binding {
            json.extend_from_slice(br#","cert_binding":"#);
            value(json, binding)?;
        }
        json.extend_from_slice(br#","par":"#);
        boolean(json, self.par);
        json.extend_from_slice(br#","requested_scopes":"#);
        optional(json, self.requested_scopes)?;
        json.extend_from_slice(br#","granted_scopes":"#);
        optional(json, self.granted_scopes)?;
        json.extend_from_slice(br#","scopes_missing":"#);
        value(json, &self.scopes_missing)?;
        json.extend_from_slice(br#","auto_renew":"#);
        boolean(json, self.auto_renew);
        json.extend_from_slice(br#","renew_error":"#);
        optional(json, self.renew_error)?;
        json.extend_from_slice(br#","source":"#);
        optional(json, self.source)?;
        json.extend_from_slice(br#","has_refresh_token":"#);
        boolean(json, self.has_refresh_token);
        json.extend_from_slice(br#","refresh_expires_at":"#);
        optional(json, self.refresh_expires_at.as_ref())?;
        json.extend_from_slice(br#","has_id_token":"#);
        boolean(json, self.has_id_token);
        json.extend_from_slice(br#","revoked_at":"#);
        optional(json, self.revoked_at.as_ref())?;
        json.extend_from_slice(br#","sign_in_ended_at":"#);
        optional(json, self.sign_in_ended_at.as_ref())?;
        json.extend_from_slice(br#","api_base_url":"#);
        optional(json, self.api_base_url)?;
        json.push(b'}');
        Ok(())
    }
}

/// An app of `apps --json` on one line, byte for byte what serializing the `AppSummary` writes,
/// with the field names written as they are (see `AppTokenJson::write_line`);
/// `apps_on_one_line_are_the_whole_list_serialized` holds it to the derived `Serialize`.
fn write_app_line(app: &AppSummary, json: &mut Vec<u8>) -> sonic_rs::Result<()> {
    json.extend_from_slice(br#"{"id":"#);
    value(json, &app.id)?;
    json.extend_from_slice(br#","environment_id":"#);
    value(json, &app.environment_id)?;
    json.extend_from_slice(br#","display_name":"#);
    value(json, &app.display_name)?;
    json.extend_from_slice(br#","client_id":"#);
    value(json, &app.client_id)?;
    json.extend_from_slice(br#","client_type":"#);
    value(json, &app.client_type)?;
    json.extend_from_slice(br#","labels":"#);
    value(json, &app.labels)?;
    json.extend_from_slice(br#","link":"#);
    optional(json, app.link.as_ref())?;
    json.extend_from_slice(br#","active_secrets":"#);
    value(json, &app.active_secrets)?;
    json.extend_from_slice(br#","rotation_due":"#);
    boolean(json, app.rotation_due);
    json.extend_from_slice(br#","uses_secret":"#);
    boolean(json, app.uses_secret);
    json.push(b'}');
    Ok(())
}

/// `apps --json` on one line (for a program), app by app: the bytes the list serializes to.
fn apps_line<W: std::io::Write>(out: W, apps: &[AppSummary]) -> Result<(), Failure> {
    let mut list = output::JsonList::start(out, b"[");
    for app in apps {
        list.item(|json| write_app_line(app, json))?;
    }
    list.end(b"]")
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
    // it reads every app of the environment, and writes nothing
    core.read_store_mapped()?;
    // read only for apps holding client certificates: none in most environments
    let bindings: std::collections::HashMap<AppId, TokenCertBinding> = core
        .token_cert_bindings(&environment.id)?
        .into_iter()
        .collect();
    if args.json && !output::json_indented() {
        let json_environment = EnvironmentRef {
            id: &environment.id,
            name: &environment.name,
            kind: environment.kind,
        };
        let out = output::standard_output()?;
        return status_line(out, &json_environment, &bindings, |each| {
            core.each_token_status(&environment.id, each)
        })
        .map(|()| 0);
    }
    if args.json {
        // indented, for a person
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
        let environment = EnvironmentRef {
            id: &environment.id,
            name: &environment.name,
            kind: environment.kind,
        };
        let apps = AppsJson {
            statuses: &statuses,
            dpop_jkts: &dpop_jkts,
            bindings: &bindings,
        };
        return output::print_json(&StatusJson { environment, apps }).map(|()| 0);
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
    // the rest reads every app of the environment, and writes nothing
    core.read_store_mapped()?;
    let apps = core.apps(&environment.id)?;
    if args.json {
        if output::json_indented() {
            return output::print_json(&apps).map(|()| 0);
        }
        return apps_line(output::standard_output()?, &apps).map(|()| 0);
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

    /// Text that JSON escapes, that drives a terminal, and that is neither.
    const HOSTILE: [&str; 6] = [
        "quote \" back \\ slash",
        "ctl \u{1}\u{1b}[31m tab\tnl\n",
        "bidi \u{202e}\u{2066} c1 \u{85}\u{9b} del \u{7f}",
        "Café 日本語 ✓ “q” £\u{a0} 😀",
        "-starts-dash",
        "",
    ];

    fn status_of(i: usize, token: Option<TokenMeta>) -> (TokenStatus, bool) {
        let status = authdeck_core::status::token_status(
            authdeck_core::status::AppFacts {
                id: AppId::new(),
                name: format!("{} {i}", HOSTILE[i % HOSTILE.len()]),
                client_id: HOSTILE[(i + 1) % HOSTILE.len()].to_owned(),
                client_type: if i.is_multiple_of(2) {
                    ClientType::Confidential
                } else {
                    ClientType::Public
                },
                auto_renew: i.is_multiple_of(3),
                renewal_paused: false,
            },
            token,
            Timestamp::from_unix(2_000).unwrap(),
        );
        (status, i.is_multiple_of(4))
    }

    #[test]
    fn status_on_one_line_is_the_whole_status_serialized() {
        let mut full = token(TokenSource::AuthorizationCode, true, Some(9_000));
        full.token_type = "DPoP".into();
        full.requested_scopes = vec!["read".into(), HOSTILE[1].into()];
        full.granted_scopes = Some(vec!["read".into(), "extra".into()]);
        full.renew_error = Some(HOSTILE[2].into());
        full.api_base_url = Some(HOSTILE[3].into());
        full.revoked_at = Timestamp::from_unix(1_500);
        full.sign_in_ended_at = Timestamp::from_unix(1_600);
        full.has_id_token = true;
        let mut statuses = vec![status_of(0, Some(full)), status_of(1, None)];
        statuses.extend((2..3000).map(|i| status_of(i, None)));
        statuses.push(status_of(
            3000,
            Some(token(TokenSource::ClientCredentials, false, None)),
        ));
        let dpop_jkts = [(statuses[0].0.app_id.clone(), HOSTILE[0].to_owned())].into();
        let bindings = [
            (statuses[0].0.app_id.clone(), TokenCertBinding::NotBound),
            (statuses[1].0.app_id.clone(), TokenCertBinding::NotInView),
        ]
        .into();
        let id = EnvironmentId::new();
        for (name, statuses) in [(HOSTILE[2], &statuses[..]), ("none", &[][..])] {
            let environment = EnvironmentRef {
                id: &id,
                name,
                kind: EnvironmentKind::Production,
            };
            let apps = AppsJson {
                statuses,
                dpop_jkts: &dpop_jkts,
                bindings: &bindings,
            };
            let whole = output::terminal_json(&StatusJson { environment, apps }, false).unwrap();
            let environment = EnvironmentRef {
                id: &id,
                name,
                kind: EnvironmentKind::Production,
            };
            let mut line = Vec::new();
            status_line(&mut line, &environment, &bindings, |each| {
                for (status, par) in statuses {
                    each(
                        status,
                        *par,
                        dpop_jkts.get(&status.app_id).map(String::as_str),
                    )?;
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(line.pop(), Some(b'\n'));
            assert_eq!(
                String::from_utf8(line).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn apps_on_one_line_are_the_whole_list_serialized() {
        let apps: Vec<AppSummary> = (0..3000)
            .map(|i| AppSummary {
                id: AppId::new(),
                environment_id: EnvironmentId::new(),
                display_name: format!("{} {i}", HOSTILE[i % HOSTILE.len()]),
                client_id: HOSTILE[(i + 2) % HOSTILE.len()].to_owned(),
                client_type: ClientType::Confidential,
                labels: HOSTILE[..i % 4].iter().map(|l| (*l).to_owned()).collect(),
                link: i
                    .is_multiple_of(5)
                    .then(|| HOSTILE[(i + 3) % HOSTILE.len()].to_owned()),
                active_secrets: (i % 3) as u32,
                rotation_due: i.is_multiple_of(7),
                uses_secret: i.is_multiple_of(2),
            })
            .collect();
        for apps in [&apps[..], &apps[..1], &[][..]] {
            let whole = output::terminal_json(&apps, false).unwrap();
            let mut line = Vec::new();
            apps_line(&mut line, apps).unwrap();
            assert_eq!(line.pop(), Some(b'\n'));
            assert_eq!(
                String::from_utf8(line).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }
}
