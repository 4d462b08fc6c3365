// The one place that listens to backend events.
import { listen } from "@tauri-apps/api/event";
import type { QueryClient } from "@tanstack/react-query";
import { useEffect, useLayoutEffect, useRef } from "react";
import type { CallbackRefused } from "../bindings/CallbackRefused";
import type { ClipboardCleared } from "../bindings/ClipboardCleared";
import type { StoreChanged } from "../bindings/StoreChanged";
import type { StoreScope } from "../bindings/StoreScope";
import type { LoginFinished } from "../bindings/LoginFinished";
import type { TokenRenewed } from "../bindings/TokenRenewed";
import { EVENTS } from "../bindings/ipc";
import type { OpenedApp } from "../bindings/OpenedApp";
import { api, setAfterWrite } from "./client";
import { invalidateScope } from "./queries";

/**
 * Keeps cached server state fresh: every backend write (ours or the CLI's) announces which scope
 * changed, and the matching queries are invalidated. Events are merged: the refetch waits until
 * `quietMs` pass without another event, but never longer than `maxWaitMs`, so a bulk import of
 * thousands of apps refetches the list about once a second instead of once per app.
 */
export function useStoreEvents(client: QueryClient, quietMs = 120, maxWaitMs = 1000): void {
  // our own writes refresh at once (see api/client.ts); the events cover everyone else's
  useEffect(() => {
    setAfterWrite(async (scopes) => {
      await Promise.all(scopes.map((scope) => invalidateScope(client, scope)));
    });
    return () => {
      setAfterWrite(null);
    };
  }, [client]);
  useEffect(() => {
    const pending = new Set<StoreScope>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let firstAt = 0;
    const flush = () => {
      timer = null;
      const scopes = [...pending];
      pending.clear();
      for (const scope of scopes) void invalidateScope(client, scope);
    };
    const unlisten = listen<StoreChanged>(EVENTS.storeChanged, (event) => {
      pending.add(event.payload.scope);
      const now = Date.now();
      if (timer === null) firstAt = now;
      else clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - now)));
    });
    return () => {
      if (timer !== null) clearTimeout(timer);
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [client, quietMs, maxWaitMs]);
}

/** What each backend event carries. */
interface Payloads {
  [EVENTS.clipboardCleared]: ClipboardCleared;
  [EVENTS.tokenRenewed]: TokenRenewed;
  [EVENTS.loginFinished]: LoginFinished;
  [EVENTS.callbackRefused]: CallbackRefused;
}

/**
 * Calls `handler` with the payload of each backend event `name` while the component is mounted.
 * One subscription for the component's life, calling whichever `handler` the last render gave:
 * subscribing again when the handler changes (a parent's new callbacks at each render) left a
 * gap of an IPC round trip, the old listener gone and the new one not yet registered with the
 * backend, in which an event was lost (a sign-in's dialog stayed open, signed in).
 */
function useBackendEvent<Name extends keyof Payloads>(name: Name, handler: (payload: Payloads[Name]) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const unlisten = listen<Payloads[Name]>(name, (event) => {
      latest.current(event.payload);
    });
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [name]);
}

/** Calls `onCleared` when a copy countdown ends. */
export function useClipboardCleared(onCleared: (event: ClipboardCleared) => void): void {
  useBackendEvent(EVENTS.clipboardCleared, onCleared);
}

/** Calls `onRenewed` after each automatic token renewal (or its failure). */
export function useTokenRenewed(onRenewed: (event: TokenRenewed) => void): void {
  useBackendEvent(EVENTS.tokenRenewed, onRenewed);
}

/** Calls `onFinished` when a browser or device login ends (signed in, cancelled or failed). */
export function useLoginFinished(onFinished: (event: LoginFinished) => void): void {
  useBackendEvent(EVENTS.loginFinished, onFinished);
}

/** Calls `onRefused` each time a browser login's listener refuses a callback (the login goes on). */
export function useCallbackRefused(onRefused: (event: CallbackRefused) => void): void {
  useBackendEvent(EVENTS.callbackRefused, onRefused);
}

/**
 * Calls `onOpen` with each app a launch asked to show (`authdeck open APP`): the one this app
 * was started with, then each one a later launch, a notification or the tray hands over (the
 * tray's "Sign in…" with its action). The request waits in the backend until taken, so one
 * made before the listener was up is taken once it is.
 */
export function useOpenRequests(onOpen: (opened: OpenedApp) => void, onError: (reason: unknown) => void): void {
  useEffect(() => {
    const take = () => {
      api.takeOpenRequest().then((opened) => {
        if (opened) onOpen(opened);
      }, onError);
    };
    const unlisten = listen(EVENTS.openRequested, take);
    void unlisten.then(take);
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [onOpen, onError]);
}
