//! The tests' stand-in for a person at a browser: plain HTTP with a cookie jar through the test
//! server's own login, consent and device pages, following every redirect — to the app's
//! loopback listener in the end. It knows two providers' pages, told apart by the page itself:
//! oidc-provider's devInteractions (tests/authserver) and Django's login form followed by
//! django-oauth-toolkit's consent form (tests/authserver-dot).

use reqwest::Url;
use reqwest::blocking::{Client, Response};

/// alice's password on both test servers (oidc-provider's devInteractions take any).
pub const PASSWORD: &str = "x";

fn browser() -> Client {
    super::http_client()
        .cookie_store(true)
        .build()
        .expect("a cookie-jar HTTP client")
}

/// [`browser`] trusting only the test CA `ca` (a server behind TLS).
fn browser_trusting(ca: &std::path::Path) -> Client {
    super::http_client_trusting(ca)
        .cookie_store(true)
        .build()
        .expect("a cookie-jar HTTP client")
}

/// A page as the browser ended on it.
struct Page {
    status: u16,
    url: Url,
    text: String,
}

impl Page {
    fn read(response: Response) -> Self {
        Self {
            status: response.status().as_u16(),
            url: response.url().clone(),
            text: response.text().expect("the page's text"),
        }
    }

    /// Django's login form (`django.contrib.auth`'s LoginView with its CSRF token).
    fn is_django_login(&self) -> bool {
        self.text.contains("name=\"csrfmiddlewaretoken\"")
            && self.text.contains("name=\"password\"")
    }

    /// django-oauth-toolkit's consent form.
    fn is_dot_consent(&self) -> bool {
        self.text.contains("id=\"authorizationForm\"")
    }

    /// Posts the page's first form: its own fields (hidden ones, the CSRF token, a named
    /// submit button such as DOT's `allow`) but those named in `leave_out`, and `extra`.
    fn submit(&self, browser: &Client, extra: &[(&str, &str)], leave_out: &[&str]) -> Page {
        let (action, mut fields) = form_of(&self.text);
        fields.retain(|(name, _)| !leave_out.contains(&name.as_str()));
        fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let target = match action {
            Some(action) => self.url.join(&action).expect("the form's address"),
            None => self.url.clone(),
        };
        Page::read(
            browser
                .post(target)
                .form(&fields)
                .send()
                .expect("post the form"),
        )
    }
}

/// Signs in as `alice` and consents on the pages `response` leads to; returns the last page
/// (the listener's, after the provider's redirect).
fn log_in_and_consent(browser: &Client, response: Response) -> Page {
    let interaction = response.url().to_string();
    if !interaction.contains("/interaction/") {
        return dot_log_in_and_consent(browser, Page::read(response));
    }
    let consent = browser
        .post(&interaction)
        .form(&[
            ("prompt", "login"),
            ("login", "alice"),
            ("password", PASSWORD),
        ])
        .send()
        .expect("post the login form");
    let consent_url = consent.url().to_string();
    if !consent_url.contains("/interaction/") {
        return Page::read(consent); // consent given before
    }
    Page::read(
        browser
            .post(&consent_url)
            .form(&[("prompt", "consent")])
            .send()
            .expect("post the consent form"),
    )
}

/// django-oauth-toolkit: Django's login form, then DOT's consent form, allowed.
fn dot_log_in_and_consent(browser: &Client, page: Page) -> Page {
    dot_log_in_and_answer(browser, page, true)
}

/// django-oauth-toolkit: Django's login form, then DOT's consent form, allowed or not.
fn dot_log_in_and_answer(browser: &Client, page: Page, allow: bool) -> Page {
    assert!(
        page.is_django_login(),
        "the provider should ask for a login, got HTTP {} at {}",
        page.status,
        page.url
    );
    let consent = page.submit(
        browser,
        &[("username", "alice"), ("password", PASSWORD)],
        &[],
    );
    if !consent.is_dot_consent() {
        return consent; // consent given before (or skipped for the app)
    }
    // The form's fields include its one named button, `allow`: what pressing it sends.
    // Cancel, its other button, has no name: pressing it sends the form without `allow`.
    let leave_out: &[&str] = if allow { &[] } else { &["allow"] };
    consent.submit(browser, &[], leave_out)
}

/// Opens an authorization URL on django-oauth-toolkit, signs in and presses Cancel on the
/// consent form; returns the final page's status and address (the app's listener).
pub fn sign_in_and_cancel_on_dot(url: &str) -> (u16, String) {
    let browser = browser();
    let first = browser.get(url).send().expect("open the authorization URL");
    let last = dot_log_in_and_answer(&browser, Page::read(first), false);
    (last.status, last.url.to_string())
}

/// Opens an authorization URL, signs in and consents; returns the final page's status and
/// address (the app's listener).
pub fn sign_in(url: &str) -> (u16, String) {
    sign_in_with(&browser(), url)
}

/// [`sign_in`] at a server behind TLS whose certificate the test CA `ca` signed.
pub fn sign_in_trusting(url: &str, ca: &std::path::Path) -> (u16, String) {
    sign_in_with(&browser_trusting(ca), url)
}

fn sign_in_with(browser: &Client, url: &str) -> (u16, String) {
    let first = browser.get(url).send().expect("open the authorization URL");
    let last = log_in_and_consent(browser, first);
    (last.status, last.url.to_string())
}

/// The fields of the first form on a page (inputs with a name and a value), and its action
/// (None when it posts to the page's own address).
fn form_of(page: &str) -> (Option<String>, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form_at = page.find("<form").expect("a form on the page");
    let form_tag = &page[form_at..form_at + page[form_at..].find('>').expect("a form tag")];
    let form = &page[form_at
        ..page[form_at..]
            .find("</form>")
            .map_or(page.len(), |end| form_at + end)];
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|input| {
            let tag = &input[..input.find('>')?];
            Some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    (attribute(form_tag, "action"), fields)
}

/// An attribute's text as HTML escapes it (the five characters Django's templates escape).
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Approves a device login: opens the verification URI (with the code filled in), confirms,
/// signs in and consents. Returns the final page's text.
pub fn approve_device(verification_uri_complete: &str) -> String {
    approve_device_with(&browser(), verification_uri_complete)
}

/// [`approve_device`] at a server behind TLS whose certificate the test CA `ca` signed.
pub fn approve_device_trusting(verification_uri_complete: &str, ca: &std::path::Path) -> String {
    approve_device_with(&browser_trusting(ca), verification_uri_complete)
}

fn approve_device_with(browser: &Client, verification_uri_complete: &str) -> String {
    let page = browser
        .get(verification_uri_complete)
        .send()
        .expect("open the verification URI");
    let base = page.url().clone();
    let text = page.text().expect("the confirmation page");
    let (action, fields) = form_of(&text);
    let mut form = fields;
    form.push(("confirm".into(), "yes".into()));
    let action = action.expect("a form action");
    let confirmed = browser
        .post(base.join(&action).expect("the form's address"))
        .form(&form)
        .send()
        .expect("confirm the code");
    log_in_and_consent(browser, confirmed).text
}

/// Registers a confidential client (RFC 7591) with one redirect URI; returns its ID and secret.
pub fn register_client(issuer: &str, redirect_uri: &str) -> (String, String) {
    let answer: serde_json::Value = super::http_client()
        .build()
        .unwrap()
        .post(format!("{issuer}/reg"))
        .json(&serde_json::json!({
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
            "scope": "openid profile offline_access read",
        }))
        .send()
        .expect("register a client")
        .json()
        .expect("the registration answer");
    (
        answer["client_id"]
            .as_str()
            .expect("a client_id")
            .to_owned(),
        answer["client_secret"]
            .as_str()
            .expect("a client_secret")
            .to_owned(),
    )
}

/// Runs the stand-in browser on a pending sign-in's address beside `finish_login`, as a person
/// at the browser does while the app waits; the sign-in's outcome (asserting the browser ended
/// on the listener's page).
pub async fn sign_in_beside(
    core: &std::sync::Arc<authdeck_core::Core>,
    login: authdeck_core::PendingLogin,
) -> authdeck_core::Result<authdeck_core::model::TokenStatus> {
    let url = login.started.url.clone();
    let finishing = {
        let core = core.clone();
        tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
    };
    let (status, last) = tokio::task::spawn_blocking(move || sign_in(&url))
        .await
        .unwrap();
    assert_eq!(
        status, 200,
        "the browser ends on the listener's page ({last})"
    );
    finishing
        .await
        .unwrap()
        .map(|done| done.expect("not cancelled"))
}
