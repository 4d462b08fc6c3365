//! Team vault connections: add and sign in (by token, userpass or AppRole; OIDC in
//! `team_oidc.rs`; the token checked by the vault, then kept in the keychain only), status, remove; and reading a team
//! environment's secret from its vault.
//!
//! Adding follows the two-store protocol of `secrets.rs`: a `put` intent for `team:<name>`,
//! the keychain, then the row and the intent's removal in one transaction. Removing: a
//! `delete` intent, the keychain entry, then the row (`intents::finish`).

use super::Core;
use crate::error::{Error, Result};
use crate::model::{AppId, Secret, SecretId};
use crate::store::intents::{self, Intent};
use crate::store::{apps, teams};
use crate::team::kv::Kv;
use crate::team::token_life::{Next, TokenLife};
use crate::team::{SignIn, TeamStatus, TeamVault, TeamVaultInput, check_credential, token_account};

impl Core {
    /// Every team vault connection, by name.
    pub fn teams(&self) -> Result<Vec<TeamVault>> {
        teams::list(&self.store()?.conn)
    }

    /// One team vault connection by name.
    pub fn team(&self, name: &str) -> Result<TeamVault> {
        teams::get(&self.store()?.conn, name)?.ok_or_else(|| {
            Error::NotFound(format!(
                "There is no team vault named “{name}” (see `authdeck team status`)."
            ))
        })
    }

    /// Adds a team vault connection once the person has signed in and the vault has accepted
    /// the token; the token goes to the keychain only, the password or secret ID nowhere.
    pub async fn add_team(&self, input: TeamVaultInput) -> Result<TeamStatus> {
        let vault = self.new_team(&input)?;
        let token = self.sign_in_to(&vault, &input.credential).await?;
        self.keep_new_team(&vault, &token).await
    }

    /// A new connection from `input`, checked, under a name not yet taken.
    pub(super) fn new_team(&self, input: &TeamVaultInput) -> Result<TeamVault> {
        input.validate()?;
        let vault = TeamVault {
            name: input.name.trim().to_owned(),
            addresses: input.addresses.clone(),
            namespace: input.namespace.clone(),
            mount: input.mount.clone(),
            path: input.path.clone(),
            sign_in: input.sign_in.clone(),
            created_at: self.now(),
        };
        if teams::get(&self.store()?.conn, &vault.name)?.is_some() {
            return Err(Error::Conflict {
                field: "name".into(),
                message: format!("A team vault named “{}” already exists.", vault.name),
            });
        }
        Ok(vault)
    }

    /// Keeps a new connection and the token its sign-in gave, once the vault has accepted it:
    /// a `put` intent, the keychain, then the row.
    pub(super) async fn keep_new_team(
        &self,
        vault: &TeamVault,
        token: &Secret,
    ) -> Result<TeamStatus> {
        let (status, life) = self.look_up(vault, token).await?;
        let intent = Intent::put(token_account(&vault.name));
        self.store()?
            .write(|tx| intents::record(tx, &intent, self.now()))?;
        self.crash_point("team add: intent recorded")?;
        if let Err(error) = self.vault.put(&intent.account, token) {
            self.store()?
                .write(|tx| intents::clear(tx, &intent.account))?;
            return Err(error);
        }
        self.crash_point("team add: keychain written")?;
        self.store()?.write(|tx| {
            teams::insert(tx, vault)?;
            teams::set_token_life(tx, &vault.name, &life)?;
            teams::set_signed_in_as(tx, &vault.name, &status.display_name)?;
            intents::clear(tx, &intent.account)
        })?;
        Ok(status)
    }

    /// Signs in to a team vault again, by its kept method or by `sign_in` (which then
    /// replaces it), and keeps the new token in place of the old once the vault accepted it.
    pub async fn sign_in_team(
        &self,
        name: &str,
        sign_in: Option<SignIn>,
        credential: Secret,
    ) -> Result<TeamStatus> {
        let vault = self.team_signing_in(name, sign_in)?;
        check_credential(&vault.sign_in, &credential)?;
        let token = self.sign_in_to(&vault, &credential).await?;
        self.keep_team_token(&vault, &token).await
    }

    /// The connection `name` with the sign-in `sign_in` (checked) in place of its kept one.
    pub(super) fn team_signing_in(&self, name: &str, sign_in: Option<SignIn>) -> Result<TeamVault> {
        let mut vault = self.team(name)?;
        if let Some(sign_in) = sign_in {
            sign_in.validate()?;
            vault.sign_in = sign_in;
        }
        Ok(vault)
    }

    /// Keeps the token of a new sign-in to a known connection, once the vault accepted it, in
    /// place of the old, with the sign-in it came by.
    pub(super) async fn keep_team_token(
        &self,
        vault: &TeamVault,
        token: &Secret,
    ) -> Result<TeamStatus> {
        let (status, life) = self.look_up(vault, token).await?;
        // One keychain write that replaces the value: the row already refers to it.
        self.vault.put(&token_account(&vault.name), token)?;
        self.store()?.write(|tx| {
            teams::set_sign_in(tx, &vault.name, &vault.sign_in)?;
            teams::set_token_life(tx, &vault.name, &life)?;
            teams::set_signed_in_as(tx, &vault.name, &status.display_name)
        })?;
        Ok(status)
    }

    /// The client token of a sign-in by the vault's method.
    async fn sign_in_to(&self, vault: &TeamVault, credential: &Secret) -> Result<Secret> {
        let none = Secret::new("");
        self.team_client(vault, &none)?.sign_in(credential).await
    }

    /// What the vault says now of the team vault's token: the address that answered, the
    /// token's time left and policies.
    pub async fn team_status(&self, name: &str) -> Result<TeamStatus> {
        let vault = self.team(name)?;
        let token = self.vault.get(&token_account(&vault.name))?;
        let (status, life) = self.look_up(&vault, &token).await?;
        self.store()?.write(|tx| {
            teams::set_token_life(tx, &vault.name, &life)?;
            teams::set_signed_in_as(tx, &vault.name, &status.display_name)
        })?;
        Ok(status)
    }

    /// Removes a team vault connection and its token from the keychain; refused while an
    /// environment is shared through it.
    pub fn remove_team(&self, name: &str) -> Result<()> {
        let vault = self.team(name)?;
        let shared = teams::environments_of(&self.store()?.conn, &vault.name)?;
        if !shared.is_empty() {
            return Err(Error::Conflict {
                field: "name".into(),
                message: format!(
                    "The team vault “{}” still holds these environments here: {}. Leave them \
                     first (authdeck env leave NAME: forgotten here, the vault untouched).",
                    vault.name,
                    shared.join(", ")
                ),
            });
        }
        self.delete_entries(vec![token_account(&vault.name)])
    }

    /// The team vault token, from the keychain, renewed first when little of its life is left
    /// (see `team::token_life`); an ended one is `VaultSignInRequired`.
    pub(super) async fn team_token(&self, vault: &TeamVault) -> Result<Secret> {
        let token = self.vault.get(&token_account(&vault.name))?;
        // Bound first: the store's lock must not be held across the lookup's await.
        let remembered = teams::token_life(&self.store()?.conn, &vault.name)?;
        let life = match remembered {
            Some(life) => life,
            // A connection from before lifetimes were remembered: ask once.
            None => {
                let (status, life) = self.look_up(vault, &token).await?;
                self.store()?.write(|tx| {
                    teams::set_token_life(tx, &vault.name, &life)?;
                    teams::set_signed_in_as(tx, &vault.name, &status.display_name)
                })?;
                life
            }
        };
        let now = self.now();
        match life.next(now) {
            Next::Use => {}
            Next::SignIn => {
                return Err(Error::VaultSignInRequired(format!(
                    "The vault token of the team vault “{name}” has ended: sign in again with \
                     `authdeck team login {name}`.",
                    name = vault.name
                )));
            }
            Next::Renew(increment) => {
                let kv = self.team_client(vault, &token)?;
                let (lease, renewable) = kv.renew_token(increment).await?;
                let renewed = life.renewed(lease, renewable, now);
                self.store()?
                    .write(|tx| teams::set_token_life(tx, &vault.name, &renewed))?;
            }
        }
        Ok(token)
    }

    /// The vault client of a team vault with its token, for a few calls.
    pub(super) fn team_client<'a>(
        &'a self,
        vault: &'a TeamVault,
        token: &'a Secret,
    ) -> Result<Kv<'a>> {
        let author = teams::signed_in_as(&self.store()?.conn, &vault.name)?;
        Ok(Kv::new(self.http()?, vault, token).by(author))
    }

    /// What the vault says of `token` now, and its lifetime to remember.
    async fn look_up(&self, vault: &TeamVault, token: &Secret) -> Result<(TeamStatus, TokenLife)> {
        let (address, data) = self.team_client(vault, token)?.look_up_token().await?;
        let life = TokenLife::from_lookup(&data, self.now());
        let status = TeamStatus {
            vault: vault.clone(),
            address,
            ttl_seconds: life.ttl,
            renewable: life.renewable,
            policies: data["policies"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            display_name: data["display_name"].as_str().unwrap_or_default().to_owned(),
        };
        Ok((status, life))
    }

    /// A secret's value: from the team vault when the app's environment lives in one, else
    /// from the keychain.
    pub(super) async fn secret_value_of(&self, app: &AppId, id: &SecretId) -> Result<Secret> {
        let environment = apps::get(&self.store()?.conn, app)?
            .map(|app| app.environment_id)
            .ok_or_else(|| Error::NotFound("That app no longer exists.".into()))?;
        let team = teams::of_environment(&self.store()?.conn, &environment)?;
        let Some((vault, key)) = team else {
            return self.vault.get(&super::secret_account(id));
        };
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let path = super::team_share::secret_path(&key, id);
        let entry = kv.read(&path).await?.ok_or_else(|| {
            Error::SecretMissing(format!(
                "The team vault “{}” no longer holds this secret (path {}). Ask an admin of \
                 the team to add it again.",
                vault.name,
                kv.shown_path(&path)
            ))
        })?;
        entry.data["value"]
            .as_str()
            .map(Secret::new)
            .ok_or_else(|| {
                Error::BadResponse(format!(
                    "The team vault entry at {} holds no secret value.",
                    kv.shown_path(&path)
                ))
            })
    }
}
