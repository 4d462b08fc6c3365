use super::*;
use authdeck_core::model::{
    Endpoints, ProviderProfile, Timestamp, TokenId, TokenMeta, TokenSource,
};

const NOW: i64 = 1_790_000_000;

fn at(unix: i64) -> Timestamp {
    Timestamp::from_unix(unix).unwrap()
}

fn environment(id: &str, name: &str, kind: EnvironmentKind) -> Environment {
    Environment {
        id: EnvironmentId(id.into()),
        name: name.into(),
        kind,
        color: "#2f80ed".into(),
        endpoints: Endpoints::default(),
        profile: ProviderProfile::default(),
        rotation_days: 90,
        app_count: 0,
        created_at: at(NOW),
        updated_at: at(NOW),
    }
}

fn token(refreshes: bool) -> TokenMeta {
    TokenMeta {
        id: TokenId("t".into()),
        app_id: AppId("a".into()),
        source: if refreshes {
            TokenSource::AuthorizationCode
        } else {
            TokenSource::ClientCredentials
        },
        token_type: "Bearer".into(),
        issued_at: at(NOW - 60),
        expires_at: Some(at(NOW + 720)),
        requested_scopes: vec![],
        granted_scopes: None,
        is_jwt: false,
        secret_id: None,
        revoked_at: None,
        fingerprint: "abcd".into(),
        renew_error: None,
        has_refresh_token: refreshes,
        refresh_expires_at: None,
        has_id_token: false,
        sign_in_ended_at: None,
        api_base_url: None,
        issued_token_type: None,
    }
}

/// An app's status: `state` with `seconds_left`, a token unless the state is None.
fn status(name: &str, client_type: ClientType, state: TokenState, refreshes: bool) -> TokenStatus {
    let seconds_left = match state {
        TokenState::None => None,
        TokenState::Expired => Some(-30),
        TokenState::ExpiringSoon => Some(45),
        _ => Some(12 * 60 + 30),
    };
    TokenStatus {
        app_id: AppId(format!("id-{name}")),
        app_name: name.into(),
        client_id: format!("client-{name}"),
        client_type,
        state,
        token: (state != TokenState::None).then(|| token(refreshes)),
        seconds_left,
        computed_at: at(NOW),
        scopes_missing: vec![],
        scopes_added: vec![],
        auto_renew: true,
        renewal_paused: false,
        renew_window_seconds: 60,
    }
}

fn confidential(name: &str, state: TokenState) -> TokenStatus {
    status(name, ClientType::Confidential, state, false)
}

/// The first action of an app's submenu and the submenu's label.
fn app_menu(status: &TokenStatus) -> (String, Vec<Action>) {
    match app_entry(status) {
        Entry::Submenu { label, entries } => (
            label,
            entries
                .into_iter()
                .map(|entry| match entry {
                    Entry::Item { action, .. } => action,
                    other => panic!("not an item: {other:?}"),
                })
                .collect(),
        ),
        other => panic!("not a submenu: {other:?}"),
    }
}

#[test]
fn a_valid_token_shows_its_time_left_and_offers_copy_and_open() {
    let billing = confidential("Billing", TokenState::Valid);
    let id = billing.app_id.clone();
    assert_eq!(
        app_menu(&billing),
        (
            "Billing — Valid · 12 min".to_owned(),
            vec![Action::CopyToken(id.clone()), Action::Open(id)]
        )
    );
    assert_eq!(
        state_label(&confidential("B", TokenState::ExpiringSoon)),
        "Valid · 45 s"
    );
}

#[test]
fn a_confidential_app_without_a_valid_token_still_offers_copy_which_gets_one_first() {
    for (state, label) in [
        (TokenState::Expired, "Expired"),
        (TokenState::None, "No token"),
        (TokenState::Revoked, "Revoked"),
    ] {
        let app = confidential("Billing", state);
        let (shown, actions) = app_menu(&app);
        assert_eq!(shown, format!("Billing — {label}"));
        assert_eq!(actions[0], Action::CopyToken(app.app_id.clone()), "{label}");
    }
}

#[test]
fn an_app_whose_sign_in_is_needed_offers_sign_in_instead_of_copy() {
    let ended = status(
        "Portal",
        ClientType::Confidential,
        TokenState::SignInEnded,
        true,
    );
    let never = status("Native", ClientType::Public, TokenState::None, false);
    let expired_no_refresh = status("SPA", ClientType::Public, TokenState::Expired, false);
    for app in [ended, never, expired_no_refresh] {
        let (label, actions) = app_menu(&app);
        assert_eq!(label, format!("{} — Sign-in needed", app.app_name));
        assert_eq!(
            actions,
            vec![
                Action::SignIn(app.app_id.clone()),
                Action::Open(app.app_id.clone())
            ]
        );
    }
}

#[test]
fn a_public_app_whose_sign_in_can_be_refreshed_offers_copy() {
    let expired = status("Native", ClientType::Public, TokenState::Expired, true);
    assert!(!needs_sign_in(&expired));
    assert_eq!(app_menu(&expired).0, "Native — Expired");
    assert_eq!(
        app_menu(&expired).1[0],
        Action::CopyToken(expired.app_id.clone())
    );
    let valid = status("Native", ClientType::Public, TokenState::Valid, false);
    assert_eq!(
        app_menu(&valid).1[0],
        Action::CopyToken(valid.app_id.clone())
    );
}

#[test]
fn a_production_token_is_copied_from_the_tray_as_the_window_copies_it() {
    // the window's Copy button asks nothing in production either (TokenPanel's copyToken)
    let production = environment("p", "Live", EnvironmentKind::Production);
    let app = confidential("Billing", TokenState::Valid);
    let statuses = [app.clone()];
    let entries = menu(&Facts {
        environments: std::slice::from_ref(&production),
        active: Some(&production.id),
        statuses: &statuses,
        window_visible: true,
        copied: None,
    });
    assert_eq!(
        entries[0],
        Entry::Note("Environment: Live (production)".into())
    );
    assert_eq!(app_menu(&app).1[0], Action::CopyToken(app.app_id.clone()));
}

#[test]
fn the_menu_names_the_active_environment_switches_to_the_others_and_ends_with_window_and_quit() {
    let sandbox = environment("s", "Sandbox", EnvironmentKind::Sandbox);
    let production = environment("p", "Live", EnvironmentKind::Production);
    let environments = [sandbox.clone(), production.clone()];
    let statuses = [confidential("Billing", TokenState::Valid)];
    let entries = menu(&Facts {
        environments: &environments,
        active: Some(&sandbox.id),
        statuses: &statuses,
        window_visible: false,
        copied: None,
    });
    assert_eq!(entries.len(), 7, "{entries:#?}");
    assert_eq!(entries[0], Entry::Note("Environment: Sandbox".into()));
    assert_eq!(
        entries[1],
        Entry::Submenu {
            label: "Switch environment".into(),
            entries: vec![Entry::Item {
                label: "Live (production)".into(),
                action: Action::SwitchEnvironment(production.id.clone())
            }]
        }
    );
    assert_eq!(entries[2], Entry::Separator);
    assert!(
        matches!(&entries[3], Entry::Submenu { label, .. } if label == "Billing — Valid · 12 min")
    );
    assert_eq!(entries[4], Entry::Separator);
    assert_eq!(entries[5], item("Show window", Action::ShowWindow));
    assert_eq!(entries[6], item("Quit Authdeck", Action::Quit));

    let shown = menu(&Facts {
        environments: &environments[..1],
        active: Some(&sandbox.id),
        statuses: &[],
        window_visible: true,
        copied: None,
    });
    assert_eq!(
        shown,
        vec![
            Entry::Note("Environment: Sandbox".into()),
            Entry::Separator,
            Entry::Note("No apps in this environment".into()),
            Entry::Separator,
            item("Hide window", Action::HideWindow),
            item("Quit Authdeck", Action::Quit),
        ],
        "one environment: no switch"
    );
}

#[test]
fn a_first_run_menu_has_only_the_window_and_quit() {
    let entries = menu(&Facts {
        environments: &[],
        active: None,
        statuses: &[],
        window_visible: true,
        copied: None,
    });
    assert_eq!(
        entries,
        vec![
            Entry::Note("No environment yet".into()),
            Entry::Separator,
            item("Hide window", Action::HideWindow),
            item("Quit Authdeck", Action::Quit),
        ]
    );
}

#[test]
fn many_apps_are_cut_to_the_first_ones_and_a_way_to_the_window() {
    let statuses: Vec<TokenStatus> = (0..MOST_APPS + 3)
        .map(|n| confidential(&format!("App {n}"), TokenState::None))
        .collect();
    let entries = app_entries(&statuses);
    assert_eq!(entries.len(), MOST_APPS + 1);
    assert_eq!(
        entries[MOST_APPS],
        item("3 more apps in the window…", Action::ShowWindow)
    );
}

#[test]
fn every_action_reads_back_from_its_item_id() {
    for action in [
        Action::SwitchEnvironment(EnvironmentId("env-1".into())),
        Action::CopyToken(AppId("app:with:colons".into())),
        Action::Open(AppId("a".into())),
        Action::SignIn(AppId("a".into())),
        Action::ShowWindow,
        Action::HideWindow,
        Action::Quit,
    ] {
        assert_eq!(Action::parse(&action.id()), Some(action));
    }
    for unknown in ["", "copy:", "delete:a", "open", "quitx"] {
        assert_eq!(Action::parse(unknown), None, "{unknown}");
    }
}

#[test]
fn time_left_reads_as_the_window_counts_down() {
    assert_eq!(time_left(45), "45 s");
    assert_eq!(time_left(12 * 60 + 59), "12 min");
    assert_eq!(time_left(2 * 3600 + 5 * 60), "2 h 05 min");
    assert_eq!(time_left(3 * 86_400 + 4 * 3600), "3 d 4 h");
    assert_eq!(time_left(-5), "0 s");
}

#[test]
fn a_token_the_tray_copied_is_named_under_the_environment_with_the_seconds_left() {
    let sandbox = environment("s", "Sandbox", EnvironmentKind::Sandbox);
    let statuses = [confidential("Billing", TokenState::Valid)];
    let entries = menu(&Facts {
        environments: std::slice::from_ref(&sandbox),
        active: Some(&sandbox.id),
        statuses: &statuses,
        window_visible: true,
        copied: Some(("Billing & Co", 23)),
    });
    assert_eq!(
        entries[..3],
        [
            Entry::Note("Environment: Sandbox".into()),
            Entry::Copied("Copied: Billing & Co’s token (clears in 23 s)".into()),
            Entry::Separator,
        ]
    );
}

#[test]
fn the_menu_while_the_store_opens_says_so_and_offers_only_the_window_and_quit() {
    assert_eq!(
        opening(true),
        vec![
            Entry::Note("Opening…".to_owned()),
            Entry::Separator,
            Entry::Item {
                label: "Hide window".to_owned(),
                action: Action::HideWindow
            },
            Entry::Item {
                label: "Quit Authdeck".to_owned(),
                action: Action::Quit
            },
        ]
    );
    assert!(opening(false).contains(&Entry::Item {
        label: "Show window".to_owned(),
        action: Action::ShowWindow
    }));
}
