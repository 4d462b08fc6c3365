//! Property: any valid set of environments and apps, imported into a fresh store and exported
//! again, is the same setup (the same environments with the same apps and fields; the order
//! of the file and the export time aside).

use super::*;
use crate::facade::{Clock, Core};
use crate::vault::MemoryVault;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(1_790_000_000).unwrap()
    }
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        "https://[a-z]{1,8}\\.example\\.com(/[a-z0-9]{1,8}){0,2}",
        "http://127\\.0\\.0\\.1:[1-9][0-9]{0,3}/[a-z]{1,8}",
    ]
}

fn optional<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

/// Distinct values (what a list field holds once it is valid).
fn distinct(s: impl Strategy<Value = String>, max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set(s, 0..=max).prop_map(|set| set.into_iter().collect())
}

/// A name as the form keeps it: trimmed, printable, at most 80 characters.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}[A-Za-z0-9]".prop_map(|n| n.to_owned())
}

fn app(client_id: String) -> impl Strategy<Value = ExportedApp> {
    let kind = prop_oneof![
        Just((ClientType::Public, AuthMethod::None)),
        Just((ClientType::Confidential, AuthMethod::ClientSecretBasic)),
        Just((ClientType::Confidential, AuthMethod::ClientSecretPost)),
    ];
    (
        (name(), kind, "[a-zA-Z0-9 ,.]{0,40}", optional(url())),
        (
            distinct(
                prop_oneof![url(), "com\\.example\\.[a-z]{1,6}:/[a-z]{1,6}"],
                3,
            ),
            distinct(url(), 2),
            distinct("https://[a-z]{1,8}\\.example\\.com", 2),
            distinct("[a-z][a-z:._-]{0,12}", 4),
            distinct("[a-z][a-z0-9-]{0,12}", 3),
        ),
        (
            optional(url()),
            optional("[a-z][a-z0-9:._-]{0,20}"),
            optional(url()),
        ),
    )
        .prop_map(
            move |(
                (display_name, (client_type, auth_method), description, logo_uri),
                (redirect_uris, logout_urls, web_origins, default_scopes, labels),
                (link, audience, resource),
            )| ExportedApp {
                display_name,
                client_id: client_id.clone(),
                client_type,
                auth_method,
                description: description.trim().to_owned(),
                logo_uri,
                redirect_uris,
                logout_urls,
                web_origins,
                default_scopes,
                labels,
                link,
                audience,
                resource,
                dpop: false,
                par: false,
            },
        )
}

fn environment(name: String) -> impl Strategy<Value = ExportedEnvironment> {
    let kind = prop_oneof![
        Just(EnvironmentKind::Sandbox),
        Just(EnvironmentKind::Production),
        Just(EnvironmentKind::Other),
    ];
    let endpoints = (
        (
            optional(url()),
            optional(url()),
            optional(url()),
            optional(url()),
        ),
        (
            optional(url()),
            optional(url()),
            optional(url()),
            optional(url()),
        ),
    )
        .prop_map(|((a, b, c, d), (e, f, g, h))| ExportedEndpoints {
            issuer_url: a,
            authorization_url: b,
            token_url: c,
            token_info_url: d,
            introspection_url: e,
            revocation_url: f,
            api_base_url: g,
            device_authorization_url: h,
        });
    let apps = prop::collection::btree_set("[A-Za-z0-9._-]{1,24}", 0..4)
        .prop_flat_map(|ids| ids.into_iter().map(app).collect::<Vec<_>>());
    let profiles: Vec<ProviderProfile> = crate::profile::profiles()
        .into_iter()
        .map(|description| description.profile)
        .collect();
    let profile = prop::sample::select(profiles);
    (kind, "#[0-9a-f]{6}", endpoints, profile, 1..=3650_u32, apps).prop_map(
        move |(kind, color, endpoints, profile, rotation_days, apps)| ExportedEnvironment {
            name: name.clone(),
            kind,
            color,
            endpoints,
            profile,
            rotation_days,
            apps,
        },
    )
}

/// Environments with names distinct ignoring case (an import merges by name that way).
fn setup() -> impl Strategy<Value = Vec<ExportedEnvironment>> {
    prop::collection::btree_map(name().prop_map(|n| n.to_lowercase()), name(), 0..4).prop_flat_map(
        |names: BTreeMap<String, String>| names.into_values().map(environment).collect::<Vec<_>>(),
    )
}

/// The setup with its order taken out: environments by name, apps by client ID.
fn sorted(mut environments: Vec<ExportedEnvironment>) -> Vec<ExportedEnvironment> {
    environments.sort_by(|a, b| a.name.cmp(&b.name));
    for environment in &mut environments {
        environment
            .apps
            .sort_by(|a, b| a.client_id.cmp(&b.client_id));
    }
    environments
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_imported_setup_exports_as_the_same_setup(environments in setup()) {
        let file = ExportFile {
            authdeck_export: EXPORT_VERSION,
            exported_at: None,
            environments,
        };
        let home = tempfile::tempdir().unwrap();
        let core =
            Core::open(home.path(), Arc::new(MemoryVault::default()), Arc::new(FixedClock)).unwrap();
        let report = core.apply_import(&render(&file).unwrap(), &[]).unwrap();
        prop_assert!(report.problems.is_empty(), "{:?}", report.problems);
        let exported = core.export().unwrap();
        prop_assert_eq!(sorted(exported.environments), sorted(file.environments));
    }
}
