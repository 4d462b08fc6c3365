//! The tests' stand-in for a person at a browser: plain HTTP with a cookie jar through the test
//! server's own login, consent and device pages (oidc-provider's devInteractions), following
//! every redirect — to the app's loopback listener in the end.

use reqwest::blocking::{Client, Response};

fn browser() -> Client {
    super::http_client()
        .cookie_store(true)
        .build()
        .expect("a cookie-jar HTTP client")
}

/// Signs in as `alice` and consents on the pages `response` leads to; returns the last
/// response (the listener's page, after the provider's redirect).
fn log_in_and_consent(browser: &Client, response: Response) -> Response {
    let interaction = response.url().to_string();
    assert!(
        interaction.contains("/interaction/"),
        "the provider should ask for a login, got {interaction}"
    );
    let consent = browser
        .post(&interaction)
        .form(&[("prompt", "login"), ("login", "alice"), ("password", "x")])
        .send()
        .expect("post the login form");
    let consent_url = consent.url().to_string();
    if !consent_url.contains("/interaction/") {
        return consent; // consent given before
    }
    browser
        .post(&consent_url)
        .form(&[("prompt", "consent")])
        .send()
        .expect("post the consent form")
}

/// Opens an authorization URL, signs in and consents; returns the final page's status and
/// address (the app's listener).
pub fn sign_in(url: &str) -> (u16, String) {
    let browser = browser();
    let first = browser.get(url).send().expect("open the authorization URL");
    let last = log_in_and_consent(&browser, first);
    (last.status().as_u16(), last.url().to_string())
}

/// The hidden inputs of the first form on a page, and its action.
fn form_of(page: &str) -> (String, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].replace("&amp;", "&"))
    };
    let form_at = page.find("<form").expect("a form on the page");
    let form_tag = &page[form_at..form_at + page[form_at..].find('>').expect("a form tag")];
    let action = attribute(form_tag, "action").expect("a form action");
    let fields = page[form_at..]
        .split("<input")
        .skip(1)
        .filter_map(|input| {
            let tag = &input[..input.find('>')?];
            Some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    (action, fields)
}

/// Approves a device login: opens the verification URI (with the code filled in), confirms,
/// signs in and consents. Returns the final page's text.
pub fn approve_device(verification_uri_complete: &str) -> String {
    let browser = browser();
    let page = browser
        .get(verification_uri_complete)
        .send()
        .expect("open the verification URI");
    let base = page.url().clone();
    let text = page.text().expect("the confirmation page");
    let (action, fields) = form_of(&text);
    let mut form = fields;
    form.push(("confirm".into(), "yes".into()));
    let confirmed = browser
        .post(base.join(&action).expect("the form's address"))
        .form(&form)
        .send()
        .expect("confirm the code");
    log_in_and_consent(&browser, confirmed)
        .text()
        .expect("the device login's last page")
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
