import { screen, waitFor } from "@testing-library/react";
import type { ClientApp } from "../bindings/ClientApp";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, secret, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { AppDetail } from "./AppDetail";

describe("AppDetail", () => {
  it("asks for the token, the secrets and the binding with the app, not once it has arrived", async () => {
    let answer: (app: ClientApp) => void = () => undefined;
    const app = clientApp({ id: "app-1" });
    const backend = fakeBackend({
      // held until the test answers: the panels are not drawn before
      get_app: () => new Promise<ClientApp>((resolve) => { answer = resolve; }),
      linked_apps: () => [],
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      list_secrets: () => [secret({ app_id: "app-1", label: "main" })],
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
      remote_link: () => null,
    });
    renderWithProviders(<AppDetail appId="app-1" environment={environment()} onOpenLinked={() => undefined} onClosed={() => undefined} />);
    await waitFor(() => { expect(backend.callsOf("get_app")).toEqual([{ id: "app-1" }]); });
    expect(backend.callsOf("token_details")).toEqual([{ appId: "app-1" }]);
    expect(backend.callsOf("list_secrets")).toEqual([{ appId: "app-1" }]);
    expect(backend.callsOf("app_binding")).toEqual([{ appId: "app-1" }]);
    expect(screen.getByLabelText("Loading the app")).toHaveAttribute("aria-busy", "true");

    answer(app);
    // shown from the cache: no second round trip for what was asked with the app
    expect(await screen.findByTestId("app-detail")).toBeInTheDocument();
    await screen.findByText("main");
    expect(backend.callsOf("list_secrets")).toHaveLength(1);
    expect(backend.callsOf("app_binding")).toHaveLength(1);
  });

  const detailOf = async (app: ClientApp, secrets: ReturnType<typeof secret>[]) => {
    fakeBackend({
      get_app: () => app,
      linked_apps: () => [],
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      list_secrets: () => secrets,
      list_signing_keys: () => [],
      list_client_certs: () => [],
      key_algorithms: () => ["ES256"],
      app_binding: () => ({ dpop: false, jkt: null, par: false }),
      remote_link: () => null,
    });
    renderWithProviders(<AppDetail appId={app.id} environment={environment()} onOpenLinked={() => undefined} onClosed={() => undefined} />);
    return screen.findByTestId("app-detail");
  };
  /** The credential panels' test ids in the order the detail shows them. */
  const panelOrder = (detail: HTMLElement) =>
    Array.from(detail.querySelectorAll("[data-testid=keys-panel], [data-testid=certs-panel], .secrets-panel")).map(
      (panel) => panel.getAttribute("data-testid") ?? "secrets",
    );

  it("shows a private_key_jwt app's signing keys first, and an empty secrets panel as one line saying why", async () => {
    const detail = await detailOf(clientApp({ auth_method: "private_key_jwt" }), []);
    const unused = await screen.findByTestId("secrets-unused");
    expect(unused).toHaveTextContent(
      "Client secrets — not used: this app authenticates with private_key_jwt, not a client secret. Switching its auth method in Settings brings them back.",
    );
    expect(screen.queryByTestId("secret-add")).toBeNull();
    expect(screen.queryByTestId("secrets-empty")).toBeNull();
    await screen.findByTestId("keys-empty");
    expect(panelOrder(detail)).toEqual(["keys-panel", "secrets"]);
  });

  it("collapses the secrets an mTLS app still holds under a line saying why, its certificates first", async () => {
    const app = clientApp({ auth_method: "tls_client_auth" });
    const detail = await detailOf(app, [secret({ app_id: app.id, label: "old" })]);
    const collapsed = await screen.findByTestId("secrets-collapsed");
    expect(collapsed).not.toHaveAttribute("open");
    expect(collapsed.querySelector("summary")).toHaveTextContent(
      "Client secrets (1) — not used: this app authenticates with tls_client_auth, not a client secret.",
    );
    expect(collapsed).toHaveTextContent("old");
    await screen.findByTestId("certs-empty");
    expect(panelOrder(detail)).toEqual(["certs-panel", "secrets"]);
  });

  it("keeps the secrets panel open and first for an app that uses a secret, client_secret_jwt too", async () => {
    const detail = await detailOf(clientApp({ auth_method: "client_secret_jwt" }), []);
    expect(await screen.findByTestId("secrets-empty")).toBeInTheDocument();
    expect(screen.getByTestId("secret-add")).toBeInTheDocument();
    expect(screen.queryByTestId("secrets-unused")).toBeNull();
    expect(screen.queryByTestId("secrets-collapsed")).toBeNull();
    expect(panelOrder(detail)).toEqual(["secrets"]);
  });
});
