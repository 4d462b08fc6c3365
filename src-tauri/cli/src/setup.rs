//! `env add / edit / rm` and `app add / edit / rm`: the desktop app's forms as flags, with
//! core's validation and messages.

use crate::cli::{
    AppAddArgs, AppEditArgs, AppFields, ConflictArgs, EndpointArgs, EnvAddArgs, EnvEditArgs, Kind,
    Method,
};
use crate::failure::Failure;
use crate::output::{self, say};
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::model::*;
use authdeck_core::team::merge::{Choices, Side};
use authdeck_core::{AppSwitches, Core, ErrorCode};

fn kind(kind: Kind) -> EnvironmentKind {
    match kind {
        Kind::Sandbox => EnvironmentKind::Sandbox,
        Kind::Production => EnvironmentKind::Production,
        Kind::Other => EnvironmentKind::Other,
    }
}

/// The colour the desktop app's form starts with for a kind.
fn kind_color(kind: EnvironmentKind) -> &'static str {
    match kind {
        EnvironmentKind::Sandbox => "#2f80ed",
        EnvironmentKind::Production => "#d64545",
        EnvironmentKind::Other => "#8e44ad",
    }
}

fn method(method: Method) -> AuthMethod {
    match method {
        Method::ClientSecretBasic => AuthMethod::ClientSecretBasic,
        Method::ClientSecretPost => AuthMethod::ClientSecretPost,
        Method::ClientSecretJwt => AuthMethod::ClientSecretJwt,
        Method::PrivateKeyJwt => AuthMethod::PrivateKeyJwt,
        Method::TlsClientAuth => AuthMethod::TlsClientAuth,
        Method::SelfSignedTlsClientAuth => AuthMethod::SelfSignedTlsClientAuth,
        Method::None => AuthMethod::None,
    }
}

/// The endpoints a profile's templates give with the `--set KEY=VALUE` values.
fn templated(profile: ProviderProfile, values: &[String]) -> Result<Endpoints, Failure> {
    let values = values
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(key, value)| (key.trim().to_owned(), value.to_owned()))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "--set takes KEY=VALUE, such as --set tenant=contoso.onmicrosoft.com; \
                         got “{pair}”."
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let description = authdeck_core::profile::profiles()
        .into_iter()
        .find(|description| description.profile == profile);
    let parameters = description.map(|d| d.parameters).unwrap_or_default();
    if let Some(missing) = parameters.iter().find(|parameter| {
        parameter.default.is_none() && !values.iter().any(|(key, _)| *key == parameter.key)
    }) {
        return Err(Failure::usage(format!(
            "{} needs --set {}=VALUE: the {}, such as {}.",
            profile.name(),
            missing.key,
            authdeck_core::profile::in_a_sentence(&missing.label),
            missing.example
        )));
    }
    // An unknown key, or a value that would change a URL's host or path: the command line's
    // to mend.
    authdeck_core::profile::endpoints_of(profile, &values)
        .map_err(|error| Failure::usage(error.to_string()))
}

/// Sets the endpoints: first those a profile's templates give (when `refill`), then each one
/// given on the command line (an empty value clears it, as core trims blanks away); with
/// `--discover`, the ones not given come from the issuer's metadata.
fn apply_endpoints(
    core: &Core,
    endpoints: &mut Endpoints,
    flags: &EndpointArgs,
    refill: Option<ProviderProfile>,
    verbose: bool,
) -> Result<(), Failure> {
    if let Some(profile) = refill {
        let filled = templated(profile, &flags.profile_values)?;
        let slots = [
            (&mut endpoints.issuer_url, filled.issuer_url),
            (&mut endpoints.token_url, filled.token_url),
            (&mut endpoints.authorization_url, filled.authorization_url),
            (
                &mut endpoints.device_authorization_url,
                filled.device_authorization_url,
            ),
            (&mut endpoints.introspection_url, filled.introspection_url),
            (&mut endpoints.revocation_url, filled.revocation_url),
            (&mut endpoints.token_info_url, filled.token_info_url),
            (&mut endpoints.api_base_url, filled.api_base_url),
        ];
        for (slot, value) in slots {
            if value.is_some() {
                *slot = value;
            }
        }
    } else if !flags.profile_values.is_empty() {
        return Err(Failure::usage(
            "--set gives values to a profile's templates: add --profile PROFILE.",
        ));
    }
    let given = [
        (&mut endpoints.issuer_url, &flags.issuer),
        (&mut endpoints.token_url, &flags.token_url),
        (&mut endpoints.authorization_url, &flags.authorize_url),
        (&mut endpoints.device_authorization_url, &flags.device_url),
        (&mut endpoints.introspection_url, &flags.introspection_url),
        (&mut endpoints.revocation_url, &flags.revocation_url),
        (&mut endpoints.token_info_url, &flags.token_info_url),
        (&mut endpoints.api_base_url, &flags.api_base),
    ];
    for (slot, flag) in given {
        if let Some(value) = flag {
            *slot = Some(value.clone());
        }
    }
    if !flags.discover {
        return Ok(());
    }
    let issuer = endpoints
        .issuer_url
        .clone()
        .filter(|i| !i.trim().is_empty())
        .ok_or_else(|| Failure::usage("--discover needs an issuer: add --issuer URL."))?;
    let found = block_on(core.discover(issuer.trim()))??;
    let discovered = found.endpoints;
    let fill = [
        (
            &mut endpoints.token_url,
            &flags.token_url,
            discovered.token_url,
        ),
        (
            &mut endpoints.authorization_url,
            &flags.authorize_url,
            discovered.authorization_url,
        ),
        (
            &mut endpoints.device_authorization_url,
            &flags.device_url,
            discovered.device_authorization_url,
        ),
        (
            &mut endpoints.introspection_url,
            &flags.introspection_url,
            discovered.introspection_url,
        ),
        (
            &mut endpoints.revocation_url,
            &flags.revocation_url,
            discovered.revocation_url,
        ),
        (
            &mut endpoints.token_info_url,
            &flags.token_info_url,
            discovered.token_info_url,
        ),
    ];
    for (slot, flag, value) in fill {
        if flag.is_none() && value.is_some() {
            *slot = value;
        }
    }
    if verbose {
        say!(
            "authdeck: read the endpoints from {}",
            found.metadata_urls.join(" and ")
        );
    }
    Ok(())
}

fn describe(environment: &Environment) -> String {
    let e = &environment.endpoints;
    let mut text = format!(
        "{} ({}, {})\n",
        environment.name,
        environment.kind.as_str(),
        environment.color
    );
    if environment.profile != ProviderProfile::Standard {
        text.push_str(&format!(
            "  {:<14}{}\n",
            "profile",
            environment.profile.name()
        ));
    }
    for (label, value) in [
        ("issuer", &e.issuer_url),
        ("token", &e.token_url),
        ("authorize", &e.authorization_url),
        ("device", &e.device_authorization_url),
        ("introspection", &e.introspection_url),
        ("revocation", &e.revocation_url),
        ("token info", &e.token_info_url),
        ("API base", &e.api_base_url),
    ] {
        if let Some(value) = value {
            text.push_str(&format!("  {label:<14}{value}\n"));
        }
    }
    text
}

/// `authdeck env add`.
pub fn env_add(core: &Core, args: &EnvAddArgs, verbose: bool) -> Result<u8, Failure> {
    let kind = kind(args.kind);
    let mut endpoints = Endpoints::default();
    let profile = args.fields.profile.unwrap_or_default();
    apply_endpoints(
        core,
        &mut endpoints,
        &args.fields,
        args.fields.profile,
        verbose,
    )?;
    let input = EnvironmentInput {
        name: args.name.clone(),
        kind,
        color: args
            .fields
            .color
            .clone()
            .unwrap_or_else(|| kind_color(kind).to_owned()),
        endpoints,
        profile,
        rotation_days: args.fields.rotation_days.unwrap_or(DEFAULT_ROTATION_DAYS),
    };
    let problems = core.validate_environment(None, &input)?;
    if !problems.is_empty() {
        return Err(Failure::invalid(&problems));
    }
    let environment = core.create_environment(input)?;
    let active = core.settings()?.active_environment_id == Some(environment.id.clone());
    let mut text = format!("Added environment {}", describe(&environment));
    if active {
        text.push_str("It is the active environment.\n");
    }
    output::print(&text).map(|()| 0)
}

/// `authdeck env edit`.
pub fn env_edit(core: &Core, args: &EnvEditArgs, verbose: bool) -> Result<u8, Failure> {
    let existing = resolve::environment(core, Some(&args.name))?;
    let mut endpoints = existing.endpoints.clone();
    let profile = args.fields.profile.unwrap_or(existing.profile);
    // New values for the templates fill the endpoints again, and so does another profile
    // whose templates need no value; editing anything else keeps them as they are.
    let fillable = || authdeck_core::profile::endpoints_of(profile, &[]).is_ok();
    let refill = (!args.fields.profile_values.is_empty()
        || (profile != existing.profile && fillable()))
    .then_some(profile);
    apply_endpoints(core, &mut endpoints, &args.fields, refill, verbose)?;
    let input = EnvironmentInput {
        name: args.rename.clone().unwrap_or_else(|| existing.name.clone()),
        kind: args.kind.map_or(existing.kind, kind),
        color: args
            .fields
            .color
            .clone()
            .unwrap_or_else(|| existing.color.clone()),
        endpoints,
        profile,
        rotation_days: args.fields.rotation_days.unwrap_or(existing.rotation_days),
    };
    let problems = core.validate_environment(Some(&existing.id), &input)?;
    if !problems.is_empty() {
        return Err(Failure::invalid(&problems));
    }
    let choices = choices(args.conflicts);
    let environment = block_on(core.update_environment_in_setup(&existing.id, input, &choices))??;
    output::print(&format!("Changed environment {}", describe(&environment))).map(|()| 0)
}

/// `authdeck env rm`.
pub fn env_rm(core: &Core, name: &str, with_apps: bool) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(name))?;
    if let Some(team) = core.team_of_environment(&environment.id)? {
        return Err(Failure::usage(format!(
            "“{name}” is shared through the team vault “{team}”; nothing was deleted. Choose: \
             `authdeck env leave \"{name}\"` forgets it on this computer only (the vault and \
             the other members keep it), or `authdeck env rm \"{name}\" --for-team` deletes it \
             for the whole team (its set-up and every secret in the vault).",
            name = environment.name,
            team = team.name
        )));
    }
    let deleted = core
        .delete_environment(&environment.id, with_apps)
        .map_err(|error| {
            let not_empty = error.code() == ErrorCode::EnvironmentNotEmpty;
            let mut failure = Failure::from(error);
            if not_empty {
                failure.message = format!(
                    "“{}” still holds {} app{}; add --with-apps to delete them, their secrets \
                     and tokens too.",
                    environment.name,
                    environment.app_count,
                    if environment.app_count == 1 { "" } else { "s" }
                );
            }
            failure
        })?;
    let mut text = format!("Deleted environment “{}”", environment.name);
    if deleted.apps_removed > 0 {
        text.push_str(&format!(
            " with {} app{} and {} keychain entr{}",
            deleted.apps_removed,
            if deleted.apps_removed == 1 { "" } else { "s" },
            deleted.keychain_entries_removed,
            if deleted.keychain_entries_removed == 1 {
                "y"
            } else {
                "ies"
            }
        ));
    }
    text.push_str(".\n");
    output::print(&text).map(|()| 0)
}

/// `--scope "read write" --scope admin` → `read`, `write`, `admin`; a lone empty value clears.
fn scopes(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_owned)
        .collect()
}

fn describe_app(app: &ClientApp, environment: &str) -> String {
    let mut text = format!(
        "“{}” in “{environment}”: client ID {}, {} ({})",
        app.display_name,
        app.client_id,
        app.client_type.as_str(),
        app.auth_method.as_str()
    );
    if !app.default_scopes.is_empty() {
        text.push_str(&format!(", scopes {}", app.default_scopes.join(" ")));
    }
    text.push_str(".\n");
    text
}

/// `authdeck app add`.
pub fn app_add(core: &Core, args: &AppAddArgs) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(&args.env))?;
    let client_type = if args.public {
        ClientType::Public
    } else {
        ClientType::Confidential
    };
    let f: &AppFields = &args.fields;
    let input = ClientAppInput {
        environment_id: environment.id.clone(),
        display_name: args.name.clone(),
        client_id: args.client_id.clone(),
        client_type,
        auth_method: f.auth_method.map_or(
            if args.public {
                AuthMethod::None
            } else {
                AuthMethod::ClientSecretBasic
            },
            method,
        ),
        description: f.description.clone().unwrap_or_default(),
        logo_uri: None,
        redirect_uris: if f.redirect_uris.is_empty() {
            vec![DEFAULT_REDIRECT_URI.to_owned()]
        } else {
            f.redirect_uris.clone()
        },
        logout_urls: vec![],
        web_origins: vec![],
        default_scopes: scopes(&f.scopes),
        labels: f.labels.clone(),
        link: f.link.clone(),
        audience: f.audience.clone(),
        resource: f.resource.clone(),
    };
    let problems = core.validate_app(None, &input)?;
    if !problems.is_empty() {
        return Err(Failure::invalid(&problems));
    }
    if f.auth_method.is_some() {
        block_on(core.check_auth_method(&input.environment_id, input.auth_method))??;
    }
    if let Some(alg) = f.dpop_alg {
        block_on(core.check_dpop_alg(&input.environment_id, alg))??;
    }
    let app = block_on(core.create_app_in_setup(input, switches(f), &choices(args.conflicts)))??;
    if let Some(alg) = f.dpop_alg {
        block_on(core.set_dpop_alg(&app.id, alg))??;
    }
    let mut text = format!("Added app {}", describe_app(&app, &environment.name));
    text.push_str(&dpop_mark(core, &app, f)?);
    text.push_str(&par_mark(core, &app, f)?);
    if app.auth_method.uses_certificate() {
        text.push_str(&format!(
            "Add its client certificate with: authdeck cert add (or cert generate) \"{}\" \
             --env \"{}\"\n",
            app.display_name, environment.name
        ));
    } else if app.client_type == ClientType::Confidential {
        text.push_str(&format!(
            "Store its secret with: authdeck secret add \"{}\" --env \"{}\"\n",
            app.display_name, environment.name
        ));
    }
    output::print(&text).map(|()| 0)
}

/// `authdeck app edit`.
pub fn app_edit(core: &Core, args: &AppEditArgs) -> Result<u8, Failure> {
    let (environment, summary) =
        resolve::app_to_act_on(core, args.env.as_deref(), Some(&args.app))?;
    let existing = core.app(&summary.id)?;
    let target = match &args.move_to {
        Some(name) => resolve::environment(core, Some(name))?,
        None => environment,
    };
    let client_type = if args.public {
        ClientType::Public
    } else if args.confidential {
        ClientType::Confidential
    } else {
        existing.client_type
    };
    let f = &args.fields;
    let auth_method = match f.auth_method {
        Some(m) => method(m),
        None if client_type != existing.client_type => match client_type {
            ClientType::Public => AuthMethod::None,
            ClientType::Confidential => AuthMethod::ClientSecretBasic,
        },
        None => existing.auth_method,
    };
    let list = |given: &Vec<String>, current: &Vec<String>| {
        if given.is_empty() {
            current.clone()
        } else {
            given.clone()
        }
    };
    let input = ClientAppInput {
        environment_id: target.id.clone(),
        display_name: args
            .rename
            .clone()
            .unwrap_or_else(|| existing.display_name.clone()),
        client_id: args
            .client_id
            .clone()
            .unwrap_or_else(|| existing.client_id.clone()),
        client_type,
        auth_method,
        description: f
            .description
            .clone()
            .unwrap_or_else(|| existing.description.clone()),
        logo_uri: existing.logo_uri.clone(),
        redirect_uris: list(&f.redirect_uris, &existing.redirect_uris),
        logout_urls: existing.logout_urls.clone(),
        web_origins: existing.web_origins.clone(),
        default_scopes: if f.scopes.is_empty() {
            existing.default_scopes.clone()
        } else {
            scopes(&f.scopes)
        },
        labels: list(&f.labels, &existing.labels),
        link: f.link.clone().or_else(|| existing.link.clone()),
        audience: f.audience.clone().or_else(|| existing.audience.clone()),
        resource: f.resource.clone().or_else(|| existing.resource.clone()),
    };
    let problems = core.validate_app(Some(&existing.id), &input)?;
    if !problems.is_empty() {
        return Err(Failure::invalid(&problems));
    }
    if f.auth_method.is_some() {
        block_on(core.check_auth_method(&input.environment_id, input.auth_method))??;
    }
    if let Some(alg) = f.dpop_alg {
        block_on(core.check_dpop_alg(&input.environment_id, alg))??;
    }
    let choices = choices(args.conflicts);
    let app = block_on(core.update_app_in_setup(&existing.id, input, switches(f), &choices))??;
    if let Some(alg) = f.dpop_alg {
        block_on(core.set_dpop_alg(&app.id, alg))??;
    }
    let mut text = format!("Changed app {}", describe_app(&app, &target.name));
    text.push_str(&dpop_mark(core, &app, f)?);
    text.push_str(&par_mark(core, &app, f)?);
    output::print(&text).map(|()| 0)
}

/// The `--dpop` / `--no-dpop` and `--par` / `--no-par` switches as given (absent: as they are).
fn switches(f: &AppFields) -> AppSwitches {
    let given = |on: bool, off: bool| (on || off).then_some(on);
    AppSwitches {
        dpop: given(f.dpop, f.no_dpop),
        par: given(f.par, f.no_par),
    }
}

/// `--keep-mine` / `--take-theirs` as core's choice for every conflicting field.
pub fn choices(args: ConflictArgs) -> Choices {
    let all = match (args.keep_mine, args.take_theirs) {
        (true, _) => Some(Side::Mine),
        (_, true) => Some(Side::Theirs),
        _ => None,
    };
    Choices {
        all,
        each: Vec::new(),
    }
}

/// Says when the app's browser logins push their requests (the switch was applied with it).
fn par_mark(core: &Core, app: &ClientApp, f: &AppFields) -> Result<String, Failure> {
    let pushes = core.pushes_requests(&app.id)?;
    Ok(if pushes {
        "PAR: its browser logins push their authorization requests (RFC 9126).\n".into()
    } else if f.no_par {
        "No PAR: its browser logins push their requests only when the provider requires it.\n"
            .into()
    } else {
        String::new()
    })
}

/// Says how a DPoP-bound app's tokens are bound (the switch was applied with it).
fn dpop_mark(core: &Core, app: &ClientApp, f: &AppFields) -> Result<String, Failure> {
    let binding = core.dpop_binding(&app.id)?;
    let alg = binding.alg.map_or("ES256", |alg| alg.as_str());
    Ok(match (binding.bound, binding.jkt) {
        (true, Some(jkt)) => format!(
            "DPoP-bound: its tokens are bound to its proof key, thumbprint (jkt) {jkt}.\nIts \
             proofs are signed {alg}.\n"
        ),
        (true, None) => "DPoP-bound: its proof key is made at its first token request.\n".into(),
        (false, _) if f.no_dpop => "Not DPoP-bound: its tokens are Bearer tokens.\n".into(),
        (false, _) => String::new(),
    })
}

/// `authdeck app rm`.
pub fn app_rm(
    core: &Core,
    name: &str,
    env: Option<&str>,
    conflicts: ConflictArgs,
) -> Result<u8, Failure> {
    let (environment, app) = resolve::app_to_act_on(core, env, Some(name))?;
    let deleted = block_on(core.delete_app_in_setup(&app.id, &choices(conflicts)))??;
    output::print(&format!(
        "Deleted app “{}” from “{}” and {} keychain entr{}. Tokens the provider already issued \
         stay valid until they expire.\n",
        app.display_name,
        environment.name,
        deleted.keychain_entries_removed,
        if deleted.keychain_entries_removed == 1 {
            "y"
        } else {
            "ies"
        }
    ))
    .map(|()| 0)
}

/// `authdeck discover ISSUER`: what the issuer's metadata documents name, each endpoint with the
/// document it came from, and what the provider supports. Nothing is stored.
pub fn discover(core: &Core, issuer: &str, json: bool) -> Result<u8, Failure> {
    let found = block_on(core.discover(issuer.trim()))??;
    if json {
        return output::print_json(&found).map(|()| 0);
    }
    let endpoints = &found.endpoints;
    let rows: Vec<Vec<String>> = [
        (
            "authorization",
            "authorization_url",
            &endpoints.authorization_url,
        ),
        ("token", "token_url", &endpoints.token_url),
        (
            "introspection",
            "introspection_url",
            &endpoints.introspection_url,
        ),
        ("revocation", "revocation_url", &endpoints.revocation_url),
        (
            "device authorization",
            "device_authorization_url",
            &endpoints.device_authorization_url,
        ),
    ]
    .into_iter()
    .map(|(label, field, value)| {
        let from = found
            .sources
            .iter()
            .find(|source| source.field == field)
            .map(|source| document_name(&source.metadata_url))
            .unwrap_or_default();
        let value = value.clone().unwrap_or_else(|| "— not named".to_owned());
        vec![label.to_owned(), value, from]
    })
    .collect();
    let list = |values: &[String], separator: &str| {
        if values.is_empty() {
            "not stated".to_owned()
        } else {
            values.join(separator)
        }
    };
    let mut text = format!("issuer {}\n\n", found.issuer);
    text.push_str(&output::table(&["endpoint", "URL", "from"], &rows));
    text.push('\n');
    for url in &found.metadata_urls {
        text.push_str(&format!("read {url}\n"));
    }
    text.push_str(&format!(
        "grant types: {}\nclient authentication: {}\nPKCE: {}\nscopes: {}\n",
        list(&found.grant_types_supported, ", "),
        list(&found.token_endpoint_auth_methods_supported, ", "),
        list(&found.code_challenge_methods_supported, ", "),
        list(&found.scopes_supported, " ")
    ));
    if let Some(registration) = &found.registration_endpoint {
        text.push_str(&format!("client registration: {registration}\n"));
    }
    text.push_str(if found.iss_parameter_supported {
        "sign-in callbacks carry iss (RFC 9207): required\n"
    } else {
        "sign-in callbacks carry iss (RFC 9207): not announced; checked when present\n"
    });
    output::print(&text).map(|()| 0)
}

/// A metadata document's name in its URL: `openid-configuration`, `oauth-authorization-server`.
fn document_name(url: &str) -> String {
    url.split_once("/.well-known/")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_owned())
        .unwrap_or_else(|| url.to_owned())
}
