// Query keys in one place, and the hooks the components read server state through.
import { useQueries, useQuery, type QueryClient } from "@tanstack/react-query";
import type { AppSummary } from "../bindings/AppSummary";
import type { AppId } from "../bindings/AppId";
import type { EnvironmentId } from "../bindings/EnvironmentId";
import type { FirstScreen } from "../bindings/FirstScreen";
import type { StoreScope } from "../bindings/StoreScope";
import { mark } from "../lib/marks";
import { api } from "./client";

export const keys = {
  environments: ["environments"] as const,
  settings: ["settings"] as const,
  appInfo: ["app-info"] as const,
  apps: (environmentId: EnvironmentId) => ["apps", environmentId] as const,
  app: (id: AppId) => ["app", id] as const,
  /** Under the app's key, so whatever refreshes the app refreshes it. */
  binding: (id: AppId) => ["app", id, "binding"] as const,
  linked: (id: AppId) => ["linked", id] as const,
  secrets: (appId: AppId) => ["secrets", appId] as const,
  /** Under "secrets", so a change of the secrets scope refreshes them too. */
  signingKeys: (appId: AppId) => ["secrets", appId, "signing-keys"] as const,
  clientCerts: (appId: AppId) => ["secrets", appId, "client-certs"] as const,
  keyAlgorithms: ["key-algorithms"] as const,
  tokens: (environmentId: EnvironmentId) => ["tokens", environmentId] as const,
  token: (appId: AppId) => ["token", appId] as const,
  audit: ["audit"] as const,
  authMethods: (environmentId: EnvironmentId) => ["auth-methods", environmentId] as const,
  /** The team vault an environment is shared through (null: a local one). */
  team: (environmentId: EnvironmentId) => ["team", environmentId] as const,
  /** What the last look at a team environment's set-up in its vault found. */
  vault: (environmentId: EnvironmentId) => ["vault", environmentId] as const,
  /**
   * What the member's vault policy allows in a team environment. Under the secrets' key: a
   * moved-on set-up and a new sign-in are each announced as a secrets change, and either may
   * bring another answer.
   */
  teamPermissions: (environmentId: EnvironmentId) => ["secrets", "team-permissions", environmentId] as const,
};

/** Which cached queries a change of `scope` makes stale. */
export function keysForScope(scope: StoreScope): readonly (readonly string[])[] {
  switch (scope) {
    case "environments":
      // a changed issuer may list other client authentication methods
      return [keys.environments, ["linked"], ["auth-methods"], ["team"]];
    case "apps":
      return [["apps"], ["app"], ["linked"], ["tokens"], ["token"]];
    case "secrets":
      return [["secrets"]];
    case "settings":
      return [keys.settings];
    case "tokens":
      return [["tokens"], ["token"]];
  }
}

export async function invalidateScope(client: QueryClient, scope: StoreScope): Promise<void> {
  await Promise.all(keysForScope(scope).map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** The settings and environment queries, as the hooks ask them and the first screen's prefetch fills them. */
const settingsQuery = { queryKey: keys.settings, queryFn: () => api.getSettings() };
const environmentsQuery = { queryKey: keys.environments, queryFn: () => api.listEnvironments() };

/**
 * Puts what the first screen needs into the cache before React renders it, from one
 * `first_screen` round trip (the settings, the environments, the active environment's apps and
 * team vault) that `index.html` asks for before the bundle has loaded (`asked`; asked here when
 * it did not). The hooks below find the settings and environments in flight, and the apps and
 * team already there when those arrive, so no hook asks again. If the combined call fails,
 * each part is asked for on its own, so a failure shows where it did before (a failing app
 * list in the list, not as the whole window's error).
 */
export async function prefetchFirstScreen(client: QueryClient, asked: Promise<FirstScreen> = api.firstScreen()): Promise<void> {
  const screen = asked.then(
    (answer) => {
      mark("first-screen-answered");
      const active = answer.settings.active_environment_id;
      // before the settings and environments resolve: the render that shows them finds these
      if (active !== null && answer.apps !== null) {
        client.setQueryData(keys.apps(active), answer.apps);
        client.setQueryData(keys.team(active), answer.team);
      }
      return answer;
    },
    () => null,
  );
  const leftToTheHooks = () => undefined;
  await Promise.all([
    client.query({ ...settingsQuery, queryFn: async () => (await screen)?.settings ?? settingsQuery.queryFn() }).catch(leftToTheHooks),
    client.query({ ...environmentsQuery, queryFn: async () => (await screen)?.environments ?? environmentsQuery.queryFn() }).catch(leftToTheHooks),
  ]);
}

export const useEnvironments = () => useQuery(environmentsQuery);
export const useSettings = () => useQuery(settingsQuery);
export const useAppInfo = () => useQuery({ queryKey: keys.appInfo, queryFn: api.appInfo, staleTime: Infinity });

export const useApps = (environmentId: EnvironmentId | null) =>
  useQuery({
    queryKey: keys.apps(environmentId ?? ""),
    queryFn: () => api.listApps(environmentId ?? ""),
    enabled: environmentId !== null,
  });

/**
 * The apps of each of `environmentIds` (the command palette's), one list_apps each and shared
 * with the app list's cache; undefined for a list not loaded yet. Fetched only when `enabled`.
 */
export function useAppsOf(environmentIds: readonly EnvironmentId[], enabled: boolean): (AppSummary[] | undefined)[] {
  return useQueries({
    queries: environmentIds.map((id) => ({ queryKey: keys.apps(id), queryFn: () => api.listApps(id), enabled })),
    combine: dataOf,
  });
}

// one function for every render, so the combined lists are recomputed only when one changes
const dataOf = <T,>(results: readonly { data: T | undefined }[]) => results.map((result) => result.data);

export const useApp = (id: AppId | null) =>
  useQuery({ queryKey: keys.app(id ?? ""), queryFn: () => api.getApp(id ?? ""), enabled: id !== null });

export const useLinkedApps = (id: AppId | null) =>
  useQuery({ queryKey: keys.linked(id ?? ""), queryFn: () => api.linkedApps(id ?? ""), enabled: id !== null });

export const useSecrets = (appId: AppId | null) =>
  useQuery({
    queryKey: keys.secrets(appId ?? ""),
    queryFn: () => api.listSecrets(appId ?? ""),
    enabled: appId !== null,
  });

export const useSigningKeys = (appId: AppId) =>
  useQuery({ queryKey: keys.signingKeys(appId), queryFn: () => api.listSigningKeys(appId) });
export const useClientCerts = (appId: AppId) =>
  useQuery({ queryKey: keys.clientCerts(appId), queryFn: () => api.listClientCerts(appId) });
/** The algorithms a key can be generated for: core's list, the same for the whole run. */
export const useKeyAlgorithms = () =>
  useQuery({ queryKey: keys.keyAlgorithms, queryFn: api.keyAlgorithms, staleTime: Infinity });

/** Every app's token status in an environment (the overview). */
export const useTokenStatuses = (environmentId: EnvironmentId | null) =>
  useQuery({
    queryKey: keys.tokens(environmentId ?? ""),
    queryFn: () => api.tokenStatuses(environmentId ?? ""),
    enabled: environmentId !== null,
  });

/** One app's token status, with its decoded JWT when it is one. */
export const useTokenDetails = (appId: AppId | null) =>
  useQuery({ queryKey: keys.token(appId ?? ""), queryFn: () => api.tokenDetails(appId ?? ""), enabled: appId !== null });

/** How an app's tokens are bound (DPoP) and its authorization requests sent (PAR). */
export const useAppBinding = (appId: AppId | null) =>
  useQuery({ queryKey: keys.binding(appId ?? ""), queryFn: () => api.appBinding(appId ?? ""), enabled: appId !== null });

/** The client authentication methods the app form offers in an environment (by its metadata). */
export const useAuthMethods = (environmentId: EnvironmentId) =>
  useQuery({ queryKey: keys.authMethods(environmentId), queryFn: () => api.authMethods(environmentId) });
/** What the member's vault policy allows in a team environment; nothing is asked for a local one. */
export const useTeamPermissions = (environmentId: EnvironmentId, shared: boolean) =>
  useQuery({
    queryKey: keys.teamPermissions(environmentId),
    queryFn: () => api.teamPermissions(environmentId),
    enabled: shared,
    // asked again only when a secrets change is announced, not on every mount
    staleTime: Infinity,
  });
export const useTeam = (environmentId: EnvironmentId | null) =>
  useQuery({
    queryKey: keys.team(environmentId ?? ""),
    queryFn: () => api.teamOfEnvironment(environmentId ?? ""),
    enabled: environmentId !== null,
  });
