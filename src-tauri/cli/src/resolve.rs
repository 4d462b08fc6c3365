//! Finding the environment and the app a command names, and the production guard.

use crate::failure::Failure;
use crate::output;
use authdeck_core::Core;
use authdeck_core::model::{AppSummary, Environment, EnvironmentKind};

/// The environment named by `--env` (by name, case-insensitively when unambiguous, or by ID),
/// else the active one.
pub fn environment(core: &Core, name: Option<&str>) -> Result<Environment, Failure> {
    let all = core.environments()?;
    let Some(name) = name else {
        let active = core.settings()?.active_environment_id;
        return active
            .and_then(|id| all.into_iter().find(|e| e.id == id))
            .ok_or_else(|| {
                Failure::not_found(
                    "There is no environment yet; add one with `authdeck env add NAME \
                     --kind sandbox`.",
                )
            });
    };
    let wanted = name.trim();
    let exact: Vec<&Environment> = all.iter().filter(|e| e.name == wanted).collect();
    let chosen = match exact.as_slice() {
        [one] => Some(*one),
        _ => {
            let folded: Vec<&Environment> = all
                .iter()
                .filter(|e| e.name.to_lowercase() == wanted.to_lowercase() || e.id.0 == wanted)
                .collect();
            match folded.as_slice() {
                [one] => Some(*one),
                [] => None,
                several => {
                    return Err(Failure::not_found(format!(
                        "“{wanted}” names {} environments: {}. Spell the name exactly.",
                        several.len(),
                        quoted(several.iter().map(|e| e.name.as_str()))
                    )));
                }
            }
        }
    };
    if let Some(environment) = chosen {
        return Ok(environment.clone());
    }
    let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
    let close = close_to(wanted, names.iter().map(|n| (*n, *n)));
    let message = if !close.is_empty() {
        format!(
            "No environment named “{wanted}”. Did you mean {}?",
            quoted(close.iter().copied())
        )
    } else if names.is_empty() {
        format!("No environment named “{wanted}”: there is none yet.")
    } else {
        format!(
            "No environment named “{wanted}”. Environments: {}.",
            quoted(names.iter().copied())
        )
    };
    Err(Failure::not_found(message))
}

/// The app of `environment` that `query` names: by display name, client ID or link name,
/// exactly first, then ignoring case. Without a query, the environment's only app.
pub fn app(
    core: &Core,
    environment: &Environment,
    query: Option<&str>,
) -> Result<AppSummary, Failure> {
    let query = query.map(str::trim);
    if let Some(query) = query {
        // The usual case, a name given exactly: looked up, not read from the whole list.
        let named = core.apps_named(&environment.id, query)?;
        let exact: Vec<&AppSummary> = named
            .iter()
            .filter(|a| names(a, &|value| value == query, query))
            .collect();
        if let [one] = exact.as_slice() {
            return Ok((*one).clone());
        }
    }
    let apps = core.apps(&environment.id)?;
    let Some(query) = query else {
        return match apps.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Failure::not_found(format!(
                "“{}” holds no app yet; add one with `authdeck app add`.",
                environment.name
            ))),
            several => Err(Failure::not_found(format!(
                "“{}” holds {} apps; name one: {}.",
                environment.name,
                several.len(),
                quoted(several.iter().map(|a| a.display_name.as_str()))
            ))),
        };
    };
    let matches = |same: &dyn Fn(&str) -> bool| -> Vec<&AppSummary> {
        apps.iter().filter(|a| names(a, same, query)).collect()
    };
    let mut found = matches(&|value| value == query);
    if found.is_empty() {
        let lower = query.to_lowercase();
        found = matches(&|value| value.to_lowercase() == lower);
    }
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let close = close_to(
                query,
                apps.iter().flat_map(|a| {
                    [
                        Some(a.display_name.as_str()),
                        Some(&a.client_id),
                        a.link.as_deref(),
                    ]
                    .into_iter()
                    .flatten()
                    .map(|key| (key, a.display_name.as_str()))
                }),
            );
            let message = if !close.is_empty() {
                format!(
                    "No app “{query}” in “{}”. Did you mean {}?",
                    environment.name,
                    quoted(close.iter().copied())
                )
            } else if apps.is_empty() {
                format!("No app “{query}” in “{}”: it holds none.", environment.name)
            } else {
                format!(
                    "No app “{query}” in “{}”. Its apps: {}.",
                    environment.name,
                    quoted(apps.iter().take(10).map(|a| a.display_name.as_str()))
                )
            };
            Err(Failure::not_found(message))
        }
        several => Err(Failure::not_found(format!(
            "“{query}” matches {} apps in “{}”: {}. Name one by its display name or client ID.",
            several.len(),
            environment.name,
            several
                .iter()
                .map(|a| format!("“{}” (client ID {})", a.display_name, a.client_id))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Whether `app` is the one `query` names: its display name, client ID or link as `same` compares
/// them, or its ID.
fn names(app: &AppSummary, same: &dyn Fn(&str) -> bool, query: &str) -> bool {
    same(&app.display_name)
        || same(&app.client_id)
        || app.link.as_deref().is_some_and(same)
        || app.id.0 == query
}

/// The app an acting command works on, in `env` (the active environment when None), after the
/// production guard: a production app needs its environment named, or a yes on a terminal.
pub fn app_to_act_on(
    core: &Core,
    env: Option<&str>,
    query: Option<&str>,
) -> Result<(Environment, AppSummary), Failure> {
    let environment = environment(core, env)?;
    let app = match app(core, &environment, query) {
        // an app another member added to a team environment: this member's rows follow the
        // vault's set-up, then look again
        Err(failure)
            if failure.code == crate::failure::exit::NOT_FOUND
                && core.is_team_environment(&environment.id)? =>
        {
            crate::tokens::block_on(core.follow_team_setup(&environment.id, None))??;
            app(core, &environment, query)?
        }
        other => other?,
    };
    production_guard(
        &environment,
        env.is_some(),
        &format!("“{}”", app.display_name),
    )?;
    Ok((environment, app))
}

pub fn production_guard(
    environment: &Environment,
    env_named: bool,
    what: &str,
) -> Result<(), Failure> {
    if environment.kind != EnvironmentKind::Production || env_named {
        return Ok(());
    }
    if !output::can_ask() {
        return Err(Failure::usage(format!(
            "{what} is in the production environment “{}”: name it with --env \"{}\" to go on \
             (there is no terminal to confirm on).",
            environment.name, environment.name
        )));
    }
    output::confirm(&format!(
        "{what} is in the production environment “{}”. Go on? [y/N] ",
        environment.name
    ))
}

/// `“a”, “b”, “c”`
pub fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names whose key looks like `query` (a typo, a different case, a part of it), best
/// first, at most five, each once.
fn close_to<'a>(query: &str, keys: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<&'a str> {
    let query = query.to_lowercase();
    let mut scored: Vec<(f64, &str)> = keys
        .filter_map(|(key, name)| {
            let key = key.to_lowercase();
            let score = if query.len() >= 3 && (key.contains(&query) || query.contains(&key)) {
                1.0
            } else {
                strsim::jaro_winkler(&query, &key)
            };
            (score >= 0.8).then_some((score, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut names: Vec<&str> = Vec::new();
    for (_, name) in scored {
        if !names.contains(&name) && names.len() < 5 {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_catch_typos_and_parts_but_not_strangers() {
        let keys = [
            ("Billing sync", "Billing sync"),
            ("billing-sbx-123", "Billing sync"),
            ("Reports", "Reports"),
        ];
        assert_eq!(close_to("Biling sync", keys.into_iter()), ["Billing sync"]);
        assert_eq!(close_to("billing", keys.into_iter()), ["Billing sync"]);
        assert_eq!(close_to("report", keys.into_iter()), ["Reports"]);
        assert!(close_to("zzz", keys.into_iter()).is_empty());
    }
}
