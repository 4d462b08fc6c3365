// The one place that listens to backend events.
import { listen } from "@tauri-apps/api/event";
import type { QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { ClipboardCleared } from "../bindings/ClipboardCleared";
import type { StoreChanged } from "../bindings/StoreChanged";
import { EVENTS } from "../bindings/ipc";
import { invalidateScope } from "./queries";

/** Keeps cached server state fresh: every backend write announces which scope changed. */
export function useStoreEvents(client: QueryClient): void {
  useEffect(() => {
    const unlisten = listen<StoreChanged>(EVENTS.storeChanged, (event) => {
      void invalidateScope(client, event.payload.scope);
    });
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [client]);
}

/** Calls `onCleared` when a copy countdown ends. */
export function useClipboardCleared(onCleared: (event: ClipboardCleared) => void): void {
  useEffect(() => {
    const unlisten = listen<ClipboardCleared>(EVENTS.clipboardCleared, (event) => {
      onCleared(event.payload);
    });
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [onCleared]);
}
