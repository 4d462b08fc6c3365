//! Validation of the user's input, shared by the desktop app (as you type) and the CLI.
//!
//! Each rule returns a message a person can act on, attached to the field the UI shows it by.
//! Rules that need the store (unique names) live in the facade.

use crate::model::{AuthMethod, ClientAppInput, ClientType, EnvironmentInput, Settings};
use serde::Serialize;
use std::net::IpAddr;
use url::{Host, Url};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FieldError {
    /// The field as the UI names it: `name`, `client_id`, `endpoints.token_url`, `redirect_uris.2`.
    pub field: String,
    pub message: String,
}

/// Collects field errors, remembering which are clashes with stored data.
#[derive(Default)]
pub(crate) struct Problems {
    pub found: Vec<FieldError>,
    clashes: Vec<usize>,
}

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.found.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A problem that is a clash with what is stored (a duplicate name), not bad input as such.
    pub fn clash(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.clashes.push(self.found.len());
        self.add(field, message);
    }

    /// The first problem in form order as the error a save returns, or Ok when there is none.
    pub fn refuse(self, order: &[&str]) -> crate::Result<()> {
        let clashes: Vec<FieldError> = self
            .clashes
            .iter()
            .filter_map(|&i| self.found.get(i).cloned())
            .collect();
        match self.in_form_order(order).into_iter().next() {
            None => Ok(()),
            Some(first) if clashes.contains(&first) => Err(crate::Error::Conflict {
                field: first.field,
                message: first.message,
            }),
            Some(first) => Err(crate::Error::invalid(&first.field, first.message)),
        }
    }
}

impl Problems {
    /// Orders problems as the form shows its fields (stable within one field).
    pub fn in_form_order(mut self, order: &[&str]) -> Vec<FieldError> {
        let rank = |field: &str| {
            let base = field.split('.').next().unwrap_or(field);
            order
                .iter()
                .position(|name| *name == field || *name == base)
                .unwrap_or(order.len())
        };
        self.found.sort_by_key(|problem| rank(&problem.field));
        self.found
    }
}

/// The environment form's fields, top to bottom.
pub(crate) const ENVIRONMENT_FIELDS: &[&str] =
    &["name", "kind", "color", "endpoints", "rotation_days"];

/// The app form's fields, top to bottom.
pub(crate) const APP_FIELDS: &[&str] = &[
    "environment_id",
    "display_name",
    "client_id",
    "client_type",
    "auth_method",
    "description",
    "logo_uri",
    "redirect_uris",
    "logout_urls",
    "web_origins",
    "default_scopes",
    "labels",
    "link",
    "audience",
    "resource",
];

const MAX_NAME: usize = 80;

/// Whether `host` is a loopback address or `localhost`, where plain http is acceptable.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn parse(text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| format!("“{text}” is not a valid URL ({e})."))
}

/// An endpoint: https, or plain http on loopback only; no credentials or fragment in it.
pub fn check_endpoint(text: &str) -> Result<(), String> {
    let url = parse(text)?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(
                "Use https:// — plain http is allowed only for loopback addresses \
                        (127.0.0.1, [::1], localhost)."
                    .into(),
            );
        }
        other => return Err(format!("Use an https:// URL (not {other}:).")),
    }
    if url.host().is_none() {
        return Err("The URL has no host.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Do not put credentials in the URL.".into());
    }
    if url.fragment().is_some() {
        return Err("An endpoint URL cannot have a #fragment.".into());
    }
    Ok(())
}

/// A redirect URI (RFC 8252): https; http on a loopback address or `localhost`; or a
/// private-use scheme such as `com.example.app:/callback`. Never a fragment.
pub fn check_redirect_uri(text: &str) -> Result<(), String> {
    let url = parse(text)?;
    if url.fragment().is_some() {
        return Err("A redirect URI cannot have a #fragment (RFC 6749 §3.1.2).".into());
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => Err("Plain http redirect URIs are allowed only on loopback \
                       (http://127.0.0.1/…, http://[::1]/…, http://localhost/…); use https."
            .into()),
        scheme if scheme.contains('.') => Ok(()),
        scheme => Err(format!(
            "“{scheme}:” is not a usable redirect scheme: use https, loopback http, or a \
             reverse-domain private-use scheme such as com.example.app:/callback."
        )),
    }
}

/// A web origin: scheme, host and optional port, nothing else.
pub fn check_web_origin(text: &str) -> Result<(), String> {
    let url = parse(text)?;
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    let plain = text.trim_end_matches('/').matches('/').count() == 2;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() || !bare || !plain {
        return Err(
            "A web origin is a scheme, host and optional port only, such as \
                    https://app.example.com."
                .into(),
        );
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err("Use https:// — plain http origins are allowed only for loopback.".into());
    }
    Ok(())
}

/// A scope token (RFC 6749 §3.3): printable ASCII except space, `"` and `\`.
pub fn check_scope(scope: &str) -> Result<(), String> {
    if scope.is_empty() {
        return Err("A scope cannot be empty.".into());
    }
    match scope.chars().find(|&c| {
        !(c == '\x21' || ('\x23'..='\x5b').contains(&c) || ('\x5d'..='\x7e').contains(&c))
    }) {
        Some(' ') => Err(format!(
            "“{scope}” contains a space: enter each scope separately."
        )),
        Some(c) => Err(format!(
            "“{scope}” contains “{c}”, which a scope cannot hold (RFC 6749 §3.3)."
        )),
        None => Ok(()),
    }
}

fn check_name(problems: &mut Problems, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        problems.add(field, format!("Enter {what}."));
    } else if value.trim().chars().count() > MAX_NAME {
        problems.add(field, format!("Keep it to {MAX_NAME} characters."));
    } else if value.chars().any(char::is_control) {
        problems.add(field, "Control characters are not allowed.");
    }
}

fn check_list(
    problems: &mut Problems,
    field: &str,
    values: &[String],
    check: impl Fn(&str) -> Result<(), String>,
) {
    for (index, value) in values.iter().enumerate() {
        let value = value.trim();
        if let Err(message) = check(value) {
            problems.add(format!("{field}.{index}"), message);
        } else if values[..index]
            .iter()
            .any(|earlier| earlier.trim() == value)
        {
            problems.add(
                format!("{field}.{index}"),
                format!("“{value}” is listed twice."),
            );
        }
    }
}

/// Field errors of an environment, apart from the store's uniqueness rules.
pub(crate) fn environment(input: &EnvironmentInput) -> Problems {
    let mut problems = Problems::default();
    check_name(
        &mut problems,
        "name",
        &input.name,
        "a name, such as “Sandbox”",
    );
    let color = input.color.trim();
    if !(color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        problems.add("color", "Pick a colour as #rrggbb.");
    }
    let e = &input.endpoints;
    for (field, value) in [
        ("issuer_url", &e.issuer_url),
        ("authorization_url", &e.authorization_url),
        ("token_url", &e.token_url),
        ("token_info_url", &e.token_info_url),
        ("introspection_url", &e.introspection_url),
        ("revocation_url", &e.revocation_url),
        ("api_base_url", &e.api_base_url),
        ("device_authorization_url", &e.device_authorization_url),
    ] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            if let Err(message) = check_endpoint(value) {
                problems.add(format!("endpoints.{field}"), message);
            } else if field == "issuer_url" && Url::parse(value).is_ok_and(|u| u.query().is_some())
            {
                problems.add(
                    "endpoints.issuer_url",
                    "An issuer URL has no query part (RFC 8414 §2).",
                );
            }
        }
    }
    if !(1..=3650).contains(&input.rotation_days) {
        problems.add("rotation_days", "Choose between 1 and 3650 days.");
    }
    problems
}

/// Field errors of a client app, apart from the store's rules.
pub(crate) fn app(input: &ClientAppInput) -> Problems {
    let mut problems = Problems::default();
    check_name(
        &mut problems,
        "display_name",
        &input.display_name,
        "a display name",
    );
    let client_id = input.client_id.trim();
    if client_id.is_empty() {
        problems.add(
            "client_id",
            "Enter the client ID the provider gave this app.",
        );
    } else if client_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        problems.add(
            "client_id",
            "A client ID has no spaces or control characters.",
        );
    } else if client_id.len() > 512 {
        problems.add("client_id", "This is too long to be a client ID.");
    }
    match (input.client_type, input.auth_method) {
        (ClientType::Public, AuthMethod::None) => {}
        (ClientType::Public, _) => problems.add(
            "auth_method",
            "A public client has no secret: its token endpoint auth method is “none”.",
        ),
        (ClientType::Confidential, AuthMethod::None) => problems.add(
            "auth_method",
            "A confidential client authenticates itself: choose client_secret_basic, \
             client_secret_post, client_secret_jwt or private_key_jwt.",
        ),
        (ClientType::Confidential, _) => {}
    }
    if input.description.chars().count() > 2000 {
        problems.add("description", "Keep the description under 2000 characters.");
    }
    if let Some(logo) = input
        .logo_uri
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        && let Err(message) = check_endpoint(logo)
    {
        problems.add("logo_uri", message);
    }
    check_list(
        &mut problems,
        "redirect_uris",
        &input.redirect_uris,
        check_redirect_uri,
    );
    check_list(
        &mut problems,
        "logout_urls",
        &input.logout_urls,
        check_endpoint,
    );
    check_list(
        &mut problems,
        "web_origins",
        &input.web_origins,
        check_web_origin,
    );
    check_list(
        &mut problems,
        "default_scopes",
        &input.default_scopes,
        check_scope,
    );
    check_list(&mut problems, "labels", &input.labels, |label| {
        if label.is_empty() {
            Err("A label cannot be empty.".into())
        } else if label.chars().count() > 40 {
            Err("Keep labels to 40 characters.".into())
        } else {
            Ok(())
        }
    });
    if let Some(link) = input.link.as_deref()
        && link.trim().chars().count() > MAX_NAME
    {
        problems.add("link", format!("Keep it to {MAX_NAME} characters."));
    }
    if let Some(audience) = input.audience.as_deref() {
        if audience.chars().any(char::is_whitespace) {
            problems.add("audience", "An audience is one value without spaces.");
        } else if audience.chars().count() > 300 {
            problems.add("audience", "Keep it to 300 characters.");
        }
    }
    if let Some(resource) = input.resource.as_deref() {
        // RFC 8707 §2: an absolute URI without a fragment.
        match Url::parse(resource) {
            Err(_) => problems.add(
                "resource",
                "A resource indicator is an absolute URI, such as https://api.example.com/.",
            ),
            Ok(url) if url.fragment().is_some() => {
                problems.add("resource", "A resource indicator cannot have a #fragment.")
            }
            Ok(_) => {}
        }
    }
    problems
}

/// Field errors of the settings.
pub(crate) fn settings(settings: &Settings) -> Problems {
    let mut problems = Problems::default();
    if !(5..=600).contains(&settings.clipboard_clear_seconds) {
        problems.add(
            "clipboard_clear_seconds",
            "Clear the clipboard after 5 to 600 seconds.",
        );
    }
    if !(3..=120).contains(&settings.reveal_seconds) {
        problems.add(
            "reveal_seconds",
            "Show a revealed secret for 3 to 120 seconds.",
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_https_except_on_loopback() {
        assert_eq!(check_endpoint("https://id.example.com/oauth/token"), Ok(()));
        assert_eq!(check_endpoint("http://127.0.0.1:8080/token"), Ok(()));
        assert_eq!(check_endpoint("http://[::1]/token"), Ok(()));
        assert_eq!(check_endpoint("http://localhost/token"), Ok(()));
        assert!(
            check_endpoint("http://id.example.com/token")
                .unwrap_err()
                .starts_with("Use https://")
        );
        assert!(
            check_endpoint("ftp://id.example.com/")
                .unwrap_err()
                .contains("not ftp:")
        );
        assert!(
            check_endpoint("id.example.com/token")
                .unwrap_err()
                .contains("is not a valid URL")
        );
        assert!(check_endpoint("https://user:pw@id.example.com/").is_err());
    }

    #[test]
    fn redirect_uris_follow_rfc_8252() {
        assert_eq!(check_redirect_uri("http://127.0.0.1/callback"), Ok(()));
        assert_eq!(check_redirect_uri("http://localhost:8080/callback"), Ok(()));
        assert_eq!(check_redirect_uri("https://app.example.com/cb"), Ok(()));
        assert_eq!(check_redirect_uri("com.example.app:/callback"), Ok(()));
        assert!(check_redirect_uri("http://app.example.com/cb").is_err());
        assert!(
            check_redirect_uri("myapp://cb")
                .unwrap_err()
                .contains("private-use")
        );
        assert!(
            check_redirect_uri("https://app.example.com/cb#x")
                .unwrap_err()
                .contains("fragment")
        );
    }

    #[test]
    fn web_origins_are_bare() {
        assert_eq!(check_web_origin("https://app.example.com"), Ok(()));
        assert_eq!(check_web_origin("https://app.example.com:8443/"), Ok(()));
        assert!(check_web_origin("https://app.example.com/path").is_err());
        assert!(check_web_origin("http://app.example.com").is_err());
    }

    #[test]
    fn scopes_follow_rfc_6749() {
        assert_eq!(check_scope("sign:read"), Ok(()));
        assert_eq!(check_scope("https://graph.example.com/.default"), Ok(()));
        assert!(check_scope("read write").unwrap_err().contains("space"));
        assert!(check_scope("a\"b").unwrap_err().contains("“\"”"));
        assert!(check_scope("").is_err());
    }
}
