//! Where the desktop app's start-up time goes, as its own marks (issue 14): when the process
//! was started (from the kernel's record), when `main` ran, when the store was open, when the
//! app was set up and when its event loop was ready. The webview adds its own (the bundle's
//! first line, the first render, the app list shown) to its performance timeline; the desktop
//! benchmark (tests/bench/desktop) puts both on one time line through the epoch times here.

use crate::ipc::{StartupMark, StartupMarks};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The marks of this process, from `main` on.
pub struct Startup {
    main_epoch_ms: f64,
    marks: Mutex<Vec<StartupMark>>,
}

fn epoch_ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}

impl Startup {
    /// Starts the time line now (call it first thing in `main`).
    pub fn begin() -> Self {
        Self {
            main_epoch_ms: epoch_ms(SystemTime::now()),
            marks: Mutex::new(Vec::new()),
        }
    }

    /// Marks a phase as reached now (the first time only).
    pub fn mark(&self, name: &str) {
        let at_ms = epoch_ms(SystemTime::now()) - self.main_epoch_ms;
        if let Ok(mut marks) = self.marks.lock()
            && !marks.iter().any(|mark| mark.name == name)
        {
            marks.push(StartupMark {
                name: name.to_owned(),
                at_ms,
            });
        }
    }

    /// The marks so far.
    pub fn marks(&self) -> StartupMarks {
        StartupMarks {
            main_epoch_ms: self.main_epoch_ms,
            process_epoch_ms: process_start_epoch_ms(),
            marks: self.marks.lock().map(|m| m.clone()).unwrap_or_default(),
        }
    }
}

/// When the kernel started this process, to 10 ms (Linux: its age is the time since boot,
/// /proc/uptime, less its start in clock ticks after boot, /proc/self/stat; the boot time in
/// /proc/stat is whole seconds, too coarse); None elsewhere, or when it cannot be read.
fn process_start_epoch_ms() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let now = epoch_ms(SystemTime::now());
        let uptime: f64 = std::fs::read_to_string("/proc/uptime")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // the command name (field 2) may hold spaces: count fields after its closing ')'
        let after_name = &stat[stat.rfind(')')? + 1..];
        let ticks: f64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
        // /proc counts in USER_HZ, which the kernel's interface fixes at 100 per second
        let age_seconds = uptime - ticks / 100.0;
        Some(now - age_seconds * 1000.0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_is_marked_once_after_main_and_the_process_started_before() {
        let startup = Startup::begin();
        startup.mark("store-opened");
        startup.mark("store-opened");
        let marks = startup.marks();
        assert_eq!(marks.marks.len(), 1);
        assert!(marks.marks[0].at_ms >= 0.0);
        let process = marks
            .process_epoch_ms
            .expect("Linux reports the process start");
        // both /proc clocks count in hundredths: the process began at most two after main
        assert!(
            process <= marks.main_epoch_ms + 20.0,
            "{process} {}",
            marks.main_epoch_ms
        );
        assert!(
            marks.main_epoch_ms - process < 600_000.0,
            "started this test run"
        );
    }
}
