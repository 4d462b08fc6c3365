//! What commands print: aligned tables, JSON, shell-quoted exports, times left.

use crate::failure::{Failure, exit};
use authdeck_core::model::Timestamp;
use serde::Serialize;
use std::io::Write;

/// Writes to stdout in one go; a reader that went away (`| head`) is not an error.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            exit::OTHER,
            format!("Could not write the output: {e}"),
        )),
    }
}

/// Prints a value as pretty JSON.
pub fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not write JSON: {e}")))?;
    text.push('\n');
    print(&text)
}

/// Columns padded to their widest cell (by characters), two spaces apart.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut text = line(header.to_vec());
    for row in rows {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    text
}

/// A value quoted for POSIX shells: single quotes, with `'` written as `'\''`.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// Whether `name` can be an environment variable's name in a shell.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `1h 02m`, `4m 05s`, `12s`; `expired 3m ago` when negative; `no expiry` when unknown.
pub fn time_left(seconds: Option<i64>) -> String {
    match seconds {
        None => "no expiry".into(),
        Some(s) if s <= 0 => format!("expired {} ago", span(-s)),
        Some(s) => span(s),
    }
}

fn span(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// A timestamp as RFC 3339 (UTC).
pub fn when(at: &Timestamp) -> String {
    at.0.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.unix().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_every_character() {
        assert_eq!(shell_quote("abc"), "'abc'");
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
        let nasty = "x'; rm -rf / #$(id)`id`\"\\\n";
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("printf %s {}", shell_quote(nasty))])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), nasty);
    }

    #[test]
    fn variable_names_are_checked() {
        assert!(is_variable_name("AUTHDECK_ACCESS_TOKEN"));
        assert!(is_variable_name("_x1"));
        assert!(!is_variable_name("1X"));
        assert!(!is_variable_name("A-B"));
        assert!(!is_variable_name(""));
    }

    #[test]
    fn times_left_read_naturally() {
        assert_eq!(time_left(Some(3725)), "1h 02m");
        assert_eq!(time_left(Some(245)), "4m 05s");
        assert_eq!(time_left(Some(12)), "12s");
        assert_eq!(time_left(Some(-180)), "expired 3m 00s ago");
        assert_eq!(time_left(Some(90_000)), "1d 01h");
        assert_eq!(time_left(None), "no expiry");
    }

    #[test]
    fn tables_align_by_characters() {
        let text = table(
            &["NAME", "STATE"],
            &[
                vec!["Café".into(), "valid".into()],
                vec!["B".into(), "none".into()],
            ],
        );
        assert_eq!(text, "NAME  STATE\nCafé  valid\nB     none\n");
    }
}
