import { QueryClient } from "@tanstack/react-query";
import { fakeBackend } from "../test/backend";
import { environment, settings } from "../test/fixtures";
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
  it("asks for the environments and settings at once, then the active environment's apps, all into the cache", async () => {
    const backend = fakeBackend({
      list_environments: () => [environment({ id: "env-sbx" })],
      get_settings: () => settings({ active_environment_id: "env-sbx" }),
      list_apps: () => [],
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    const done = prefetchFirstScreen(client);
    // both asked before any answer came
    expect(backend.calls.map((call) => call.command)).toEqual(["list_environments", "get_settings"]);
    await done;
    expect(backend.calls.map((call) => call.command)).toEqual(["list_environments", "get_settings", "list_apps"]);
    expect(backend.callsOf("list_apps")).toEqual([{ environmentId: "env-sbx" }]);
    expect(client.getQueryData(keys.apps("env-sbx"))).toEqual([]);
    expect(client.getQueryData(keys.environments)).toHaveLength(1);
  });

  it("asks for no apps without an active environment, or when the settings cannot be read", async () => {
    const none = fakeBackend({ list_environments: () => [], get_settings: () => settings({ active_environment_id: null }) });
    await prefetchFirstScreen(new QueryClient({ defaultOptions: { queries: { retry: false } } }));
    expect(none.callsOf("list_apps")).toEqual([]);

    const refused = fakeBackend({
      list_environments: () => [],
      get_settings: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store_corrupt", message: "the store is damaged", field: null };
      },
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await prefetchFirstScreen(client);
    expect(refused.callsOf("list_apps")).toEqual([]);
    // left to the window's own query, which shows it
    expect(client.getQueryState(keys.settings)?.status).toBe("error");
  });
});
