import { QueryClient } from "@tanstack/react-query";
import { invalidateScope, keysForScope } from "./queries";

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
