//! What the team vault tests share: the member policy, connecting a home to a team vault, and
//! the canary search of a data folder.

use super::support::openbao::OpenBao;
use super::{Home, Run, Server};

/// Members of the team read and write everything under the team's path.
pub const MEMBER_POLICY: &str = r#"
path "secret/data/authdeck/acme/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#;

/// Admins also remove secrets: every version of a value goes with its metadata.
pub const ADMIN_POLICY: &str = r#"
path "secret/data/authdeck/acme/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list", "delete"] }
"#;

/// Connects `home` to the team vault `acme` at `bao` with `token`.
pub fn add_team(home: &Home, bao: &OpenBao, token: &str) -> Run {
    add_team_by(home, bao, &["--token-stdin"], token)
}

/// Connects `home` to the team vault `acme` at `bao`, signing in with `sign_in` (the flags)
/// and `credential` on stdin.
pub fn add_team_by(home: &Home, bao: &OpenBao, sign_in: &[&str], credential: &str) -> Run {
    let mut args = vec![
        "team",
        "add",
        "acme",
        "--address",
        &bao.address,
        "--path",
        "authdeck/acme",
    ];
    args.extend_from_slice(sign_in);
    home.run_with_stdin(&args, &format!("{credential}\n"))
}

/// Whether any file of the data folder (the database, its journal, logs) holds `value`.
pub fn folder_holds(home: &Home, value: &str) -> bool {
    super::files_under(&home.path()).iter().any(|file| {
        let bytes = std::fs::read(file).expect("read a data file");
        bytes.windows(value.len()).any(|w| w == value.as_bytes())
    })
}

/// A server, a vault with the member and admin policies, and an admin whose "Local" (with
/// "Billing sync" and its secret `secret`) is shared in `acme`.
pub fn shared_by_admin(test: &str, secret: &str) -> (Server, OpenBao, Home) {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao.put_policy("acme-admin", ADMIN_POLICY);
    let admin = Home::new(&format!("{test}-admin"));
    admin.local_environment(&server);
    admin.app("Local", "Billing sync", "basic-client", secret);
    add_team(&admin, &bao, &bao.token_with(&["acme-admin"])).ok();
    admin.run(&["env", "share", "Local", "--team", "acme"]).ok();
    (server, bao, admin)
}
