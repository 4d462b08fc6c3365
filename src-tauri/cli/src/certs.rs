//! `cert add / generate / list / retire / reactivate / rm`: client certificates for mutual TLS. A private
//! key goes from the file straight to core and the keychain; only certificates, their
//! thumbprints and public JWKs are printed.

use crate::cli::{CertAddArgs, CertCommand, CertTarget};
use crate::failure::Failure;
use crate::keys::read_key;
use crate::output::{self, table};
use crate::resolve;
use authdeck_core::model::*;
use authdeck_core::{AddedCert, Core};

/// `authdeck cert` and its subcommands.
pub fn run(core: &Core, command: CertCommand) -> Result<u8, Failure> {
    match command {
        CertCommand::Add(args) => add(core, &args),
        CertCommand::Generate {
            app,
            env,
            label,
            json,
        } => {
            let (environment, app) = resolve::app_to_act_on(core, env.as_deref(), Some(&app))?;
            let added = core.add_client_cert(ClientCertInput {
                app_id: app.id.clone(),
                label: label.unwrap_or_default(),
                source: CertSource::Generate,
            })?;
            if json {
                return print_added_json(&added);
            }
            print_added(&added, &app, &environment.name)
        }
        CertCommand::List { app, env, json } => list(core, &app, env.as_deref(), json),
        CertCommand::Retire(target) => {
            let (app, cert) = find(core, &target)?;
            let cert = core.retire_client_cert(&cert.id)?;
            output::print(&format!(
                "Retired certificate {} of “{}”: kept, no longer presented.\n",
                cert.x5t_s256, app.display_name
            ))
            .map(|()| 0)
        }
        CertCommand::Reactivate(target) => {
            let (app, cert) = find(core, &target)?;
            let cert = core.reactivate_client_cert(&cert.id)?;
            output::print(&format!(
                "Reactivated certificate {} of “{}”: active again (of its active certificates, \
                 the newest is presented).\n",
                cert.x5t_s256, app.display_name
            ))
            .map(|()| 0)
        }
        CertCommand::Rm(target) => {
            let (app, cert) = find(core, &target)?;
            core.delete_client_cert(&cert.id)?;
            output::print(&format!(
                "Deleted certificate {} of “{}” and its key from the keychain.\n",
                cert.x5t_s256, app.display_name
            ))
            .map(|()| 0)
        }
    }
}

/// `authdeck cert add`: imports a certificate and its key.
fn add(core: &Core, args: &CertAddArgs) -> Result<u8, Failure> {
    let (environment, app) = resolve::app_to_act_on(core, args.env.as_deref(), Some(&args.app))?;
    let certificate = read_key(&args.cert)?.expose().to_owned();
    let key = read_key(&args.key)?;
    let added = core.add_client_cert(ClientCertInput {
        app_id: app.id.clone(),
        label: args.label.clone().unwrap_or_default(),
        source: CertSource::Import { certificate, key },
    })?;
    print_added(&added, &app, &environment.name)
}

fn print_added(added: &AddedCert, app: &AppSummary, environment: &str) -> Result<u8, Failure> {
    let cert = &added.meta;
    let mut text = format!(
        "Stored certificate “{}” ({}, valid until {}) for “{}” in “{}”; its key is in the \
         keychain.\nx5t#S256: {}\n",
        cert.label,
        cert.subject,
        output::when(&cert.not_after),
        app.display_name,
        environment,
        cert.x5t_s256
    );
    if let Some(jwk) = &added.public_jwk {
        text.push_str(&format!(
            "Its public JWK with the certificate (x5c), to register for \
             self_signed_tls_client_auth:\n{jwk}\n"
        ));
    }
    output::print(&text).map(|()| 0)
}

fn print_added_json(added: &AddedCert) -> Result<u8, Failure> {
    let jwk = match &added.public_jwk {
        Some(text) => serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
        None => serde_json::Value::Null,
    };
    output::print_json(&serde_json::json!({ "certificate": added.meta, "public_jwk": jwk }))
        .map(|()| 0)
}

/// `authdeck cert list`.
fn list(core: &Core, app: &str, env: Option<&str>, json: bool) -> Result<u8, Failure> {
    let environment = resolve::environment(core, env)?;
    let app = resolve::app(core, &environment, Some(app))?;
    let certs = core.client_certs(&app.id)?;
    if json {
        return output::print_json(&certs).map(|()| 0);
    }
    if certs.is_empty() {
        return output::print(&format!(
            "“{}” holds no client certificate.\n",
            app.display_name
        ))
        .map(|()| 0);
    }
    let now = core.now().unix();
    let rows: Vec<Vec<String>> = certs
        .iter()
        .map(|cert| {
            // an expired certificate is never presented, whatever its state
            let expired = if cert.not_after.unix() <= now {
                ", expired"
            } else {
                ""
            };
            vec![
                cert.label.clone(),
                cert.subject.clone(),
                output::when(&cert.not_after),
                cert.x5t_s256.clone(),
                format!("{}{expired}", cert.state.as_str()),
                cert.origin.as_str().to_owned(),
            ]
        })
        .collect();
    output::print(&table(
        &[
            "LABEL",
            "SUBJECT",
            "NOT AFTER",
            "X5T#S256",
            "STATE",
            "ORIGIN",
        ],
        &rows,
    ))
    .map(|()| 0)
}

/// The app and the certificate a `CertTarget` names: by x5t#S256, ID or label.
fn find(core: &Core, target: &CertTarget) -> Result<(AppSummary, ClientCertMeta), Failure> {
    let (_, app) = resolve::app_to_act_on(core, target.env.as_deref(), Some(&target.app))?;
    let certs = core.client_certs(&app.id)?;
    let wanted = target.cert.trim();
    let found: Vec<&ClientCertMeta> = certs
        .iter()
        .filter(|cert| cert.x5t_s256 == wanted || cert.id.0 == wanted || cert.label == wanted)
        .collect();
    match found.as_slice() {
        [one] => Ok((app, (*one).clone())),
        [] => Err(Failure::not_found(format!(
            "“{}” holds no client certificate “{wanted}”. Its certificates: {}.",
            app.display_name,
            resolve::quoted(certs.iter().map(|cert| cert.x5t_s256.as_str()))
        ))),
        several => Err(Failure::not_found(format!(
            "“{wanted}” names {} certificates of “{}”; name one by its x5t#S256.",
            several.len(),
            app.display_name
        ))),
    }
}
