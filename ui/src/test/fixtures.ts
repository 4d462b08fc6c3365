import type { AppSummary } from "../bindings/AppSummary";
import type { AuthMethod } from "../bindings/AuthMethod";
import type { AuthMethodChoices } from "../bindings/AuthMethodChoices";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { SecretMeta } from "../bindings/SecretMeta";
import type { Settings } from "../bindings/Settings";
import type { TokenMeta } from "../bindings/TokenMeta";
import type { TokenStatus } from "../bindings/TokenStatus";

export const environment = (overrides: Partial<Environment> = {}): Environment => ({
  id: "env-sbx",
  name: "Sandbox",
  kind: "sandbox",
  color: "#2f80ed",
  endpoints: {
    issuer_url: null,
    authorization_url: null,
    token_url: "https://sandbox.example.com/oauth/token",
    token_info_url: null,
    introspection_url: null,
    revocation_url: null,
    api_base_url: null,
    device_authorization_url: null,
  },
  profile: "standard",
  rotation_days: 90,
  app_count: 1,
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
  ...overrides,
});

export const clientApp = (overrides: Partial<ClientApp> = {}): ClientApp => ({
  id: "app-1",
  environment_id: "env-sbx",
  display_name: "Billing sync",
  client_id: "billing-sbx-123",
  client_type: "confidential",
  auth_method: "client_secret_basic",
  description: "",
  logo_uri: null,
  redirect_uris: ["http://127.0.0.1/callback"],
  logout_urls: [],
  web_origins: [],
  default_scopes: [],
  labels: [],
  link: "Billing sync",
  audience: null,
  resource: null,
  auto_renew: true,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
  ...overrides,
});

export const summaryOf = (app: ClientApp, overrides: Partial<AppSummary> = {}): AppSummary => ({
  id: app.id,
  environment_id: app.environment_id,
  display_name: app.display_name,
  client_id: app.client_id,
  client_type: app.client_type,
  labels: app.labels,
  link: app.link,
  active_secrets: 1,
  rotation_due: false,
  uses_secret: app.client_type === "confidential" && app.auth_method.startsWith("client_secret"),
  ...overrides,
});

export const secret = (overrides: Partial<SecretMeta> = {}): SecretMeta => ({
  id: "sec-1",
  app_id: "app-1",
  label: "CI runner",
  provider_created_at: null,
  added_at: "2026-11-20T10:00:00Z",
  fingerprint: "1111",
  last_verified_at: null,
  last_verify_ok: null,
  last_verify_message: null,
  last_used_at: null,
  state: "active",
  age_days: 2,
  rotation_due: false,
  ...overrides,
});

export const settings = (overrides: Partial<Settings> = {}): Settings => ({
  active_environment_id: "env-sbx",
  clipboard_clear_seconds: 30,
  reveal_seconds: 10,
  notifications: { sign_in_needed: true, renewal_failed: true, rotation_due: true, sign_in_completed: true },
  keep_in_tray: true,
  ...overrides,
});

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A token status: no token with `none`, else one issued at `issued` living `expiresIn` s. */
export const tokenStatus = (
  options: { none?: boolean; issued?: number; expiresIn?: number; window?: number; revoked?: boolean; token?: Partial<TokenMeta> } = {},
  overrides: Partial<TokenStatus> = {},
): TokenStatus => {
  const issued = options.issued ?? Date.parse("2026-11-23T10:00:00Z");
  const token: TokenMeta | null = options.none
    ? null
    : {
        id: "tok-1",
        app_id: "app-1",
        source: "client_credentials",
        token_type: "Bearer",
        issued_at: iso(issued),
        expires_at: iso(issued + (options.expiresIn ?? 3600) * 1000),
        requested_scopes: ["read", "write"],
        granted_scopes: ["read", "write"],
        is_jwt: false,
        secret_id: "sec-1",
        has_refresh_token: false,
        refresh_expires_at: null,
        has_id_token: false,
        revoked_at: options.revoked ? iso(issued + 1000) : null,
        fingerprint: "wxyz",
        renew_error: null,
        sign_in_ended_at: null,
        api_base_url: null,
        issued_token_type: null,
        ...options.token,
      };
  return {
    app_id: "app-1",
    app_name: "Billing sync",
    client_id: "billing-sbx-123",
    client_type: "confidential",
    state: token ? "valid" : "none",
    token,
    seconds_left: token ? (options.expiresIn ?? 3600) : null,
    computed_at: iso(issued),
    scopes_missing: [],
    scopes_added: [],
    auto_renew: true,
    renewal_paused: false,
    renew_window_seconds: options.window ?? 300,
    ...overrides,
  };
};

const METHODS: readonly [AuthMethod, string][] = [
  ["client_secret_basic", "the secret by HTTP Basic"],
  ["client_secret_post", "the secret in the form body"],
  ["client_secret_jwt", "a JWT signed with the secret"],
  ["private_key_jwt", "a JWT signed with the app's key"],
  ["none", "public client, no secret"],
];

/** The auth_methods answer, as core makes it, for metadata listing `listed` (none: no metadata). */
export const authMethodChoices = (listed?: AuthMethod[]): AuthMethodChoices => ({
  listed_by_provider: listed ?? null,
  methods: METHODS.map(([method, summary]) => ({
    method,
    summary,
    listed: !listed || method === "none" || listed.includes(method),
  })),
});
