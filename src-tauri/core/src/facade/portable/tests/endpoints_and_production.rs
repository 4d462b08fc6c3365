//! What an import may do to where secrets go: a stored production environment changes only
//! when confirmed by name (whatever kind the file gives it), changed endpoints come first,
//! and automatic renewal waits for a token got by hand after an endpoint moved.

use super::*;
use crate::facade::tests::minted;

const EVIL: &str = "https://collector.example.net/token";

/// `populated()` plus "Prod" (production) holding "Payments" with a secret.
fn with_production() -> (tempfile::TempDir, Core, Arc<TestClock>) {
    let (dir, core, clock) = populated_with_clock();
    let prod = core
        .create_environment(EnvironmentInput {
            name: "Prod".into(),
            kind: EnvironmentKind::Production,
            color: "#d64545".into(),
            endpoints: Endpoints {
                token_url: Some("https://id.example.com/token".into()),
                ..Endpoints::default()
            },
            profile: ProviderProfile::Standard,
            rotation_days: 90,
        })
        .unwrap();
    let payments = core
        .create_app(app_input(&prod.id, "Payments", "payments"))
        .unwrap();
    core.add_secret(SecretInput {
        app_id: payments.id,
        label: String::new(),
        value: Secret::new("production-secret-value"),
        provider_created_at: None,
    })
    .unwrap();
    (dir, core, clock)
}

fn environment_named(core: &Core, name: &str) -> Environment {
    core.environments()
        .unwrap()
        .into_iter()
        .find(|e| e.name == name)
        .unwrap()
}

fn app_named(core: &Core, environment: &str, name: &str) -> AppId {
    let environment = environment_named(core, environment);
    core.apps(&environment.id)
        .unwrap()
        .into_iter()
        .find(|a| a.display_name == name)
        .unwrap()
        .id
}

/// The export with Prod called a sandbox and its token endpoint moved elsewhere.
fn prod_relabelled_and_repointed(core: &Core) -> String {
    let mut file = core.export().unwrap();
    let prod = file
        .environments
        .iter_mut()
        .find(|e| e.name == "Prod")
        .unwrap();
    prod.kind = EnvironmentKind::Sandbox;
    prod.endpoints.token_url = Some(EVIL.into());
    portable::render(&file).unwrap()
}

#[test]
fn a_file_calling_stored_production_a_sandbox_is_shown_as_production_and_needs_its_name() {
    let (_dir, core, _) = with_production();
    let text = prod_relabelled_and_repointed(&core);

    let preview = core.preview_import(&text).unwrap();
    let prod = preview
        .environments
        .iter()
        .find(|e| e.name == "Prod")
        .unwrap();
    assert_eq!(prod.kind, EnvironmentKind::Production, "the stored kind");
    assert_eq!(preview.production_to_confirm, vec!["Prod".to_owned()]);

    let refused = core.apply_import(&text, &[]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ProductionUnconfirmed);
    assert_eq!(
        refused.to_string(),
        "Nothing was imported: it changes the production environment “Prod”; confirm it by name \
         to import."
    );
    let Error::ProductionUnconfirmed { environments, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(environments, &vec!["Prod".to_owned()]);
    // naming another environment is no confirmation of this one
    let refused = core
        .apply_import(&text, &["Sandbox".to_owned()])
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ProductionUnconfirmed);
    let prod = environment_named(&core, "Prod");
    assert_eq!(
        (prod.kind, prod.endpoints.token_url.as_deref()),
        (
            EnvironmentKind::Production,
            Some("https://id.example.com/token")
        ),
        "nothing was written"
    );

    let applied = core.apply_import(&text, &[" prod ".to_owned()]).unwrap();
    assert!(applied.applied);
    let prod = environment_named(&core, "Prod");
    assert_eq!(prod.endpoints.token_url.as_deref(), Some(EVIL));
}

#[test]
fn changing_only_a_production_app_needs_confirmation_and_adding_to_production_does_not() {
    let (_dir, core, _) = with_production();
    let mut file = core.export().unwrap();
    let prod = file
        .environments
        .iter_mut()
        .find(|e| e.name == "Prod")
        .unwrap();
    let mut added = prod.apps[0].clone();
    added.client_id = "payments-2".into();
    added.display_name = "Payments 2".into();
    prod.apps.push(added);
    let adding = portable::render(&file).unwrap();
    let preview = core.preview_import(&adding).unwrap();
    assert_eq!(preview.production_to_confirm, Vec::<String>::new());
    core.apply_import(&adding, &[]).unwrap();

    let mut file = core.export().unwrap();
    let prod = file
        .environments
        .iter_mut()
        .find(|e| e.name == "Prod")
        .unwrap();
    prod.apps[0].default_scopes = vec!["admin".into()];
    let changing = portable::render(&file).unwrap();
    let refused = core.apply_import(&changing, &[]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ProductionUnconfirmed);
    core.apply_import(&changing, &["Prod".to_owned()]).unwrap();
}

#[test]
fn changed_endpoints_are_listed_first_token_endpoint_first_for_any_environment() {
    let (_dir, core, _) = with_production();
    let mut file = core.export().unwrap();
    let sandbox = file
        .environments
        .iter_mut()
        .find(|e| e.name == "Sandbox")
        .unwrap();
    sandbox.color = "#00aa00".into();
    sandbox.endpoints.revocation_url = Some("https://sandbox.example.com/revoke".into());
    sandbox.endpoints.authorization_url = Some("https://sandbox.example.com/authorize".into());
    sandbox.endpoints.token_url = Some(EVIL.into());
    sandbox.endpoints.api_base_url = Some("https://api.sandbox.example.com".into());
    sandbox.endpoints.issuer_url = Some("https://issuer.example.net".into());

    let preview = core
        .preview_import(&portable::render(&file).unwrap())
        .unwrap();
    let change = |field: &str, before: &str, after: &str, pauses_renewal| EndpointChange {
        environment: "Sandbox".into(),
        field: field.into(),
        before: before.into(),
        after: after.into(),
        pauses_renewal,
    };
    assert_eq!(
        preview.endpoint_changes,
        vec![
            change(
                "endpoints.token_url",
                "https://sandbox.example.com/token",
                EVIL,
                true
            ),
            change(
                "endpoints.authorization_url",
                "",
                "https://sandbox.example.com/authorize",
                false
            ),
            change(
                "endpoints.revocation_url",
                "",
                "https://sandbox.example.com/revoke",
                true
            ),
            // where ID token keys and the callback's iss come from, and where Try it sends
            // the token: shown, but automatic renewal uses neither
            change(
                "endpoints.issuer_url",
                "",
                "https://issuer.example.net",
                false
            ),
            change(
                "endpoints.api_base_url",
                "",
                "https://api.sandbox.example.com",
                false
            ),
        ]
    );
    // a sandbox needs no confirmation, however its endpoints change
    assert_eq!(preview.production_to_confirm, Vec::<String>::new());
}

/// Billing holds a token that is inside its renewal window.
fn billing_due_for_renewal(core: &Core, clock: &TestClock) -> AppId {
    let billing = app_named(core, "Sandbox", "Billing");
    let mut keep = minted("billing-access-token");
    keep.scopes = vec!["read".into()]; // the app's default scopes
    core.store_token(&billing, keep).unwrap();
    clock.0.store(START + 3600 - 100, Ordering::SeqCst);
    assert_eq!(core.renewals_due().unwrap(), vec![billing.clone()]);
    billing
}

#[tokio::test]
async fn an_import_moving_the_token_endpoint_pauses_renewal_of_the_environments_apps() {
    let (_dir, core, clock) = with_production();
    let billing = billing_due_for_renewal(&core, &clock);
    let mut file = core.export().unwrap();
    file.environments[1].endpoints.token_url = Some(EVIL.into());
    let text = portable::render(&file).unwrap();

    core.preview_import(&text).unwrap();
    assert_eq!(
        core.renewals_due().unwrap(),
        vec![billing.clone()],
        "a preview pauses nothing"
    );

    core.apply_import(&text, &[]).unwrap();
    assert_eq!(core.renewals_due().unwrap(), Vec::<AppId>::new());
    let status = core.token_status(&billing).unwrap();
    assert!(status.renewal_paused);
    assert_eq!(status.token.as_ref().unwrap().renew_error, None);
    let web = app_named(&core, "Sandbox", "Web");
    assert!(
        core.token_status(&web).unwrap().renewal_paused,
        "every app of it"
    );
    let payments = app_named(&core, "Prod", "Payments");
    assert!(!core.token_status(&payments).unwrap().renewal_paused);

    // the renewal loop, had it picked the app just before: refused before any request
    // (without the pause this would try the network and fail with a network error)
    let refused = core
        .fetch_token(&billing, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RenewalPaused);
    assert_eq!(
        refused.to_string(),
        format!(
            "Automatic renewal of “Billing” is paused: an import changed the endpoints of \
             “Sandbox” (token endpoint: {EVIL}). Get a token by hand once to resume."
        )
    );
    let status = core.token_status(&billing).unwrap();
    assert_eq!(
        status.token.as_ref().unwrap().renew_error,
        None,
        "no failure to clear"
    );

    // "if needed": the stored token when it serves, and no new request when it does not
    let serves = Fetch::IfNeeded {
        min_valid_seconds: 60,
    };
    let kept = core
        .fetch_token(&billing, TokenRequestInput::default(), serves)
        .await
        .unwrap();
    assert_eq!(kept.token.unwrap().fingerprint, "oken"); // of billing-access-token
    let too_short = Fetch::IfNeeded {
        min_valid_seconds: 600,
    };
    let refused = core
        .fetch_token(&billing, TokenRequestInput::default(), too_short)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RenewalPaused);
}

#[test]
fn an_import_changing_no_endpoint_and_a_hand_edit_of_one_pause_nothing() {
    let (_dir, core, clock) = with_production();
    let billing = billing_due_for_renewal(&core, &clock);
    let mut file = core.export().unwrap();
    file.environments[1].color = "#00aa00".into();
    core.apply_import(&portable::render(&file).unwrap(), &[])
        .unwrap();
    assert_eq!(core.renewals_due().unwrap(), vec![billing.clone()]);

    // the person typing the URL sees it: only a file from someone else pauses
    let sandbox = environment_named(&core, "Sandbox");
    let mut input = sandbox_input();
    input.color = sandbox.color.clone();
    input.endpoints.token_url = Some("https://sandbox.example.com/v2/token".into());
    core.update_environment(&sandbox.id, input).unwrap();
    assert_eq!(core.renewals_due().unwrap(), vec![billing]);
}
