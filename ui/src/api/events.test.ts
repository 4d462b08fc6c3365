import { QueryClient } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import { listen, type EventCallback } from "@tauri-apps/api/event";
import type { StoreChanged } from "../bindings/StoreChanged";
import { useStoreEvents } from "./events";
import { keys } from "./queries";

vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
const listenMock = vi.mocked(listen);

describe("useStoreEvents", () => {
  it("invalidates exactly the queries of the scope the backend says changed", async () => {
    const handlers = new Map<string, EventCallback<StoreChanged>>();
    listenMock.mockImplementation((event, handler) => {
      handlers.set(event, handler);
      return Promise.resolve(() => undefined);
    });
    const client = new QueryClient();
    client.setQueryData(keys.secrets("app-1"), []);
    client.setQueryData(keys.apps("env-1"), []);
    client.setQueryData(keys.app("app-1"), null);
    client.setQueryData(keys.environments, []);
    client.setQueryData(keys.settings, null);
    renderHook(() => {
      useStoreEvents(client);
    });

    const handler = handlers.get("store-changed");
    expect(handler).toBeDefined();
    handler?.({ event: "store-changed", id: 1, payload: { scope: "apps" } });
    await Promise.resolve();

    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
    expect(stale(keys.apps("env-1"))).toBe(true);
    expect(stale(keys.app("app-1"))).toBe(true);
    expect(stale(keys.secrets("app-1"))).toBe(false);
    expect(stale(keys.environments)).toBe(false);
    expect(stale(keys.settings)).toBe(false);
  });

  it("stops listening when unmounted", async () => {
    const unlisten = vi.fn();
    listenMock.mockResolvedValue(unlisten);
    const { unmount } = renderHook(() => {
      useStoreEvents(new QueryClient());
    });
    unmount();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});
