//! How long the app list takes to load for an environment of 10,000 apps (what the desktop app
//! does on every environment switch and every store change), finding one of them by name (what
//! every CLI command naming an app does), importing 10,000 apps, and how long one secret add
//! and its metadata read take. Method and figures: README, "Performance".

use authdeck_core::model::*;
use authdeck_core::vault::SecretStore;
use authdeck_core::{Core, Result, SystemClock};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Keeps values in memory: this measures the store, not the keychain's D-Bus round trip.
#[derive(Default)]
struct MemoryKeychain(Mutex<BTreeMap<String, String>>);

impl SecretStore for MemoryKeychain {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(account.into(), value.expose().into());
        Ok(())
    }
    fn get(&self, account: &str) -> Result<Secret> {
        Ok(Secret::new(self.0.lock().unwrap()[account].clone()))
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.0.lock().unwrap().remove(account);
        Ok(())
    }
    fn accounts(&self) -> Result<Vec<String>> {
        Ok(self.0.lock().unwrap().keys().cloned().collect())
    }
    fn is_locked(&self, _account: &str) -> Result<bool> {
        Ok(false)
    }
}

/// An empty store in a temporary folder.
fn empty() -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(
        dir.path(),
        Arc::new(MemoryKeychain::default()),
        Arc::new(SystemClock),
    )
    .unwrap();
    (dir, core)
}

fn seeded(apps: usize) -> (tempfile::TempDir, Core, Environment, Vec<AppId>) {
    let (dir, core) = empty();
    let environment = core
        .create_environment(EnvironmentInput {
            name: "Sandbox".into(),
            kind: EnvironmentKind::Sandbox,
            color: "#2f80ed".into(),
            endpoints: Endpoints::default(),
            profile: ProviderProfile::Standard,
            rotation_days: DEFAULT_ROTATION_DAYS,
        })
        .unwrap();
    let mut ids = Vec::with_capacity(apps);
    for n in 0..apps {
        let app = core
            .create_app(ClientAppInput {
                redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
                default_scopes: vec!["read".into(), "write".into()],
                labels: vec![format!("team-{}", n % 7)],
                ..ClientAppInput::confidential(
                    environment.id.clone(),
                    format!("Integration {n:05}"),
                    format!("client-{n:05}"),
                )
            })
            .unwrap();
        if n % 10 == 0 {
            core.add_secret(SecretInput {
                app_id: app.id.clone(),
                label: String::new(),
                value: Secret::new(format!("value-{n}")),
                provider_created_at: None,
            })
            .unwrap();
        }
        ids.push(app.id);
    }
    (dir, core, environment, ids)
}

fn app_list(c: &mut Criterion) {
    let (_dir, core, environment, ids) = seeded(10_000);
    c.bench_function("apps() of an environment with 10,000 apps", |b| {
        b.iter(|| core.apps(&environment.id).unwrap())
    });
    c.bench_function("app() and secrets() of one app among 10,000", |b| {
        b.iter(|| {
            (
                core.app(&ids[5_000]).unwrap(),
                core.secrets(&ids[5_000]).unwrap(),
            )
        })
    });
    c.bench_function("apps_named() of one name among 10,000 apps", |b| {
        b.iter(|| {
            core.apps_named(&environment.id, "Integration 05000")
                .unwrap()
        })
    });
    let export = authdeck_core::portable::render(&core.export().unwrap()).unwrap();
    c.bench_function("preview_import() of 10,000 apps already stored", |b| {
        b.iter(|| core.preview_import(&export).unwrap())
    });
    c.bench_function(
        "apply_import() of 10,000 new apps into an empty store",
        |b| {
            b.iter_batched(
                empty,
                // returned, so closing the store and removing the folder are not timed
                |(dir, fresh)| {
                    let report = fresh.apply_import(&export, &[]).unwrap();
                    (dir, fresh, report)
                },
                criterion::BatchSize::PerIteration,
            )
        },
    );
    c.bench_function("add_secret() (store side; in-memory keychain)", |b| {
        b.iter(|| {
            core.add_secret(SecretInput {
                app_id: ids[42].clone(),
                label: "bench".into(),
                value: Secret::new("bench-value"),
                provider_created_at: None,
            })
            .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = app_list
}
criterion_main!(benches);
