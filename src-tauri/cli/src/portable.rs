//! `export` and `import`: environments and apps as a JSON file (never a secret or a token),
//! and back, with the same preview the desktop app shows.

use crate::failure::{Failure, exit, one_line};
use crate::output;
use crate::resolve;
use authdeck_core::model::EnvironmentKind;
use authdeck_core::portable::{self, FieldChange, ImportOutcome, ImportReport, MAX_IMPORT_BYTES};
use authdeck_core::{Core, ErrorCode};
use std::io::Read;
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
) -> Result<u8, Failure> {
    let text = if file == "-" {
        read_stdin()?
    } else {
        portable::read_file(Path::new(file)).map_err(about_the_file)?
    };
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
        guard_production(core, &preview, confirmed)?;
        core.apply_import(&text)?
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

/// Changing a production environment or its apps needs the environment named with `--env`,
/// or a yes on a terminal, as editing a production app does; adding to production does not.
fn guard_production(
    core: &Core,
    preview: &ImportReport,
    confirmed: &[String],
) -> Result<(), Failure> {
    let stored = core.environments()?;
    for imported in &preview.environments {
        let changes = imported.outcome == ImportOutcome::Changed
            || imported
                .apps
                .iter()
                .any(|a| a.outcome == ImportOutcome::Changed);
        let Some(environment) = stored
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(&imported.name))
        else {
            continue;
        };
        if changes && environment.kind == EnvironmentKind::Production {
            let named = confirmed
                .iter()
                .any(|name| name.trim().eq_ignore_ascii_case(&environment.name));
            resolve::production_guard(environment, named, "What this import changes")?;
        }
    }
    Ok(())
}

fn read_stdin() -> Result<String, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not read stdin: {e}")))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(Failure::new(
            exit::INVALID,
            format!(
                "stdin holds more than {MAX_IMPORT_BYTES} bytes; an Authdeck export is smaller."
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|_| Failure::new(exit::INVALID, "stdin is not UTF-8 text."))
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

/// The report as people read it: each environment, its changed fields, its apps.
fn describe(report: &ImportReport) -> String {
    let mut text = String::from(if report.applied {
        "Imported:\n"
    } else {
        "Preview — nothing was written (run without --dry-run to import):\n"
    });
    for environment in &report.environments {
        text.push_str(&format!(
            "environment “{}” ({}): {}\n",
            environment.name,
            environment.kind.as_str(),
            outcome_word(environment.outcome)
        ));
        changes(&mut text, "    ", &environment.changes);
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
