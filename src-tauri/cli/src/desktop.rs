//! `authdeck open [APP]`: brings the desktop app's window forward, on APP when given. It starts
//! the desktop program with `--open <app ID>`; when Authdeck already runs on the same data
//! folder, that process hands its arguments to the running one (single instance, over the
//! session bus) and exits 0, else it becomes the running one. No network port either way.

use crate::cli::Target;
use crate::failure::{Failure, exit};
use crate::{output, resolve};
use authdeck_core::Core;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names the desktop program to start instead of looking for it.
pub const DESKTOP_VARIABLE: &str = "AUTHDECK_DESKTOP";
const DESKTOP_PROGRAM: &str = "authdeck-desktop";
/// How long to wait for a hand-over to end before taking the program as the new instance:
/// the desktop program's own wait for a running instance's answer (2 s) and room for its start
/// on a busy machine.
const HAND_OVER_WAIT: Duration = Duration::from_secs(5);
/// The desktop program's exit code when an instance runs on the data folder but does not
/// answer (`authdeck-desktop --help`).
const DESKTOP_NOT_ANSWERING: i32 = 3;

/// Opens the desktop app on the app `target` names (normal resolution, errors as every verb
/// has them), or just brings it forward when no app is named.
pub fn open(core: Option<&Core>, target: &Target) -> Result<u8, Failure> {
    let shown = match core {
        Some(core) => {
            let environment = resolve::environment(core, target.env.as_deref())?;
            let app = resolve::app(core, &environment, target.app.as_deref())?;
            Some((app, environment))
        }
        None => None,
    };
    let program = desktop_program(
        std::env::var_os(DESKTOP_VARIABLE),
        std::env::current_exe().ok(),
        std::env::var_os("PATH"),
    )?;
    let mut command = Command::new(&program);
    if let Some((app, _)) = &shown {
        command.args(["--open", app.id.as_str()]);
    }
    start(command, &program)?;
    let message = match shown {
        Some((app, environment)) => format!(
            "Authdeck shows “{}” of “{}”.\n",
            app.display_name, environment.name
        ),
        None => "Authdeck is in front.\n".to_owned(),
    };
    output::print(&message).map(|()| 0)
}

/// Whether `open` names an app (else it only brings the window forward, needing no store).
pub fn names_an_app(target: &Target) -> bool {
    target.app.is_some() || target.env.is_some()
}

/// The desktop program: `AUTHDECK_DESKTOP`, else `authdeck-desktop` beside this program, else
/// on PATH.
fn desktop_program(
    variable: Option<OsString>,
    this_program: Option<PathBuf>,
    path: Option<OsString>,
) -> Result<PathBuf, Failure> {
    if let Some(named) = variable.filter(|value| !value.is_empty()) {
        let named = PathBuf::from(named);
        return if is_program(&named) {
            Ok(named)
        } else {
            Err(Failure::not_found(format!(
                "{DESKTOP_VARIABLE} names {}, which is not a program; point it at the \
                 {DESKTOP_PROGRAM} program of your Authdeck.",
                named.display()
            )))
        };
    }
    let beside = this_program
        .and_then(|program| program.parent().map(|dir| dir.join(DESKTOP_PROGRAM)))
        .filter(|candidate| is_program(candidate));
    let on_path = || {
        path.as_deref()
            .into_iter()
            .flat_map(std::env::split_paths)
            .map(|dir| dir.join(DESKTOP_PROGRAM))
            .find(|candidate| is_program(candidate))
    };
    beside.or_else(on_path).ok_or_else(|| {
        Failure::not_found(format!(
            "The Authdeck desktop app ({DESKTOP_PROGRAM}) was not found beside this program \
             or on PATH; install it, or set {DESKTOP_VARIABLE} to its path."
        ))
    })
}

fn is_program(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Starts the desktop program and waits a little: a hand-over ends at once with 0, a running
/// instance that does not answer within the desktop program's bound with 3, a program that
/// cannot start with its error; one still running is the new instance, left to run.
/// Its output goes nowhere: a new instance outlives this command and must not write to a
/// terminal that may be gone.
fn start(mut command: Command, program: &Path) -> Result<(), Failure> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Failure::new(
                exit::OTHER,
                format!("Could not start {}: {e}", program.display()),
            )
        })?;
    let started = Instant::now();
    while started.elapsed() < HAND_OVER_WAIT {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) if status.code() == Some(DESKTOP_NOT_ANSWERING) => {
                return Err(Failure::new(
                    exit::DESKTOP_NOT_ANSWERING,
                    "Authdeck already runs on this data folder but did not answer within a few \
                     seconds: it is stopped or hung. Nothing was started beside it. Wait and try \
                     again, or quit or end the running Authdeck and run this again.",
                ));
            }
            Ok(Some(status)) => {
                return Err(Failure::new(
                    exit::OTHER,
                    format!(
                        "{} ended with {status}; run it yourself to see why.",
                        program.display()
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn program_in(dir: &Path) -> PathBuf {
        let program = dir.join(DESKTOP_PROGRAM);
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        program
    }

    #[test]
    fn the_desktop_program_is_the_variables_then_the_one_beside_then_the_one_on_path() {
        let beside = tempfile::tempdir().unwrap();
        let on_path = tempfile::tempdir().unwrap();
        let named = tempfile::tempdir().unwrap();
        let beside_program = program_in(beside.path());
        let path_program = program_in(on_path.path());
        let named_program = program_in(named.path());
        let this = Some(beside.path().join("authdeck"));
        let path = Some(std::env::join_paths([on_path.path()]).unwrap());

        let found = |variable: Option<&Path>, this: Option<PathBuf>| {
            desktop_program(variable.map(OsString::from), this, path.clone()).unwrap()
        };
        assert_eq!(found(Some(&named_program), this.clone()), named_program);
        assert_eq!(found(None, this), beside_program);
        assert_eq!(
            found(None, Some(named.path().join("x/authdeck"))),
            path_program
        );
    }

    #[test]
    fn a_desktop_program_whose_running_instance_does_not_answer_is_exit_code_10() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join(DESKTOP_PROGRAM);
        std::fs::write(&program, "#!/bin/sh\nexit 3\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let failure = start(Command::new(&program), &program).unwrap_err();
        assert_eq!(failure.code, exit::DESKTOP_NOT_ANSWERING);
        assert!(
            failure.message.starts_with(
                "Authdeck already runs on this data folder but did not answer within a few seconds"
            ),
            "{}",
            failure.message
        );
    }

    #[test]
    fn no_desktop_program_is_a_not_found_failure_saying_what_to_do() {
        let empty = tempfile::tempdir().unwrap();
        let failure = desktop_program(
            None,
            Some(empty.path().join("authdeck")),
            Some(empty.path().into()),
        )
        .unwrap_err();
        assert_eq!(failure.code, exit::NOT_FOUND);
        assert!(
            failure.message.contains("set AUTHDECK_DESKTOP"),
            "{}",
            failure.message
        );

        let not_a_program = empty.path().join("nothing-here");
        let failure = desktop_program(Some(not_a_program.into()), None, None).unwrap_err();
        assert_eq!(failure.code, exit::NOT_FOUND);
        assert!(
            failure.message.contains("is not a program"),
            "{}",
            failure.message
        );
    }
}
