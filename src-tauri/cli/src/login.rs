//! `authdeck login` (browser or device) and the sign-in `token --login` runs: core starts it,
//! this shows what to open and where it listens, waits (Ctrl-C cancels, a timeout ends it),
//! then says on stderr what was stored — never a token.

use crate::cli::LoginArgs;
use crate::failure::{Failure, exit, one_line};
use crate::output::{self, say, shell_quote};
use crate::resolve;
use crate::tokens::{block_on, requested_scopes};
use authdeck_core::model::{AppSummary, Environment, TokenSource, TokenStatus};
use authdeck_core::{Core, DEFAULT_LOGIN_TIMEOUT, ErrorCode, LoginOptions};
use std::cell::Cell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// The app a sign-in is for, and how the person named it (for the commands suggested).
pub struct Signing<'a> {
    pub environment: &'a Environment,
    pub app: &'a AppSummary,
    /// The `--env` the command was given, repeated in the commands suggested.
    pub env_flag: Option<&'a str>,
}

impl Signing<'_> {
    /// `authdeck login APP [--env ENV]`, quoted for a POSIX shell where needed.
    pub fn login_command(&self, device: bool) -> String {
        let mut command = format!("authdeck login {}", shell_word(&self.app.display_name));
        if let Some(env) = self.env_flag {
            command.push_str(&format!(" --env {}", shell_word(env)));
        }
        if device {
            command.push_str(" --device");
        }
        command
    }
}

/// A word as typed in a shell: bare when it is plain, else single-quoted.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,/:@+".contains(c));
    if plain {
        word.to_owned()
    } else {
        shell_quote(word)
    }
}

/// `authdeck login`.
pub fn login(core: &Core, args: &LoginArgs, verbose: bool) -> Result<u8, Failure> {
    let env_flag = args.target.env.as_deref();
    let (environment, app) = resolve::app_to_act_on(core, env_flag, args.target.app.as_deref())?;
    let signing = Signing {
        environment: &environment,
        app: &app,
        env_flag,
    };
    let scopes = requested_scopes(&args.scopes);
    let timeout = args.timeout.map(Duration::from_secs);
    let status = if args.device {
        device(core, &signing, scopes, timeout)?
    } else {
        browser(core, &signing, scopes, timeout, !args.no_browser, verbose)?
    };
    report(core, &signing, &status)?;
    Ok(0)
}

/// Ctrl-C, listened for from the moment this is made: tokio's `ctrl_c()` starts listening
/// only when first awaited, and a press between showing the address and that first wait would
/// end the process without closing the listener or saying so. Call inside the runtime.
pub(crate) struct CtrlC {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
    #[cfg(windows)]
    signal: Option<tokio::signal::windows::CtrlC>,
}

impl CtrlC {
    pub(crate) fn listen() -> Self {
        Self {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
            #[cfg(windows)]
            signal: tokio::signal::windows::ctrl_c().ok(),
        }
    }

    /// Completes at the first Ctrl-C; never when no handler could be installed.
    pub(crate) async fn pressed(mut self) {
        #[cfg(any(unix, windows))]
        if let Some(signal) = self.signal.as_mut() {
            signal.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    }
}

/// The scopes a login asks for, for the first line: the ones given, else the app's defaults.
fn scopes_line(core: &Core, app: &AppSummary, scopes: &Option<Vec<String>>) -> String {
    let scopes = match scopes {
        Some(scopes) => scopes.clone(),
        None => core
            .app(&app.id)
            .map(|app| app.default_scopes)
            .unwrap_or_default(),
    };
    if scopes.is_empty() {
        "no scopes".into()
    } else {
        format!("scopes {}", scopes.join(" "))
    }
}

/// `12s`, `5m 00s`: a duration as the rest of the CLI says times.
/// Runs `finish`, a sign-in waiting for its callback, telling each callback its listener
/// refuses meanwhile (a forged or an old one) as it arrives, and any left when it ends.
pub(crate) async fn telling_refusals<T>(
    finish: impl std::future::Future<Output = T>,
    refusals: &authdeck_core::loopback::Refusals,
    redirect_uri: &str,
) -> T {
    let mut refused = refusals.feed();
    let tell = |reason: String| {
        say!(
            "authdeck: a callback to {redirect_uri} was refused, still waiting for a valid one: {reason}"
        );
    };
    tokio::pin!(finish);
    let outcome = loop {
        tokio::select! {
            outcome = &mut finish => break outcome,
            Some(reason) = refused.recv() => tell(reason),
        }
    };
    while let Ok(reason) = refused.try_recv() {
        tell(reason);
    }
    outcome
}

pub(crate) fn span(duration: Duration) -> String {
    output::time_left(Some(duration.as_secs().max(1) as i64))
}

/// The browser login: binds the listener, opens the system browser (unless told not to; a
/// failed opener only changes what is said), waits for the redirect. Ctrl-C cancels (exit
/// 130); the timeout ends it (exit 6).
pub fn browser(
    core: &Core,
    signing: &Signing,
    scopes: Option<Vec<String>>,
    timeout: Option<Duration>,
    open_browser: bool,
    verbose: bool,
) -> Result<TokenStatus, Failure> {
    let what = scopes_line(core, signing.app, &scopes);
    let asked = timeout.is_some();
    let timeout = timeout.unwrap_or(DEFAULT_LOGIN_TIMEOUT);
    block_on(async {
        let pending = core
            .start_login(
                &signing.app.id,
                LoginOptions {
                    scopes,
                    timeout: Some(timeout),
                },
            )
            .await?;
        let started = pending.started.clone();
        let ctrl_c = CtrlC::listen();
        say!(
            "authdeck: signing in to “{}” in “{}” with the browser ({what})",
            signing.app.display_name,
            signing.environment.name
        );
        let opened = if open_browser {
            Some(authdeck_core::open_in_browser(&started.url))
        } else {
            None
        };
        match opened {
            None => say!("authdeck: open this address in a browser to sign in:"),
            Some(Ok(())) => say!(
                "authdeck: opened the sign-in page in the browser; if it did not open, open this \
                 address:"
            ),
            Some(Err(error)) => {
                // The opener's own words hold the whole address and a raw exit status: only
                // with -v, the address shortened.
                say!(
                    "authdeck: No browser could be opened; open this address in a browser to \
                     sign in:"
                );
                if verbose {
                    say!(
                        "authdeck: ({})",
                        one_line(&error.to_string()).replace(&started.url, "<the address>")
                    );
                }
            }
        }
        say!("  {}", started.url);
        say!(
            "authdeck: listening on 127.0.0.1:{} for the redirect to {} until {} ({}); Ctrl-C \
             cancels",
            started.port,
            started.redirect_uri,
            output::when(&started.expires_at),
            span(timeout)
        );
        let began = Instant::now();
        let refusals = pending.refusals();
        let finish = core.finish_login(pending, ctrl_c.pressed());
        let outcome = telling_refusals(finish, &refusals, &started.redirect_uri).await;
        match outcome {
            Ok(Some(status)) => Ok(status),
            Ok(None) => Err(Failure::new(
                exit::INTERRUPTED,
                format!(
                    "Cancelled: nothing listens on port {} any more, and nothing was stored.",
                    started.port
                ),
            )),
            Err(error) if error.code() == ErrorCode::Timeout && began.elapsed() >= timeout => {
                let within = format!(
                    "{}{}",
                    span(timeout),
                    if asked { " (--timeout)" } else { "" }
                );
                let again = signing.login_command(false);
                let port = started.port;
                Err(Failure::new(
                    exit::NETWORK,
                    match refusals.summary() {
                        None => format!(
                            "No sign-in arrived within {within}; nothing listens on port {port} \
                             any more, and nothing was stored. Run `{again}` again when the \
                             browser is ready."
                        ),
                        Some(summary) => format!(
                            "No sign-in was accepted within {within}: {summary} Nothing listens \
                             on port {port} any more, and nothing was stored. Run `{again}` \
                             again; if the provider keeps sending such callbacks, check the \
                             environment's issuer and endpoints."
                        ),
                    },
                ))
            }
            Err(error) => Err(error.into()),
        }
    })?
}

/// Why a device login stopped waiting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Interrupted,
    TimedOut,
}

/// The device login (RFC 8628): shows the user code, where to enter it and (on a terminal)
/// a QR code, then polls until the person approves, the code expires or `timeout` passes.
pub fn device(
    core: &Core,
    signing: &Signing,
    scopes: Option<Vec<String>>,
    timeout: Option<Duration>,
) -> Result<TokenStatus, Failure> {
    let what = scopes_line(core, signing.app, &scopes);
    block_on(async {
        // The deadline is kept here (below), to say it in the command's own words.
        let pending = core
            .start_device_login(
                &signing.app.id,
                LoginOptions {
                    scopes,
                    timeout: None,
                },
            )
            .await?;
        let started = pending.started.clone();
        let ctrl_c = CtrlC::listen();
        say!(
            "authdeck: signing in to “{}” in “{}” on another device ({what})",
            signing.app.display_name,
            signing.environment.name
        );
        say!(
            "authdeck: on a phone or another computer, open {} and enter the code {}",
            started.verification_uri,
            started.user_code
        );
        let terminal = std::io::stderr().is_terminal();
        if let Some(complete) = &started.verification_uri_complete {
            say!(
                "authdeck: or open this address, which holds the code{}:",
                if terminal {
                    " (so does the QR code)"
                } else {
                    ""
                }
            );
            say!("  {complete}");
        }
        if terminal {
            let shown = started
                .verification_uri_complete
                .as_deref()
                .unwrap_or(&started.verification_uri);
            if let Some(code) = qr_text(shown) {
                output::to_stderr(&code);
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let code_left = Duration::from_secs((started.expires_at.unix() - now).max(0) as u64);
        let wait = timeout.map_or(code_left, |t| t.min(code_left));
        say!(
            "authdeck: waiting up to {} for the sign-in, asking every {}s; Ctrl-C cancels",
            span(wait),
            started.interval_seconds
        );
        let stop = Cell::new(None);
        let cancel = async {
            tokio::select! {
                () = ctrl_c.pressed() => stop.set(Some(Stop::Interrupted)),
                () = tokio::time::sleep(wait) => stop.set(Some(Stop::TimedOut)),
            }
        };
        match core.finish_device_login(pending, cancel).await {
            Ok(Some(status)) => Ok(status),
            Ok(None) if stop.get() == Some(Stop::TimedOut) => Err(Failure::new(
                exit::NETWORK,
                format!(
                    "No sign-in arrived within {}{}; the code {} is no longer checked, and \
                     nothing was stored. Run `{}` again for a new code.",
                    span(wait),
                    if Some(wait) == timeout {
                        " (--timeout)"
                    } else {
                        ", when the code expired"
                    },
                    started.user_code,
                    signing.login_command(true)
                ),
            )),
            Ok(None) => Err(Failure::new(
                exit::INTERRUPTED,
                format!(
                    "Cancelled: the code {} is no longer checked, and nothing was stored.",
                    started.user_code
                ),
            )),
            Err(error) => Err(error.into()),
        }
    })?
}

/// A QR code of `text` for a terminal: two rows a character, light modules drawn, so it reads
/// on a dark terminal (as the qrcode crate's own example does).
fn qr_text(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let mut picture = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    picture.push('\n');
    Some(picture)
}

/// What the sign-in stored, on stderr: the token's kind, scopes and expiry, whether a refresh
/// token is held, the ID token's subject. Never a value (the last four characters at most, as
/// `token -v` shows).
pub fn report(core: &Core, signing: &Signing, status: &TokenStatus) -> Result<(), Failure> {
    let Some(token) = status.token.as_ref() else {
        return Err(Failure::new(
            exit::OTHER,
            "The sign-in finished but no token was stored.",
        ));
    };
    let details = core.token_details(&signing.app.id)?;
    let claim = |name: &str| {
        details
            .id_claims
            .as_ref()
            .and_then(|claims| claims.iter().find(|c| c.name == name))
            .map(|c| c.value.clone())
    };
    let subject = claim("sub");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let until = |at: &authdeck_core::model::Timestamp| {
        format!(
            "expires {} (in {})",
            output::when(at),
            output::time_left(Some(at.unix() - now))
        )
    };
    let mut lines = vec![format!(
        "signed in{}; stored for “{}” in “{}”:",
        subject
            .as_deref()
            .map(|s| format!(" as {s}"))
            .unwrap_or_default(),
        signing.app.display_name,
        signing.environment.name
    )];
    let kind = match token.source {
        TokenSource::AuthorizationCode => "browser sign-in",
        TokenSource::DeviceCode => "device sign-in",
        TokenSource::ClientCredentials => "client credentials",
        TokenSource::TokenExchange => "token exchange",
    };
    lines.push(format!(
        "  access token   {} ({}, {kind}) {}, {}",
        token.token_type,
        if token.is_jwt { "JWT" } else { "opaque" },
        output::ending(&token.fingerprint),
        token
            .expires_at
            .as_ref()
            .map_or_else(|| "the provider gave no expiry".to_owned(), until)
    ));
    let asked = token.requested_scopes.join(" ");
    let scopes = match &token.granted_scopes {
        Some(granted) if granted == &token.requested_scopes => asked,
        Some(granted) if granted.is_empty() => format!("none (asked for {asked})"),
        Some(granted) => format!("{} (asked for {asked})", granted.join(" ")),
        None => format!("{asked} (as asked; the provider did not list them)"),
    };
    lines.push(format!("  scopes         {scopes}"));
    if !status.scopes_missing.is_empty() {
        lines.push(format!(
            "  not granted    {}",
            status.scopes_missing.join(" ")
        ));
    }
    lines.push(format!(
        "  refresh token  {}",
        match (&token.has_refresh_token, &token.refresh_expires_at) {
            (false, _) => "none (sign in again when the access token expires)".to_owned(),
            (true, Some(at)) => format!("held, {}", until(at)),
            (true, None) => "held (the provider gave no expiry)".to_owned(),
        }
    ));
    lines.push(format!(
        "  ID token       {}",
        match (token.has_id_token, &subject) {
            (true, Some(subject)) => format!(
                "subject {subject}{}",
                claim("iss")
                    .map(|iss| format!(", issuer {iss}"))
                    .unwrap_or_default()
            ),
            (true, None) => "held".to_owned(),
            (false, _) => "none".to_owned(),
        }
    ));
    for line in lines {
        say!("authdeck: {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_commands_quote_names_only_when_a_shell_needs_it() {
        assert_eq!(shell_word("Native"), "Native");
        assert_eq!(shell_word("billing-sbx.1"), "billing-sbx.1");
        assert_eq!(shell_word("Billing sync"), "'Billing sync'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
        assert_eq!(shell_word(""), "''");
    }
}
