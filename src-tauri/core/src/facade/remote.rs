//! Admin work at the provider through an environment's connector: create an app there (its
//! secret goes straight from the answer into the keychain, or a team environment's vault),
//! import the ones it lists, show drift and pull or push it, delete it there (revoking
//! Authdeck's token first if asked).
//!
//! Nothing local changes when the provider refuses or fails. Creating checks the local app
//! before asking the provider, and undoes the remote app if it cannot be kept here.

use super::{Core, Fetch};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::flows::{AppRegistry, Created, OauthAppsApi, Registration, Remote};
use crate::model::*;
use crate::store::connectors;
use crate::store::intents::{self, Intent};

/// The keychain account that holds an app's RFC 7592 registration access token.
pub fn registration_account(app: &AppId) -> String {
    format!("registration:{app}")
}

/// The two kinds of registry, chosen by the connector.
enum Registry<'a> {
    OauthApps(OauthAppsApi<'a>),
    Registration(Registration<'a>),
}

impl Registry<'_> {
    async fn list(&self) -> Result<Vec<Remote>> {
        match self {
            Self::OauthApps(api) => api.list().await,
            Self::Registration(api) => api.list().await,
        }
    }
    async fn get(&self, id: &str) -> Result<Remote> {
        match self {
            Self::OauthApps(api) => api.get(id).await,
            Self::Registration(api) => api.get(id).await,
        }
    }
    async fn create(&self, fields: &RemoteFields) -> Result<Created> {
        match self {
            Self::OauthApps(api) => api.create(fields).await,
            Self::Registration(api) => api.create(fields).await,
        }
    }
    async fn update(&self, id: &str, fields: &RemoteFields) -> Result<Remote> {
        match self {
            Self::OauthApps(api) => api.update(id, fields).await,
            Self::Registration(api) => api.update(id, fields).await,
        }
    }
    async fn delete(&self, id: &str) -> Result<()> {
        match self {
            Self::OauthApps(api) => api.delete(id).await,
            Self::Registration(api) => api.delete(id).await,
        }
    }
}

/// The fields a connector kind carries (RFC 7591 has no description, web origins or labels).
fn carried(kind: ConnectorKind) -> &'static [&'static str] {
    match kind {
        ConnectorKind::OauthApps => &[
            "display_name",
            "description",
            "logo_uri",
            "redirect_uris",
            "logout_urls",
            "web_origins",
            "labels",
        ],
        ConnectorKind::Registration => {
            &["display_name", "logo_uri", "redirect_uris", "logout_urls"]
        }
    }
}

fn fields_of_app(app: &ClientApp) -> RemoteFields {
    RemoteFields {
        display_name: app.display_name.clone(),
        description: app.description.clone(),
        logo_uri: app.logo_uri.clone(),
        redirect_uris: app.redirect_uris.clone(),
        logout_urls: app.logout_urls.clone(),
        web_origins: app.web_origins.clone(),
        labels: app.labels.clone(),
    }
}

/// Each carried field as text, for comparing and showing.
fn field_texts(fields: &RemoteFields) -> [(&'static str, String); 7] {
    let list = |items: &[String]| items.join("\n");
    [
        ("display_name", fields.display_name.clone()),
        ("description", fields.description.clone()),
        ("logo_uri", fields.logo_uri.clone().unwrap_or_default()),
        ("redirect_uris", list(&fields.redirect_uris)),
        ("logout_urls", list(&fields.logout_urls)),
        ("web_origins", list(&fields.web_origins)),
        ("labels", list(&fields.labels)),
    ]
}

/// The carried fields that differ.
pub fn drift(kind: ConnectorKind, local: &RemoteFields, remote: &RemoteFields) -> Vec<FieldDrift> {
    field_texts(local)
        .into_iter()
        .zip(field_texts(remote))
        .filter(|((name, mine), (_, theirs))| carried(kind).contains(name) && mine != theirs)
        .map(|((name, local), (_, remote))| FieldDrift {
            field: name.to_owned(),
            local,
            remote,
        })
        .collect()
}

/// The app input for a remote app's fields: the fields the connector's kind carries from the
/// provider, the rest kept from the local app (a new app: a confidential client).
fn input_with(
    app: Option<&ClientApp>,
    environment: &EnvironmentId,
    remote: &Remote,
    kind: ConnectorKind,
) -> ClientAppInput {
    let fields = &remote.fields;
    let take = |field: &str| app.is_none() || carried(kind).contains(&field);
    let mut input = match app {
        Some(app) => app.input(),
        // the name and client ID are the remote's, set below
        None => ClientAppInput::confidential(environment.clone(), "", ""),
    };
    input.environment_id = environment.clone();
    input.client_id = remote.client_id.clone();
    input.display_name = fields.display_name.clone();
    input.logo_uri = fields.logo_uri.clone();
    input.redirect_uris = fields.redirect_uris.clone();
    input.logout_urls = fields.logout_urls.clone();
    if take("description") {
        input.description = fields.description.clone();
    }
    if take("web_origins") {
        input.web_origins = fields.web_origins.clone();
    }
    if take("labels") {
        input.labels = fields.labels.clone();
    }
    input
}

impl Core {
    /// An environment's connector, if it has one.
    pub fn connector(&self, environment: &EnvironmentId) -> Result<Option<Connector>> {
        self.environment(environment)?;
        connectors::of_environment(&self.store()?.conn, environment)
    }

    /// Sets (or, with None, removes) an environment's connector.
    pub fn set_connector(
        &self,
        environment: &EnvironmentId,
        connector: Option<Connector>,
    ) -> Result<Option<Connector>> {
        self.environment(environment)?;
        let connector = connector.map(|mut c| {
            c.environment_id = environment.clone();
            c.base_url = c.base_url.trim().trim_end_matches('/').to_owned();
            c
        });
        if let Some(c) = &connector {
            crate::validate::check_endpoint(&c.base_url)
                .map_err(|message| Error::invalid("base_url", message))?;
            match &c.auth_app_id {
                Some(app) => {
                    let app = self.app(app).map_err(|_| {
                        Error::invalid("auth_app_id", "Choose an app of this environment.")
                    })?;
                    if &app.environment_id != environment {
                        return Err(Error::invalid(
                            "auth_app_id",
                            "Choose an app of this environment.",
                        ));
                    }
                    if app.client_type == ClientType::Public {
                        return Err(Error::invalid(
                            "auth_app_id",
                            "A public client cannot get a token with client credentials; choose \
                             a confidential app.",
                        ));
                    }
                }
                None if c.kind == ConnectorKind::OauthApps => {
                    return Err(Error::invalid(
                        "auth_app_id",
                        "The OAuth apps API needs a token: choose the app Authdeck gets it with.",
                    ));
                }
                None => {}
            }
        }
        let now = self.now();
        self.store()?
            .write(|tx| connectors::save(tx, environment, connector.as_ref(), now))?;
        self.connector(environment)
    }

    fn connector_of(&self, environment: &EnvironmentId) -> Result<Connector> {
        self.connector(environment)?.ok_or_else(|| {
            Error::NotConfigured(
                "This environment has no connector to the provider's app management. Set one \
                 up in the environment's settings."
                    .into(),
            )
        })
    }

    /// A token of the connector's app, for the API.
    async fn connector_token(&self, connector: &Connector) -> Result<Option<Secret>> {
        let Some(app) = &connector.auth_app_id else {
            return Ok(None);
        };
        self.fetch_token(
            app,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 30,
            },
        )
        .await?;
        Ok(Some(self.token_value(app)?.1))
    }

    async fn registry<'a>(
        &'a self,
        connector: &'a Connector,
        app: Option<&AppId>,
    ) -> Result<Registry<'a>> {
        let token = self.connector_token(connector).await?;
        Ok(match connector.kind {
            ConnectorKind::OauthApps => Registry::OauthApps(OauthAppsApi {
                http: self.http()?,
                base_url: &connector.base_url,
                token: token.ok_or_else(|| {
                    Error::NotConfigured("The connector has no app to get its token with.".into())
                })?,
            }),
            ConnectorKind::Registration => Registration {
                http: self.http()?,
                endpoint: &connector.base_url,
                initial_token: token,
                registration_token: match app {
                    Some(app) => Some(self.vault.get(&registration_account(app))?),
                    None => None,
                },
            }
            .into(),
        })
    }

    fn remote_app(&self, kind: ConnectorKind, mut remote: Remote) -> Result<RemoteApp> {
        remote.local_app_id = connectors::app_of(&self.store()?.conn, kind, &remote.remote_id)?;
        Ok(remote)
    }

    fn link(&self, app: &AppId, kind: ConnectorKind, remote: &Remote) -> RemoteLink {
        RemoteLink {
            app_id: app.clone(),
            kind,
            remote_id: remote.remote_id.clone(),
            created_by: remote.created_by.clone(),
            updated_by: remote.updated_by.clone(),
            create_time: remote.create_time.clone(),
            update_time: remote.update_time.clone(),
            synced_at: self.now(),
        }
    }

    /// The apps the provider lists, each with the local app linked to it.
    pub async fn remote_apps(&self, environment: &EnvironmentId) -> Result<Vec<RemoteApp>> {
        let connector = self.connector_of(environment)?;
        let listed = self.registry(&connector, None).await?.list().await?;
        listed
            .into_iter()
            .map(|remote| self.remote_app(connector.kind, remote))
            .collect()
    }

    /// Creates an app at the provider and here, linked; the secret the provider shows once
    /// goes into the keychain as the app's first secret.
    pub async fn create_remote_app(
        &self,
        environment: &EnvironmentId,
        fields: RemoteFields,
        default_scopes: Vec<String>,
    ) -> Result<RemoteCreated> {
        let connector = self.connector_of(environment)?;
        let placeholder = Remote {
            remote_id: String::new(),
            client_id: "assigned-by-the-provider".into(),
            fields: fields.clone(),
            created_by: None,
            updated_by: None,
            create_time: None,
            update_time: None,
            local_app_id: None,
        };
        let mut input = input_with(None, environment, &placeholder, connector.kind);
        input.default_scopes = default_scopes;
        let problems = self.validate_app(None, &input)?;
        if let Some(problem) = problems.into_iter().find(|p| p.field != "client_id") {
            return Err(Error::Validation {
                field: problem.field,
                message: problem.message,
            });
        }
        let mut registry = self.registry(&connector, None).await?;
        let created = registry.create(&fields).await?;
        match self.keep_created(connector.kind, &created, input).await {
            Ok(done) => Ok(done),
            Err(error) => {
                // Not kept here: do not leave an app at the provider nobody has the secret of.
                if let Registry::Registration(registration) = &mut registry {
                    registration.registration_token = created.registration_token.clone();
                }
                let undone = registry.delete(&created.remote.remote_id).await;
                Err(match undone {
                    Ok(()) => error,
                    Err(_) => Error::Internal(format!(
                        "{error} The app “{}” was created at the provider but could not be kept \
                         here, and deleting it there failed too: delete it at the provider.",
                        created.remote.remote_id
                    )),
                })
            }
        }
    }

    async fn keep_created(
        &self,
        kind: ConnectorKind,
        created: &Created,
        mut input: ClientAppInput,
    ) -> Result<RemoteCreated> {
        input.client_id = created.remote.client_id.clone();
        let app = self
            .create_app_in_setup(input, Default::default(), &Default::default())
            .await?;
        let keep = async {
            let secret = match &created.client_secret {
                Some(value) => Some(self.keep_created_secret(&app, created, value).await?),
                None => None,
            };
            let put = match &created.registration_token {
                Some(token) => Some(self.put_registration_token(&app.id, token)?),
                None => None,
            };
            let link = self.link(&app.id, kind, &created.remote);
            self.store()?.write(|tx| {
                connectors::save_link(tx, &link)?;
                if let Some(put) = &put {
                    // the row that refers to the entry exists now: the put is complete
                    intents::clear(tx, &put.account)?;
                }
                self.note_app(
                    tx,
                    AuditAction::RemoteAppCreated,
                    &app.id,
                    &created.remote.remote_id,
                )
            })?;
            Ok::<_, Error>(secret)
        };
        match keep.await {
            Ok(secret) => Ok(RemoteCreated {
                remote: self.remote_app(kind, created.remote.clone())?,
                app: self.app(&app.id)?,
                secret,
            }),
            Err(error) => {
                // the local half goes (its keychain entries with it); the caller undoes the
                // remote half
                let _ = self.delete_app_in_setup(&app.id, &Default::default()).await;
                Err(error)
            }
        }
    }

    /// Keeps the secret the provider showed once as the new app's first secret: in the team
    /// vault for a team environment (written, read back, then listed), else in the keychain.
    async fn keep_created_secret(
        &self,
        app: &ClientApp,
        created: &Created,
        value: &Secret,
    ) -> Result<SecretMeta> {
        let input = SecretInput {
            app_id: app.id.clone(),
            label: "Created at the provider".into(),
            value: value.clone(),
            provider_created_at: created
                .remote
                .create_time
                .as_deref()
                .and_then(|text| {
                    time::OffsetDateTime::parse(
                        text,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .ok()
                })
                // to the second, and never after now (clocks differ)
                .and_then(|at| Timestamp::from_unix(at.unix_timestamp()))
                .map(|at| if at > self.now() { self.now() } else { at }),
        };
        let added = if self.is_team_environment(&app.environment_id)? {
            self.add_team_secret(input).await?
        } else {
            self.add_secret(input)?
        };
        Ok(added.secret)
    }

    /// Writes an app's registration access token under a `put` intent, like a secret; the
    /// caller clears the intent with the row that refers to the entry.
    fn put_registration_token(&self, app: &AppId, token: &Secret) -> Result<Intent> {
        let put = Intent::put(registration_account(app));
        let now = self.now();
        self.store()?.write(|tx| intents::record(tx, &put, now))?;
        if let Err(error) = self.vault.put(&put.account, token) {
            self.store()?.write(|tx| intents::clear(tx, &put.account))?;
            return Err(error);
        }
        Ok(put)
    }

    /// Adds a remote app to the local list, linked; its secret is "not stored here" until
    /// one is pasted (a secret the API repeats is not taken).
    pub async fn import_remote_app(
        &self,
        environment: &EnvironmentId,
        remote_id: &str,
    ) -> Result<ClientApp> {
        let connector = self.connector_of(environment)?;
        if connector.kind == ConnectorKind::Registration {
            return Err(Error::NotConfigured(
                "Dynamic client registration cannot read a client without its registration \
                 access token, so only apps created through Authdeck are managed."
                    .into(),
            ));
        }
        // (the store's lock is released before the linked app is read)
        let linked = connectors::app_of(&self.store()?.conn, connector.kind, remote_id)?;
        if let Some(app) = linked {
            return Err(Error::Conflict {
                field: "remote_id".into(),
                message: format!(
                    "“{}” is already in the list, linked to this remote app.",
                    self.app(&app)?.display_name
                ),
            });
        }
        let remote = self
            .registry(&connector, None)
            .await?
            .get(remote_id)
            .await?;
        let input = input_with(None, environment, &remote, connector.kind);
        let app = self
            .create_app_in_setup(input, Default::default(), &Default::default())
            .await?;
        let link = self.link(&app.id, connector.kind, &remote);
        self.store()?.write(|tx| connectors::save_link(tx, &link))?;
        Ok(app)
    }

    /// Where an app is at the provider, if it is linked.
    pub fn remote_link(&self, app: &AppId) -> Result<Option<RemoteLink>> {
        self.app(app)?;
        connectors::link_of(&self.store()?.conn, app)
    }

    fn linked(&self, app: &AppId) -> Result<(ClientApp, Connector, RemoteLink)> {
        let app_row = self.app(app)?;
        let link = self.remote_link(app)?.ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” is not linked to an app at the provider.",
                app_row.display_name
            ))
        })?;
        let connector = self.connector_of(&app_row.environment_id)?;
        Ok((app_row, connector, link))
    }

    /// A linked app, here and as the provider has it now.
    async fn both_sides(&self, app: &AppId) -> Result<(ClientApp, RemoteLink, Remote)> {
        let (app_row, connector, link) = self.linked(app)?;
        let remote = self
            .registry(&connector, Some(app))
            .await?
            .get(&link.remote_id)
            .await?;
        Ok((app_row, link, remote))
    }

    /// The fields that differ between the local app and the provider's.
    pub async fn remote_drift(&self, app: &AppId) -> Result<Vec<FieldDrift>> {
        let (app_row, link, remote) = self.both_sides(app).await?;
        Ok(drift(link.kind, &fields_of_app(&app_row), &remote.fields))
    }

    /// Takes the provider's fields into the local app.
    pub async fn pull_remote(&self, app: &AppId) -> Result<ClientApp> {
        let (app_row, link, remote) = self.both_sides(app).await?;
        let input = input_with(Some(&app_row), &app_row.environment_id, &remote, link.kind);
        let updated = self
            .update_app_in_setup(app, input, Default::default(), &Default::default())
            .await?;
        let link = self.link(app, link.kind, &remote);
        self.store()?.write(|tx| connectors::save_link(tx, &link))?;
        Ok(updated)
    }

    /// Sends the local app's fields to the provider.
    pub async fn push_remote(&self, app: &AppId) -> Result<RemoteApp> {
        let (app_row, connector, link) = self.linked(app)?;
        let remote = self
            .registry(&connector, Some(app))
            .await?
            .update(&link.remote_id, &fields_of_app(&app_row))
            .await?;
        let new_link = self.link(app, link.kind, &remote);
        self.store()?
            .write(|tx| connectors::save_link(tx, &new_link))?;
        self.remote_app(link.kind, remote)
    }

    /// Deletes the app at the provider, then here. With `revoke_first`, the token Authdeck
    /// holds for it is revoked before (tokens already issued stay valid otherwise). Nothing
    /// local changes when the provider refuses.
    pub async fn delete_remote_app(
        &self,
        app: &AppId,
        revoke_first: bool,
    ) -> Result<RemoteDeleted> {
        let (_, connector, link) = self.linked(app)?;
        let holds_token = self
            .token_status(app)?
            .token
            .is_some_and(|token| token.revoked_at.is_none());
        let token_revoked = if revoke_first && holds_token {
            self.revoke_token(app).await?;
            true
        } else {
            false
        };
        self.registry(&connector, Some(app))
            .await?
            .delete(&link.remote_id)
            .await?;
        self.note_app_now(AuditAction::RemoteAppDeleted, app, &link.remote_id)?;
        let app_deleted = self.delete_app_in_setup(app, &Default::default()).await?;
        Ok(RemoteDeleted {
            token_revoked,
            app_deleted,
        })
    }
}

impl<'a> From<Registration<'a>> for Registry<'a> {
    fn from(registration: Registration<'a>) -> Self {
        Self::Registration(registration)
    }
}
