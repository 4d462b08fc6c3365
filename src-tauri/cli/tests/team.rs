//! Team vaults: the `team` and team `env` verbs against a real OpenBao dev server, the real
//! keychain and the real test authorization server.

mod common;

use common::support::openbao::OpenBao;
use serde_json::json;

#[test]
fn dev_server_keeps_kv_v2_versions_at_secret_with_check_and_set() {
    let bao = OpenBao::start();
    let path = "secret/data/authdeck/probe";
    let (status, body) = bao.post(
        path,
        &bao.root_token,
        json!({ "data": { "a": "1" }, "options": { "cas": 0 } }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["version"], 1);
    // A second create-only write (cas 0) is refused: the entry exists.
    let (status, _) = bao.post(
        path,
        &bao.root_token,
        json!({ "data": { "a": "2" }, "options": { "cas": 0 } }),
    );
    assert_eq!(status, 400);
    assert_eq!(bao.kv_data("authdeck/probe"), Some(json!({ "a": "1" })));
}
