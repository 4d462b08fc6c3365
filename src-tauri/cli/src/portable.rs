//! `export` and `import`: environments and apps as a JSON file (never a secret or a token),
//! and back, with the same preview the desktop app shows.

use crate::cli::ConflictArgs;
use crate::failure::{Failure, exit, one_line};
use crate::output;
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::portable::{self, FieldChange, ImportOutcome, ImportReport};
use authdeck_core::{Core, ErrorCode};
use std::path::Path;

/// `authdeck export FILE [--force]`; `-` writes to stdout.
pub fn export(core: &Core, file: &str, force: bool) -> Result<u8, Failure> {
    if file == "-" {
        let text = portable::render(&core.export()?)?;
        return output::print(&text).map(|()| 0);
    }
    let summary = core.export_to(Path::new(file), force).map_err(|error| {
        if error.code() == ErrorCode::Conflict {
            Failure::new(
                exit::INVALID,
                format!("{file} already exists; it was left as it is. Add --force to replace it."),
            )
        } else {
            Failure::from(error)
        }
    })?;
    output::print(&format!(
        "Exported {} and {} to {} (no secrets, no tokens).\n",
        counted(summary.environments, "environment"),
        counted(summary.apps, "app"),
        summary.path
    ))
    .map(|()| 0)
}

/// `authdeck import FILE [--dry-run] [--json] [--env PROD]…`; `-` reads stdin.
pub fn import(
    core: &Core,
    file: &str,
    dry_run: bool,
    json: bool,
    confirmed: &[String],
    conflicts: ConflictArgs,
) -> Result<u8, Failure> {
    let text = if file == "-" {
        portable::read_bounded(std::io::stdin().lock(), "stdin")
    } else {
        portable::read_file(Path::new(file))
    }
    .map_err(about_the_file)?;
    let preview = core.preview_import(&text).map_err(about_the_file)?;
    if !preview.problems.is_empty() {
        let count = preview.problems.len();
        let mut failure = Failure::new(
            exit::INVALID,
            format!(
                "Nothing was imported: {} in {file}:",
                counted(count as u32, "problem")
            ),
        );
        failure.more = preview
            .problems
            .iter()
            .map(|p| format!("{}: {}: {}", p.place, p.field, p.message))
            .collect();
        return Err(failure);
    }
    let report = if dry_run {
        preview
    } else {
        let confirmed = confirm_production(core, &preview, confirmed)?;
        let choices = crate::setup::choices(conflicts);
        block_on(core.apply_import_in_setup(&text, &confirmed, &choices))??
    };
    if json {
        return output::print_json(&report).map(|()| 0);
    }
    output::print(&describe(&report)).map(|()| 0)
}

/// A refusal of the file as a whole reads as it is ("The file is not valid JSON …"), not as a
/// flag's.
fn about_the_file(error: authdeck_core::Error) -> Failure {
    if error.field() == Some("file") {
        Failure::new(exit::INVALID, error.to_string())
    } else {
        Failure::from(error)
    }
}

/// Changing a stored production environment or its apps needs the environment named with
/// `--env`, or a yes on a terminal, as editing a production app does; adding to production
/// does not. Returns the names confirmed, for core's own check.
fn confirm_production(
    core: &Core,
    preview: &ImportReport,
    named: &[String],
) -> Result<Vec<String>, Failure> {
    let stored = core.environments()?;
    let mut confirmed = Vec::new();
    for name in &preview.production_to_confirm {
        let Some(environment) = stored.iter().find(|e| &e.name == name) else {
            continue;
        };
        let is_named = named
            .iter()
            .any(|n| n.trim().eq_ignore_ascii_case(&environment.name));
        resolve::production_guard(environment, is_named, "What this import changes")?;
        confirmed.push(environment.name.clone());
    }
    Ok(confirmed)
}

fn counted(count: u32, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

fn outcome_word(outcome: ImportOutcome) -> &'static str {
    match outcome {
        ImportOutcome::Added => "added",
        ImportOutcome::Changed => "changed",
        ImportOutcome::Skipped => "skipped (already the same)",
    }
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "(none)".into()
    } else {
        one_line(value)
    }
}

fn changes(text: &mut String, indent: &str, changes: &[FieldChange]) {
    for change in changes {
        text.push_str(&format!(
            "{indent}{}: {} → {}\n",
            change.field,
            shown(&change.before),
            shown(&change.after)
        ));
    }
}

/// The changed endpoints, before anything else: where secrets, tokens and sign-ins go.
fn endpoints_first(text: &mut String, report: &ImportReport) {
    if report.endpoint_changes.is_empty() {
        return;
    }
    text.push_str("Endpoints that change (secrets, tokens and sign-ins go to the new URLs):\n");
    for change in &report.endpoint_changes {
        text.push_str(&format!(
            "  “{}” {}: {} → {}\n",
            change.environment,
            change.field,
            shown(&change.before),
            shown(&change.after)
        ));
    }
    if report.endpoint_changes.iter().any(|c| c.pauses_renewal) {
        text.push_str(
            "  Automatic renewal of these environments' apps pauses until a token is got by \
             hand.\n",
        );
    }
}

/// The report as people read it: changed endpoints first, then each environment, its other
/// changed fields, its apps.
fn describe(report: &ImportReport) -> String {
    let mut text = String::from(if report.applied {
        "Imported:\n"
    } else {
        "Preview — nothing was written (run without --dry-run to import):\n"
    });
    endpoints_first(&mut text, report);
    for environment in &report.environments {
        text.push_str(&format!(
            "environment “{}” ({}): {}\n",
            environment.name,
            environment.kind.as_str(),
            outcome_word(environment.outcome)
        ));
        let shown_first = |change: &&FieldChange| {
            report.endpoint_changes.iter().any(|e| {
                e.field == change.field && e.environment.eq_ignore_ascii_case(&environment.name)
            })
        };
        let rest: Vec<FieldChange> = environment
            .changes
            .iter()
            .filter(|c| !shown_first(c))
            .cloned()
            .collect();
        changes(&mut text, "    ", &rest);
        for app in &environment.apps {
            text.push_str(&format!(
                "  app “{}” ({}): {}{}\n",
                app.display_name,
                app.client_id,
                outcome_word(app.outcome),
                if app.needs_secret {
                    " — no secret here yet: add it with `authdeck secret add`"
                } else {
                    ""
                }
            ));
            changes(&mut text, "      ", &app.changes);
        }
    }
    text.push_str(&format!(
        "{} added, {} changed, {} skipped.\n",
        report.added, report.changed, report.skipped
    ));
    text
}
