use super::*;
use crate::portable::{ExportedApp, ExportedEnvironment};

fn app(client_id: &str, description: &str) -> ExportedApp {
    serde_json::from_value(serde_json::json!({
        "display_name": format!("App {client_id}"),
        "client_id": client_id,
        "client_type": "confidential",
        "auth_method": "client_secret_basic",
        "description": description,
    }))
    .unwrap()
}

fn environment(apps: &[ExportedApp]) -> ExportedEnvironment {
    let mut environment: ExportedEnvironment = serde_json::from_value(serde_json::json!({
        "name": "Sandbox",
        "kind": "sandbox",
        "color": "#2f80ed",
        "endpoints": { "token_url": "https://id.example.com/token" },
    }))
    .unwrap();
    environment.apps = apps.to_vec();
    environment
}

/// The apps of a merged environment as (client ID, description).
fn shown(environment: &ExportedEnvironment) -> Vec<(String, String)> {
    environment
        .apps
        .iter()
        .map(|a| (a.client_id.clone(), a.description.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn changes_to_different_apps_or_fields_are_both_kept() {
    let base = environment(&[app("a", "one"), app("b", "two")]);
    // (case, mine, theirs, merged apps)
    let cases = [
        (
            "each edits another app",
            environment(&[app("a", "mine"), app("b", "two")]),
            environment(&[app("a", "one"), app("b", "theirs")]),
            vec![("a", "mine"), ("b", "theirs")],
        ),
        (
            "both add an app",
            environment(&[app("a", "one"), app("b", "two"), app("m", "new")]),
            environment(&[app("a", "one"), app("b", "two"), app("t", "new")]),
            vec![("a", "one"), ("b", "two"), ("t", "new"), ("m", "new")],
        ),
        (
            "they removed one, I edited another",
            environment(&[app("a", "mine"), app("b", "two")]),
            environment(&[app("a", "one")]),
            vec![("a", "mine")],
        ),
        (
            "I removed one they left alone",
            environment(&[app("b", "two")]),
            environment(&[app("a", "one"), app("b", "theirs")]),
            vec![("b", "theirs")],
        ),
        (
            "both made the same change",
            environment(&[app("a", "same"), app("b", "two")]),
            environment(&[app("a", "same"), app("b", "two")]),
            vec![("a", "same"), ("b", "two")],
        ),
        (
            "both removed the same app",
            environment(&[app("b", "two")]),
            environment(&[app("b", "two")]),
            vec![("b", "two")],
        ),
    ];
    for (case, mine, theirs, expected) in cases {
        let merged = merge(&base, &mine, &theirs, &Choices::default())
            .unwrap_or_else(|c| panic!("{case}: {c:?}"));
        assert_eq!(shown(&merged), pairs(&expected), "{case}");
    }
}

#[test]
fn the_environments_own_fields_merge_endpoint_by_endpoint() {
    let base = environment(&[]);
    let mut mine = base.clone();
    mine.endpoints.revocation_url = Some("https://id.example.com/revoke".into());
    let mut theirs = base.clone();
    theirs.endpoints.token_url = Some("https://id.example.com/v2/token".into());
    theirs.rotation_days = 30;
    let merged = merge(&base, &mine, &theirs, &Choices::default()).unwrap();
    assert_eq!(
        merged.endpoints.revocation_url.as_deref(),
        Some("https://id.example.com/revoke")
    );
    assert_eq!(
        merged.endpoints.token_url.as_deref(),
        Some("https://id.example.com/v2/token")
    );
    assert_eq!(merged.rotation_days, 30);
}

#[test]
fn the_same_field_changed_on_both_sides_is_a_conflict_with_both_values() {
    let base = environment(&[app("a", "one")]);
    let mine = environment(&[app("a", "mine")]);
    let theirs = environment(&[app("a", "theirs")]);
    let conflicts = merge(&base, &mine, &theirs, &Choices::default()).unwrap_err();
    assert_eq!(
        conflicts,
        [SetupConflict {
            client_id: Some("a".into()),
            app: Some("App a".into()),
            field: "description".into(),
            mine: Some("\"mine\"".into()),
            theirs: Some("\"theirs\"".into()),
        }]
    );
    let mut env_mine = environment(&[]);
    env_mine.endpoints.token_url = Some("https://mine.example.com/token".into());
    let mut env_theirs = environment(&[]);
    env_theirs.endpoints.token_url = None;
    let conflicts = merge(
        &environment(&[]),
        &env_mine,
        &env_theirs,
        &Choices::default(),
    )
    .unwrap_err();
    assert_eq!(conflicts[0].client_id, None);
    assert_eq!(conflicts[0].field, "endpoints.token_url");
    assert_eq!(conflicts[0].theirs.as_deref(), Some("null"));
}

#[test]
fn a_removal_against_an_edit_is_a_conflict_over_the_whole_app() {
    let base = environment(&[app("a", "one")]);
    let edited = environment(&[app("a", "edited")]);
    let removed = environment(&[]);
    // (case, mine, theirs, mine shown, theirs shown)
    let cases = [
        (
            "I removed, they edited",
            &removed,
            &edited,
            None,
            Some(r#"{"description":"edited"}"#),
        ),
        (
            "I edited, they removed",
            &edited,
            &removed,
            Some(r#"{"description":"edited"}"#),
            None,
        ),
    ];
    for (case, mine, theirs, mine_shown, theirs_shown) in cases {
        let conflicts = merge(&base, mine, theirs, &Choices::default()).unwrap_err();
        assert_eq!(conflicts.len(), 1, "{case}");
        assert_eq!(conflicts[0].field, WHOLE_APP, "{case}");
        assert_eq!(conflicts[0].mine.as_deref(), mine_shown, "{case}");
        assert_eq!(conflicts[0].theirs.as_deref(), theirs_shown, "{case}");
    }
}

#[test]
fn a_choice_settles_a_conflict_for_its_side() {
    let base = environment(&[app("a", "one"), app("b", "two")]);
    let mine = environment(&[app("a", "mine"), app("b", "mine")]);
    let theirs = environment(&[app("a", "theirs"), app("b", "theirs")]);
    let choice = |client_id: &str, side| FieldChoice {
        client_id: Some(client_id.into()),
        field: "description".into(),
        side,
    };
    // (case, choices, merged apps)
    let cases = [
        (
            "all mine",
            Choices {
                all: Some(Side::Mine),
                each: vec![],
            },
            vec![("a", "mine"), ("b", "mine")],
        ),
        (
            "all theirs",
            Choices {
                all: Some(Side::Theirs),
                each: vec![],
            },
            vec![("a", "theirs"), ("b", "theirs")],
        ),
        (
            "each its own",
            Choices {
                all: None,
                each: vec![choice("a", Side::Mine), choice("b", Side::Theirs)],
            },
            vec![("a", "mine"), ("b", "theirs")],
        ),
    ];
    for (case, choices, expected) in cases {
        let merged = merge(&base, &mine, &theirs, &choices).unwrap_or_else(|c| panic!("{c:?}"));
        assert_eq!(shown(&merged), pairs(&expected), "{case}");
    }
    // A choice for one field leaves the other reported.
    let partly = Choices {
        all: None,
        each: vec![choice("a", Side::Mine)],
    };
    let left = merge(&base, &mine, &theirs, &partly).unwrap_err();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].client_id.as_deref(), Some("b"));
    // Removal against an edit: mine removes it, theirs keeps their edit.
    let removed = environment(&[app("b", "two")]);
    let edited = environment(&[app("a", "edited"), app("b", "two")]);
    let keep_mine = Choices {
        all: Some(Side::Mine),
        each: vec![],
    };
    let merged = merge(&base, &removed, &edited, &keep_mine).unwrap();
    assert_eq!(shown(&merged), pairs(&[("b", "two")]));
    let take_theirs = Choices {
        all: Some(Side::Theirs),
        each: vec![],
    };
    let merged = merge(&base, &removed, &edited, &take_theirs).unwrap();
    assert_eq!(shown(&merged), pairs(&[("a", "edited"), ("b", "two")]));
}
