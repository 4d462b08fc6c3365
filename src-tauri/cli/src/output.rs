//! What commands print: aligned tables, JSON, shell-quoted exports, times left.
//!
//! Every line for a person goes through [`print`] or [`say!`]: much of it quotes the provider
//! (`error_description`, a user code, app names), and a control character in it would drive
//! the terminal (OSC 52 writes the clipboard, CSI moves the cursor, U+202E reverses text).
//! Both show such characters as visible `\u{..}` escapes; the crate denies `print!` and
//! `eprint!` so nothing bypasses them.

use crate::failure::{Failure, exit};
use authdeck_core::model::Timestamp;
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Whether a character could drive a terminal rather than show as text: C0 controls (line
/// break and tab aside), DEL, C1 controls (U+009B is a one-character CSI) and the
/// bidirectional embeddings, overrides and isolates.
fn drives_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every character that could drive a terminal written as `\u{1b}`.
pub fn terminal_text(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if drives_terminal(c) {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Whether `value` holds a character that could drive a terminal (a token printed as is).
pub fn has_terminal_controls(value: &str) -> bool {
    value.chars().any(drives_terminal)
}

/// `eprintln!` for everything the CLI tells a person on stderr (see the module comment).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::to_stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use say;

/// Writes `text` to stderr as [`terminal_text`]; a closed stderr is not worth failing for.
pub fn to_stderr(text: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(terminal_text(text).as_bytes());
}

/// Whether a person can be asked: stdin and stderr are both terminals (a script is never
/// asked, it is refused with what to pass instead).
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` (it ends with "[y/N] ") on stderr and reads one line from stdin: "y" or
/// "yes" in any case goes on, anything else is "Cancelled; nothing was done." Only after
/// [`can_ask`].
pub fn confirm(question: &str) -> Result<(), Failure> {
    use std::io::BufRead;
    to_stderr(question);
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not read the answer: {e}")))?;
    if is_yes(&answer) {
        Ok(())
    } else {
        Err(Failure::new(exit::OTHER, "Cancelled; nothing was done."))
    }
}

/// A typed answer that means yes.
fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// Writes text for a person to stdout, as [`terminal_text`].
pub fn print(text: &str) -> Result<(), Failure> {
    print_exactly(&terminal_text(text))
}

/// Writes to stdout in one go, byte for byte (a token, `export` lines, a completion script);
/// a reader that went away (`| head`) is not an error.
pub fn print_exactly(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    written(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}

/// The outcome of writing to stdout: a reader that went away is not an error.
fn written(outcome: std::io::Result<()>) -> Result<(), Failure> {
    match outcome {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            exit::OTHER,
            format!("Could not write the output: {e}"),
        )),
    }
}

/// Prints a value as JSON: indented on a terminal, on one line for a program (`status --json`
/// of 10,000 apps is 6.5 MB indented, and a program reads both alike), with no character that
/// drives a terminal ([`terminal_json`]).
pub fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let pretty = stdout.is_terminal();
    let mut text = terminal_json(value, pretty)
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not write the output: {e}")))?;
    text.push(b'\n');
    // At once: stdout is line-buffered, and a stream of chunks without a line break was
    // searched for one chunk by chunk.
    let mut stdout = stdout.lock();
    written(stdout.write_all(&text).and_then(|()| stdout.flush()))
}

/// `value` as JSON, with the characters serde_json leaves raw that drive a terminal (DEL, C1
/// such as U+009B, the bidirectional controls) escaped as `\u009b`: the same JSON to a program,
/// harmless on a terminal. They can only be inside strings (JSON outside them is ASCII).
///
/// On one line it is written by sonic-rs, whose string escaping finds the bytes to escape 16 or
/// 32 at a time where serde_json looks at each (its scan was a third of `status --json`'s
/// instructions with 10,000 apps); both escape the same bytes the same way (`\"`, `\\`, `\n`,
/// `\u001b`), so the output is serde_json's byte for byte. Indented, for a person, it stays
/// serde_json's.
fn terminal_json(value: &impl Serialize, pretty: bool) -> Result<Vec<u8>, String> {
    let mut json = Vec::with_capacity(1 << 16);
    if pretty {
        serde_json::to_writer_pretty(&mut json, value).map_err(|e| e.to_string())?;
    } else {
        sonic_rs::to_writer(&mut json, value).map_err(|e| e.to_string())?;
    }
    Ok(escape_terminal_controls(json))
}

/// The first bytes (in UTF-8) of every character from DEL up that [`drives_terminal`]: DEL
/// itself, C1 (U+0080–U+009F, `C2 80`–`C2 9F`) and the bidirectional controls (U+202A–U+202E,
/// U+2066–U+2069, all `E2 …`). Neither C2 nor E2 is ever a continuation byte, so a match is
/// always where a character starts.
const TERMINAL_LEADS: (u8, u8, u8) = (0x7f, 0xc2, 0xe2);

/// `json` (UTF-8, as serde_json writes it) with each character from DEL up that drives a
/// terminal written as a JSON escape. Only where one of [`TERMINAL_LEADS`] is found (memchr's
/// vectorised search) is a character looked at, so JSON with none (the usual, ordinary non-ASCII
/// text such as `é` or `日本` included) is searched once and kept as it is, without a copy.
fn escape_terminal_controls(json: Vec<u8>) -> Vec<u8> {
    let (del, c2, e2) = TERMINAL_LEADS;
    let mut safe: Option<Vec<u8>> = None;
    let mut copied = 0;
    for at in memchr::memchr3_iter(del, c2, e2, &json) {
        let len = match json[at] {
            0x7f => 1,
            0xc2 => 2,
            _ => 3,
        };
        let Some(ch) = json
            .get(at..at + len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .and_then(|text| text.chars().next())
        else {
            continue;
        };
        if drives_terminal(ch) {
            let safe = safe.get_or_insert_with(|| Vec::with_capacity(json.len() + 64));
            safe.extend_from_slice(&json[copied..at]);
            safe.extend_from_slice(format!("\\u{:04x}", u32::from(ch)).as_bytes());
            copied = at + len;
        }
    }
    match safe {
        None => json,
        Some(mut safe) => {
            safe.extend_from_slice(&json[copied..]);
            safe
        }
    }
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

/// How a secret or token is told apart: `…wxyz`, its last four characters; core keeps none
/// of a value too short to show any of it.
pub fn ending(fingerprint: &str) -> String {
    if fingerprint.is_empty() {
        "short value, not shown".into()
    } else {
        format!("…{fingerprint}")
    }
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
    fn only_y_or_yes_is_a_yes() {
        for yes in ["y\n", "Y\n", "yes\n", " YES \r\n", "Yes"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in [
            "\n",
            "",
            "n\n",
            "no\n",
            "yep\n",
            "y es\n",
            "ye\n",
            "yes please\n",
        ] {
            assert!(!is_yes(no), "{no:?}");
        }
    }

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
    fn a_short_value_shows_no_ending() {
        assert_eq!(ending("wxyz"), "…wxyz");
        assert_eq!(ending(""), "short value, not shown");
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
    fn controls_from_a_provider_are_shown_not_obeyed() {
        assert_eq!(
            terminal_text("a\u{1b}]52;c;eA==\u{7}b\u{9b}2J\r\u{7f}\u{202e}\u{2066}"),
            "a\\u{1b}]52;c;eA==\\u{7}b\\u{9b}2J\\u{d}\\u{7f}\\u{202e}\\u{2066}"
        );
        // line breaks, tabs and ordinary non-ASCII text are kept
        assert_eq!(terminal_text("Café\tok\n“x” ✓"), "Café\tok\n“x” ✓");
        assert!(has_terminal_controls("abc\u{9b}"));
        assert!(!has_terminal_controls("eyJhbGciOi.x-y_z~+/="));
    }

    #[test]
    fn json_escapes_the_controls_serde_json_leaves_raw() {
        let value = serde_json::json!({ "name": "a\u{1b}b\u{9b}c\u{7f}d\u{202e}e" });
        for (pretty, expected) in [
            (
                true,
                "{\n  \"name\": \"a\\u001bb\\u009bc\\u007fd\\u202ee\"\n}",
            ),
            (false, r#"{"name":"a\u001bb\u009bc\u007fd\u202ee"}"#),
        ] {
            let text = String::from_utf8(terminal_json(&value, pretty).unwrap()).unwrap();
            assert_eq!(text, expected);
            assert!(!has_terminal_controls(&text));
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
        }
    }

    #[test]
    fn json_keeps_ordinary_non_ascii_text_around_escaped_controls() {
        let value = serde_json::json!({ "név": "Café ✓\u{9b}“x”\u{2066}日本", "n": 1 });
        let text = String::from_utf8(terminal_json(&value, false).unwrap()).unwrap();
        assert_eq!(text, r#"{"n":1,"név":"Café ✓\u009b“x”\u2066日本"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn every_character_from_del_up_that_drives_a_terminal_starts_with_a_searched_byte() {
        let (del, c2, e2) = TERMINAL_LEADS;
        let mut found = 0;
        for c in ('\u{7f}'..=char::MAX).filter(|&c| drives_terminal(c)) {
            let mut utf8 = [0; 4];
            let first = c.encode_utf8(&mut utf8).as_bytes()[0];
            assert!(
                [del, c2, e2].contains(&first),
                "{c:?} starts with {first:#x}"
            );
            found += 1;
        }
        // DEL, the 32 C1 controls, U+202A–U+202E and U+2066–U+2069
        assert_eq!(found, 1 + 32 + 5 + 4);
    }

    #[test]
    fn json_escapes_controls_beside_text_that_shares_their_first_byte() {
        // `“` (E2 80 9C), `✓` (E2 9C 93), `£` (C2 A3) and `\u{a0}` (C2 A0) start as the
        // controls do and are kept; each control is escaped wherever it stands.
        let value = serde_json::json!({
            "a": "\u{202e}“x”✓£\u{a0}\u{85}\u{7f}",
            "b": "\u{9b}",
            "c": "日本 Café \u{2069}",
        });
        let text = String::from_utf8(terminal_json(&value, false).unwrap()).unwrap();
        let expected = concat!(
            r#"{"a":"\u202e“x”✓£"#,
            "\u{a0}",
            r#"\u0085\u007f","b":"\u009b","c":"日本 Café \u2069"}"#
        );
        assert_eq!(text, expected);
        assert!(!has_terminal_controls(&text));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        // nothing to escape: the same bytes back
        let plain = serde_json::json!({ "é": "日本 “q” ✓ £" });
        assert_eq!(
            terminal_json(&plain, false).unwrap(),
            serde_json::to_vec(&plain).unwrap()
        );
    }

    #[test]
    fn json_on_one_line_is_serde_json_s_byte_for_byte() {
        // every ASCII character (each control, the quote and the backslash among them), text
        // of 1 to 4 UTF-8 bytes, integers at their limits, floats, nested lists and objects
        let ascii: String = (0u8..0x7f).map(char::from).collect();
        let value = serde_json::json!({
            "ascii": ascii,
            "text": ["", "Café", "日本", "😀", "x\"y\\z", "a\u{0}b"],
            "integers": [0, -1, i64::MIN, i64::MAX, u64::MAX],
            "floats": [0.5, -0.0, 0.1, 1e20, 1.5e-7, 123_456_789.125, f64::MAX, f64::MIN_POSITIVE],
            "nested": { "b": [true, false, null], "a": {}, "c": [] },
        });
        let ours = String::from_utf8(terminal_json(&value, false).unwrap()).unwrap();
        let theirs = serde_json::to_string(&value).unwrap();
        // DEL is the one character the terminal check escapes beyond serde_json
        assert_eq!(ours, theirs.replace('\u{7f}', r"\u007f"));
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
