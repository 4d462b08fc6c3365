use super::*;

fn refusal(text: &str) -> (String, String) {
    match parse(text) {
        Err(Error::Validation { field, message }) => (field, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn text_that_is_not_json_is_refused_with_line_column_and_reason() {
    let text = "{\n  \"authdeck_export\": 1,\n  \"environments\": [\n}\n";
    assert_eq!(
        refusal(text),
        (
            "file".into(),
            "The file is not valid JSON: line 4, column 1: expected value.".into()
        )
    );
    assert_eq!(
        refusal("{\"authdeck_export\": 1,"),
        (
            "file".into(),
            "The file is not valid JSON: line 1, column 22: EOF while parsing a value.".into()
        )
    );
}

#[test]
fn a_newer_version_is_refused_naming_both_versions() {
    // its fields are unknown to this build, but the version is what the user must hear
    let text = r#"{"authdeck_export": 2, "environments": [], "teams": []}"#;
    assert_eq!(
        refusal(text).1,
        "The file is an Authdeck export of version 2; this build of Authdeck reads version 1. \
         Update Authdeck to import it."
    );
}

#[test]
fn a_file_without_a_usable_version_is_not_an_export() {
    assert_eq!(
        refusal(r#"{"environments": []}"#).1,
        "The file is not an Authdeck export: it has no “authdeck_export” version field."
    );
    assert_eq!(
        refusal(r#"{"authdeck_export": "1"}"#).1,
        "“authdeck_export” is \"1\"; it must be the export version, a whole number (this build \
         of Authdeck reads version 1)."
    );
    assert_eq!(
        refusal("[1, 2]").1,
        "The file is not an Authdeck export: it is not a JSON object."
    );
}

#[test]
fn an_unknown_field_is_refused_with_where_it_is() {
    let text = r##"{
  "authdeck_export": 1,
  "environments": [
    {
      "name": "Sandbox",
      "kind": "sandbox",
      "color": "#2f80ed",
      "apps": [
        { "display_name": "Billing", "client_id": "billing", "client_type": "confidential",
          "auth_method": "client_secret_basic", "client_secret": "x" }
      ]
    }
  ]
}"##;
    assert_eq!(
        refusal(text),
        (
            "file".into(),
            "Line 10, column 63: environments[0].apps[0].client_secret: unknown field \
             `client_secret`, expected one of `display_name`, `client_id`, `client_type`, \
             `auth_method`, `description`, `logo_uri`, `redirect_uris`, `logout_urls`, \
             `web_origins`, `default_scopes`, `labels`, `link`, `audience`, `resource`, `dpop`, \
             `par`."
                .into()
        )
    );
}

#[test]
fn a_wrong_value_is_refused_with_where_it_is() {
    let text = r##"{"authdeck_export": 1, "environments": [
  {"name": "Sandbox", "kind": "staging", "color": "#2f80ed"}]}"##;
    assert_eq!(
        refusal(text).1,
        "Line 2, column 39: environments[0].kind: unknown variant `staging`, expected one of \
         `sandbox`, `production`, `other`."
    );
}

#[test]
fn optional_fields_may_be_left_out() {
    let text = r##"{"authdeck_export": 1, "environments": [
  {"name": "Sandbox", "kind": "sandbox", "color": "#2f80ed", "apps": [
    {"display_name": "Web", "client_id": "web", "client_type": "public", "auth_method": "none"}
  ]}]}"##;
    let file = parse(text).unwrap();
    assert_eq!(file.exported_at, None);
    let environment = &file.environments[0];
    assert_eq!(environment.rotation_days, DEFAULT_ROTATION_DAYS);
    assert_eq!(environment.endpoints, ExportedEndpoints::default());
    let app = &environment.apps[0];
    assert_eq!(
        (app.description.as_str(), &app.redirect_uris, &app.link),
        ("", &Vec::<String>::new(), &None)
    );
}

#[test]
fn a_rendered_file_reads_back_the_same() {
    let file = ExportFile {
        authdeck_export: EXPORT_VERSION,
        exported_at: Timestamp::from_unix(1_790_000_000),
        environments: vec![ExportedEnvironment {
            name: "Prod".into(),
            kind: EnvironmentKind::Production,
            color: "#d64545".into(),
            endpoints: ExportedEndpoints {
                token_url: Some("https://id.example.com/token".into()),
                ..ExportedEndpoints::default()
            },
            profile: ProviderProfile::Entra,
            rotation_days: 30,
            apps: vec![],
        }],
    };
    let text = render(&file).unwrap();
    assert!(text.contains("\n      \"profile\": \"entra\",\n"), "{text}");
    assert!(text.starts_with("{\n  \"authdeck_export\": 1,\n  \"exported_at\": \"2026-09-21T"));
    assert!(text.ends_with("}\n"));
    assert_eq!(parse(&text).unwrap(), file);
}

fn stored_app() -> ClientApp {
    let at = Timestamp::from_unix(1_790_000_000).unwrap();
    ClientApp {
        id: AppId("a".into()),
        environment_id: EnvironmentId("e".into()),
        display_name: "Billing".into(),
        client_id: "billing".into(),
        client_type: ClientType::Confidential,
        auth_method: AuthMethod::ClientSecretBasic,
        description: String::new(),
        logo_uri: None,
        redirect_uris: vec!["a, b".into()],
        logout_urls: vec![],
        web_origins: vec![],
        default_scopes: vec!["read".into()],
        labels: vec![],
        link: None,
        audience: None,
        resource: None,
        auto_renew: true,
        created_at: at,
        updated_at: at,
    }
}

#[test]
fn app_changes_name_each_field_with_its_values() {
    let stored = stored_app();
    let mut input = ExportedApp::from_stored(&stored).input(&stored.environment_id);
    assert_eq!(app_changes(&stored, &input), vec![]);

    input.default_scopes = vec!["read".into(), "write".into()];
    input.auth_method = AuthMethod::ClientSecretPost;
    input.link = Some("Billing sync".into());
    assert_eq!(
        app_changes(&stored, &input),
        vec![
            FieldChange {
                field: "auth_method".into(),
                before: "client_secret_basic".into(),
                after: "client_secret_post".into(),
            },
            FieldChange {
                field: "default_scopes".into(),
                before: "read".into(),
                after: "read, write".into(),
            },
            FieldChange {
                field: "link".into(),
                before: "".into(),
                after: "Billing sync".into(),
            },
        ]
    );
}

#[test]
fn lists_are_compared_as_lists_not_as_their_text() {
    let stored = stored_app();
    let mut input = ExportedApp::from_stored(&stored).input(&stored.environment_id);
    input.redirect_uris = vec!["a".into(), "b".into()];
    let changes = app_changes(&stored, &input);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "redirect_uris");
}

#[test]
fn a_typed_path_must_be_whole_and_may_start_at_home() {
    let message = |text: &str| chosen_path(text).unwrap_err().to_string();
    assert_eq!(message("  "), "Enter the file's path.");
    assert_eq!(
        message("team.json"),
        "Enter the whole path, such as ~/authdeck-setup.json or /home/you/setup.json."
    );
    assert_eq!(
        chosen_path(" /tmp/team.json ").unwrap(),
        std::path::PathBuf::from("/tmp/team.json")
    );
    let home = directories::UserDirs::new().unwrap().home_dir().to_owned();
    assert_eq!(chosen_path("~/team.json").unwrap(), home.join("team.json"));
}

/// Runs `read_file` on another thread and gives up after five seconds, so a read that blocks
/// or never ends fails the test instead of hanging it.
fn read_within_seconds(path: &Path) -> Result<String> {
    let path = path.to_owned();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(read_file(&path)));
    receiver
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("read_file did not return within 5 s")
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_is_refused_without_reading_it() {
    let error = read_within_seconds(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(error.code(), crate::ErrorCode::File);
    assert_eq!(
        error.to_string(),
        "/dev/zero is not a regular file (a device, a pipe or a socket); an Authdeck export is a \
         file."
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_without_a_writer_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("setup.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let error = read_within_seconds(&fifo).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} is not a regular file (a device, a pipe or a socket); an Authdeck export is a \
             file.",
            fifo.display()
        )
    );
}

#[test]
fn a_file_one_byte_over_the_limit_is_refused_and_one_at_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("setup.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_IMPORT_BYTES + 1).unwrap();
    let error = read_within_seconds(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} is {} bytes; an Authdeck export is at most {MAX_IMPORT_BYTES}.",
            path.display(),
            MAX_IMPORT_BYTES + 1
        )
    );
    file.set_len(MAX_IMPORT_BYTES).unwrap();
    assert_eq!(
        read_within_seconds(&path).unwrap().len() as u64,
        MAX_IMPORT_BYTES
    );
}

#[test]
fn an_endless_source_is_read_only_up_to_the_limit() {
    // stdin may be a pipe that never ends: the read stops one byte past the limit
    let error = read_bounded(std::io::repeat(b' '), "stdin").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "stdin holds more than {MAX_IMPORT_BYTES} bytes; an Authdeck export is at most \
             {MAX_IMPORT_BYTES}."
        )
    );
    assert_eq!(read_bounded(&b"{}"[..], "stdin").unwrap(), "{}");
}
