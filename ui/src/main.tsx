import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import type { FirstScreen } from "./bindings/FirstScreen";
import { prefetchFirstScreen } from "./api/queries";
import { ClipboardProvider } from "./components/Clipboard";
import { ProblemsProvider } from "./components/Problems";
import { ToastProvider } from "./components/Toasts";
import { markOnce } from "./lib/marks";
import "./styles.css";

markOnce("script");

// The backend announces every change (store-changed), so cached data is fresh until then.
const client = new QueryClient({
  defaultOptions: { queries: { staleTime: Infinity, retry: false, refetchOnWindowFocus: false } },
});

// index.html asked for the first screen before this bundle loaded; its answer goes to the cache
// while React renders the first time (asked now if it did not: a page without Tauri's IPC)
const early = (window as { __AUTHDECK_FIRST_SCREEN__?: Promise<FirstScreen> }).__AUTHDECK_FIRST_SCREEN__;
void prefetchFirstScreen(client, early);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <ToastProvider>
          <ProblemsProvider>
            <ClipboardProvider>
              <App />
            </ClipboardProvider>
          </ProblemsProvider>
        </ToastProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
