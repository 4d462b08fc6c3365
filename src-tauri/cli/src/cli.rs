//! The command tree (clap derive): every command, flag and its help text in one place.

use authdeck_core::model::ProviderProfile;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;

const AFTER_HELP: &str = "\
Exit codes:
  0    ok
  1    other failure (a damaged store, a cancelled confirmation ...)
  2    usage: bad arguments, or a production app without --env and no terminal to confirm on
  3    not found, or a name that matches several apps or environments
  4    refused by the provider (wrong client secret, scope not allowed, a secret verify
       or secret rotate checked ...), or by the team vault (its policy, its token)
  5    keychain unavailable, locked, or missing the entry
  6    network failure, timeout (a sign-in not finished in time too), or an answer that is not
       OAuth
  7    invalid input, or a rule refused it (duplicate name, last secret, environment not empty)
  8    not configured (no active secret, no token endpoint, no redirect URI for a login ...)
  9    a sign-in is needed: run `authdeck login APP` (or add --login to token, env, exec)
  10   open: the desktop app runs on this data folder but does not answer (stopped or hung)
  130  interrupted (Ctrl-C): a login was cancelled and its listener closed
  exec passes the command's own exit code through (126: cannot run it, 127: not found).";

/// Tokens and setup for scripts, from the Authdeck desktop app's store and keychain.
#[derive(Debug, Parser)]
#[command(name = "authdeck", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Say on stderr what happened (cached, renewed or refreshed token, its expiry).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a valid access token for an app, and nothing else, on stdout.
    ///
    /// The stored token when it stays valid long enough, else a new one from the provider:
    /// a refresh when the token came from a sign-in and a refresh token is held, else client
    /// credentials with the app's secret from the keychain. A sign-in only with --login.
    Token(TokenArgs),

    /// Exchange another app's access token for a token of this app (RFC 8693).
    ///
    /// The subject token is APP2's current access token (got first when needed, as
    /// `authdeck token` would); the new token replaces APP's and is printed like `token`.
    /// It is not renewed by itself: run `exchange` again. Example: authdeck exchange
    /// reports --subject-token-from billing --audience https://reports.example
    Exchange(ExchangeArgs),

    /// Sign in as a user: in the system browser (authorization code with PKCE on a loopback
    /// redirect), or with a code on another device (--device).
    ///
    /// Prints on stderr the address to open, the port it listens on and, once signed in, what
    /// was stored (never a token). Ctrl-C cancels and closes the listener.
    Login(LoginArgs),

    /// Run a command with the app's access token in its environment.
    ///
    /// Example: authdeck exec billing -- curl -H "Authorization: Bearer $AUTHDECK_ACCESS_TOKEN" …
    Exec(ExecArgs),

    /// Print a DPoP proof (RFC 9449) for one request with a DPoP-bound app's token.
    ///
    /// The proof's `ath` is the hash of the token `authdeck token` gives (got first when
    /// needed, by the same rules). Example: curl -H "Authorization: DPoP $(authdeck token
    /// billing)" -H "DPoP: $(authdeck proof billing --method GET --url URL)" URL
    Proof(ProofArgs),

    /// Run curl with `Authorization: DPoP <token>` and a `DPoP` proof for its request.
    ///
    /// The method comes from -X/--request (else POST with a body, HEAD with -I, PUT with -T,
    /// else GET), the URL from the one http(s) URL among the arguments. The headers reach curl
    /// on its stdin, never on its command line. Example: authdeck curl billing -- -s URL
    Curl(CurlArgs),

    /// Print `export` lines for eval, or set up environments (env add / edit / rm).
    ///
    /// Example: eval "$(authdeck env billing)". An app named add, edit or rm: put -- before
    /// its name (authdeck env -- add).
    Env(EnvCommand),

    /// The apps of an environment with their token state and time left.
    Status(ListArgs),

    /// Ask the provider whether the app's token is active (RFC 7662), and what it says of it.
    Introspect(AskArgs),

    /// Ask the provider's token-info endpoint about the app's token.
    TokenInfo(AskArgs),

    /// The claims of the app's token: a JWT's (decoded, not verified) and a sign-in's ID
    /// token's (validated when it arrived).
    Claims(AskArgs),

    /// Revoke the app's token at the provider (RFC 7009).
    ///
    /// The token is marked revoked here, so the next `token` gets a new one (with a sign-in's
    /// refresh token, unless the provider ended the sign-in too). `forget` removes a token
    /// without telling the provider.
    Revoke(Target),

    /// Remove the app's token from this computer (nothing is sent to the provider).
    Forget(Target),

    /// Turn automatic renewal of the app's token on or off.
    ///
    /// While it runs, the desktop app renews a token shortly before it expires.
    AutoRenew(AutoRenewArgs),

    /// Ask the provider whether a client secret works (a real token request).
    ///
    /// SECRET is an ID or label as `secret list` shows them; without it, every active secret
    /// is checked. Exit code 4 when the provider refused any.
    Verify(VerifyArgs),

    /// List the environments (the active one is marked).
    Envs {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },

    /// List the apps of an environment.
    Apps(ListArgs),

    /// The provider profiles: what each fills in and what it does differently.
    Profiles {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },

    /// Make ENV the active environment (the desktop app follows within a second).
    Use {
        /// The environment's name.
        env: String,
    },

    /// Set up client apps: add, edit, rm.
    #[command(subcommand)]
    App(AppCommand),

    /// Client secrets: add (from stdin or a prompt), rotate, list (metadata only), retire,
    /// reactivate, rm.
    #[command(subcommand)]
    Secret(SecretCommand),

    /// Signing keys for private_key_jwt: add (generate or import), list, jwks (the public keys
    /// to register at the provider), retire, rm. Private keys stay in the keychain.
    #[command(subcommand)]
    Key(KeyCommand),

    /// Client certificates for mutual TLS (tls_client_auth, self_signed_tls_client_auth): add
    /// (import a certificate and its key), generate (self-signed), list, retire, rm. Private
    /// keys stay in the keychain.
    #[command(subcommand)]
    Cert(CertCommand),

    /// Write every environment and app to a JSON file: never a secret or a token.
    ///
    /// The file's format is documented in the README ("Import and export").
    Export {
        /// The file to write; `-` prints to stdout.
        file: String,
        /// Replace the file when it exists.
        #[arg(long)]
        force: bool,
    },

    /// Import environments and apps from an export file, after showing what changes.
    ///
    /// Environments are matched by name, apps by client ID within their environment; what is
    /// not in the file is left alone. Secrets are not in the file: add them afterwards. A team
    /// environment's changes go to its team vault's set-up, so every member gets them.
    Import {
        /// The export file; `-` reads stdin.
        file: String,
        /// Show what would be added, changed and skipped, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Confirm changes to this production environment or its apps (repeat for each; on a
        /// terminal a "y" does too).
        #[arg(short, long = "env", value_name = "ENV")]
        envs: Vec<String>,
        /// A team environment's changes go to its team vault's set-up: how a conflict with
        /// another member's change of the same field is settled.
        #[command(flatten)]
        conflicts: ConflictArgs,
    },

    /// The audit log: what was done with secrets, tokens, apps and environments, newest first.
    ///
    /// Never a secret or token value. Example: authdeck audit --app billing --since 7d
    Audit(AuditArgs),
    /// Manage apps at the provider through the environment's connector.
    #[command(subcommand)]
    Remote(RemoteCommand),

    /// Read an issuer's metadata and print the endpoints it names, each with the document it
    /// came from (OpenID Connect's, RFC 8414's); nothing is changed.
    ///
    /// `env add NAME --issuer URL --discover` fills an environment from the same documents.
    Discover {
        /// The issuer URL, exactly as the provider names itself.
        #[arg(allow_hyphen_values = true)]
        issuer: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },

    /// Team vaults (OpenBao / HashiCorp Vault KV v2) that hold shared environments: add,
    /// status, rm.
    #[command(subcommand)]
    Team(TeamCommand),

    /// Keep tokens ready in memory for `authdeck token` (start, stop, status).
    ///
    /// A process of yours that hands the stored token of an app, while it stays valid, to
    /// `token`, `env` and `exec` over a socket only your user can use, so they need not open
    /// the keychain. It never requests, renews or signs in: anything else goes the usual way.
    #[command(subcommand)]
    Agent(AgentCommand),

    /// Bring the desktop app's window forward, on APP when given (Authdeck starts if it is
    /// not running).
    ///
    /// APP is found as every command finds it; the desktop app is `authdeck-desktop` beside
    /// this program or on PATH, or the program AUTHDECK_DESKTOP names.
    Open(Target),

    /// Print a shell completion script.
    ///
    /// Example: authdeck completions bash > ~/.local/share/bash-completion/completions/authdeck
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this app's entries: its display name as it was then (ignoring case), or its ID.
    #[arg(long, value_name = "APP", allow_hyphen_values = true)]
    pub app: Option<String>,
    /// Only entries since TIME: RFC 3339 (2026-11-01T09:30:00Z), or a span ago (45s, 30m,
    /// 12h, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// At most N entries, the newest; 0 for all.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which app: by name within an environment.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// The app: its display name, client ID or link name. May be left out when the
    /// environment holds exactly one app.
    pub app: Option<String>,

    /// The environment (default: the active one). An app in a production environment needs
    /// its environment named here, or a confirmation on a terminal.
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
}

/// An app, and whether to print JSON.
#[derive(Debug, Clone, Args)]
pub struct AskArgs {
    #[command(flatten)]
    pub target: Target,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Args)]
pub struct AutoRenewArgs {
    /// on, or off.
    #[arg(value_enum)]
    pub state: OnOff,
    #[command(flatten)]
    pub target: Target,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub target: Target,
    /// The secret's ID or label (default: every active secret); needs APP before it.
    #[arg(allow_hyphen_values = true)]
    pub secret: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub target: Target,

    /// Renew the stored token when it has less than this many seconds left.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub min_valid: i64,

    /// Get a new token from the provider even when the stored one is still valid (the
    /// desktop's Get token).
    #[arg(long, conflicts_with = "min_valid")]
    pub new: bool,

    /// Request these scopes instead of the app's default scopes (repeat, or separate by
    /// spaces).
    #[arg(long = "scope", value_name = "SCOPE", allow_hyphen_values = true)]
    pub scopes: Vec<String>,

    /// When the app needs a sign-in (a public client without a token, or a refresh token
    /// the provider refused), sign in with the browser now instead of failing with exit
    /// code 9.
    #[arg(long)]
    pub login: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExchangeArgs {
    #[command(flatten)]
    pub target: Target,

    /// The app whose current access token is exchanged (in the same environment; may be APP
    /// itself).
    #[arg(long, value_name = "APP2")]
    pub subject_token_from: String,

    /// The app whose current access token is sent as the actor token (RFC 8693 §2.1): the
    /// party acting for the subject, for delegation (in the same environment).
    #[arg(long, value_name = "APP3")]
    pub actor_token_from: Option<String>,

    /// The `audience` to ask for (repeat for several).
    #[arg(long = "audience", value_name = "A", allow_hyphen_values = true)]
    pub audiences: Vec<String>,

    /// The `resource` to ask for (RFC 8707; repeat for several).
    #[arg(long = "resource", value_name = "R", allow_hyphen_values = true)]
    pub resources: Vec<String>,

    /// Ask for these scopes (repeat, or separate by spaces); at most the subject token's.
    #[arg(long = "scope", value_name = "S", allow_hyphen_values = true)]
    pub scopes: Vec<String>,

    /// The `requested_token_type` (a token-type URI, RFC 8693 §3).
    #[arg(long, value_name = "T")]
    pub requested_token_type: Option<String>,

    /// Print the new token's status as JSON instead of its value.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub target: Target,

    /// Ask for these scopes instead of the app's default scopes (repeat, or separate by
    /// spaces).
    #[arg(long = "scope", value_name = "SCOPE", allow_hyphen_values = true)]
    pub scopes: Vec<String>,

    /// Give up when the sign-in has not finished after this many seconds (default: 300 for
    /// the browser; for --device, until the code expires).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,

    /// Sign in on another device (RFC 8628): show a user code, where to enter it and a QR
    /// code, then wait.
    #[arg(long)]
    pub device: bool,

    /// Do not open the browser; only print the address to open.
    #[arg(long, conflicts_with = "device")]
    pub no_browser: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VarArgs {
    /// The variable that holds the access token.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "AUTHDECK_ACCESS_TOKEN",
        allow_hyphen_values = true
    )]
    pub token_var: String,

    /// Also set this variable to the app's client ID.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub client_id_var: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Start the agent of this data folder and keychain namespace, in the background unless
    /// --foreground; prints where it listens. Nothing is done when it already runs.
    Start(AgentStartArgs),
    /// Stop the agent; the tokens it held in memory go with it.
    Stop,
    /// Whether the agent runs, where it listens and what it has done (exit code 3: it does
    /// not run).
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct AgentStartArgs {
    /// Stay in the foreground and log to stderr (no secret is ever logged).
    #[arg(long)]
    pub foreground: bool,

    /// Stop after this many seconds without a request.
    #[arg(long, value_name = "SECONDS", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle: u64,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub token: TokenArgs,

    #[command(flatten)]
    pub vars: VarArgs,

    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct ProofArgs {
    #[command(flatten)]
    pub token: TokenArgs,

    /// The request's HTTP method (the proof's `htm`).
    #[arg(long, value_name = "METHOD")]
    pub method: String,

    /// The request's URL (the proof's `htu` is it without query and fragment).
    #[arg(long, value_name = "URL")]
    pub url: String,
}

#[derive(Debug, Args)]
pub struct CurlArgs {
    #[command(flatten)]
    pub token: TokenArgs,

    /// curl's arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CURL_ARGS")]
    pub curl: Vec<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EnvCommand {
    #[command(subcommand)]
    pub action: Option<EnvAction>,

    #[command(flatten)]
    pub token: TokenArgs,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Subcommand)]
pub enum EnvAction {
    /// Add an environment.
    Add(EnvAddArgs),
    /// Change an environment (only the flags given change; an empty URL removes it).
    Edit(EnvEditArgs),
    /// Push an environment to a team vault: its set-up and its secrets' values, which then
    /// leave this keychain (read back from the vault first).
    Share {
        /// The environment's name.
        env: String,
        /// The team vault (see `authdeck team status`).
        #[arg(long, value_name = "TEAM")]
        team: String,
    },
    /// Set up an environment shared in a team vault here; its secrets stay in the vault and
    /// are read from it when a token is minted.
    Join {
        /// The team vault.
        team: String,
        /// The shared environment's name.
        env: String,
    },
    /// Delete an environment. A team environment is either left (`env leave`: this computer
    /// only) or deleted for the whole team (`--for-team`).
    Rm {
        /// The environment's name.
        name: String,
        /// Also delete its apps and their secrets and tokens from the keychain.
        #[arg(long)]
        with_apps: bool,
        /// A team environment: delete it for every member — its set-up and every secret's
        /// value in the team vault (when your vault policy allows deleting them), then here.
        #[arg(long)]
        for_team: bool,
        /// With --for-team, a production environment's name again, to confirm where there is
        /// no terminal to ask on.
        #[arg(long, value_name = "NAME", requires = "for_team")]
        confirm: Option<String>,
    },
    /// Forget a team environment on this computer only: its apps, and your tokens and keys of
    /// them in the keychain. The team vault and the other members keep it; `env join` brings it
    /// back.
    Leave {
        /// The environment's name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Connect to a team vault: sign in with a vault token, a username and password, an
    /// AppRole, or in the browser through the vault's OIDC method; the vault token is checked
    /// by the vault, then kept in the keychain only.
    ///
    /// Example: authdeck team add acme --address https://bao.example.com:8200 --path
    /// authdeck/acme --method oidc --role developer
    Add(TeamAddArgs),
    /// Sign in to a team vault again (its kept method: only the token, password or secret ID
    /// is asked for, or the browser opens for OIDC); the new vault token is checked by the
    /// vault, then kept in the keychain in place of the old one.
    ///
    /// Example: authdeck team login acme --password-stdin < password.txt
    Login {
        /// The team vault's name.
        name: String,
        #[command(flatten)]
        sign_in: SignInArgs,
    },
    /// What the vault says of each team vault's token (or NAME's): the address that answered,
    /// time left and policies.
    Status {
        /// Only this team vault.
        name: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a team vault connection and its token from the keychain (nothing changes in the
    /// vault).
    Rm {
        /// The team vault's name.
        name: String,
    },
}

#[derive(Debug, Clone, Args)]
pub struct TeamAddArgs {
    /// A name for the team vault, used by `env share --team` and `env join`.
    pub name: String,
    /// The vault's address (https, or http on loopback); repeat for each node of a cluster,
    /// tried in order.
    #[arg(long = "address", value_name = "URL", required = true)]
    pub addresses: Vec<String>,
    /// The vault namespace (Vault Enterprise, OpenBao namespaces).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The KV version 2 engine's mount.
    #[arg(long, value_name = "MOUNT", default_value = "secret")]
    pub mount: String,
    /// The team's base path inside the mount, such as authdeck/acme.
    #[arg(long, value_name = "PATH")]
    pub path: String,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// How to sign in to a team vault. The password, secret ID or token is read from stdin with
/// its --*-stdin flag, else asked for on a terminal without echo; it is never kept.
#[derive(Debug, Clone, Default, Args)]
pub struct SignInArgs {
    /// The sign-in method (default for `team add`: token; for `team login`: the one kept).
    #[arg(long, value_enum)]
    pub method: Option<SignInMethod>,
    /// userpass: the username.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// approle: the role ID (not secret; kept for later sign-ins).
    #[arg(long, value_name = "ID")]
    pub role_id: Option<String>,
    /// oidc: the vault's OIDC role (default: the mount's default_role).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// oidc: the port of the vault's callback http://localhost:PORT/oidc/callback, which the
    /// role must allow (default 8250, as the vault CLI; 0: any free port, for a provider and
    /// role that allow any loopback port).
    #[arg(long, value_name = "PORT")]
    pub callback_port: Option<u16>,
    /// oidc: give up when the browser sign-in has not finished after this many seconds
    /// (default 300).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// oidc: do not open the browser; only print the address to open.
    #[arg(long)]
    pub no_browser: bool,
    /// Where the auth method is mounted (default: userpass, approle, oidc).
    #[arg(long, value_name = "MOUNT")]
    pub auth_mount: Option<String>,
    /// token: read the vault token from stdin.
    #[arg(long)]
    pub token_stdin: bool,
    /// userpass: read the password from stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// approle: read the secret ID from stdin.
    #[arg(long)]
    pub secret_id_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignInMethod {
    Token,
    Userpass,
    Approle,
    Oidc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Sandbox,
    Production,
    Other,
}

#[derive(Debug, Clone, Default, Args)]
pub struct EndpointArgs {
    /// The provider's profile: its quirks, and the endpoints its templates fill (see
    /// `authdeck profiles`).
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
    pub profile: Option<ProviderProfile>,
    /// A value the profile's endpoint templates need, as KEY=VALUE (repeat it; see
    /// `authdeck profiles`). Given on `env edit`, the templates fill the endpoints again.
    #[arg(long = "set", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub profile_values: Vec<String>,
    /// The issuer URL.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub issuer: Option<String>,
    /// Fill the endpoints not given here from the issuer's discovery document.
    #[arg(long)]
    pub discover: bool,
    /// The token endpoint.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub token_url: Option<String>,
    /// The authorization endpoint.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub authorize_url: Option<String>,
    /// The device authorization endpoint (RFC 8628), for `login --device`.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub device_url: Option<String>,
    /// The introspection endpoint (RFC 7662).
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub introspection_url: Option<String>,
    /// The revocation endpoint (RFC 7009).
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub revocation_url: Option<String>,
    /// A Doorkeeper-style token-info endpoint.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub token_info_url: Option<String>,
    /// The API's base URL.
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub api_base: Option<String>,
    /// The colour, as #rrggbb (default: by kind).
    #[arg(long, value_name = "#RRGGBB")]
    pub color: Option<String>,
    /// Flag active secrets older than this many days for rotation (default 90).
    #[arg(long, value_name = "DAYS")]
    pub rotation_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct EnvAddArgs {
    /// The environment's name.
    pub name: String,
    /// What kind of environment it is.
    #[arg(long, value_enum)]
    pub kind: Kind,
    #[command(flatten)]
    pub fields: EndpointArgs,
}

#[derive(Debug, Args)]
pub struct EnvEditArgs {
    /// The environment's name.
    pub name: String,
    /// A new name.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub rename: Option<String>,
    /// Another kind.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    #[command(flatten)]
    pub fields: EndpointArgs,
    #[command(flatten)]
    pub conflicts: ConflictArgs,
}

/// How a conflict with another member's change of a team environment's set-up is settled.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ConflictArgs {
    /// Where another member changed the same fields of a team environment's set-up: write
    /// yours over theirs.
    #[arg(long, conflicts_with = "take_theirs")]
    pub keep_mine: bool,
    /// Where another member changed the same fields of a team environment's set-up: keep
    /// theirs (your other changes are still written).
    #[arg(long)]
    pub take_theirs: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    #[value(name = "client_secret_basic")]
    ClientSecretBasic,
    #[value(name = "client_secret_post")]
    ClientSecretPost,
    #[value(name = "client_secret_jwt")]
    ClientSecretJwt,
    #[value(name = "private_key_jwt")]
    PrivateKeyJwt,
    #[value(name = "tls_client_auth")]
    TlsClientAuth,
    #[value(name = "self_signed_tls_client_auth")]
    SelfSignedTlsClientAuth,
    #[value(name = "none")]
    None,
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Add a client app to an environment.
    Add(AppAddArgs),
    /// Change an app (only the flags given change; a list flag replaces the whole list, and
    /// an empty value clears it).
    Edit(AppEditArgs),
    /// Delete an app, its secrets and its token (tokens the provider issued stay valid).
    Rm {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        #[command(flatten)]
        conflicts: ConflictArgs,
    },
}

#[derive(Debug, Clone, Default, Args)]
pub struct AppFields {
    /// The token endpoint auth method (default: client_secret_basic; none for a public client).
    #[arg(long, value_enum, value_name = "METHOD")]
    pub auth_method: Option<Method>,
    /// A default scope (repeat, or separate by spaces).
    #[arg(long = "scope", value_name = "SCOPE", allow_hyphen_values = true)]
    pub scopes: Vec<String>,
    /// A redirect URI (repeat; default for a new app: http://127.0.0.1/callback).
    #[arg(long = "redirect-uri", value_name = "URI", allow_hyphen_values = true)]
    pub redirect_uris: Vec<String>,
    /// The link name shared by the same integration in other environments.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub link: Option<String>,
    /// Sent as `audience` with token requests.
    #[arg(long, value_name = "AUDIENCE", allow_hyphen_values = true)]
    pub audience: Option<String>,
    /// Sent as `resource` with token requests (RFC 8707).
    #[arg(long, value_name = "URI", allow_hyphen_values = true)]
    pub resource: Option<String>,
    /// A description.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub description: Option<String>,
    /// A label (repeat).
    #[arg(long = "label", value_name = "LABEL", allow_hyphen_values = true)]
    pub labels: Vec<String>,
    /// DPoP-bound (RFC 9449): token requests carry proofs signed with the app's own key (made
    /// now, kept in the keychain), so its tokens are bound to that key.
    #[arg(long, conflicts_with = "no_dpop")]
    pub dpop: bool,
    /// Not DPoP-bound: plain Bearer tokens (the proof key is kept for a later --dpop).
    #[arg(long)]
    pub no_dpop: bool,
    /// The algorithm of the DPoP proof key: ES256 (the default), EdDSA, PS256 or RS256. Another
    /// than the key's makes a new key (and forgets the token bound to the old one); refused
    /// when the provider's metadata lists DPoP algorithms without it.
    #[arg(long, value_name = "ALG", requires = "dpop", value_parser = dpop_alg)]
    pub dpop_alg: Option<authdeck_core::model::KeyAlg>,
    /// Push browser logins' authorization requests (PAR, RFC 9126) to the provider's endpoint
    /// from its metadata; the browser gets only client_id and request_uri.
    #[arg(long, conflicts_with = "no_par")]
    pub par: bool,
    /// Push only when the provider's metadata requires it.
    #[arg(long)]
    pub no_par: bool,
}

#[derive(Debug, Args)]
pub struct AppAddArgs {
    /// The app's display name.
    pub name: String,
    /// The environment it belongs to.
    #[arg(short, long, value_name = "ENV", required = true)]
    pub env: String,
    /// The client ID the provider gave it.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub client_id: String,
    /// A public client (native, SPA): no secret.
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub fields: AppFields,
    #[command(flatten)]
    pub conflicts: ConflictArgs,
}

#[derive(Debug, Args)]
pub struct AppEditArgs {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
    /// A new display name.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub rename: Option<String>,
    /// A new client ID.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub client_id: Option<String>,
    /// Make it a public client (its secrets must be deleted first).
    #[arg(long, conflicts_with = "confidential")]
    pub public: bool,
    /// Make it a confidential client.
    #[arg(long)]
    pub confidential: bool,
    /// Move it to another environment.
    #[arg(long, value_name = "ENV")]
    pub move_to: Option<String>,
    #[command(flatten)]
    pub fields: AppFields,
    #[command(flatten)]
    pub conflicts: ConflictArgs,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a client secret: read from stdin, or asked for without echo on a terminal.
    Add(SecretAddArgs),
    /// Store a new secret, check it with the provider, then retire older ones if asked.
    ///
    /// The value is read as `add` reads it. Nothing is retired unless the new secret is stored
    /// and, when the environment has a token endpoint, the provider accepted it.
    Rotate(SecretRotateArgs),
    /// List an app's secrets: metadata only, never a value.
    List {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Retire a secret: kept in the keychain (a team secret: in the team vault), no longer
    /// used (never the last active one).
    Retire(SecretTarget),
    /// Put a retired secret back in use.
    Reactivate(SecretTarget),
    /// Delete a secret (never the last active one of a confidential app); a team secret is
    /// removed from the team vault with every version.
    Rm(SecretTarget),
}

#[derive(Debug, Args)]
pub struct SecretAddArgs {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
    /// A label (default: "Secret N").
    #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
    pub label: Option<String>,
    /// When the provider created it (RFC 3339, such as 2026-11-01T09:30:00Z).
    #[arg(long, value_name = "TIME")]
    pub created_at: Option<String>,
}

#[derive(Debug, Args)]
pub struct SecretRotateArgs {
    #[command(flatten)]
    pub new: SecretAddArgs,
    /// Retire this secret (its ID or label) once the new one is stored and the provider
    /// accepted it.
    #[arg(long, value_name = "ID_OR_LABEL", allow_hyphen_values = true)]
    pub retire: Option<String>,
    /// Retire every other active secret once the new one is stored and the provider
    /// accepted it.
    #[arg(long, conflicts_with = "retire")]
    pub retire_all_older: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a signing key (ES256 by default), or import one with --import: a PKCS#8 PEM
    /// or a private JWK, from a file or `-` (stdin). Prints its public JWK.
    Add(KeyAddArgs),
    /// List an app's signing keys: kid, algorithm, state; never the private key.
    List {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the public JWKS of the app's active keys, to register at the provider.
    Jwks {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Retire a key: kept, no longer signs (never the last active one of a private_key_jwt app).
    Retire(KeyTarget),
    /// Put a retired key back in use: it signs again.
    Reactivate(KeyTarget),
    /// Delete a key from the keychain (never the last active one of a private_key_jwt app).
    Rm(KeyTarget),
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Import a client certificate (PEM, then any chain) and its private key (PEM); the key
    /// must be the certificate's, and an expired certificate is refused.
    Add(CertAddArgs),
    /// Generate a self-signed P-256 certificate (for self_signed_tls_client_auth); prints its
    /// public JWK (with x5c) and x5t#S256 to register at the provider.
    Generate {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// A label (default: "Certificate N").
        #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
        label: Option<String>,
        /// Print JSON: the certificate's metadata and its public JWK.
        #[arg(long)]
        json: bool,
    },
    /// List an app's client certificates: subject, not-after, x5t#S256, state.
    List {
        /// The app: display name, client ID or link name.
        app: String,
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Retire a certificate: kept, no longer presented (never the last active one of an app
    /// that authenticates by mutual TLS).
    Retire(CertTarget),
    /// Put a retired certificate back in use: it is presented again.
    Reactivate(CertTarget),
    /// Delete a certificate and its key (never the last active one of an app that
    /// authenticates by mutual TLS).
    Rm(CertTarget),
}

#[derive(Debug, Args)]
pub struct CertAddArgs {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
    /// The certificate file (PEM); `-` reads stdin.
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub cert: std::path::PathBuf,
    /// Its private key (PEM: PKCS#8, SEC1 or PKCS#1, unencrypted); `-` reads stdin.
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub key: std::path::PathBuf,
    /// A label (default: "Certificate N").
    #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
    pub label: Option<String>,
}

/// One client certificate of an app.
#[derive(Debug, Args)]
pub struct CertTarget {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// The certificate's x5t#S256, ID or label.
    #[arg(allow_hyphen_values = true)]
    pub cert: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
}

/// The algorithms Authdeck generates keys for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgArg {
    #[value(name = "ES256")]
    Es256,
    #[value(name = "EdDSA")]
    EdDsa,
    #[value(name = "RS256")]
    Rs256,
    #[value(name = "PS256")]
    Ps256,
}

#[derive(Debug, Args)]
pub struct KeyAddArgs {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
    /// The algorithm of a generated key (default ES256), or the one an imported RSA key signs
    /// (default: its JWK's `alg`, else RS256).
    #[arg(long, value_enum)]
    pub alg: Option<KeyAlgArg>,
    /// The size of a generated RSA key (RS256, PS256): 2048 (default), 3072 or 4096 bits.
    #[arg(long, value_name = "N", conflicts_with = "import")]
    pub bits: Option<u16>,
    /// Import this private key (PKCS#8 PEM, RSA PKCS#1 PEM or private JWK) instead; `-` reads
    /// stdin.
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    pub import: Option<std::path::PathBuf>,
    /// A label (default: "Key N").
    #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
    pub label: Option<String>,
}

/// One signing key of an app.
#[derive(Debug, Args)]
pub struct KeyTarget {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// The key's kid, ID or label.
    #[arg(allow_hyphen_values = true)]
    pub key: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
}

/// One secret of an app.
#[derive(Debug, Args)]
pub struct SecretTarget {
    /// The app: display name, client ID or link name.
    pub app: String,
    /// The secret's ID or label.
    #[arg(allow_hyphen_values = true)]
    pub secret: String,
    /// Its environment (default: the active one).
    #[arg(short, long, value_name = "ENV")]
    pub env: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn env_takes_an_app_or_a_subcommand() {
        let cli = Cli::try_parse_from(["authdeck", "env", "billing", "--env", "Sandbox"]).unwrap();
        let Command::Env(env) = cli.command else {
            panic!("env")
        };
        assert!(env.action.is_none());
        assert_eq!(env.token.target.app.as_deref(), Some("billing"));
        assert_eq!(env.token.target.env.as_deref(), Some("Sandbox"));

        let cli = Cli::try_parse_from(["authdeck", "env", "add", "Prod", "--kind", "production"])
            .unwrap();
        let Command::Env(env) = cli.command else {
            panic!("env")
        };
        assert!(matches!(env.action, Some(EnvAction::Add(ref a)) if a.name == "Prod"));
    }

    #[test]
    fn a_secret_may_start_with_a_hyphen_and_flags_still_work_around_it() {
        let cli = Cli::try_parse_from(["authdeck", "verify", "billing", "-old", "--json"]).unwrap();
        let Command::Verify(verify) = cli.command else {
            panic!("verify")
        };
        assert_eq!(verify.secret.as_deref(), Some("-old"));
        assert!(verify.json);
        let cli =
            Cli::try_parse_from(["authdeck", "verify", "billing", "-v", "--env", "Prod"]).unwrap();
        assert!(cli.verbose);
        let Command::Verify(verify) = cli.command else {
            panic!("verify")
        };
        assert_eq!(verify.secret, None);
        assert_eq!(verify.target.env.as_deref(), Some("Prod"));
        let cli = Cli::try_parse_from([
            "authdeck", "secret", "retire", "billing", "--env", "Prod", "-old",
        ])
        .unwrap();
        let Command::Secret(SecretCommand::Retire(target)) = cli.command else {
            panic!("secret retire")
        };
        assert_eq!(
            (target.secret.as_str(), target.env.as_deref()),
            ("-old", Some("Prod"))
        );
    }

    #[test]
    fn exec_takes_the_command_after_the_double_dash() {
        let cli = Cli::try_parse_from(["authdeck", "exec", "--", "sh", "-c", "exit 3"]).unwrap();
        let Command::Exec(exec) = cli.command else {
            panic!("exec")
        };
        assert_eq!(exec.token.target.app, None);
        assert_eq!(exec.command, ["sh", "-c", "exit 3"]);
        assert!(Cli::try_parse_from(["authdeck", "exec", "billing"]).is_err());
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConnectorKindArg {
    /// A REST "OAuth apps" API ({base}/v1/oauthApps).
    #[value(name = "oauth-apps")]
    OauthApps,
    /// RFC 7591/7592 dynamic client registration.
    Registration,
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Show or set the environment's connector.
    Connector {
        /// Its environment (default: the active one).
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// The connector's kind (with --url; --auth-app for oauth-apps).
        #[arg(long, value_enum, requires = "url")]
        kind: Option<ConnectorKindArg>,
        /// The API's base URL, or the registration endpoint.
        #[arg(long, value_name = "URL", allow_hyphen_values = true)]
        url: Option<String>,
        /// The app whose client-credentials token authenticates the API.
        #[arg(long, value_name = "APP", allow_hyphen_values = true)]
        auth_app: Option<String>,
        /// Remove the connector.
        #[arg(long, conflicts_with_all = ["kind", "url", "auth_app"])]
        remove: bool,
    },
    /// List the apps at the provider, and which are in Authdeck.
    List {
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create an app at the provider; its secret goes straight into the keychain (never printed).
    Create {
        /// The app's name.
        name: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        #[arg(
            long,
            value_name = "TEXT",
            default_value = "",
            allow_hyphen_values = true
        )]
        description: String,
        /// A callback (redirect) URL (repeat).
        #[arg(long = "callback", value_name = "URL", allow_hyphen_values = true)]
        callbacks: Vec<String>,
        /// A logout URL (repeat).
        #[arg(long = "logout-url", value_name = "URL", allow_hyphen_values = true)]
        logout_urls: Vec<String>,
        /// A web origin (repeat).
        #[arg(long = "web-origin", value_name = "ORIGIN", allow_hyphen_values = true)]
        web_origins: Vec<String>,
        /// A label, key=value (repeat).
        #[arg(long = "label", value_name = "KEY=VALUE", allow_hyphen_values = true)]
        labels: Vec<String>,
        /// A default scope for Authdeck's token requests (repeat).
        #[arg(long = "scope", value_name = "SCOPE", allow_hyphen_values = true)]
        scopes: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add an app the provider lists to Authdeck (its secret is not taken: add it with
    /// `authdeck secret add`).
    Import {
        /// The remote app's name (oauthApps/ID).
        remote_id: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Where a linked app lives at the provider, and what differs.
    Show {
        app: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take the provider's fields into the local app.
    Pull {
        app: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Send the local app's fields to the provider.
    Push {
        app: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Delete the app at the provider, then here (tokens it issued stay valid).
    Delete {
        app: String,
        #[arg(short, long, value_name = "ENV")]
        env: Option<String>,
        /// Revoke the token Authdeck holds for it first.
        #[arg(long)]
        revoke_first: bool,
    },
}

/// A profile's name as `authdeck profiles` lists it.
fn parse_profile(text: &str) -> Result<ProviderProfile, String> {
    ProviderProfile::parse(text).ok_or_else(|| {
        let known: Vec<String> = authdeck_core::profile::profiles()
            .into_iter()
            .map(|description| description.profile.as_str().to_owned())
            .collect();
        format!(
            "no profile is named “{text}”; the profiles are {}",
            known.join(", ")
        )
    })
}

/// Parses `--dpop-alg`: a JWS name as signing keys have them.
fn dpop_alg(text: &str) -> Result<authdeck_core::model::KeyAlg, String> {
    use authdeck_core::model::KeyAlg;
    KeyAlg::parse(text).ok_or_else(|| {
        let names: Vec<&str> = KeyAlg::ALL.iter().map(|alg| alg.as_str()).collect();
        format!("“{text}” is not one of {}", names.join(", "))
    })
}
