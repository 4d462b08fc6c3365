//! What the command-line benchmarks share: timing a new process, runs paired with a
//! reference so both see the same load, medians and percentiles as a Markdown table row, and
//! the machine, date and load the table is printed with.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const RUNS: usize = 21;
pub const WARM_UPS: usize = 3;

/// Runs `command` to its end (it must succeed); how long it took.
pub fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    let output = command.stdin(Stdio::null()).output().expect("start");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// Durations in milliseconds, sorted.
pub struct Samples(Vec<f64>);

impl Samples {
    pub fn at(&self, fraction: f64) -> f64 {
        let last = self.0.len() - 1;
        self.0[((last as f64) * fraction).round() as usize]
    }

    fn show(&self) -> String {
        format!(
            "{:.1} ms | {:.1}–{:.1}",
            self.at(0.5),
            self.at(0.1),
            self.at(0.9)
        )
    }
}

/// Starts every command at once; the time until the last one ends. Each must succeed.
pub fn all_at_once(commands: impl IntoIterator<Item = Command>) -> Duration {
    let started = Instant::now();
    let children: Vec<_> = commands
        .into_iter()
        .map(|mut command| command.spawn().expect("start"))
        .collect();
    let count = children.len();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "one of {count} at once failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    started.elapsed()
}

/// `runs` pairs (after warm-ups) of `ours` then `reference`.
pub fn paired(
    runs: usize,
    mut ours: impl FnMut() -> Duration,
    mut reference: impl FnMut() -> Duration,
) -> (Samples, Samples) {
    for _ in 0..WARM_UPS.min(runs) {
        ours();
        reference();
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(ours().as_secs_f64() * 1000.0);
        b.push(reference().as_secs_f64() * 1000.0);
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    (Samples(a), Samples(b))
}

/// Prints one row of the table.
pub fn row(what: &str, reference: &str, (ours, theirs): (Samples, Samples)) {
    println!(
        "| {what} | {} | {reference} | {} | {:.2} |",
        ours.show(),
        theirs.show(),
        ours.at(0.5) / theirs.at(0.5)
    );
}

/// The 1, 5 and 15 minute load averages of a `/proc/loadavg` reading.
pub fn first_three(loadavg: &str) -> String {
    loadavg
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Machine: 2 cores, <CPU model>, <OS>; <UTC date>."
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let os = release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_owned())
        .unwrap_or_else(|| "unknown OS".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("Machine: {cores} cores, {cpu}, {os}; {date}.")
}
