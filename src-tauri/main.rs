// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use authdeck_app::Launch;
use std::process::ExitCode;

const USAGE: &str = "Usage: authdeck-desktop [--demo] [--open APP_ID]

  --demo         start a local test authorization server and open a ready demo environment
                 (its own data folder and keychain namespace; your data is not touched)
  --open APP_ID  show this app (`authdeck open APP` finds its ID)

When Authdeck already runs on the same data folder, it comes forward (on APP_ID with --open)
and this launch exits.";

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
        Err(message) => {
            eprintln!("authdeck-desktop: {message}");
            ExitCode::FAILURE
        }
    }
}
