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
/// drives a terminal ([`TerminalSafe`]). Indented JSON is passed on as it is made, in chunks
/// of [`JSON_CHUNK`] bytes; JSON on one line is made whole and written at once with its line
/// break (`status --json` and `apps --json`, the long ones, write theirs item by item:
/// [`JsonList`]).
pub fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let pretty = json_indented();
    let mut out = TerminalSafe::new(stdout.lock(), JSON_CHUNK);
    let made = write_json(&mut out, value, pretty);
    // a failed write stops the serializer; what failed is the write (a reader gone is fine)
    if let Some(failure) = out.failed.take() {
        return written(Err(failure));
    }
    made.map_err(unwritable)?;
    written(out.write_all(b"\n").and_then(|()| out.finish()))
}

/// Whether JSON is printed indented: for a person, on a terminal ([`print_json`]).
pub fn json_indented() -> bool {
    std::io::stdout().is_terminal()
}

/// How many bytes of JSON are gathered before they are checked and written: large enough that
/// the writes are few (77 for 5 MB), small enough to stay in the cache.
const JSON_CHUNK: usize = 64 * 1024;

/// `value` as JSON into `out`. On one line it is written by sonic-rs, whose string escaping
/// finds the bytes to escape 16 or 32 at a time where serde_json looks at each (its scan was a
/// third of `status --json`'s instructions with 10,000 apps); both escape the same bytes the same
/// way (`\"`, `\\`, `\n`, `\u001b`), so the output is serde_json's byte for byte. Indented, for
/// a person, it stays serde_json's.
fn write_json<W: Write>(
    out: &mut TerminalSafe<W>,
    value: &impl Serialize,
    pretty: bool,
) -> Result<(), String> {
    if pretty {
        serde_json::to_writer_pretty(out, value).map_err(|e| e.to_string())
    } else {
        // whole, then written at once with its line break: line-buffered stdout searches a
        // write without one for a line break (see `standard_output`)
        sonic_rs::to_writer(&mut out.buffer, value).map_err(|e| e.to_string())
    }
}

/// JSON for a program (on one line) that is mostly one long list, written item by item as
/// the items are made, in chunks of [`JSON_CHUNK`] bytes: `status --json` and `apps --json` of
/// 10,000 apps (5 MB and 3 MB) gathered whole were 1,200 and 700 pages of memory touched once
/// (minor page faults, a third of each command's). Each item's JSON is the caller's to write
/// (as [`print_json`] writes one line: serde's, with sonic-rs for text); on a terminal
/// (indented JSON) use [`print_json`].
pub struct JsonList<W: Write> {
    out: TerminalSafe<W>,
    first: bool,
}

impl<W: Write> JsonList<W> {
    /// Starts with `open`: the JSON up to and including the list's `[`.
    pub fn start(out: W, open: &[u8]) -> Self {
        let mut out = TerminalSafe::new(out, JSON_CHUNK);
        out.buffer.extend_from_slice(open);
        Self { out, first: true }
    }

    /// Writes one item of the list, as `write` writes it into the gathered JSON.
    pub fn item(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> sonic_rs::Result<()>,
    ) -> Result<(), Failure> {
        if !self.first {
            self.out.buffer.push(b',');
        }
        self.first = false;
        write(&mut self.out.buffer).map_err(unwritable)?;
        let outcome = self.out.pass_on_if_full();
        self.written(outcome)
    }

    /// Ends with `close` (from the list's `]` to the end of the JSON) and a line break.
    pub fn end(mut self, close: &[u8]) -> Result<(), Failure> {
        self.out.buffer.extend_from_slice(close);
        self.out.buffer.push(b'\n');
        let outcome = self.out.finish();
        self.written(outcome)
    }

    /// What writing out did; a reader that went away is not an error (nothing more is written).
    fn written(&mut self, outcome: std::io::Result<()>) -> Result<(), Failure> {
        if outcome.is_err() {
            self.out.buffer.clear();
        }
        written(outcome)
    }
}

/// Standard output without Rust's line buffering, for JSON written in chunks ([`JsonList`]):
/// line-buffered stdout searches every chunk written for a line break, which a chunk of JSON
/// on one line does not have (5 M instructions for `status --json`'s 5 MB). A second handle
/// (`dup`) to the same output, after what stdout holds is flushed.
pub fn standard_output() -> Result<std::fs::File, Failure> {
    use std::os::fd::AsFd;
    let stdout = std::io::stdout();
    written(stdout.lock().flush())?;
    let handle = stdout.as_fd().try_clone_to_owned().map_err(unwritable)?;
    Ok(std::fs::File::from(handle))
}

/// The failure for output that could not be made or written.
pub fn unwritable(error: impl std::fmt::Display) -> Failure {
    Failure::new(exit::OTHER, format!("Could not write the output: {error}"))
}

/// `value` as JSON, as [`print_json`] writes it (without the line break).
#[cfg(test)]
pub(crate) fn terminal_json(value: &impl Serialize, pretty: bool) -> Result<Vec<u8>, String> {
    terminal_json_in_chunks(value, pretty, JSON_CHUNK)
}

/// [`terminal_json`] passed on in chunks of `chunk` bytes.
#[cfg(test)]
fn terminal_json_in_chunks(
    value: &impl Serialize,
    pretty: bool,
    chunk: usize,
) -> Result<Vec<u8>, String> {
    let mut out = TerminalSafe::new(Vec::new(), chunk);
    write_json(&mut out, value, pretty)?;
    out.finish().map_err(|e| e.to_string())?;
    Ok(out.out)
}

/// JSON on its way to `out`, gathered and passed on in chunks of about `chunk` bytes, with the
/// characters serde_json leaves raw that drive a terminal (DEL, C1 such as U+009B, the
/// bidirectional controls) escaped as `\u009b` ([`escape_terminal_controls`]): the same JSON to
/// a program, harmless on a terminal. They can only be inside strings (JSON outside them is
/// ASCII). A chunk ends where a character does: the serializers write whole strings, and the
/// bytes of a character cut short at a chunk's end would wait for the next chunk.
struct TerminalSafe<W: Write> {
    out: W,
    buffer: Vec<u8>,
    chunk: usize,
    /// The first failure to write to `out`: the serializer is stopped by it, and it is what
    /// the caller reports (a reader gone away is no error).
    failed: Option<std::io::Error>,
}

impl<W: Write> TerminalSafe<W> {
    fn new(out: W, chunk: usize) -> Self {
        Self {
            out,
            buffer: Vec::with_capacity(chunk.min(1 << 16) + 1024),
            chunk,
            failed: None,
        }
    }

    /// Makes room for `more` bytes, passing on what is gathered once the chunk is full.
    fn room_for(&mut self, more: usize) -> std::io::Result<()> {
        if self.buffer.len() + more > self.chunk && !self.buffer.is_empty() {
            self.pass_on()?;
        }
        self.buffer.reserve(more);
        Ok(())
    }

    /// Passes on what is gathered once it fills a chunk.
    fn pass_on_if_full(&mut self) -> std::io::Result<()> {
        if self.buffer.len() >= self.chunk {
            self.pass_on()?;
        }
        Ok(())
    }

    /// Escapes and writes every whole character gathered so far.
    fn pass_on(&mut self) -> std::io::Result<()> {
        if let Some(failure) = &self.failed {
            return Err(std::io::Error::from(failure.kind()));
        }
        let whole = whole_characters(&self.buffer);
        let outcome = self
            .out
            .write_all(&escape_terminal_controls(&self.buffer[..whole]));
        self.buffer.drain(..whole);
        outcome.map_err(|failure| {
            let kind = failure.kind();
            self.failed = Some(failure);
            std::io::Error::from(kind)
        })
    }

    /// Writes what is left and flushes `out`.
    fn finish(&mut self) -> std::io::Result<()> {
        self.pass_on()?;
        // only bytes that are no whole character: passed on as they are
        let rest = std::mem::take(&mut self.buffer);
        self.out.write_all(&rest)?;
        self.out.flush()
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.room_for(bytes.len())?;
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How many bytes of `bytes` (UTF-8, perhaps cut short at the end) are whole characters: all
/// of them, unless the last character's first byte is among the last three and its other
/// bytes are not all there yet.
fn whole_characters(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(3) {
        let byte = bytes[len - back];
        if byte & 0xc0 != 0x80 {
            // the first byte of the last character
            let needs = match byte {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            return if back < needs { len - back } else { len };
        }
    }
    len
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
fn escape_terminal_controls(json: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let (del, c2, e2) = TERMINAL_LEADS;
    let mut safe: Option<Vec<u8>> = None;
    let mut copied = 0;
    for at in memchr::memchr3_iter(del, c2, e2, json) {
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
        None => std::borrow::Cow::Borrowed(json),
        Some(mut safe) => {
            safe.extend_from_slice(&json[copied..]);
            std::borrow::Cow::Owned(safe)
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
    fn json_in_chunks_of_any_size_is_the_same() {
        // escapes and characters of 1 to 4 bytes, wherever a chunk ends
        let value = serde_json::json!({
            "a": "\u{202e}“x”✓£\u{a0}\u{85}\u{7f}😀\u{1b}[31m",
            "b": ["\u{9b}", "日本 Café \u{2069}", "x\"y\\z", "\u{2066}\u{2066}"],
            "c": { "é": 1, "\u{9b}k": null },
        });
        for pretty in [false, true] {
            let whole = terminal_json_in_chunks(&value, pretty, 1 << 20).unwrap();
            assert!(!has_terminal_controls(std::str::from_utf8(&whole).unwrap()));
            for chunk in 1..=40 {
                assert_eq!(
                    terminal_json_in_chunks(&value, pretty, chunk).unwrap(),
                    whole,
                    "chunks of {chunk}, pretty {pretty}"
                );
            }
        }
    }

    #[test]
    fn a_chunk_ends_where_a_character_does() {
        for text in ["", "a", "é", "日", "😀", "ab😀", "x\u{9b}"] {
            let bytes = text.as_bytes();
            assert_eq!(whole_characters(bytes), bytes.len(), "{text:?}");
            for cut in 1..bytes.len() {
                let start = text.char_indices().map(|(i, _)| i).rfind(|&i| i < cut);
                let kept = whole_characters(&bytes[..cut]);
                let expected = if text.is_char_boundary(cut) {
                    cut
                } else {
                    start.unwrap()
                };
                assert_eq!(kept, expected, "{text:?} cut at {cut}");
            }
        }
    }

    /// An output that fails every write with `.0`, counting the tries.
    struct Failing(std::io::ErrorKind, usize);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            self.1 += 1;
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_the_failure_reported() {
        let value: Vec<String> = (0..10_000).map(|i| format!("app {i}")).collect();
        let mut out = TerminalSafe::new(Failing(std::io::ErrorKind::BrokenPipe, 0), 64);
        assert!(write_json(&mut out, &value, true).is_err());
        assert_eq!(
            out.failed.take().map(|e| e.kind()),
            Some(std::io::ErrorKind::BrokenPipe)
        );
    }

    #[test]
    fn a_list_stops_writing_when_its_reader_goes_and_fails_on_other_errors() {
        let items = |list: &mut JsonList<&mut Failing>| -> Result<(), Failure> {
            for i in 0..10_000 {
                list.item(|json| sonic_rs::to_writer(json, &format!("app {i}")))?;
            }
            Ok(())
        };
        // a reader gone (`| head`): no error, and one write tried, not one per chunk
        let mut gone = Failing(std::io::ErrorKind::BrokenPipe, 0);
        let mut list = JsonList::start(&mut gone, b"[");
        assert!(items(&mut list).is_ok());
        assert!(list.end(b"]").is_ok());
        assert_eq!(gone.1, 1);
        // any other failure is reported
        let mut full = Failing(std::io::ErrorKind::StorageFull, 0);
        let mut list = JsonList::start(&mut full, b"[");
        let failure = items(&mut list).unwrap_err();
        assert!(
            failure.line().starts_with("Could not write the output"),
            "{}",
            failure.line()
        );
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
