//! `authdeck remote …`: admin work at the provider through the environment's connector. A
//! created app's secret goes from the provider's answer into the keychain; nothing here
//! prints it.

use crate::cli::{ConnectorKindArg, RemoteCommand};
use crate::failure::{Failure, exit};
use crate::output::{self, table};
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::Core;
use authdeck_core::model::*;

pub fn run(core: &Core, command: RemoteCommand) -> Result<u8, Failure> {
    match command {
        RemoteCommand::Connector {
            env,
            kind,
            url,
            auth_app,
            remove,
        } => connector(core, env.as_deref(), kind, url, auth_app, remove),
        RemoteCommand::List { env, json } => list(core, env.as_deref(), json),
        RemoteCommand::Create {
            name,
            env,
            description,
            callbacks,
            logout_urls,
            web_origins,
            labels,
            scopes,
            json,
        } => {
            let environment = resolve::environment(core, env.as_deref())?;
            resolve::production_guard(
                &environment,
                env.is_some(),
                &format!("Creating “{name}” at the provider"),
            )?;
            let fields = RemoteFields {
                display_name: name,
                description,
                logo_uri: None,
                redirect_uris: callbacks,
                logout_urls,
                web_origins,
                labels,
            };
            let scopes = scopes
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(str::to_owned)
                .collect();
            let created = block_on(core.create_remote_app(&environment.id, fields, scopes))??;
            if json {
                return output::print_json(&created).map(|()| 0);
            }
            let kept_in = match core.is_team_environment(&environment.id)? {
                true => "the team vault",
                false => "the keychain",
            };
            output::print(&format!(
                "Created “{}” at the provider ({}), client ID {}.\n{}",
                created.app.display_name,
                created.remote.remote_id,
                created.app.client_id,
                match &created.secret {
                    Some(secret) => format!(
                        "Its secret ({}) is in {kept_in}, the only place it is kept.\n",
                        output::ending(&secret.fingerprint)
                    ),
                    None => "The provider returned no secret.\n".to_owned(),
                }
            ))
            .map(|()| 0)
        }
        RemoteCommand::Import { remote_id, env } => {
            let environment = resolve::environment(core, env.as_deref())?;
            let app = block_on(core.import_remote_app(&environment.id, &remote_id))??;
            output::print(&format!(
                "Imported “{}” (client ID {}) into “{}”. Its secret is not stored here: add it \
                 with `authdeck secret add {}`.\n",
                app.display_name,
                app.client_id,
                environment.name,
                resolve::quoted(std::iter::once(app.display_name.as_str()))
            ))
            .map(|()| 0)
        }
        RemoteCommand::Show { app, env, json } => show(core, &app, env.as_deref(), json),
        RemoteCommand::Pull { app, env } => {
            let (_, app) = resolve::app_to_act_on(core, env.as_deref(), Some(&app))?;
            let pulled = block_on(core.pull_remote(&app.id))??;
            output::print(&format!(
                "“{}” now has the provider's fields.\n",
                pulled.display_name
            ))
            .map(|()| 0)
        }
        RemoteCommand::Push { app, env } => {
            let (_, app) = resolve::app_to_act_on(core, env.as_deref(), Some(&app))?;
            let pushed = block_on(core.push_remote(&app.id))??;
            output::print(&format!(
                "Sent the fields of “{}” to the provider ({}).\n",
                app.display_name, pushed.remote_id
            ))
            .map(|()| 0)
        }
        RemoteCommand::Delete {
            app,
            env,
            revoke_first,
        } => {
            let (_, app) = resolve::app_to_act_on(core, env.as_deref(), Some(&app))?;
            let deleted = block_on(core.delete_remote_app(&app.id, revoke_first))??;
            output::print(&format!(
                "Deleted “{}” at the provider{}, and here ({} keychain entries removed). Tokens \
                 it already issued stay valid until they expire{}.\n",
                app.display_name,
                if deleted.token_revoked {
                    ", after revoking the token Authdeck held"
                } else {
                    ""
                },
                deleted.app_deleted.keychain_entries_removed,
                if deleted.token_revoked {
                    " (the one Authdeck held was revoked)"
                } else {
                    ""
                }
            ))
            .map(|()| 0)
        }
    }
}

fn connector(
    core: &Core,
    env: Option<&str>,
    kind: Option<ConnectorKindArg>,
    url: Option<String>,
    auth_app: Option<String>,
    remove: bool,
) -> Result<u8, Failure> {
    let environment = resolve::environment(core, env)?;
    let current = if remove {
        core.set_connector(&environment.id, None)?
    } else if let Some(kind) = kind {
        let auth_app_id = match auth_app.as_deref() {
            Some(query) => Some(resolve::app(core, &environment, Some(query))?.id),
            None => None,
        };
        core.set_connector(
            &environment.id,
            Some(Connector {
                environment_id: environment.id.clone(),
                kind: match kind {
                    ConnectorKindArg::OauthApps => ConnectorKind::OauthApps,
                    ConnectorKindArg::Registration => ConnectorKind::Registration,
                },
                base_url: url.unwrap_or_default(),
                auth_app_id,
            }),
        )?
    } else {
        core.connector(&environment.id)?
    };
    let text = match current {
        None => format!("“{}” has no connector.\n", environment.name),
        Some(c) => format!(
            "“{}”: {} at {}{}\n",
            environment.name,
            match c.kind {
                ConnectorKind::OauthApps => "OAuth apps API",
                ConnectorKind::Registration => "dynamic client registration",
            },
            c.base_url,
            match c.auth_app_id {
                Some(app) => format!(", authenticated with “{}”", core.app(&app)?.display_name),
                None => String::new(),
            }
        ),
    };
    output::print(&text).map(|()| 0)
}

fn list(core: &Core, env: Option<&str>, json: bool) -> Result<u8, Failure> {
    let environment = resolve::environment(core, env)?;
    let apps = block_on(core.remote_apps(&environment.id))??;
    if json {
        return output::print_json(&apps).map(|()| 0);
    }
    if apps.is_empty() {
        return output::print("The provider lists no apps.\n").map(|()| 0);
    }
    let rows = apps
        .iter()
        .map(|app| {
            Ok(vec![
                app.remote_id.clone(),
                app.fields.display_name.clone(),
                app.client_id.clone(),
                match &app.local_app_id {
                    Some(id) => format!("yes (“{}”)", core.app(id)?.display_name),
                    None => "no".to_owned(),
                },
            ])
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    output::print(&table(
        &["REMOTE", "NAME", "CLIENT ID", "IN AUTHDECK"],
        &rows,
    ))
    .map(|()| 0)
}

fn show(core: &Core, app: &str, env: Option<&str>, json: bool) -> Result<u8, Failure> {
    let (_, app) = resolve::app_to_act_on(core, env, Some(app))?;
    let link = core.remote_link(&app.id)?.ok_or_else(|| {
        Failure::new(
            exit::NOT_CONFIGURED,
            format!(
                "“{}” is not linked to an app at the provider.",
                app.display_name
            ),
        )
    })?;
    let drift = block_on(core.remote_drift(&app.id))??;
    if json {
        return output::print_json(&serde_json::json!({ "link": link, "drift": drift }))
            .map(|()| 0);
    }
    let mut text = format!(
        "“{}” is {} at the provider (created {}{}).\n",
        app.display_name,
        link.remote_id,
        link.create_time.as_deref().unwrap_or("at an unknown time"),
        link.created_by
            .as_deref()
            .map(|by| format!(" by {by}"))
            .unwrap_or_default()
    );
    if drift.is_empty() {
        text.push_str("Same here and at the provider.\n");
    } else {
        let rows: Vec<Vec<String>> = drift
            .iter()
            .map(|d| {
                vec![
                    d.field.clone(),
                    d.local.replace('\n', ", "),
                    d.remote.replace('\n', ", "),
                ]
            })
            .collect();
        text.push_str(&table(&["FIELD", "HERE", "AT THE PROVIDER"], &rows));
        text.push_str("Settle it with `authdeck remote pull` or `authdeck remote push`.\n");
    }
    output::print(&text).map(|()| 0)
}
