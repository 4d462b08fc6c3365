//! `authdeck proof` and `authdeck curl`: what a script needs to call an API with a DPoP-bound
//! token (RFC 9449 §7) — a proof for one request, made with the app's key from the keychain,
//! for the token `authdeck token` would give (got first when needed, by the same rules).
//!
//! `curl` hands curl its two headers on its standard input as a config file (`--config -`),
//! never on its command line, where any user of the machine could read the token (ps).

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
/// method and URL its arguments name; exits with curl's code.
pub fn curl(core: &Core, args: &CurlArgs, verbose: bool) -> Result<u8, Failure> {
    let request = request_of(&args.curl)?;
    let got = dpop_token(core, &args.token, verbose)?;
    let proof = core.resource_proof(&got.app.id, &request.method, &request.url, &got.value)?;
    let config = format!(
        "header = \"Authorization: DPoP {}\"\nheader = \"DPoP: {}\"\n",
        quoted(got.value.expose()),
        quoted(&proof)
    );
    run_curl(&args.curl, &config)
}

/// Runs curl with `config` on its stdin before its own arguments.
fn run_curl(arguments: &[String], config: &str) -> Result<u8, Failure> {
    use std::io::Write;
    let mut child = std::process::Command::new("curl")
        .arg("--config")
        .arg("-")
        .args(arguments)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
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
    let status = child
        .wait()
        .map_err(|e| Failure::new(exit::OTHER, format!("curl could not be waited for: {e}.")))?;
    Ok(status.code().map_or(exit::OTHER, |c| c.clamp(0, 255) as u8))
}

/// A value inside a curl config file's double quotes.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The method and URL of the request curl's arguments make.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    method: String,
    url: String,
}

/// Reads the method and URL from curl arguments, simply: `-X`/`--request` (else POST with a
/// body, HEAD with `-I`, PUT with `-T`, else GET) and the one http(s) URL given (`--url` or a
/// bare argument). Refuses what it cannot be sure of: no URL or several, arguments that read
/// curl's stdin (which carries the headers), a config file of the caller's own.
fn request_of(arguments: &[String]) -> Result<Request, Failure> {
    let mut method = None;
    let mut implied = "GET";
    let mut urls = Vec::new();
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        let value = |words: &mut std::slice::Iter<'_, String>| words.next().cloned();
        match word.as_str() {
            "-X" | "--request" => method = value(&mut words),
            "--url" => urls.extend(value(&mut words)),
            "-K" | "--config" => return Err(refused("its own --config")),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" | "--json"
            | "-F" | "--form" => {
                implied = "POST";
                if value(&mut words).is_some_and(|v| v.starts_with('@') && v.ends_with('-')) {
                    return Err(refused("a body read from stdin (@-)"));
                }
            }
            "-I" | "--head" => implied = "HEAD",
            "-T" | "--upload-file" => {
                implied = "PUT";
                if value(&mut words).as_deref() == Some("-") {
                    return Err(refused("an upload read from stdin (-T -)"));
                }
            }
            other if other.starts_with("--request=") => {
                method = Some(other["--request=".len()..].to_owned());
            }
            other if other.starts_with("-X") => method = Some(other[2..].to_owned()),
            other if other.starts_with("http://") || other.starts_with("https://") => {
                urls.push(other.to_owned());
            }
            _ => {}
        }
    }
    let url = match urls.as_slice() {
        [url] => url.clone(),
        [] => {
            return Err(Failure::usage(
                "No http:// or https:// URL among curl's arguments: the proof is made for one.",
            ));
        }
        several => {
            return Err(Failure::usage(format!(
                "curl's arguments name {} URLs; a DPoP proof is for one request, so give one.",
                several.len()
            )));
        }
    };
    Ok(Request {
        method: method
            .unwrap_or_else(|| implied.to_owned())
            .to_ascii_uppercase(),
        url,
    })
}

fn refused(what: &str) -> Failure {
    Failure::usage(format!(
        "authdeck curl gives curl its headers on stdin, so it cannot pass on {what}; put the \
         body in a file (@file) or run curl yourself with authdeck proof."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(words: &[&str]) -> Result<Request, String> {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        request_of(&words).map_err(|failure| failure.line())
    }

    fn made(method: &str, url: &str) -> Result<Request, String> {
        Ok(Request {
            method: method.into(),
            url: url.into(),
        })
    }

    #[test]
    fn the_method_and_url_are_read_from_curl_arguments() {
        let url = "https://api.example.com/v1/items?page=2";
        assert_eq!(request(&["-s", url]), made("GET", url));
        assert_eq!(request(&["-X", "delete", url]), made("DELETE", url));
        assert_eq!(request(&["-XPATCH", url]), made("PATCH", url));
        assert_eq!(request(&["--request=PUT", "--url", url]), made("PUT", url));
        assert_eq!(request(&["-d", "a=1", url]), made("POST", url));
        assert_eq!(request(&[url, "--json", "{}"]), made("POST", url));
        assert_eq!(request(&["-I", url]), made("HEAD", url));
        assert_eq!(
            request(&["-H", "Accept: text/plain", "-o", "out.json", url]),
            made("GET", url)
        );
    }

    #[test]
    fn what_cannot_be_determined_is_refused() {
        let url = "https://api.example.com/";
        let refused = |words: &[&str]| request(words).unwrap_err();
        assert!(refused(&["-s"]).contains("No http:// or https:// URL"));
        assert!(refused(&[url, "https://other.example.com/"]).contains("name 2 URLs"));
        assert!(refused(&["-d", "@-", url]).contains("a body read from stdin (@-)"));
        assert!(refused(&["-T", "-", url]).contains("an upload read from stdin"));
        assert!(refused(&["-K", "mine.cfg", url]).contains("its own --config"));
    }

    #[test]
    fn config_values_are_quoted() {
        assert_eq!(quoted(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
