import { useEffect, useRef } from "react";
import { useToast } from "../components/Toasts";
import { actionTitle, type AppAction, type AppRequest } from "./palette";

interface Options<A extends AppAction> {
  appId: string;
  appName: string;
  /** The actions this panel runs; a request for another is left to another panel. */
  actions: readonly A[];
  request: AppRequest | null | undefined;
  onRequestTaken: ((serial: number) => void) | undefined;
  /** Whether the panel knows enough (its data loaded) to run or refuse an action. */
  ready: boolean;
  /** Why `action` cannot run now, in its button's words; null when it can. */
  refusal: (action: A) => string | null;
  /** The action's own handler: the one its button calls. */
  perform: Record<A, () => void>;
}

/**
 * Runs a command palette request in the panel that owns the action, once the panel is ready:
 * its button's handler (so a production confirmation asks exactly as the button does), or a
 * toast saying why it cannot run now. Each request is taken once.
 */
export function usePaletteRequest<A extends AppAction>({ appId, appName, actions, request, onRequestTaken, ready, refusal, perform }: Options<A>) {
  const toast = useToast();
  // this render's handlers, read when the request is taken (they change every render)
  const latest = useRef({ refusal, perform, actions });
  useEffect(() => {
    latest.current = { refusal, perform, actions };
  });
  const taken = useRef<number | null>(null);
  useEffect(() => {
    if (!request || request.appId !== appId || !ready || taken.current === request.serial) return;
    const action = latest.current.actions.find((own) => own === request.action);
    if (action === undefined) return;
    taken.current = request.serial;
    onRequestTaken?.(request.serial);
    const why = latest.current.refusal(action);
    if (why === null) latest.current.perform[action]();
    else toast(`${actionTitle(action)} for “${appName}”: ${why}`, "error");
  }, [request, appId, appName, ready, onRequestTaken, toast]);
}
