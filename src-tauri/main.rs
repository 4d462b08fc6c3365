// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use authdeck_app::Mode;
use std::process::ExitCode;

const USAGE: &str = "Usage: authdeck-desktop [--demo]

  --demo   start a local test authorization server and open a ready demo environment
           (its own data folder and keychain namespace; your data is not touched)";

fn main() -> ExitCode {
    let startup = authdeck_app::Startup::begin();
    let mut mode = Mode::Normal;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--demo" => mode = Mode::Demo,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("authdeck-desktop: unknown argument “{other}”\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match authdeck_app::run(mode, startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("authdeck-desktop: {message}");
            ExitCode::FAILURE
        }
    }
}
