import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import type { Settings } from "./bindings/Settings";
import { fakeBackend, type Handlers } from "./test/backend";
import { clientApp, environment, secret, settings as settingsOf, summaryOf, tokenStatus } from "./test/fixtures";
import { renderWithProviders } from "./test/render";
import { loadTheRest } from "./later";

// The detail and the dialogs are chunks the window loads once its list is shown; these tests
// open them at once, so they are loaded first (their loading behind Suspense is not the subject).
beforeAll(async () => {
  await loadTheRest();
});

const sandbox = environment({ id: "env-sbx", name: "Sandbox", app_count: 1 });
const production = environment({ id: "env-prd", name: "Production", kind: "production", color: "#d64545", app_count: 1 });
const sbxApp = clientApp({ id: "app-sbx", environment_id: "env-sbx", client_id: "billing-sbx-123" });
const prdApp = clientApp({ id: "app-prd", environment_id: "env-prd", client_id: "billing-prd-456" });

/** Two environments with a linked "Billing sync" in each; the active one can be switched. */
function twoEnvironments(extra: Handlers = {}) {
  let settings: Settings = settingsOf({ active_environment_id: "env-sbx" });
  return fakeBackend({
    list_environments: () => [production, sandbox],
    get_settings: () => settings,
    set_active_environment: (args) => {
      settings = { ...settings, active_environment_id: args.id as string };
      return settings;
    },
    list_apps: (args) => (args.environmentId === "env-sbx" ? [summaryOf(sbxApp)] : [summaryOf(prdApp)]),
    get_app: (args) => (args.id === "app-sbx" ? sbxApp : prdApp),
    linked_apps: (args) =>
      args.id === "app-sbx"
        ? [{ app_id: "app-prd", environment_id: "env-prd", environment_name: "Production", environment_kind: "production", display_name: "Billing sync" }]
        : [{ app_id: "app-sbx", environment_id: "env-sbx", environment_name: "Sandbox", environment_kind: "sandbox", display_name: "Billing sync" }],
    list_secrets: () => [],
    validate_app: () => [],
    ...extra,
  });
}

describe("App", () => {
  it("greets a first run and has no environment to switch to", async () => {
    fakeBackend({ list_environments: () => [], get_settings: () => settingsOf({ active_environment_id: null }) });
    renderWithProviders(<App />);
    expect(await screen.findByTestId("welcome")).toHaveTextContent("Welcome to Authdeck");
    expect(screen.getByTestId("env-switcher")).toHaveValue("");
    expect(screen.queryByTestId("env-banner")).toBeNull();
  });

  it("shows a store that cannot be opened as a banner with what to do, not a blank window", async () => {
    const message = "The data in /home/u/.local/share/authdeck was written by a newer Authdeck (schema 9; this one knows 3).";
    fakeBackend({
      list_environments: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store_too_new", message, field: null };
      },
      get_settings: () => settingsOf(),
    });
    renderWithProviders(<App />);
    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent(message);
    expect(banner).toHaveTextContent("Install that version; your data was not changed.");
    expect(screen.getByTestId("env-switcher")).toBeInTheDocument();
  });

  it("switching environment opens the linked app there, and production is marked", async () => {
    const backend = twoEnvironments();
    renderWithProviders(<App />);
    await userEvent.click(await screen.findByText("Billing sync", { selector: ".app-row-name" }));
    expect(await screen.findByTestId("app-detail")).toHaveTextContent("billing-sbx-123");
    expect(screen.queryByTestId("env-banner")).toBeNull();

    await userEvent.selectOptions(screen.getByTestId("env-switcher"), "env-prd");
    await waitFor(() => {
      expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-prd-456");
    });
    expect(screen.getByTestId("env-banner")).toHaveTextContent("Production — changes here affect live systems");
    expect(screen.getByTestId("status-environment")).toHaveTextContent("Production · 1 app");
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-prd" }]);

    // and back through the linked-app button
    await userEvent.click(await screen.findByTestId("linked-app"));
    await waitFor(() => {
      expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-sbx-123");
    });
    expect(screen.queryByTestId("env-banner")).toBeNull();
  });

  it("shows the chosen environment's apps without waiting for the store to record the switch", async () => {
    let recorded: (settings: Settings) => void = () => undefined;
    const backend = twoEnvironments({
      set_active_environment: (args) =>
        new Promise<Settings>((resolve) => {
          recorded = resolve;
          expect(args.id).toBe("env-prd");
        }),
    });
    renderWithProviders(<App />);
    await screen.findByText("billing-sbx-123");

    await userEvent.selectOptions(screen.getByTestId("env-switcher"), "env-prd");
    expect(await screen.findByText("billing-prd-456")).toBeInTheDocument();
    expect(screen.queryByText("billing-sbx-123")).toBeNull();
    expect(screen.getByTestId("env-switcher")).toHaveValue("env-prd");
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-prd" }]);

    // the store's answer stands
    act(() => {
      recorded(settingsOf({ active_environment_id: "env-prd" }));
    });
    await waitFor(() => {
      expect(backend.callsOf("get_settings")).toHaveLength(2);
    });
    expect(screen.getByTestId("env-switcher")).toHaveValue("env-prd");
    expect(screen.getByText("billing-prd-456")).toBeInTheDocument();
  });

  it("goes back to the environment still active when the store refuses a switch, and says why", async () => {
    twoEnvironments({
      set_active_environment: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store", message: "the store is read-only", field: null };
      },
    });
    renderWithProviders(<App />);
    await screen.findByText("billing-sbx-123");

    await userEvent.selectOptions(screen.getByTestId("env-switcher"), "env-prd");
    expect(await screen.findByTestId("action-error")).toHaveTextContent("the store is read-only");
    await waitFor(() => {
      expect(screen.getByTestId("env-switcher")).toHaveValue("env-sbx");
    });
    expect(screen.getByText("billing-sbx-123")).toBeInTheDocument();
    expect(screen.queryByText("billing-prd-456")).toBeNull();
  });

  it("shows the app a launch asked for, at start and when a later launch hands over, switching environment", async () => {
    let requested: typeof sbxApp | null = prdApp;
    const backend = twoEnvironments({
      take_open_request: () => {
        const app = requested;
        requested = null;
        return app && { app, action: null };
      },
    });
    renderWithProviders(<App />);
    await waitFor(() => {
      expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-prd-456");
    });
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-prd" }]);

    requested = sbxApp;
    act(() => {
      backend.emit("open-requested", null);
    });
    await waitFor(() => {
      expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-sbx-123");
    });
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-prd" }, { id: "env-sbx" }]);
  });

  it("starts the sign-in of the app the tray asked to sign in, in that app's environment", async () => {
    const signable = { ...sandbox, endpoints: { ...sandbox.endpoints, authorization_url: "https://sandbox.example.com/oauth/authorize" } };
    let requested: { app: typeof sbxApp; action: "sign_in" } | null = null;
    const backend = twoEnvironments({
      list_environments: () => [production, signable],
      get_settings: () => settingsOf({ active_environment_id: "env-prd" }),
      token_details: () => ({ status: tokenStatus({ none: true }, { app_id: "app-sbx" }), jwt: null }),
      start_login: () => ({
        login_id: "login-1",
        app_id: "app-sbx",
        url: "https://sandbox.example.com/oauth/authorize?state=s",
        redirect_uri: "http://127.0.0.1:43123/callback",
        port: 43123,
        expires_at: new Date(Date.now() + 300_000).toISOString(),
      }),
      cancel_login: () => null,
      take_open_request: () => {
        const taken = requested;
        requested = null;
        return taken;
      },
    });
    renderWithProviders(<App />);
    await screen.findByTestId("env-switcher");
    requested = { app: sbxApp, action: "sign_in" };
    act(() => {
      backend.emit("open-requested", null);
    });
    await screen.findByTestId("login-dialog");
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-sbx" }]);
    expect(backend.callsOf("start_login")).toHaveLength(1);
    expect(backend.callsOf("start_login")[0]).toMatchObject({ appId: "app-sbx" });
  });

  it("refuses to delete an environment with apps in the backend's words, then cascades when asked", async () => {
    const refusal = "“Sandbox” still holds 1 app. Delete the apps first, or delete them with it.";
    const backend = twoEnvironments({
      delete_environment: (args) => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        if (args.withApps !== true) throw { code: "environment_not_empty", message: refusal, field: null };
        return { apps_removed: 1, keychain_entries_removed: 2 };
      },
    });
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    await userEvent.click(screen.getByTestId("env-delete"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("It still holds 1 client app");
    await userEvent.click(within(dialog).getByTestId("confirm-ok"));
    expect(await within(dialog).findByTestId("action-error")).toHaveTextContent(refusal);

    await userEvent.click(within(dialog).getByTestId("env-delete-with-apps"));
    expect(within(dialog).getByTestId("confirm-ok")).toHaveTextContent("Delete “Sandbox” and 1 app");
    await userEvent.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    });
    expect(backend.callsOf("delete_environment")).toEqual([
      { id: "env-sbx", withApps: false },
      { id: "env-sbx", withApps: true },
    ]);
    expect(screen.getByTestId("toast")).toHaveTextContent("Deleted “Sandbox”, 1 app and 2 keychain entries");
  });

  it("asks before deleting an app in production, saying it is production, then reports the keychain entries", async () => {
    const backend = twoEnvironments({ delete_app: () => ({ keychain_entries_removed: 2 }) });
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    await userEvent.selectOptions(screen.getByTestId("env-switcher"), "env-prd");
    await userEvent.click(await screen.findByText("Billing sync", { selector: ".app-row-name" }));
    await userEvent.click(await screen.findByTestId("app-delete"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("“Production” is a production environment");
    expect(dialog).toHaveTextContent("Tokens the provider already issued stay valid");
    await userEvent.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(screen.queryByTestId("app-detail")).toBeNull();
    });
    expect(backend.callsOf("delete_app")).toEqual([{ id: "app-prd" }]);
    expect(screen.getByTestId("toast")).toHaveTextContent("Deleted — 2 keychain entries removed");
  });

  it("switches between light and dark, starting from the system's preference", async () => {
    twoEnvironments();
    renderWithProviders(<App />);
    await screen.findByTestId("app-list");
    expect(document.documentElement.dataset.theme).toBe("light");
    await userEvent.click(screen.getByTestId("theme-toggle"));
    expect(document.documentElement.dataset.theme).toBe("dark");
  });

  it("lists every app's token state in the overview, opens an app from it, and follows automatic renewals", async () => {
    const now = Date.now();
    const other = clientApp({ id: "app-2", display_name: "Reports", client_id: "reports" });
    let billing = tokenStatus({ issued: now, expiresIn: 3600 });
    const backend = twoEnvironments({
      list_apps: () => [summaryOf(sbxApp), summaryOf(other)],
      get_app: (args) => (args.id === "app-2" ? other : sbxApp),
      linked_apps: () => [],
      token_statuses: () => [
        { ...billing, app_id: "app-sbx" },
        tokenStatus({ none: true }, { app_id: "app-2", app_name: "Reports" }),
      ],
      token_details: (args) => ({
        status: args.appId === "app-2" ? tokenStatus({ none: true }, { app_id: "app-2", app_name: "Reports" }) : billing,
        jwt: null,
      }),
    });
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    await userEvent.click(screen.getByTestId("tokens-overview-open"));
    const overview = screen.getByTestId("token-overview");
    await waitFor(() => {
      expect(within(overview).getAllByTestId("token-overview-row")).toHaveLength(2);
    });
    expect(overview).toHaveTextContent("1 valid · 1 no token");
    const rows = within(overview).getAllByTestId("token-overview-row");
    expect(rows[0]).toHaveAttribute("data-app-id", "app-sbx");
    expect(rows[0]).toHaveAttribute("data-state", "valid");
    expect(rows[0]).toHaveTextContent(/59:5\d left|1:00:00 left/);
    expect(rows[1]).toHaveAttribute("data-state", "none");

    // the backend renewed Billing sync's token, which now expires in 10 minutes
    const before = backend.callsOf("token_statuses").length;
    billing = tokenStatus({ issued: now, expiresIn: 600 });
    act(() => {
      backend.emit("token-renewed", { app_id: "app-sbx", app_name: "Billing sync", error: null });
    });
    expect(await screen.findByText("Renewed the token of “Billing sync”")).toBeInTheDocument();
    await waitFor(() => {
      expect(backend.callsOf("token_statuses").length).toBeGreaterThan(before);
    });
    await waitFor(() => {
      expect(within(overview).getAllByTestId("token-overview-row")[0]).toHaveTextContent(/9:5\d left|10:00 left/);
    });

    await userEvent.click(rows[1] as HTMLElement);
    expect(screen.queryByTestId("token-overview")).toBeNull();
    expect(await screen.findByTestId("app-title")).toHaveTextContent("Reports");
    expect(await screen.findByTestId("token-state")).toHaveAttribute("data-state", "none");

    // the overview marks the app that is open
    await userEvent.click(screen.getByTestId("tokens-overview-open"));
    const again = await screen.findAllByTestId("token-overview-row");
    expect(again[1]).toHaveAttribute("aria-current", "true");
    expect(again[0]).not.toHaveAttribute("aria-current");
  });
});

describe("the command palette", () => {
  const openPalette = async () => {
    await userEvent.keyboard("{Control>}k{/Control}");
    return screen.findByRole("combobox", { name: "Search apps and commands" });
  };

  it("opens with Ctrl+K from the filter, finds an app of another environment, and Enter switches there and shows it", async () => {
    const backend = twoEnvironments();
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    const filter = screen.getByTestId("app-filter");
    filter.focus();
    const input = await openPalette();
    expect(input).toHaveFocus();
    // Escape closes it and the focus is back in the filter
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("palette")).toBeNull();
    expect(filter).toHaveFocus();

    await userEvent.type(await openPalette(), "prd-456");
    const [found] = await screen.findAllByTestId("palette-option");
    expect(found).toHaveTextContent("Billing syncbilling-prd-456Production");
    await userEvent.keyboard("{Enter}");
    await waitFor(() => {
      expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-prd-456");
    });
    expect(screen.queryByTestId("palette")).toBeNull();
    expect(backend.callsOf("set_active_environment")).toEqual([{ id: "env-prd" }]);
    expect(screen.getByTestId("env-banner")).toBeInTheDocument();
  });

  it("runs an app's action with its panel's own handler: a revoke in production asks first, naming production", async () => {
    const withRevocation = { ...production, endpoints: { ...production.endpoints, revocation_url: "https://id.example.com/revoke" } };
    const valid = tokenStatus({ issued: Date.now() }, { app_id: "app-prd" });
    const backend = twoEnvironments({
      list_environments: () => [withRevocation, sandbox],
      token_details: () => ({ status: valid, jwt: null }),
      revoke_token: () => ({ ...valid, state: "revoked" }),
    });
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    await userEvent.type(await openPalette(), "billing-prd");
    await screen.findByText("billing-prd-456");
    await userEvent.keyboard("{Tab}");
    expect(screen.getByTestId("palette-scope")).toHaveTextContent("Billing sync ›");
    await userEvent.keyboard("revoke{Enter}");

    const confirm = await screen.findByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent("Revoke the token of “Billing sync”?");
    expect(confirm).toHaveTextContent("“Production” is a production environment");
    expect(screen.getByTestId("app-detail")).toHaveTextContent("billing-prd-456");
    expect(backend.callsOf("revoke_token")).toEqual([]);
    await userEvent.click(within(confirm).getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(backend.callsOf("revoke_token")).toEqual([{ appId: "app-prd" }]);
    });
  });

  it("gets a token for the open app from its actions, and says why an action cannot run", async () => {
    let status = tokenStatus({ none: true }, { app_id: "app-sbx" });
    const backend = twoEnvironments({
      token_details: () => ({ status, jwt: null }),
      get_token: () => {
        status = tokenStatus({ issued: Date.now() }, { app_id: "app-sbx" });
        return status;
      },
    });
    renderWithProviders(<App />);
    await userEvent.click(await screen.findByText("Billing sync", { selector: ".app-row-name" }));
    await screen.findByTestId("token-state");
    // the open app's actions are listed without choosing it first
    await userEvent.type(await openPalette(), "get token");
    expect(screen.getAllByTestId("palette-option")[0]).toHaveTextContent("Get tokenBilling syncSandbox");
    await userEvent.keyboard("{Enter}");
    await waitFor(() => {
      expect(backend.callsOf("get_token")).toEqual([{ appId: "app-sbx", input: { scopes: [] } }]);
    });
    expect(await screen.findByText(/New token for “Billing sync”/)).toBeInTheDocument();

    await userEvent.type(await openPalette(), "introspect");
    await userEvent.keyboard("{Enter}");
    expect(await screen.findByText("Introspect token for “Billing sync”: Add an introspection endpoint to the environment first")).toBeInTheDocument();
    expect(backend.callsOf("introspect_token")).toEqual([]);
  });

  it("copies an app's first active secret through the clipboard's own path, and stays shut while a dialog is open", async () => {
    const backend = twoEnvironments({
      list_secrets: () => [secret({ id: "sec-retired", app_id: "app-sbx", state: "retired" }), secret({ id: "sec-active", app_id: "app-sbx" })],
      token_details: () => ({ status: tokenStatus({ none: true }, { app_id: "app-sbx" }), jwt: null }),
      copy_secret: () => ({ clear_after_seconds: 30 }),
      audit_log: () => [],
    });
    renderWithProviders(<App />);
    await screen.findByText("Billing sync", { selector: ".app-row-name" });
    await userEvent.type(await openPalette(), "billing-sbx");
    expect(await screen.findAllByTestId("palette-option")).toHaveLength(1);
    await userEvent.keyboard("{Tab}copy a secret{Enter}");
    await waitFor(() => {
      expect(backend.callsOf("copy_secret")).toEqual([{ id: "sec-active" }]);
    });
    expect(await screen.findByTestId("clipboard-countdown")).toHaveTextContent("“CI runner”");

    await userEvent.click(screen.getByTestId("audit-open"));
    await userEvent.keyboard("{Control>}k{/Control}");
    expect(screen.queryByTestId("palette")).toBeNull();
  });
});
