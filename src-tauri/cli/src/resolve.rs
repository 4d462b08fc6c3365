//! Finding the environment and the app a command names, and the production guard.

use crate::failure::Failure;
use crate::output;
use authdeck_core::Core;
use authdeck_core::model::{AppSummary, Environment, EnvironmentKind};

/// The environment named by `--env` (by name, case-insensitively when unambiguous, or by ID),
/// else the active one.
pub fn environment(core: &Core, name: Option<&str>) -> Result<Environment, Failure> {
    Ok(core.find_environment(name)?)
}

/// The app of `environment` that `query` names: by display name, client ID or link name,
/// exactly first, then ignoring case. Without a query, the environment's only app.
pub fn app(
    core: &Core,
    environment: &Environment,
    query: Option<&str>,
) -> Result<AppSummary, Failure> {
    Ok(core.find_app(environment, query)?)
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

pub use authdeck_core::facade::quoted;
