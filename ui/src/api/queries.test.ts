import { QueryClient } from "@tanstack/react-query";
import { fakeBackend } from "../test/backend";
import type { AppSummary } from "../bindings/AppSummary";
import type { FirstScreen } from "../bindings/FirstScreen";
import { clientApp, environment, settings, summaryOf } from "../test/fixtures";
import { invalidateScope, keys, keysForScope, prefetchFirstScreen } from "./queries";

describe("store-changed invalidation", () => {
  it("maps each scope to the queries it makes stale", () => {
    expect(keysForScope("secrets")).toEqual([["secrets"]]);
    expect(keysForScope("settings")).toEqual([["settings"]]);
    expect(keysForScope("apps")).toEqual([["apps"], ["app"], ["linked"], ["tokens"], ["token"]]);
    expect(keysForScope("tokens")).toEqual([["tokens"], ["token"]]);
    expect(keysForScope("environments")).toEqual([["environments"], ["linked"], ["auth-methods"], ["team"]]);
  });

  it("marks only the matching cached queries stale", async () => {
    const client = new QueryClient();
    client.setQueryData(["secrets", "app-1"], []);
    client.setQueryData(["apps", "env-1"], []);
    await invalidateScope(client, "secrets");
    expect(client.getQueryState(["secrets", "app-1"])?.isInvalidated).toBe(true);
    expect(client.getQueryState(["apps", "env-1"])?.isInvalidated).toBe(false);
  });
});

describe("the first screen's data", () => {
  const screen = (active: string | null, apps: AppSummary[] | null): FirstScreen => ({
    settings: settings({ active_environment_id: active }),
    environments: active === null ? [] : [environment({ id: active })],
    apps,
    team: apps === null ? null : { team: "acme", method: "token", username: null },
  });

  it("puts one first_screen answer into the cache: settings, environments, and the active environment's apps and team", async () => {
    const backend = fakeBackend({ first_screen: () => screen("env-sbx", [summaryOf(clientApp({ id: "app-1" }))]) });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    await prefetchFirstScreen(client);
    expect(backend.calls.map((call) => call.command)).toEqual(["first_screen"]);
    expect(client.getQueryData(keys.settings)).toEqual(settings({ active_environment_id: "env-sbx" }));
    expect(client.getQueryData(keys.environments)).toEqual([environment({ id: "env-sbx" })]);
    expect(client.getQueryData(keys.apps("env-sbx"))).toEqual([summaryOf(clientApp({ id: "app-1" }))]);
    expect(client.getQueryData(keys.team("env-sbx"))).toEqual({ team: "acme", method: "token", username: null });
  });

  it("takes an answer asked for before the bundle ran, and asks nothing itself", async () => {
    const backend = fakeBackend({});
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    await prefetchFirstScreen(client, Promise.resolve(screen(null, null)));
    expect(backend.calls).toEqual([]);
    expect(client.getQueryData(keys.settings)).toEqual(settings({ active_environment_id: null }));
    expect(client.getQueryData(keys.environments)).toEqual([]);
  });

  it("has the apps in the cache before the settings resolve, so the render that shows them asks for nothing", async () => {
    fakeBackend({ first_screen: () => screen("env-sbx", []) });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    const seen: unknown[] = [];
    const done = prefetchFirstScreen(client);
    await client.query({ queryKey: keys.settings, queryFn: () => settings() }).then(() => {
      seen.push(client.getQueryData(keys.apps("env-sbx")));
    });
    await done;
    expect(seen).toEqual([[]]);
  });

  it("asks for each part on its own when first_screen fails, so each failure shows where it did", async () => {
    const refused = fakeBackend({
      first_screen: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store_corrupt", message: "the store is damaged", field: null };
      },
      list_environments: () => [environment({ id: "env-sbx" })],
      get_settings: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store_corrupt", message: "the settings are damaged", field: null };
      },
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await prefetchFirstScreen(client);
    expect(refused.calls.map((call) => call.command).sort()).toEqual(["first_screen", "get_settings", "list_environments"]);
    expect(client.getQueryData(keys.environments)).toEqual([environment({ id: "env-sbx" })]);
    // left to the window's own query, which shows it
    expect(client.getQueryState(keys.settings)?.status).toBe("error");
    expect(client.getQueryState(keys.settings)?.error).toEqual({ code: "store_corrupt", message: "the settings are damaged", field: null });
  });
});
