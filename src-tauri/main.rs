// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use authdeck_app::{Launch, NotStarted};
use std::process::ExitCode;

const USAGE: &str = "Usage: authdeck-desktop [--demo] [--open APP_ID]

  --demo         start a local test authorization server and open a ready demo environment
                 (its own data folder and keychain namespace; your data is not touched)
  --open APP_ID  show this app (`authdeck open APP` finds its ID)

When Authdeck already runs on the same data folder, it comes forward (on APP_ID with --open)
and this launch exits.

Exit codes: 0 started (and ran until quit) or handed over to the running Authdeck; 1 could not
start; 2 bad arguments; 3 Authdeck already runs on this data folder but did not answer within
a few seconds (stopped or hung): nothing was started beside it.";

/// The exit code of a launch whose running instance does not answer (see USAGE); `authdeck
/// open` reads it.
const NOT_ANSWERING: u8 = 3;

fn main() -> ExitCode {
    let startup = authdeck_app::Startup::begin();
    let launch = match Launch::parse(std::env::args().skip(1)) {
        Ok(launch) => launch,
        Err(message) => {
            eprintln!("authdeck-desktop: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if launch.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match authdeck_app::run(launch, startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(NotStarted::HandOverFailed(_)) if relaunch::allowed() => relaunch::now(),
        Err(error @ NotStarted::NotAnswering(_)) => {
            eprintln!("authdeck-desktop: {error}");
            authdeck_app::tell_on_desktop(&error);
            ExitCode::from(NOT_ANSWERING)
        }
        Err(error) => {
            eprintln!("authdeck-desktop: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A launch whose hand-over failed starts again from the top, as a new process (the window
/// system's event loop cannot be made twice in one): the instance that held the name was most
/// likely ending, and once it is gone this launch becomes the running one. A few tries, each
/// after a longer wait, then the failure is said. (A hung instance does not get here: it
/// keeps its name, and its silence is said at once, `NotStarted::NotAnswering`.)
mod relaunch {
    use std::process::ExitCode;
    use std::time::Duration;

    /// How many launches have failed to hand over so far, passed on to the next one.
    const TRIES: &str = "AUTHDECK_HAND_OVER_TRIES";
    const MOST_TRIES: u32 = 4;

    fn tries() -> u32 {
        std::env::var(TRIES)
            .ok()
            .and_then(|tries| tries.parse().ok())
            .unwrap_or(0)
    }

    pub fn allowed() -> bool {
        tries() < MOST_TRIES
    }

    #[cfg(unix)]
    pub fn now() -> ExitCode {
        use std::os::unix::process::CommandExt;
        let tries = tries() + 1;
        // 0.2, 0.4, 0.8, 1.6 s: an ending instance lets go of its name in well under a second
        std::thread::sleep(Duration::from_millis(100 << tries));
        let program = match std::env::current_exe() {
            Ok(program) => program,
            Err(error) => {
                eprintln!("authdeck-desktop: could not start again: {error}");
                return ExitCode::FAILURE;
            }
        };
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env(TRIES, tries.to_string())
            .exec();
        eprintln!("authdeck-desktop: could not start again: {error}");
        ExitCode::FAILURE
    }

    #[cfg(not(unix))]
    pub fn now() -> ExitCode {
        eprintln!(
            "authdeck-desktop: Authdeck already runs on this data folder but did not answer."
        );
        ExitCode::FAILURE
    }
}
