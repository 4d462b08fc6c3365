import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
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

describe("AppDetail in a team environment", () => {
  const removal = {
    fields: [{ client_id: "billing-sbx-123", app: "Billing sync", field: "app", mine: null, theirs: '{"description":"hourly"}' }],
    theirs_written_at: "2026-12-01T05:02:11Z",
  };
  const conflict = (conflicts: unknown) => ({ code: "setup_conflict", message: "Another member changed the same field.", field: null, conflicts });
  const panels = (app: () => ClientApp) => ({
    get_app: () => app(),
    linked_apps: () => [],
    token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
    list_secrets: () => [],
    app_binding: () => ({ dpop: false, jkt: null, par: false }),
    remote_link: () => null,
    validate_app: () => [],
  });
  const publicApp = (overrides: Partial<ClientApp> = {}) => clientApp({ client_type: "public", auth_method: "none", ...overrides });

  async function askToDelete() {
    await userEvent.click(await screen.findByTestId("app-delete"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    return screen.findByTestId("setup-conflict-dialog");
  }

  it("shows a removal's conflict in the conflict dialog, and deleting with yours sends the choice", async () => {
    const onClosed = vi.fn();
    let tries = 0;
    const backend = fakeBackend({
      ...panels(() => publicApp()),
      delete_app: () => {
        tries += 1;
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        if (tries === 1) throw conflict(removal);
        return { keychain_entries_removed: 0 };
      },
    });
    renderWithProviders(<AppDetail appId="app-1" environment={environment()} onOpenLinked={() => undefined} onClosed={onClosed} />);
    const dialog = await askToDelete();
    expect(within(dialog).getByTestId("setup-conflict")).toHaveTextContent("“Billing sync” (billing-sbx-123): the whole app");
    expect(within(dialog).getByTestId("setup-conflict-theirs-value")).toHaveTextContent('{"description":"hourly"}');
    expect(screen.queryByTestId("action-error")).toBeNull();
    await userEvent.click(within(dialog).getByTestId("setup-conflict-mine"));
    await userEvent.click(within(dialog).getByTestId("setup-conflict-save"));
    await waitFor(() => { expect(onClosed).toHaveBeenCalled(); });
    const calls = backend.callsOf("delete_app");
    expect(calls).toHaveLength(2);
    expect(calls[0]?.choices).toBeUndefined();
    expect(calls[1]?.choices).toEqual({ all: null, each: [{ client_id: "billing-sbx-123", field: "app", side: "mine" }] });
    expect(screen.queryByTestId("setup-conflict-dialog")).toBeNull();
  });

  it("keeps the app when theirs is chosen for a removal: nothing more is deleted", async () => {
    const onClosed = vi.fn();
    const backend = fakeBackend({
      ...panels(() => publicApp()),
      delete_app: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw conflict(removal);
      },
    });
    renderWithProviders(<AppDetail appId="app-1" environment={environment()} onOpenLinked={() => undefined} onClosed={onClosed} />);
    const dialog = await askToDelete();
    await userEvent.click(within(dialog).getByTestId("setup-conflict-theirs"));
    await userEvent.click(within(dialog).getByTestId("setup-conflict-save"));
    await waitFor(() => { expect(screen.queryByTestId("setup-conflict-dialog")).toBeNull(); });
    expect(backend.callsOf("delete_app")).toHaveLength(1);
    expect(onClosed).not.toHaveBeenCalled();
    expect(screen.getByTestId("app-detail")).toBeInTheDocument();
  });

  it("keeps the form's conflict dialog and draft open through a refresh of the app, and theirs then wins", async () => {
    let app = publicApp({ description: "", updated_at: "2026-12-01T05:00:00Z" });
    let tries = 0;
    const backend = fakeBackend({
      ...panels(() => app),
      update_app: (args) => {
        tries += 1;
        if (tries === 1) {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
          throw conflict({
            fields: [{ client_id: app.client_id, app: app.display_name, field: "description", mine: '"nightly"', theirs: '"hourly"' }],
            theirs_written_at: null,
          });
        }
        return { ...app, ...(args.input as object) };
      },
    });
    const { client } = renderWithProviders(<AppDetail appId="app-1" environment={environment()} onOpenLinked={() => undefined} onClosed={() => undefined} />);
    await userEvent.type(await screen.findByTestId("app-description"), "nightly");
    await userEvent.click(screen.getByTestId("app-save"));
    await screen.findByTestId("setup-conflict-dialog");

    // the team watch follows the vault: the app here now holds the other member's value
    app = { ...app, description: "hourly", updated_at: "2026-12-01T05:02:11Z" };
    await client.invalidateQueries();
    await waitFor(() => { expect(backend.callsOf("get_app").length).toBeGreaterThan(1); });
    await screen.findByText("hourly", { selector: ".detail-description" });
    const dialog = screen.getByTestId("setup-conflict-dialog");
    expect(screen.getByTestId("app-description")).toHaveValue("nightly");

    await userEvent.click(within(dialog).getByTestId("setup-conflict-theirs"));
    await userEvent.click(within(dialog).getByTestId("setup-conflict-save"));
    await waitFor(() => { expect(backend.callsOf("update_app")).toHaveLength(2); });
    const second = backend.callsOf("update_app")[1];
    expect((second?.input as { description: string }).description).toBe("hourly");
    expect(second?.choices).toEqual({ all: null, each: [{ client_id: app.client_id, field: "description", side: "theirs" }] });
  });
});
