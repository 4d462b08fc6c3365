import { QueryClient } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import { listen, type EventCallback } from "@tauri-apps/api/event";
import type { StoreChanged } from "../bindings/StoreChanged";
import { useStoreEvents } from "./events";
import { keys } from "./queries";

const listenMock = vi.mocked(listen);

function listening() {
  const handlers = new Map<string, EventCallback<StoreChanged>>();
  listenMock.mockImplementation((event, handler) => {
    handlers.set(event, handler);
    return Promise.resolve(() => undefined);
  });
  return (scope: StoreChanged["scope"]) => {
    handlers.get("store-changed")?.({ event: "store-changed", id: 1, payload: { scope } });
  };
}

describe("useStoreEvents", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("invalidates exactly the queries of the scope the backend says changed", async () => {
    vi.useFakeTimers();
    const emit = listening();
    const client = new QueryClient();
    client.setQueryData(keys.secrets("app-1"), []);
    client.setQueryData(keys.apps("env-1"), []);
    client.setQueryData(keys.app("app-1"), null);
    client.setQueryData(keys.environments, []);
    client.setQueryData(keys.settings, null);
    renderHook(() => {
      useStoreEvents(client);
    });

    emit("apps");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(120);
    });

    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
    expect(stale(keys.apps("env-1"))).toBe(true);
    expect(stale(keys.app("app-1"))).toBe(true);
    expect(stale(keys.secrets("app-1"))).toBe(false);
    expect(stale(keys.environments)).toBe(false);
    expect(stale(keys.settings)).toBe(false);
  });

  it("merges a burst of events into one invalidation per scope", async () => {
    vi.useFakeTimers();
    const emit = listening();
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    renderHook(() => {
      useStoreEvents(client);
    });
    for (let n = 0; n < 500; n++) {
      emit("apps");
      emit("environments");
    }
    expect(invalidate).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(120);
    });
    // apps → apps, app, linked, tokens, token; environments → environments, linked, auth-methods, team
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      ["apps"],
      ["app"],
      ["linked"],
      ["tokens"],
      ["token"],
      ["environments"],
      ["linked"],
      ["auth-methods"],
      ["team"],
    ]);
  });

  it("during a continuous stream of writes still refreshes about once a second", async () => {
    vi.useFakeTimers();
    const emit = listening();
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    renderHook(() => {
      useStoreEvents(client);
    });
    // one write every 50 ms for 3 seconds: never 120 ms of quiet
    for (let n = 0; n < 60; n++) {
      emit("secrets");
      await act(async () => {
        await vi.advanceTimersByTimeAsync(50);
      });
    }
    // refreshed at 1 s, 2 s and 3 s; the last write (2.95 s) is in the 3 s refresh
    expect(invalidate).toHaveBeenCalledTimes(3);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    expect(invalidate).toHaveBeenCalledTimes(3);
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
