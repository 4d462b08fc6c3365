import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { ClipboardProvider } from "../components/Clipboard";
import { ProblemsProvider } from "../components/Problems";
import { ToastProvider } from "../components/Toasts";

/** Renders `node` inside the same providers main.tsx uses, with a fresh query cache. */
export function renderWithProviders(node: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const result = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <ProblemsProvider>
          <ClipboardProvider>{node}</ClipboardProvider>
        </ProblemsProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, client };
}
