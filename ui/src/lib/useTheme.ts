import { useCallback, useEffect, useState } from "react";

export type Theme = "light" | "dark";

const query = "(prefers-color-scheme: dark)";
const systemTheme = (): Theme =>
  typeof window.matchMedia === "function" && window.matchMedia(query).matches ? "dark" : "light";

/**
 * The theme follows the system until the user toggles it; the choice is kept in memory only
 * (no webview storage at all in this app).
 */
export function useTheme(): [Theme, () => void] {
  const [system, setSystem] = useState<Theme>(systemTheme);
  const [chosen, setChosen] = useState<Theme | null>(null);

  useEffect(() => {
    if (typeof window.matchMedia !== "function") return;
    const media = window.matchMedia(query);
    const follow = (event: MediaQueryListEvent) => {
      setSystem(event.matches ? "dark" : "light");
    };
    media.addEventListener("change", follow);
    return () => {
      media.removeEventListener("change", follow);
    };
  }, []);

  const theme = chosen ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const toggle = useCallback(() => {
    setChosen(theme === "dark" ? "light" : "dark");
  }, [theme]);
  return [theme, toggle];
}
