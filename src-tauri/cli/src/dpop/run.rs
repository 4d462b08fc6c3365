//! Running curl once so that Authdeck sees the answer's headers before its body is shown: curl
//! dumps the headers (`-D`) into a pipe Authdeck inherits to it (`/dev/fd/N`, no file), and its
//! stdout comes through Authdeck, held back only until the first final answer's headers are
//! read. When that answer is a resource server's `use_dpop_nonce` refusal (RFC 9449 §9) and a
//! retry may follow, the held body (with whatever `-i` and `-w` wrote to stdout) is dropped, so
//! only the retry's answer is shown.

use crate::failure::{Failure, exit};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;

/// An answer's status and headers, as curl dumped them.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The nonce it asks the next proof to carry, when it is a `use_dpop_nonce` refusal.
    pub fn nonce_asked(&self) -> Option<String> {
        let headers = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        authdeck_core::flows::dpop::resource_nonce_asked(self.status, headers)
    }

    /// The `DPoP-Nonce` it brought, refusal or not (a server may rotate it on any answer).
    pub fn nonce(&self) -> Option<&str> {
        let nonce = authdeck_core::flows::dpop::NONCE_HEADER;
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(nonce))
            .map(|(_, value)| value.as_str())
    }
}

/// What one run of curl did.
pub(super) struct Ran {
    /// curl's exit code.
    pub code: u8,
    /// The first final (not 1xx) answer: the one to the request the proof was made for.
    pub first: Option<Answer>,
    /// Every header line curl dumped, as it wrote them (for the caller's own `-D`).
    pub dumped: Vec<u8>,
    /// Whether its stdout was dropped (a nonce refusal to be retried).
    pub dropped: bool,
}

/// Runs `curl --config - -D /dev/fd/N ARGUMENTS` with `config` (the headers that hold the
/// token) on its stdin. With `may_retry`, a first answer that asks for a nonce has its stdout
/// dropped. `quiet_meter`: curl's stdout is a pipe now, so tell curl to show no progress meter
/// where it would have shown none (the body to a terminal).
#[cfg(unix)]
pub(super) fn run_curl(
    arguments: &[String],
    config: &str,
    may_retry: bool,
    quiet_meter: bool,
) -> Result<Ran, Failure> {
    use std::os::fd::AsRawFd;
    let (headers_in, headers_out) = std::io::pipe()
        .map_err(|e| Failure::new(exit::OTHER, format!("No pipe for curl's headers: {e}.")))?;
    // curl opens /dev/fd/N, so the write end must outlive exec: no close-on-exec for it, and
    // for it alone (its flag is set again as soon as curl runs)
    let inherit = |on: bool| {
        let flags = if on {
            rustix::io::FdFlags::empty()
        } else {
            rustix::io::FdFlags::CLOEXEC
        };
        rustix::io::fcntl_setfd(&headers_out, flags)
            .map_err(|e| Failure::new(exit::OTHER, format!("No pipe for curl's headers: {e}.")))
    };
    inherit(true)?;
    let mut command = std::process::Command::new("curl");
    command
        .arg("--config")
        .arg("-")
        .arg("--dump-header")
        .arg(format!("/dev/fd/{}", headers_out.as_raw_fd()));
    if quiet_meter {
        command.arg("--no-progress-meter");
    }
    let spawned = command
        .args(arguments)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    inherit(false)?;
    // only curl holds the write end now, so the pipe ends when curl does
    drop(headers_out);
    let mut child = spawned.map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            exit::COMMAND_NOT_FOUND,
            "Cannot run “curl”: command not found.",
        ),
        _ => Failure::new(exit::CANNOT_EXECUTE, format!("Cannot run “curl”: {error}.")),
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // curl reads its config to the end first; a curl that died early is told by its code
        let _ = stdin.write_all(config.as_bytes());
    }
    let stdout = child.stdout.take().expect("curl's stdout is piped");
    let (decide, decided) = mpsc::channel();
    let body = std::thread::spawn(move || pass_on(stdout, &decided));
    let (first, dumped) = read_headers(headers_in, |first| {
        let drop_it = may_retry && first.is_some_and(|answer| answer.nonce_asked().is_some());
        let _ = decide.send(!drop_it);
    });
    let status = child
        .wait()
        .map_err(|e| Failure::new(exit::OTHER, format!("curl could not be waited for: {e}.")))?;
    let shown = body.join().unwrap_or(true);
    Ok(Ran {
        code: status.code().map_or(exit::OTHER, |c| c.clamp(0, 255) as u8),
        first,
        dumped,
        dropped: !shown,
    })
}

#[cfg(not(unix))]
pub(super) fn run_curl(_: &[String], _: &str, _: bool, _: bool) -> Result<Ran, Failure> {
    Err(Failure::new(
        exit::OTHER,
        "authdeck curl reads curl's headers through a pipe only Unix systems give; run curl \
         with authdeck proof instead.",
    ))
}

/// Reads curl's header dump to its end: calls `decided` once, with the first final answer as
/// soon as its headers are complete (or None when the dump ends without one), and returns it
/// with the whole dump.
fn read_headers(
    pipe: impl Read,
    decided: impl FnOnce(Option<&Answer>),
) -> (Option<Answer>, Vec<u8>) {
    let mut decided = Some(decided);
    let mut reader = BufReader::new(pipe);
    let (mut dumped, mut line) = (Vec::new(), Vec::new());
    let (mut current, mut first) = (None::<Answer>, None);
    while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
        dumped.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.starts_with("HTTP/") {
            let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok());
            current = Some(Answer {
                status: status.unwrap_or(0),
                headers: Vec::new(),
            });
        } else if text.is_empty() {
            // a block's end: the first final one is the request's answer
            if let Some(answer) = current.take().filter(|a| a.status >= 200)
                && first.is_none()
            {
                if let Some(decided) = decided.take() {
                    decided(Some(&answer));
                }
                first = Some(answer);
            }
        } else if let (Some(answer), Some((name, value))) = (current.as_mut(), text.split_once(':'))
        {
            answer
                .headers
                .push((name.trim().to_owned(), value.trim().to_owned()));
        }
        line.clear();
    }
    if let Some(decided) = decided.take() {
        decided(first.as_ref());
    }
    (first, dumped)
}

/// Passes curl's stdout on to Authdeck's, held back until `decided` says whether to show it
/// (true) or drop it (false); returns what was decided. A reader of ours that went away is
/// no error: curl's output is drained all the same, so curl never blocks.
fn pass_on(mut stdout: impl Read, decided: &mpsc::Receiver<bool>) -> bool {
    let mut ours = std::io::stdout().lock();
    let (mut held, mut chunk) = (Vec::new(), vec![0u8; 64 * 1024]);
    let mut shown = None;
    let mut writing = true;
    let mut out = |bytes: &[u8], writing: &mut bool| {
        if *writing && ours.write_all(bytes).and_then(|()| ours.flush()).is_err() {
            *writing = false;
        }
    };
    loop {
        if shown.is_none()
            && let Ok(show) = decided.try_recv()
        {
            shown = Some(show);
            if show {
                out(&held, &mut writing);
            }
            held = Vec::new();
        }
        let read = match stdout.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        match shown {
            None => held.extend_from_slice(&chunk[..read]),
            Some(true) => out(&chunk[..read], &mut writing),
            Some(false) => {}
        }
    }
    let show = shown.unwrap_or_else(|| decided.recv().unwrap_or(true));
    if show && !held.is_empty() {
        out(&held, &mut writing);
    }
    show
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_final_answer_is_read_from_the_dump_past_a_100_continue() {
        let dump = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\n\
                    WWW-Authenticate: DPoP error=\"use_dpop_nonce\"\r\nDPoP-Nonce: n-1\r\n\
                    Content-Type: application/json\r\n\r\n";
        let mut seen = None;
        let (first, dumped) = read_headers(dump.as_bytes(), |first| {
            seen = first.map(|a| a.status);
        });
        assert_eq!(seen, Some(401));
        let first = first.unwrap();
        assert_eq!(first.nonce_asked().as_deref(), Some("n-1"));
        assert_eq!(first.nonce(), Some("n-1"));
        assert_eq!(dumped, dump.as_bytes());

        let ok = "HTTP/2 200 \r\ncontent-type: text/plain\r\n\r\n";
        let (first, _) = read_headers(ok.as_bytes(), |_| {});
        let first = first.unwrap();
        assert_eq!(first.status, 200);
        assert_eq!(first.nonce_asked(), None);
        // no answer at all (curl could not connect): decided with none
        let mut called = false;
        let (first, dumped) = read_headers(&b""[..], |first| called = first.is_none());
        assert!(called && first.is_none() && dumped.is_empty());
    }
}
