//! `key add / list / jwks / retire / reactivate / rm`: signing keys for private_key_jwt. A private key goes
//! from the file or stdin straight to core and the keychain; only public JWKs are printed.

use crate::cli::{KeyAddArgs, KeyAlgArg, KeyCommand, KeyTarget};
use crate::failure::{Failure, exit};
use crate::output::{self, table};
use crate::resolve;
use authdeck_core::Core;
use authdeck_core::model::*;
use std::io::Read;

/// The largest key file read: a PEM or JWK of a 4096-bit RSA key is about 3.3 KB.
const MAX_KEY_BYTES: u64 = 16 * 1024;

/// `authdeck key` and its subcommands.
pub fn run(core: &Core, command: KeyCommand) -> Result<u8, Failure> {
    match command {
        KeyCommand::Add(args) => add(core, &args),
        KeyCommand::List { app, env, json } => list(core, &app, env.as_deref(), json),
        KeyCommand::Jwks { app, env } => {
            let environment = resolve::environment(core, env.as_deref())?;
            let app = resolve::app(core, &environment, Some(&app))?;
            output::print_json(&core.public_jwks(&app.id)?).map(|()| 0)
        }
        KeyCommand::Retire(target) => {
            let (app, key) = find(core, &target)?;
            let key = core.retire_signing_key(&key.id)?;
            output::print(&format!(
                "Retired key {} of “{}”: kept, no longer signs.\n",
                key.kid, app.display_name
            ))
            .map(|()| 0)
        }
        KeyCommand::Reactivate(target) => {
            let (app, key) = find(core, &target)?;
            let key = core.reactivate_signing_key(&key.id)?;
            output::print(&format!(
                "Reactivated key {} of “{}”: active again (of its active keys, the newest signs).\n",
                key.kid, app.display_name
            ))
            .map(|()| 0)
        }
        KeyCommand::Rm(target) => {
            let (app, key) = find(core, &target)?;
            core.delete_signing_key(&key.id)?;
            output::print(&format!(
                "Deleted key {} of “{}” from the keychain.\n",
                key.kid, app.display_name
            ))
            .map(|()| 0)
        }
    }
}

/// Reads a private key (or certificate) to import: the file, or all of stdin for `-`.
pub(crate) fn read_key(path: &std::path::Path) -> Result<Secret, Failure> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_KEY_BYTES)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(MAX_KEY_BYTES).read_to_end(&mut bytes))
    };
    read.map_err(|e| {
        Failure::new(
            exit::OTHER,
            format!("Could not read the key from {}: {e}", path.display()),
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::new(exit::INVALID, "key: The key is not UTF-8 text."))?;
    Ok(Secret::new(text))
}

/// `authdeck key add`: generates or imports, then prints the public JWK to register.
fn add(core: &Core, args: &KeyAddArgs) -> Result<u8, Failure> {
    let (environment, app) = resolve::app_to_act_on(core, args.env.as_deref(), Some(&args.app))?;
    let alg = args.alg.map(|alg| match alg {
        KeyAlgArg::Es256 => KeyAlg::Es256,
        KeyAlgArg::EdDsa => KeyAlg::EdDsa,
        KeyAlgArg::Rs256 => KeyAlg::Rs256,
        KeyAlgArg::Ps256 => KeyAlg::Ps256,
    });
    let source = match (&args.import, alg, args.bits) {
        (Some(path), None, _) => KeySource::Import(read_key(path)?),
        (Some(path), Some(alg), _) => KeySource::ImportAs {
            alg,
            key: read_key(path)?,
        },
        (None, alg, Some(bits)) => KeySource::GenerateRsa {
            alg: alg.unwrap_or(KeyAlg::Es256),
            bits,
        },
        (None, alg, None) => KeySource::Generate(alg.unwrap_or(KeyAlg::Es256)),
    };
    let key = core.add_signing_key(SigningKeyInput {
        app_id: app.id.clone(),
        label: args.label.clone().unwrap_or_default(),
        source,
    })?;
    output::print(&format!(
        "Stored {} key “{}” (kid {}) for “{}” in “{}” in the keychain. Register its public \
         key at the provider:\n{}\n",
        key.alg.as_str(),
        key.label,
        key.kid,
        app.display_name,
        environment.name,
        key.public_jwk
    ))
    .map(|()| 0)
}

/// `authdeck key list`.
fn list(core: &Core, app: &str, env: Option<&str>, json: bool) -> Result<u8, Failure> {
    let environment = resolve::environment(core, env)?;
    let app = resolve::app(core, &environment, Some(app))?;
    let keys = core.signing_keys(&app.id)?;
    if json {
        return output::print_json(&keys).map(|()| 0);
    }
    if keys.is_empty() {
        return output::print(&format!("“{}” holds no signing key.\n", app.display_name))
            .map(|()| 0);
    }
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|key| {
            vec![
                key.label.clone(),
                key.kid.clone(),
                key.alg.as_str().to_owned(),
                key.state.as_str().to_owned(),
                key.origin.as_str().to_owned(),
                output::when(&key.added_at),
            ]
        })
        .collect();
    output::print(&table(
        &["LABEL", "KID", "ALG", "STATE", "ORIGIN", "ADDED"],
        &rows,
    ))
    .map(|()| 0)
}

/// The app and the key a `KeyTarget` names: by kid, ID or label.
fn find(core: &Core, target: &KeyTarget) -> Result<(AppSummary, SigningKeyMeta), Failure> {
    let (_, app) = resolve::app_to_act_on(core, target.env.as_deref(), Some(&target.app))?;
    let keys = core.signing_keys(&app.id)?;
    let wanted = target.key.trim();
    let found: Vec<&SigningKeyMeta> = keys
        .iter()
        .filter(|key| key.kid == wanted || key.id.0 == wanted || key.label == wanted)
        .collect();
    match found.as_slice() {
        [one] => Ok((app, (*one).clone())),
        [] => Err(Failure::not_found(format!(
            "“{}” holds no signing key “{wanted}”. Its keys: {}.",
            app.display_name,
            resolve::quoted(keys.iter().map(|key| key.kid.as_str()))
        ))),
        several => Err(Failure::not_found(format!(
            "“{wanted}” names {} keys of “{}”; name one by its kid.",
            several.len(),
            app.display_name
        ))),
    }
}
