//! Members of a team vault for the integration tests: each a data folder and a keychain
//! namespace of their own (cleared when dropped), connected to a test's OpenBao by a token.

use super::openbao::OpenBao;
use authdeck_core::Core;
use authdeck_core::model::Secret;
use authdeck_core::team::{DEFAULT_MOUNT, SignIn, TeamVaultInput};
use tokio::runtime::Runtime;

/// One person: their core, keychain namespace and data folder.
pub struct Member {
    pub core: Core,
    pub namespace: String,
    _home: tempfile::TempDir,
}

impl Member {
    /// The member's data folder.
    pub fn home(&self) -> &std::path::Path {
        self._home.path()
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        super::clear_namespace(&self.namespace);
    }
}

/// A member with a fresh data folder and keychain namespace named after `test`.
pub fn member(test: &str) -> Member {
    let home = tempfile::tempdir().unwrap();
    let namespace = super::unique_namespace(test);
    Member {
        core: super::open(home.path(), &namespace),
        namespace,
        _home: home,
    }
}

/// Connects `member` to the team vault "acme" (`authdeck/acme` at `secret/`) with `token`.
pub fn connect(rt: &Runtime, member: &Member, bao: &OpenBao, token: &str) {
    rt.block_on(member.core.add_team(TeamVaultInput {
        name: "acme".into(),
        addresses: vec![bao.address.clone()],
        namespace: None,
        mount: DEFAULT_MOUNT.into(),
        path: "authdeck/acme".into(),
        sign_in: SignIn::Token,
        credential: Secret::new(token),
    }))
    .expect("connect to the team vault");
}
