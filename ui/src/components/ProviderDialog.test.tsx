import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RemoteApp } from "../bindings/RemoteApp";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, secret, summaryOf, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ProviderDialog } from "./ProviderDialog";
import { RemotePanel } from "./RemotePanel";

const admin = clientApp({ id: "admin", display_name: "Admin", client_id: "admin-client" });
const remoteApp = (overrides: Partial<RemoteApp> = {}): RemoteApp => ({
  remote_id: "oauthApps/app0001",
  client_id: "c-1",
  fields: { display_name: "Made elsewhere", description: "", logo_uri: null, redirect_uris: [], logout_urls: [], web_origins: [], labels: [] },
  created_by: "users/ops",
  updated_by: "users/ops",
  create_time: "2026-11-23T10:00:00Z",
  update_time: "2026-11-23T10:00:00Z",
  local_app_id: null,
  ...overrides,
});

describe("ProviderDialog", () => {
  it("saves a connector, lists the provider's apps and imports one", async () => {
    const backend = fakeBackend({
      get_connector: () => null,
      list_apps: () => [summaryOf(admin), summaryOf(clientApp({ id: "pub", display_name: "Mobile", client_type: "public" }))],
      set_connector: (args) => args.connector,
      list_remote_apps: () => [remoteApp()],
      import_remote_app: () => clientApp({ id: "imported" }),
    });
    renderWithProviders(<ProviderDialog environment={environment()} onClose={vi.fn()} onOpenApp={vi.fn()} />);
    await userEvent.selectOptions(await screen.findByTestId("connector-kind"), "oauth_apps");
    await userEvent.type(screen.getByTestId("connector-base-url"), "https://api.example.com");
    const apps = screen.getByTestId("connector-auth-app");
    expect(within(apps).queryByText("Mobile")).toBeNull();
    await userEvent.selectOptions(apps, "admin");
    await userEvent.click(screen.getByTestId("connector-save"));
    expect(backend.callsOf("set_connector")).toEqual([
      {
        environmentId: "env-sbx",
        connector: { environment_id: "env-sbx", kind: "oauth_apps", base_url: "https://api.example.com", auth_app_id: "admin" },
      },
    ]);
    await userEvent.click(await screen.findByTestId("remote-load"));
    const row = await screen.findByTestId("remote-row");
    expect(row).toHaveTextContent("Made elsewhere");
    await userEvent.click(within(row).getByTestId("remote-import"));
    expect(backend.callsOf("import_remote_app")).toEqual([{ environmentId: "env-sbx", remoteId: "oauthApps/app0001" }]);
    expect(await within(row).findByText("In Authdeck")).toBeInTheDocument();
  });

  it("creates an app at the provider and offers its secret once for copying", async () => {
    const created = clientApp({ id: "new", display_name: "Billing", client_id: "c-9" });
    const backend = fakeBackend({
      get_connector: () => ({ environment_id: "env-sbx", kind: "oauth_apps", base_url: "https://api.example.com", auth_app_id: "admin" }),
      list_apps: () => [summaryOf(admin)],
      create_remote_app: () => ({ app: created, remote: remoteApp({ client_id: "c-9", local_app_id: "new" }), secret: secret({ id: "s-9" }) }),
      copy_secret: () => ({ clear_after_seconds: 30 }),
    });
    renderWithProviders(<ProviderDialog environment={environment()} onClose={vi.fn()} onOpenApp={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("remote-create-open"));
    expect(screen.getByTestId("remote-create-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("remote-display_name"), "Billing");
    await userEvent.type(screen.getByTestId("remote-redirect_uris"), "https://app.example.com/cb{enter}https://app.example.com/cb2");
    await userEvent.type(screen.getByTestId("remote-labels"), "team=billing, tier=gold");
    await userEvent.type(screen.getByTestId("remote-scopes"), "read write");
    await userEvent.click(screen.getByTestId("remote-create-submit"));
    expect(backend.callsOf("create_remote_app")).toEqual([
      {
        environmentId: "env-sbx",
        fields: {
          display_name: "Billing",
          description: "",
          logo_uri: null,
          redirect_uris: ["https://app.example.com/cb", "https://app.example.com/cb2"],
          logout_urls: [],
          web_origins: [],
          labels: ["team=billing", "tier=gold"],
        },
        defaultScopes: ["read", "write"],
      },
    ]);
    expect(await screen.findByTestId("remote-created")).toHaveTextContent("went straight into the keychain");
    await userEvent.click(screen.getByTestId("remote-secret-copy"));
    expect(backend.callsOf("copy_secret")).toEqual([{ id: "s-9" }]);
  });

  it("shows the provider's refusal in words", async () => {
    fakeBackend({
      get_connector: () => ({ environment_id: "env-sbx", kind: "oauth_apps", base_url: "https://api.example.com", auth_app_id: "admin" }),
      list_apps: () => [summaryOf(admin)],
      list_remote_apps: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "provider", field: null, message: "api.example.com refused the list of apps: the connector's app may not manage apps (HTTP 403)." };
      },
    });
    renderWithProviders(<ProviderDialog environment={environment()} onClose={vi.fn()} onOpenApp={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("remote-load"));
    expect(await screen.findByTestId("provider-error")).toHaveTextContent("may not manage apps (HTTP 403)");
  });
});

describe("RemotePanel", () => {
  const link = {
    app_id: "app-1",
    kind: "oauth_apps",
    remote_id: "oauthApps/app0001",
    created_by: "users/ops",
    updated_by: null,
    create_time: "2026-11-23T10:00:00Z",
    update_time: null,
    synced_at: "2026-11-23T10:00:00Z",
  };

  it("shows nothing for an app that is not linked", async () => {
    const backend = fakeBackend({ remote_link: () => null, token_details: () => ({ status: tokenStatus({ none: true }), jwt: null, id_claims: null }) });
    renderWithProviders(<RemotePanel app={clientApp()} environment={environment()} onDeleted={vi.fn()} />);
    await vi.waitFor(() => { expect(backend.callsOf("remote_link")).toHaveLength(1); });
    expect(screen.queryByTestId("remote-panel")).toBeNull();
  });

  it("compares with the provider and sends the local fields", async () => {
    const backend = fakeBackend({
      remote_link: () => link,
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null, id_claims: null }),
      remote_drift: () => [{ field: "description", local: "here", remote: "there" }],
      push_remote: () => remoteApp(),
    });
    renderWithProviders(<RemotePanel app={clientApp()} environment={environment()} onDeleted={vi.fn()} />);
    expect(await screen.findByTestId("remote-id")).toHaveTextContent("oauthApps/app0001");
    await userEvent.click(screen.getByTestId("remote-compare"));
    const drift = await screen.findByTestId("remote-drift");
    expect(drift).toHaveTextContent("Descriptionherethere");
    await userEvent.click(screen.getByTestId("remote-push"));
    expect(backend.callsOf("push_remote")).toEqual([{ appId: "app-1" }]);
    expect(await screen.findByTestId("remote-in-sync")).toBeInTheDocument();
  });

  it("says issued tokens stay valid and revokes first only where it can", async () => {
    const backend = fakeBackend({
      remote_link: () => link,
      token_details: () => ({ status: tokenStatus(), jwt: null, id_claims: null }),
      delete_remote_app: () => ({ token_revoked: false, app_deleted: { keychain_entries_removed: 2 } }),
    });
    const onDeleted = vi.fn();
    renderWithProviders(<RemotePanel app={clientApp()} environment={environment()} onDeleted={onDeleted} />);
    await userEvent.click(await screen.findByTestId("remote-delete"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("Tokens it already issued stay valid");
    expect(screen.getByTestId("remote-revoke-first")).toBeDisabled();
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(backend.callsOf("delete_remote_app")).toEqual([{ appId: "app-1", revokeFirst: false }]);
    await vi.waitFor(() => { expect(onDeleted).toHaveBeenCalled(); });
  });
});
