//! DPoP-bound apps (RFC 9449): the mark, the app's one proof key (private part in the keychain
//! under `dpop-key:<app id>`, its thumbprint in the app's row) and proofs for resource requests.
//!
//! The key is made when the app is marked DPoP-bound, so its thumbprint can be shown (and
//! registered where a provider asks for it) at once; an app marked by an import gets its key at
//! its first token request. Turning DPoP off keeps the key, so turning it on again binds tokens
//! to the same key; deleting the app removes it with the app's other entries.
//! Writing the key follows the secrets' protocol: a `put` intent, the keychain, then the row.

use super::{Core, dpop_key_account};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::flows::{self, DpopContext};
use crate::model::{AppId, ClientApp, Secret};
use crate::signing_key::{KeyAlg, PrivateKey};
use crate::store::apps;
use crate::store::intents::{self, Intent};

/// Whether an app's tokens are DPoP-bound, and to which key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DpopBinding {
    /// Token requests carry DPoP proofs.
    pub bound: bool,
    /// The RFC 7638 thumbprint of the app's proof key (the `cnf.jkt` of its tokens), once the
    /// key exists.
    pub jkt: Option<String>,
}

impl Core {
    /// Whether an app is DPoP-bound, and its proof key's thumbprint.
    pub fn dpop_binding(&self, app: &AppId) -> Result<DpopBinding> {
        self.app(app)?;
        let (bound, jkt) = apps::dpop_of(&self.store()?.conn, app)?;
        Ok(DpopBinding { bound, jkt })
    }

    /// Marks an app DPoP-bound (its proof key made first if it has none, so a keychain that
    /// refuses it leaves the app as it was) or not (keeping the key); a change is audited.
    pub fn set_dpop(&self, app: &AppId, on: bool) -> Result<DpopBinding> {
        self.refuse_shared(&self.app(app)?.environment_id)?;
        if on {
            self.proof_key(app)?;
        }
        self.store()?.write(|tx| {
            let (was, jkt) = apps::dpop_of(tx, app)?;
            apps::set_dpop(tx, app, on)?;
            // a switch that changes nothing is no change to record
            if was == on {
                return Ok(());
            }
            let detail = match (on, jkt) {
                (true, Some(jkt)) => format!("on, key {jkt}"),
                (true, None) => "on".to_owned(),
                (false, _) => "off, key kept".to_owned(),
            };
            self.note_app(tx, AuditAction::DpopSwitched, app, &detail)
        })?;
        self.dpop_binding(app)
    }

    /// The proof key of a DPoP-bound app (made now if it has none yet), else None.
    pub(super) fn dpop_key(&self, app: &ClientApp) -> Result<Option<PrivateKey>> {
        let (bound, _) = apps::dpop_of(&self.store()?.conn, &app.id)?;
        bound.then(|| self.proof_key(&app.id)).transpose()
    }

    /// The app's proof key from the keychain, made and stored first when it has none.
    fn proof_key(&self, app: &AppId) -> Result<PrivateKey> {
        let account = dpop_key_account(app);
        if apps::dpop_of(&self.store()?.conn, app)?.1.is_some() {
            let pem = self.vault.get(&account)?;
            return PrivateKey::from_pem(pem.expose());
        }
        let key = PrivateKey::generate(KeyAlg::Es256)?;
        let jkt = key.thumbprint()?;
        let now = self.now();
        let intent = Intent::put(account.clone());
        self.store()?
            .write(|tx| intents::record(tx, &intent, now))?;
        if let Err(error) = self.vault.put(&account, &key.to_pem()) {
            self.store()?.write(|tx| intents::clear(tx, &account))?;
            return Err(error);
        }
        self.crash_point("dpop key: keychain written")?;
        self.store()?.write(|tx| {
            apps::set_dpop_jkt(tx, app, Some(&jkt))?;
            intents::clear(tx, &account)
        })?;
        Ok(key)
    }

    /// A DPoP proof for one `method` request to `url` with the app's access token `token`
    /// (its hash is the proof's `ath`). Refused for an app that is not DPoP-bound.
    pub fn resource_proof(
        &self,
        app: &AppId,
        method: &str,
        url: &str,
        token: &Secret,
    ) -> Result<String> {
        let app_row = self.app(app)?;
        let key = self.dpop_key(&app_row)?.ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” is not DPoP-bound, so its tokens need no proof. Mark it with: authdeck \
                 app edit \"{}\" --dpop",
                app_row.display_name, app_row.display_name
            ))
        })?;
        let method = method.trim().to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid(
                "method",
                format!("“{method}” is not an HTTP method (GET, POST …)."),
            ));
        }
        let target = url::Url::parse(url)
            .map_err(|e| Error::invalid("url", format!("“{url}” is not a URL ({e}).")))?;
        if !matches!(target.scheme(), "https" | "http") {
            return Err(Error::invalid(
                "url",
                format!("“{url}” is not an http or https URL."),
            ));
        }
        let context = DpopContext {
            key: &key,
            clock: self.clock.as_ref(),
            nonces: &self.dpop_nonces,
        };
        let nonce = self.dpop_nonces.latest(url);
        flows::dpop::proof(&context, &method, url, Some(token), nonce.as_deref())
    }
}
