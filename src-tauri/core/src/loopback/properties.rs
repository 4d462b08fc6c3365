//! Property: a callback that differs from this login's in its state, iss, path, method or Host
//! is refused, by the rules and by the listener on its raw bytes; and a refused request hands
//! the login no callback, which is the only thing that starts a token request (`wait` returns
//! a callback only from what `answer` accepted).

use super::*;
use proptest::prelude::*;

const STATE: &str = "state-of-this-login";
const ISSUER: &str = "https://id.example.com";
const PORT: u16 = 8080;
const ALLOWED_HOSTS: [&str; 2] = ["127.0.0.1:8080", "localhost:8080"];

/// One callback as the browser would send it.
#[derive(Clone, Debug)]
struct Sent {
    method: Method,
    path: String,
    host: Option<String>,
    /// Every `state` parameter, in order.
    states: Vec<String>,
    iss: Option<String>,
    code: String,
    iss_required: bool,
}

impl Sent {
    /// Whether it differs from this login's callback in any of the five.
    fn differs(&self) -> bool {
        self.method != Method::GET
            || self.path != "/callback"
            || !self
                .host
                .as_deref()
                .is_some_and(|h| ALLOWED_HOSTS.iter().any(|a| a.eq_ignore_ascii_case(h)))
            || self.states != [STATE]
            || match &self.iss {
                Some(iss) => iss != ISSUER,
                None => self.iss_required,
            }
    }

    fn target(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("code", &self.code);
        for state in &self.states {
            query.append_pair("state", state);
        }
        if let Some(iss) = &self.iss {
            query.append_pair("iss", iss);
        }
        format!("{}?{}", self.path, query.finish())
    }

    fn raw(&self) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.target());
        if let Some(host) = &self.host {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

fn options() -> ListenOptions {
    ListenOptions {
        port: PORT,
        host: "localhost".into(),
        path: "/callback".into(),
        timeout: Duration::from_secs(60),
    }
}

fn expected(iss_required: bool) -> Expected {
    Expected {
        state: STATE.into(),
        issuer: crate::loopback::Issuer::Known(ISSUER.into()),
        iss_required,
    }
}

fn judged(sent: &Sent) -> Judgement {
    let rules = Rules {
        options: options(),
        port: PORT,
        expected: expected(sent.iss_required),
        result: Mutex::new(None),
        served: tokio::sync::Notify::new(),
    };
    let uri: http::Uri = sent.target().parse().expect("a valid request target");
    judge(&rules, &sent.method, &uri, sent.host.as_deref())
}

/// Each part either this login's or, sometimes, another: most cases differ in one or two.
fn sent() -> impl Strategy<Value = Sent> {
    let method = prop_oneof![
        3 => Just(Method::GET),
        1 => prop::sample::select(vec![
            Method::POST, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS,
            Method::PATCH,
        ]),
    ];
    let path = prop_oneof![
        3 => Just("/callback".to_owned()),
        1 => "/[a-zA-Z0-9._~%/-]{0,16}",
    ];
    let host = prop_oneof![
        3 => prop::sample::select(vec!["127.0.0.1:8080", "localhost:8080", "LocalHost:8080"])
            .prop_map(|h| Some(h.to_owned())),
        1 => "[a-zA-Z0-9.:-]{1,24}".prop_map(Some),
        1 => Just(None),
    ];
    let state = prop_oneof![3 => Just(STATE.to_owned()), 1 => any::<String>()];
    let states = prop_oneof![
        3 => state.clone().prop_map(|s| vec![s]),
        1 => prop::collection::vec(state, 0..3),
    ];
    let iss = prop_oneof![
        2 => Just(Some(ISSUER.to_owned())),
        1 => Just(None),
        1 => any::<String>().prop_map(Some),
        1 => Just(Some(format!("{ISSUER}/"))),
    ];
    let code = "[A-Za-z0-9_-]{1,24}";
    (method, path, host, states, iss, code, any::<bool>()).prop_map(
        |(method, path, host, states, iss, code, iss_required)| Sent {
            method,
            path,
            host,
            states,
            iss,
            code,
            iss_required,
        },
    )
}

proptest! {
    #[test]
    fn a_callback_that_differs_in_state_iss_path_method_or_host_is_refused(
        sent in sent().prop_filter("differs from the expected callback", Sent::differs)
    ) {
        prop_assert!(
            matches!(judged(&sent), Judgement::Reject(..)),
            "accepted: {sent:?}"
        );
    }

    #[test]
    fn the_listener_hands_a_differing_callback_to_no_token_request(
        sent in sent().prop_filter("differs from the expected callback", Sent::differs)
    ) {
        let served = serve_bytes(options(), PORT, expected(sent.iss_required), &sent.raw());
        prop_assert!(served.callbacks.is_empty(), "handed on: {sent:?} {served:?}");
        let page = String::from_utf8_lossy(&served.response);
        prop_assert!(
            page.starts_with("HTTP/1.1 4"),
            "not refused: {sent:?} {page}"
        );
    }

    #[test]
    fn the_expected_callback_is_accepted_whatever_its_code(
        code in "[A-Za-z0-9_-]{1,24}",
        host in prop::sample::select(vec!["127.0.0.1:8080", "localhost:8080", "LocalHost:8080"]),
        iss_required in any::<bool>(),
    ) {
        let sent = Sent {
            method: Method::GET,
            path: "/callback".into(),
            host: Some(host.into()),
            states: vec![STATE.into()],
            iss: Some(ISSUER.into()),
            code,
            iss_required,
        };
        // the other side of the properties above: they do not hold by refusing everything
        let served = serve_bytes(options(), PORT, expected(sent.iss_required), &sent.raw());
        prop_assert_eq!(served.callbacks, vec![Callback::Code(Secret::new(sent.code.clone()))]);
    }
}
