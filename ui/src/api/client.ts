// The one module that talks to the backend. Every command is typed with the generated
// bindings; every failure becomes an IpcError the UI can act on by its code.
import { invoke } from "@tauri-apps/api/core";
import type { Choices } from "../bindings/Choices";
import type { AppBinding } from "../bindings/AppBinding";
import type { AppDeleted } from "../bindings/AppDeleted";
import type { AppId } from "../bindings/AppId";
import type { AppInfo } from "../bindings/AppInfo";
import type { AppSummary } from "../bindings/AppSummary";
import type { AuthMethodChoices } from "../bindings/AuthMethodChoices";
import type { ChosenImport } from "../bindings/ChosenImport";
import type { ClientApp } from "../bindings/ClientApp";
import type { ClientAppInput } from "../bindings/ClientAppInput";
import type { CopyStarted } from "../bindings/CopyStarted";
import type { Environment } from "../bindings/Environment";
import type { FirstScreen } from "../bindings/FirstScreen";
import type { EnvironmentDeleted } from "../bindings/EnvironmentDeleted";
import type { EnvironmentId } from "../bindings/EnvironmentId";
import type { EnvironmentInput } from "../bindings/EnvironmentInput";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { FieldError } from "../bindings/FieldError";
import type { IpcError } from "../bindings/IpcError";
import type { LinkedApp } from "../bindings/LinkedApp";
import type { OpenedApp } from "../bindings/OpenedApp";
import type { RevealedSecret } from "../bindings/RevealedSecret";
import type { SecretAdded } from "../bindings/SecretAdded";
import type { SecretId } from "../bindings/SecretId";
import type { SecretInput } from "../bindings/SecretInput";
import type { SecretMeta } from "../bindings/SecretMeta";
import type { Settings } from "../bindings/Settings";
import type { StoreScope } from "../bindings/StoreScope";
import type { ApiRequest } from "../bindings/ApiRequest";
import type { ApiResponse } from "../bindings/ApiResponse";
import type { Discovery } from "../bindings/Discovery";
import type { Endpoints } from "../bindings/Endpoints";
import type { ProfileDescription } from "../bindings/ProfileDescription";
import type { ProviderProfile } from "../bindings/ProviderProfile";
import type { StartupMarks } from "../bindings/StartupMarks";
import type { Introspection } from "../bindings/Introspection";
import type { TokenDetails } from "../bindings/TokenDetails";
import type { TokenInfo } from "../bindings/TokenInfo";
import type { TokenRequestInput } from "../bindings/TokenRequestInput";
import type { TokenStatus } from "../bindings/TokenStatus";
import type { DeviceLoginStarted } from "../bindings/DeviceLoginStarted";
import type { LoginInput } from "../bindings/LoginInput";
import type { LoginStarted } from "../bindings/LoginStarted";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { ImportReport } from "../bindings/ImportReport";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { Connector } from "../bindings/Connector";
import type { FieldDrift } from "../bindings/FieldDrift";
import type { RemoteApp } from "../bindings/RemoteApp";
import type { RemoteCreated } from "../bindings/RemoteCreated";
import type { RemoteDeleted } from "../bindings/RemoteDeleted";
import type { RemoteFields } from "../bindings/RemoteFields";
import type { RemoteLink } from "../bindings/RemoteLink";
import type { ExchangeError } from "../bindings/ExchangeError";
import type { ExchangePart } from "../bindings/ExchangePart";
import type { ExchangeRequest } from "../bindings/ExchangeRequest";
import type { TeamBadge } from "../bindings/TeamBadge";
import type { TeamPermissions } from "../bindings/TeamPermissions";
import type { TeamWatch } from "../bindings/TeamWatch";
import type { CertAdded } from "../bindings/CertAdded";
import type { CertBinding } from "../bindings/CertBinding";
import type { ClientCertId } from "../bindings/ClientCertId";
import type { ClientCertInput } from "../bindings/ClientCertInput";
import type { ClientCertMeta } from "../bindings/ClientCertMeta";
import type { Field } from "../bindings/Field";
import type { KeyAlg } from "../bindings/KeyAlg";
import type { SigningKeyId } from "../bindings/SigningKeyId";
import type { SigningKeyInput } from "../bindings/SigningKeyInput";
import type { SigningKeyMeta } from "../bindings/SigningKeyMeta";
import type { Command } from "../bindings/ipc";

const CODES: readonly ErrorCode[] = [
  "validation",
  "not_found",
  "conflict",
  "last_secret",
  "environment_not_empty",
  "keychain_unavailable",
  "keychain_locked",
  "keychain",
  "secret_missing",
  "store_too_new",
  "store_corrupt",
  "store",
  "file",
  "provider",
  "bad_response",
  "network",
  "timeout",
  "not_configured",
  "login_required",
  "renewal_paused",
  "production_unconfirmed",
  "vault_refused",
  "vault_sign_in_required",
  "setup_conflict",
  "internal",
];

function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.message === "string" &&
    typeof candidate.code === "string" &&
    (CODES as readonly string[]).includes(candidate.code)
  );
}

/** Turns whatever a command rejected with into an IpcError. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) {
    const error: IpcError = { code: reason.code, message: reason.message, field: reason.field ?? null };
    // both sides of a conflict with another member's change, for the member to choose
    if (reason.conflicts) error.conflicts = reason.conflicts;
    return error;
  }
  const message =
    typeof reason === "string" ? reason : reason instanceof Error ? reason.message : "Something went wrong.";
  return { code: "internal", message, field: null };
}

async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- IpcError is the app's error shape
    throw toIpcError(reason);
  }
}

/**
 * Called after each successful write with the scopes it changed (the same scopes the backend
 * announces with store-changed). The UI registers one that refetches them, so an action's own
 * result is on screen when its promise resolves, without waiting for the event.
 */
type AfterWrite = (scopes: readonly StoreScope[]) => Promise<void>;
let afterWrite: AfterWrite = () => Promise.resolve();

export function setAfterWrite(listener: AfterWrite | null): void {
  afterWrite = listener ?? (() => Promise.resolve());
}

const PARTS: readonly ExchangePart[] = ["subject", "actor", "grant", "target", "scope", "request"];
const textOrNull = (value: unknown) => (typeof value === "string" ? value : null);

/** Turns what exchange_token rejected with into an ExchangeError; anything else is about the request. */
export function toExchangeError(reason: unknown): ExchangeError {
  const { code, message } = toIpcError(reason);
  const given = (typeof reason === "object" && reason !== null ? reason : {}) as Record<string, unknown>;
  const part = PARTS.find((known) => known === given.part) ?? "request";
  return { code, message, part, provider_error: textOrNull(given.provider_error), provider_description: textOrNull(given.provider_description) };
}

/** The exchange keeps its error's part and the provider's words, which `call` would drop. */
async function exchange(appId: AppId, request: ExchangeRequest): Promise<TokenStatus> {
  try {
    return await invoke<TokenStatus>("exchange_token" satisfies Command, { appId, request });
  } catch (reason) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- ExchangeError is the exchange's error shape
    throw toExchangeError(reason);
  } finally {
    // the subject app may have got a token first, whatever the exchange did
    await afterWrite(["tokens"]).catch(() => undefined);
  }
}

async function write<T>(scopes: readonly StoreScope[], command: Command, args?: Record<string, unknown>): Promise<T> {
  const result = await call<T>(command, args);
  try {
    await afterWrite(scopes);
  } catch {
    // a failed refresh does not undo a successful write; the store-changed event retries it
  }
  return result;
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),

  listEnvironments: () => call<Environment[]>("list_environments"),
  createEnvironment: (input: EnvironmentInput) =>
    write<Environment>(["environments", "settings"], "create_environment", { input }),
  updateEnvironment: (id: EnvironmentId, input: EnvironmentInput, choices?: Choices) =>
    write<Environment>(["environments", "apps"], "update_environment", choices ? { id, input, choices } : { id, input }),
  deleteEnvironment: (id: EnvironmentId, withApps: boolean) =>
    write<EnvironmentDeleted>(["environments", "apps", "secrets", "settings"], "delete_environment", { id, withApps }),
  // a team environment: forgotten here only, or deleted from its team vault for every member
  leaveEnvironment: (id: EnvironmentId) =>
    write<EnvironmentDeleted>(["environments", "apps", "secrets", "settings"], "leave_environment", { id }),
  deleteEnvironmentForTeam: (id: EnvironmentId) =>
    write<EnvironmentDeleted>(["environments", "apps", "secrets", "settings"], "delete_environment_for_team", { id }),
  validateEnvironment: (id: EnvironmentId | null, input: EnvironmentInput) =>
    call<FieldError[]>("validate_environment", { id, input }),

  /** Everything the first screen shows, in one round trip (see FirstScreen). */
  firstScreen: () => call<FirstScreen>("first_screen"),
  getSettings: () => call<Settings>("get_settings"),
  updateSettings: (settings: Settings) => write<Settings>(["settings"], "update_settings", { settings }),
  setActiveEnvironment: (id: EnvironmentId) => write<Settings>(["settings"], "set_active_environment", { id }),

  listApps: (environmentId: EnvironmentId) => call<AppSummary[]>("list_apps", { environmentId }),
  getApp: (id: AppId) => call<ClientApp>("get_app", { id }),
  linkedApps: (id: AppId) => call<LinkedApp[]>("linked_apps", { id }),
  // `choices` settle a conflict with another member's change of a team environment's set-up
  createApp: (input: ClientAppInput, choices?: Choices) =>
    write<ClientApp>(["apps", "environments"], "create_app", choices ? { input, choices } : { input }),
  updateApp: (id: AppId, input: ClientAppInput, choices?: Choices) =>
    write<ClientApp>(["apps", "environments"], "update_app", choices ? { id, input, choices } : { id, input }),
  deleteApp: (id: AppId, choices?: Choices) =>
    write<AppDeleted>(["apps", "secrets", "environments"], "delete_app", choices ? { id, choices } : { id }),
  validateApp: (id: AppId | null, input: ClientAppInput) => call<FieldError[]>("validate_app", { id, input }),
  authMethods: (environmentId: EnvironmentId) => call<AuthMethodChoices>("auth_methods", { environmentId }),

  listSecrets: (appId: AppId) => call<SecretMeta[]>("list_secrets", { appId }),
  addSecret: (input: SecretInput) => write<SecretAdded>(["secrets", "apps"], "add_secret", { input }),
  retireSecret: (id: SecretId) => write<SecretMeta>(["secrets", "apps"], "retire_secret", { id }),
  reactivateSecret: (id: SecretId) => write<SecretMeta>(["secrets", "apps"], "reactivate_secret", { id }),
  deleteSecret: (id: SecretId) => write<null>(["secrets", "apps"], "delete_secret", { id }),
  revealSecret: (id: SecretId) => call<RevealedSecret>("reveal_secret", { id }),
  copySecret: (id: SecretId) => call<CopyStarted>("copy_secret", { id }),
  verifySecret: (id: SecretId) => write<SecretMeta>(["secrets"], "verify_secret", { id }),

  // signing keys (private_key_jwt) and client certificates (mTLS): replies carry public parts only
  keyAlgorithms: () => call<KeyAlg[]>("key_algorithms"),
  listSigningKeys: (appId: AppId) => call<SigningKeyMeta[]>("list_signing_keys", { appId }),
  addSigningKey: (input: SigningKeyInput) => write<SigningKeyMeta>(["secrets"], "add_signing_key", { input }),
  retireSigningKey: (id: SigningKeyId) => write<SigningKeyMeta>(["secrets"], "retire_signing_key", { id }),
  reactivateSigningKey: (id: SigningKeyId) => write<SigningKeyMeta>(["secrets"], "reactivate_signing_key", { id }),
  deleteSigningKey: (id: SigningKeyId) => write<null>(["secrets"], "delete_signing_key", { id }),
  copyPublicJwk: (id: SigningKeyId) => call<CopyStarted>("copy_public_jwk", { id }),
  copyJwks: (appId: AppId) => call<CopyStarted>("copy_jwks", { appId }),
  listClientCerts: (appId: AppId) => call<ClientCertMeta[]>("list_client_certs", { appId }),
  addClientCert: (input: ClientCertInput) => write<CertAdded>(["secrets"], "add_client_cert", { input }),
  retireClientCert: (id: ClientCertId) => write<ClientCertMeta>(["secrets"], "retire_client_cert", { id }),
  reactivateClientCert: (id: ClientCertId) => write<ClientCertMeta>(["secrets"], "reactivate_client_cert", { id }),
  deleteClientCert: (id: ClientCertId) => write<null>(["secrets"], "delete_client_cert", { id }),
  copyCertJwk: (id: ClientCertId) => call<CopyStarted>("copy_cert_jwk", { id }),
  certificateBinding: (appId: AppId, fields: Field[]) =>
    call<CertBinding | null>("certificate_binding", { appId, fields }),

  tokenStatuses: (environmentId: EnvironmentId) => call<TokenStatus[]>("token_statuses", { environmentId }),
  tokenDetails: (appId: AppId) => call<TokenDetails>("token_details", { appId }),
  getToken: (appId: AppId, input: TokenRequestInput) =>
    write<TokenStatus>(["tokens", "secrets"], "get_token", { appId, input }),
  introspectToken: (appId: AppId) => call<Introspection>("introspect_token", { appId }),
  tokenInfo: (appId: AppId) => call<TokenInfo>("token_info", { appId }),
  revokeToken: (appId: AppId) => write<TokenStatus>(["tokens"], "revoke_token", { appId }),
  forgetToken: (appId: AppId) => write<TokenStatus>(["tokens"], "forget_token", { appId }),
  setAutoRenew: (appId: AppId, on: boolean) => write<TokenStatus>(["tokens", "apps"], "set_auto_renew", { appId, on }),
  exchangeToken: exchange,
  copyToken: (appId: AppId) => call<CopyStarted>("copy_token", { appId }),
  appBinding: (appId: AppId) => call<AppBinding>("app_binding", { appId }),
  setDpop: (appId: AppId, on: boolean) => write<AppBinding>(["apps"], "set_dpop", { appId, on }),
  setDpopAlg: (appId: AppId, alg: KeyAlg) => write<AppBinding>(["apps", "tokens"], "set_dpop_alg", { appId, alg }),
  setPar: (appId: AppId, on: boolean) => write<AppBinding>(["apps"], "set_par", { appId, on }),
  discover: (issuer: string) => call<Discovery>("discover", { issuer }),
  startupMarks: () => call<StartupMarks>("startup_marks"),
  takeOpenRequest: () => call<OpenedApp | null>("take_open_request"),
  providerProfiles: () => call<ProfileDescription[]>("provider_profiles"),
  profileEndpoints: (profile: ProviderProfile, values: [string, string][]) =>
    call<Endpoints>("profile_endpoints", { profile, values }),
  callApi: (request: ApiRequest) => write<ApiResponse>(["tokens", "secrets"], "call_api", { request }),
  copyCurl: (request: ApiRequest, withToken: boolean) => call<CopyStarted>("copy_curl", { request, withToken }),
  startLogin: (appId: AppId, input: LoginInput) => call<LoginStarted>("start_login", { appId, input }),
  startDeviceLogin: (appId: AppId, input: LoginInput) => call<DeviceLoginStarted>("start_device_login", { appId, input }),
  cancelLogin: (loginId: string) => call<null>("cancel_login", { loginId }),
  openLoginUrl: (loginId: string) => call<null>("open_login_url", { loginId }),
  copyLoginUrl: (loginId: string) => call<CopyStarted>("copy_login_url", { loginId }),

  suggestedExportPath: () => call<string | null>("suggested_export_path"),
  exportSetup: (path: string, overwrite: boolean) => call<ExportSummary>("export_setup", { path, overwrite }),
  previewImport: (path: string) => call<ImportReport>("preview_import", { path }),
  // the system's file dialogs, opened by the backend; null when the user cancels
  exportWithDialog: () => call<ExportSummary | null>("export_with_dialog"),
  previewWithDialog: () => call<ChosenImport | null>("preview_with_dialog"),
  auditLog: (query: AuditQuery) => call<AuditEntry[]>("audit_log", { query }),
  applyImport: (path: string, confirmedProduction: string[]) =>
    write<ImportReport>(["environments", "apps", "settings", "tokens"], "apply_import", { path, confirmedProduction }),
  getConnector: (environmentId: EnvironmentId) => call<Connector | null>("get_connector", { environmentId }),
  setConnector: (environmentId: EnvironmentId, connector: Connector | null) =>
    write<Connector | null>(["environments"], "set_connector", { environmentId, connector }),
  listRemoteApps: (environmentId: EnvironmentId) => call<RemoteApp[]>("list_remote_apps", { environmentId }),
  createRemoteApp: (environmentId: EnvironmentId, fields: RemoteFields, defaultScopes: string[]) =>
    write<RemoteCreated>(["apps", "secrets", "environments"], "create_remote_app", { environmentId, fields, defaultScopes }),
  importRemoteApp: (environmentId: EnvironmentId, remoteId: string) =>
    write<ClientApp>(["apps", "environments"], "import_remote_app", { environmentId, remoteId }),
  remoteLink: (appId: AppId) => call<RemoteLink | null>("remote_link", { appId }),
  remoteDrift: (appId: AppId) => call<FieldDrift[]>("remote_drift", { appId }),
  pullRemote: (appId: AppId) => write<ClientApp>(["apps"], "pull_remote", { appId }),
  pushRemote: (appId: AppId) => call<RemoteApp>("push_remote", { appId }),
  deleteRemoteApp: (appId: AppId, revokeFirst: boolean) =>
    write<RemoteDeleted>(["apps", "secrets", "tokens", "environments"], "delete_remote_app", { appId, revokeFirst }),

  teamOfEnvironment: (environmentId: EnvironmentId) => call<TeamBadge | null>("team_of_environment", { environmentId }),
  // the backend announces what it changed when the set-up moved on (store-changed)
  watchTeam: (environmentId: EnvironmentId) => call<TeamWatch>("watch_team", { environmentId }),
  signInTeam: (team: string, username: string | null, credential: string) =>
    call<null>("sign_in_team", { team, username, credential }),
  signInTeamOidc: (team: string) => call<boolean>("sign_in_team_oidc", { team }),
  cancelTeamSignIn: (team: string) => call<null>("cancel_team_sign_in", { team }),
  // asked of the vault once per set-up version the window has seen, and after a sign-in
  teamPermissions: (environmentId: EnvironmentId) => call<TeamPermissions>("team_permissions", { environmentId }),
};
