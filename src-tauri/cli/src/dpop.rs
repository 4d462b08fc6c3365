//! `authdeck proof` and `authdeck curl`: what a script needs to call an API with a DPoP-bound
//! token (RFC 9449 §7) — a proof for one request, made with the app's key from the keychain,
//! for the token `authdeck token` would give (got first when needed, by the same rules).
//!
//! `curl` hands curl its two headers on its standard input as a config file (`--config -`),
//! never on its command line, where any user of the machine could read the token (ps). When
//! the API answers with a `use_dpop_nonce` refusal (RFC 9449 §9), the request is sent once more
//! with a fresh proof that carries the nonce, and only that answer is shown (see `run`); the
//! nonce is kept for the next call, in this process and (a few minutes) the next.

mod arguments;
mod run;

use crate::cli::{CurlArgs, ProofArgs};
use crate::failure::{Failure, exit};
use crate::output;
use crate::tokens::{self, Got};
use authdeck_core::Core;

/// The app's token for `args`, refused unless it is a DPoP token.
fn dpop_token(core: &Core, args: &crate::cli::TokenArgs, verbose: bool) -> Result<Got, Failure> {
    let got = tokens::get(core, args, verbose)?;
    if got.meta.token_type != "DPoP" {
        return Err(Failure::new(
            exit::NOT_CONFIGURED,
            format!(
                "The token of “{}” is a {} token, not bound to a DPoP key, so a proof would \
                 not help. Mark the app with: authdeck app edit \"{}\" --dpop, then get a new \
                 token (authdeck token --new).",
                got.app.display_name, got.meta.token_type, got.app.display_name
            ),
        ));
    }
    Ok(got)
}

/// `authdeck proof APP --method M --url URL`: the `DPoP` header's value on stdout.
pub fn proof(core: &Core, args: &ProofArgs, verbose: bool) -> Result<u8, Failure> {
    let got = dpop_token(core, &args.token, verbose)?;
    let proof = core.resource_proof(&got.app.id, &args.method, &args.url, &got.value)?;
    output::print_exactly(&format!("{proof}\n"))?;
    Ok(0)
}

/// `authdeck curl APP -- CURL ARGS…`: curl with `Authorization: DPoP …` and a proof for the
/// method and URL its arguments name, sent once more with the API's nonce when it asks for one;
/// exits with curl's code.
pub fn curl(core: &Core, args: &CurlArgs, verbose: bool) -> Result<u8, Failure> {
    use std::io::IsTerminal;
    let request = arguments::request_of(&args.curl)?;
    let got = dpop_token(core, &args.token, verbose)?;
    let bar = |word: &String| word == "-#" || word == "--progress-bar";
    let quiet_meter = request.body_to_stdout
        && !request.arguments.iter().any(bar)
        && std::io::stdout().is_terminal();
    let mut may_retry = true;
    loop {
        let proof = core.resource_proof(&got.app.id, &request.method, &request.url, &got.value)?;
        let config = format!(
            "header = \"Authorization: DPoP {}\"\nheader = \"DPoP: {}\"\n",
            quoted(got.value.expose()),
            quoted(&proof)
        );
        let ran = run::run_curl(&request.arguments, &config, may_retry, quiet_meter)?;
        if let Some(nonce) = ran.first.as_ref().and_then(run::Answer::nonce) {
            // curl has run: a store that cannot keep the nonce costs the next call a retry,
            // not this call its answer
            let _ = core.remember_resource_nonce(&request.url, nonce);
        }
        if ran.dropped {
            if verbose {
                output::to_stderr(
                    "The API asked for its DPoP nonce; sending the request again with a proof \
                     that carries it.\n",
                );
            }
            may_retry = false;
            continue;
        }
        if let Some(file) = &request.dump_header {
            std::fs::write(file, &ran.dumped).map_err(|e| {
                Failure::new(
                    exit::OTHER,
                    format!("The answer's headers could not be written to “{file}” (-D): {e}."),
                )
            })?;
        }
        return Ok(ran.code);
    }
}

/// A value inside a curl config file's double quotes.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_values_are_quoted() {
        assert_eq!(quoted(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
