import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { invoke } from "@tauri-apps/api/core";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { SecretMeta } from "../bindings/SecretMeta";
import { AppForm } from "./AppForm";
import { SecretRow } from "./SecretRow";
import { SecretsPanel } from "./SecretsPanel";
import { ToastProvider } from "./Toasts";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

const secret: SecretMeta = {
  id: "s-1",
  app_id: "a-1",
  label: "CI runner",
  provider_created_at: null,
  added_at: "2026-11-20T10:00:00Z",
  fingerprint: "1111",
  last_verified_at: null,
  last_used_at: null,
  state: "active",
  age_days: 2,
  rotation_due: false,
};
const app: ClientApp = {
  id: "a-1",
  environment_id: "e-1",
  display_name: "Billing sync",
  client_id: "billing-sbx-123",
  client_type: "confidential",
  auth_method: "client_secret_basic",
  description: "",
  logo_uri: null,
  redirect_uris: ["http://127.0.0.1/callback"],
  logout_urls: [],
  web_origins: [],
  default_scopes: [],
  labels: [],
  link: null,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
};
const environment: Environment = {
  id: "e-1",
  name: "Sandbox",
  kind: "sandbox",
  color: "#2f80ed",
  endpoints: {
    issuer_url: null,
    authorization_url: null,
    token_url: null,
    token_info_url: null,
    introspection_url: null,
    revocation_url: null,
    api_base_url: null,
  },
  rotation_days: 90,
  app_count: 1,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
};

function wrap(node: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ToastProvider>{node}</ToastProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  invokeMock.mockReset();
});

describe("SecretRow", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows a revealed value only until hide_after_seconds have passed", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    invokeMock.mockResolvedValue({ value: "sbx-secret-Alpha-1111", hide_after_seconds: 10 });
    wrap(<SecretRow secret={secret} rotationDays={90} onCopy={vi.fn()} onRetire={vi.fn()} onReactivate={vi.fn()} onDelete={vi.fn()} onError={vi.fn()} />);
    await userEvent.click(screen.getByTestId("secret-reveal"));
    expect(await screen.findByTestId("secret-revealed")).toHaveTextContent("sbx-secret-Alpha-1111");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_500);
    });
    expect(screen.queryByTestId("secret-revealed")).toBeNull();
    expect(document.body.textContent).not.toContain("sbx-secret-Alpha-1111");
  });

  it("warns when a secret is past the rotation policy", () => {
    wrap(<SecretRow secret={{ ...secret, age_days: 120, rotation_due: true }} rotationDays={90} onCopy={vi.fn()} onRetire={vi.fn()} onReactivate={vi.fn()} onDelete={vi.fn()} onError={vi.fn()} />);
    expect(screen.getByTestId("secret-rotation-warning")).toHaveTextContent("120 days old — past the 90-day rotation policy");
  });
});

describe("AppForm", () => {
  it("shows the backend's message next to the field it belongs to", async () => {
    invokeMock.mockImplementation((command) =>
      Promise.resolve(
        command === "validate_app"
          ? [{ field: "redirect_uris.0", message: "Plain http redirect URIs are allowed only on loopback" }]
          : null,
      ),
    );
    wrap(<AppForm app={app} environmentId="e-1" onSaved={vi.fn()} onCancel={vi.fn()} />);
    expect(await screen.findByTestId("field-error-redirect_uris.0")).toHaveTextContent("allowed only on loopback");
    expect(screen.queryByTestId("field-error-client_id")).toBeNull();
  });

  it("forces auth method none for a public client", async () => {
    invokeMock.mockResolvedValue([]);
    wrap(<AppForm app={null} environmentId="e-1" onSaved={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.selectOptions(screen.getByTestId("app-client-type"), "public");
    expect(screen.getByTestId("app-auth-method")).toHaveValue("none");
    expect(screen.getByTestId("app-auth-method")).toBeDisabled();
  });
});

describe("SecretsPanel", () => {
  it("explains why the last active secret cannot be deleted", async () => {
    const message = "This is the last active secret of “Billing sync”, so it cannot be deleted. Add the new secret first, then retire or delete this one.";
    invokeMock.mockImplementation((command) => {
      if (command === "list_secrets") return Promise.resolve([secret]);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the backend rejects with IpcError objects
      if (command === "delete_secret") return Promise.reject({ code: "last_secret", message, field: null });
      return Promise.resolve(null);
    });
    wrap(<SecretsPanel app={app} environment={environment} onCopy={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("secret-delete"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(screen.getByTestId("action-error")).toHaveTextContent(message);
    });
    expect(screen.getByTestId("secret-row")).toBeInTheDocument();
  });
});
