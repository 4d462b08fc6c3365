//! What `authdeck curl` reads of curl's arguments: the request's method and URL (for the proof),
//! and the options whose output it must handle itself because it reads the answer's headers
//! first (`-D`), simply and refusing what it cannot be sure of.

use crate::failure::Failure;

/// The request curl's arguments make, and how to run curl for it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Request {
    pub method: String,
    pub url: String,
    /// curl's arguments to pass on: the caller's, less its `-D` (Authdeck writes that file).
    pub arguments: Vec<String>,
    /// Where the caller's `-D` / `--dump-header` wanted the answer's headers.
    pub dump_header: Option<String>,
    /// Whether the body goes to stdout (no -o / -O), where curl shows no progress meter when
    /// stdout is a terminal.
    pub body_to_stdout: bool,
}

/// curl's short options that take no value, as they may lead a cluster (`-sSX POST`).
const FLAGS: &str = "sSfiIvLkGjJlnNOqR#0123456";

/// curl's options whose value is the next word (when not attached), besides those read here,
/// so that a value such as a proxy's or a referer's URL is not taken for the request's.
const VALUED: [&str; 42] = [
    "-H",
    "--header",
    "-e",
    "--referer",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-x",
    "--proxy",
    "-U",
    "--proxy-user",
    "-w",
    "--write-out",
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-r",
    "--range",
    "-E",
    "--cert",
    "--key",
    "--cacert",
    "--capath",
    "--resolve",
    "--connect-to",
    "-C",
    "--continue-at",
    "--retry",
    "--retry-delay",
    "--output-dir",
    "--oauth2-bearer",
    "--proxy-header",
    "--noproxy",
    "--limit-rate",
    "-z",
];

/// If `word` is curl's short option `letter`, alone or after flags (`-X`, `-sX`): its value
/// when attached (`-XPOST`), else None (the value is the next word).
fn short(word: &str, letter: char) -> Option<Option<&str>> {
    let cluster = word.strip_prefix('-').filter(|c| !c.starts_with('-'))?;
    let at = cluster.find(|c: char| !FLAGS.contains(c))?;
    let rest = cluster[at..].strip_prefix(letter)?;
    Some((!rest.is_empty()).then_some(rest))
}

/// Whether `word` is a cluster of curl's flags holding `letter` (`-I`, `-sI`).
fn flag(word: &str, letter: char) -> bool {
    word.strip_prefix('-')
        .filter(|c| !c.is_empty() && !c.starts_with('-'))
        .is_some_and(|c| c.chars().all(|ch| FLAGS.contains(ch)) && c.contains(letter))
}

/// Reads the method and URL from curl arguments: `-X`/`--request` (else POST with a body, HEAD
/// with `-I`, PUT with `-T`, else GET) and the one http(s) URL given (`--url` or a bare
/// argument). Refuses what it cannot be sure of: no URL or several, arguments that read curl's
/// stdin (which carries the headers), a config file of the caller's own, headers dumped to
/// stdout (`-D -`: use `-i`), and `--no-clobber` (a retry would write a second file).
pub(super) fn request_of(words: &[String]) -> Result<Request, Failure> {
    let mut method = None;
    let mut implied = "GET";
    let mut urls = Vec::new();
    let mut arguments = Vec::new();
    let mut dump_header = None;
    let mut body_to_stdout = true;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        // the value of an option: attached to it, or the next word
        let value = |attached: Option<&str>, words: &mut std::slice::Iter<'_, String>| {
            attached
                .map(str::to_owned)
                .or_else(|| words.next().cloned())
        };
        let text = word.as_str();
        if let Some(attached) = short(text, 'D').or((text == "--dump-header").then_some(None)) {
            let file = value(attached, &mut words)
                .ok_or_else(|| Failure::usage("curl's -D needs a file name."))?;
            if file == "-" {
                return Err(Failure::usage(
                    "authdeck curl reads the answer's headers itself (to see a resource \
                     server's DPoP nonce), so it cannot pass on -D - (headers to stdout); use \
                     -i to have them before the body.",
                ));
            }
            // the flags before D stay curl's
            if let Some((flags, _)) = text.strip_prefix('-').and_then(|c| c.split_once('D'))
                && !flags.is_empty()
            {
                arguments.push(format!("-{flags}"));
            }
            dump_header = Some(file);
            continue;
        }
        arguments.push(word.clone());
        let mut taken = |attached: Option<&str>, words: &mut std::slice::Iter<'_, String>| {
            let taken = value(attached, words);
            if attached.is_none() {
                arguments.extend(taken.clone());
            }
            taken
        };
        if let Some(attached) = short(text, 'X').or((text == "--request").then_some(None)) {
            method = taken(attached, &mut words);
        } else if text == "--url" {
            urls.extend(taken(None, &mut words));
        } else if short(text, 'K').is_some() || text == "--config" {
            return Err(refused("its own --config"));
        } else if let Some(attached) = short(text, 'd').or(short(text, 'F')).or(matches!(
            text,
            "--data"
                | "--data-raw"
                | "--data-binary"
                | "--data-urlencode"
                | "--json"
                | "--form"
                | "--data-ascii"
        )
        .then_some(None))
        {
            implied = "POST";
            if taken(attached, &mut words).is_some_and(|v| v.starts_with('@') && v.ends_with('-')) {
                return Err(refused("a body read from stdin (@-)"));
            }
        } else if let Some(attached) =
            short(text, 'T').or((text == "--upload-file").then_some(None))
        {
            implied = "PUT";
            if taken(attached, &mut words).as_deref() == Some("-") {
                return Err(refused("an upload read from stdin (-T -)"));
            }
        } else if let Some(attached) = short(text, 'o').or((text == "--output").then_some(None)) {
            body_to_stdout &= taken(attached, &mut words).as_deref() == Some("-");
        } else if flag(text, 'O') || text == "--remote-name" || text == "--remote-name-all" {
            body_to_stdout = false;
        } else if text == "--no-clobber" {
            return Err(Failure::usage(
                "authdeck curl may send the request twice (when the API asks for its DPoP \
                 nonce), and with --no-clobber the second answer would go to another file; \
                 leave --no-clobber out.",
            ));
        } else if flag(text, 'I') || text == "--head" {
            implied = "HEAD";
        } else if VALUED.contains(&text) {
            taken(None, &mut words);
        } else if text.starts_with("http://") || text.starts_with("https://") {
            urls.push(text.to_owned());
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
        arguments,
        dump_header,
        body_to_stdout,
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

    fn words(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn request(given: &[&str]) -> Result<(String, String), String> {
        request_of(&words(given))
            .map(|r| (r.method, r.url))
            .map_err(|failure| failure.line())
    }

    fn made(method: &str, url: &str) -> Result<(String, String), String> {
        Ok((method.into(), url.into()))
    }

    #[test]
    fn the_method_and_url_are_read_from_curl_arguments() {
        let url = "https://api.example.com/v1/items?page=2";
        assert_eq!(request(&["-s", url]), made("GET", url));
        assert_eq!(request(&["-X", "delete", url]), made("DELETE", url));
        assert_eq!(request(&["-XPATCH", url]), made("PATCH", url));
        assert_eq!(request(&["-sSX", "PUT", url]), made("PUT", url));
        assert_eq!(
            request(&["--request", "PUT", "--url", url]),
            made("PUT", url)
        );
        assert_eq!(request(&["-d", "a=1", url]), made("POST", url));
        assert_eq!(request(&[url, "--json", "{}"]), made("POST", url));
        assert_eq!(request(&["-I", url]), made("HEAD", url));
        assert_eq!(request(&["-sI", url]), made("HEAD", url));
        assert_eq!(
            request(&["-H", "Accept: text/plain", "-o", "out.json", url]),
            made("GET", url)
        );
        // a value that is a URL is not the request's
        assert_eq!(
            request(&[
                "-e",
                "https://referer.example/",
                "-x",
                "http://proxy:3128",
                url
            ]),
            made("GET", url)
        );
    }

    #[test]
    fn a_dump_header_option_is_taken_out_for_authdeck_to_write() {
        let url = "https://api.example.com/";
        for given in [
            &["-s", "-D", "h.txt", url][..],
            &["-s", "--dump-header", "h.txt", url],
            &["-s", "-Dh.txt", url],
        ] {
            let request = request_of(&words(given)).unwrap();
            assert_eq!(request.dump_header.as_deref(), Some("h.txt"), "{given:?}");
            assert_eq!(request.arguments, words(&["-s", url]), "{given:?}");
        }
        let clustered = request_of(&words(&["-sSD", "h.txt", "-o", "out", url])).unwrap();
        assert_eq!(clustered.dump_header.as_deref(), Some("h.txt"));
        assert_eq!(clustered.arguments, words(&["-sS", "-o", "out", url]));
        assert!(!clustered.body_to_stdout);
        let plain = request_of(&words(&["-i", "-w", "%{http_code}", url])).unwrap();
        assert_eq!(plain.arguments, words(&["-i", "-w", "%{http_code}", url]));
        assert!(plain.body_to_stdout && plain.dump_header.is_none());
    }

    #[test]
    fn what_cannot_be_determined_is_refused() {
        let url = "https://api.example.com/";
        let refused = |given: &[&str]| request(given).unwrap_err();
        assert!(refused(&["-s"]).contains("No http:// or https:// URL"));
        assert!(refused(&[url, "https://other.example.com/"]).contains("name 2 URLs"));
        assert!(refused(&["-d", "@-", url]).contains("a body read from stdin (@-)"));
        assert!(refused(&["-T", "-", url]).contains("an upload read from stdin"));
        assert!(refused(&["-K", "mine.cfg", url]).contains("its own --config"));
        assert!(refused(&["-D", "-", url]).contains("cannot pass on -D - (headers to stdout)"));
        assert!(refused(&["--no-clobber", "-o", "x", url]).contains("leave --no-clobber out"));
    }
}
