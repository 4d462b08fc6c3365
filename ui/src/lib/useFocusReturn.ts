import { useCallback, useEffect, useRef } from "react";

/**
 * A button disabled while its action runs loses the keyboard focus, and the user's place with
 * it (Tab starts over, Escape no longer reaches the dialog). Call the returned function when an
 * action starts; when `busy` turns false again the element that had focus gets it back, unless
 * the user has since put the focus somewhere else.
 */
export function useFocusReturn(busy: boolean): () => void {
  const trigger = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (busy) return;
    const element = trigger.current;
    trigger.current = null;
    const lost = document.activeElement === null || document.activeElement === document.body || document.activeElement === element;
    if (element?.isConnected && lost) element.focus();
  }, [busy]);
  return useCallback(() => {
    trigger.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, []);
}
