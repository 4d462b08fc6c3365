import type { AppBinding } from "../bindings/AppBinding";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, secret, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ClipboardCountdown } from "./Clipboard";
import { TokenPanel } from "./TokenPanel";

const withEndpoints = environment({
  endpoints: {
    issuer_url: null,
    authorization_url: null,
    token_url: "https://id.example.com/token",
    token_info_url: null,
    introspection_url: "https://id.example.com/introspect",
    revocation_url: null,
    api_base_url: null,
    device_authorization_url: null,
  },
});

const everyEndpoint = environment({
  endpoints: {
    issuer_url: "https://id.example.com",
    authorization_url: null,
    token_url: "https://id.example.com/token",
    token_info_url: "https://id.example.com/oauth/token/info",
    introspection_url: "https://id.example.com/introspect",
    revocation_url: "https://id.example.com/revoke",
    api_base_url: "https://api.example.com",
    device_authorization_url: null,
  },
});

describe("TokenPanel", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("does not copy a token Authdeck revoked", async () => {
    const status = tokenStatus({ issued: Date.now(), revoked: true }, { state: "revoked" });
    const backend = fakeBackend({ token_details: () => ({ status, jwt: null }), list_secrets: () => [] });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const copy = await screen.findByTestId("token-copy");
    expect(copy).toBeDisabled();
    expect(copy).toHaveAttribute("title", "This token was revoked at the provider: get a new one to copy it.");
    await userEvent.click(copy);
    expect(backend.callsOf("copy_token")).toEqual([]);
  });

  it("disables getting a token of a team app whose secrets the member's vault policy does not let them read", async () => {
    // the newest active secret is the one a token is minted with: its own path decides
    const values = (id: string) => `secret/data/authdeck/acme/sandbox/secrets/${id}`;
    const refusal = `Your vault policy does not allow reading ${values("sec-new")} (it needs “read” there).`;
    const may = { allowed: true, capability: "update", path: "secret/data/authdeck/acme/sandbox/setup", refusal: null };
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      list_secrets: () => [
        secret({ id: "sec-old", added_at: "2026-11-01T10:00:00Z" }),
        secret({ id: "sec-new", added_at: "2026-11-20T10:00:00Z" }),
        secret({ id: "sec-retired", added_at: "2026-11-25T10:00:00Z", state: "retired" }),
      ],
      team_of_environment: () => ({ team: "acme", method: "token", username: null }),
      team_permissions: () => ({
        change_setup: may,
        secrets: [
          { secret_id: "sec-old", read: { ...may, capability: "read", path: values("sec-old") }, remove: { ...may, capability: "delete" } },
          { secret_id: "sec-new", read: { allowed: false, capability: "read", path: values("sec-new"), refusal }, remove: { ...may, capability: "delete" } },
          { secret_id: "sec-retired", read: { ...may, capability: "read", path: values("sec-retired") }, remove: { ...may, capability: "delete" } },
        ],
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={withEndpoints} />);
    const get = await screen.findByTestId("token-get");
    await vi.waitFor(() => {
      expect(get).toBeDisabled();
    });
    expect(get).toHaveAttribute("title", refusal);
    await userEvent.click(get);
    expect(backend.callsOf("get_token")).toEqual([]);
  });

  it("shows the API base a token's answer named, and Try it sends there", async () => {
    const instance = "https://acme.my.salesforce.com";
    const status = tokenStatus({ issued: Date.now(), token: { api_base_url: instance } });
    fakeBackend({ token_details: () => ({ status, jwt: null }), list_secrets: () => [] });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-api-base")).toHaveTextContent(instance);
    await userEvent.click(screen.getByTestId("try-it-open"));
    const base = screen.getByTitle(`The API base the token’s answer named: ${instance}`);
    expect(base).toHaveTextContent(instance);
  });

  it("gets a token with the scopes typed for this request and shows what was granted against it", async () => {
    const now = Date.now();
    const granted = tokenStatus(
      { issued: now, expiresIn: 3600, token: { requested_scopes: ["read", "admin"], granted_scopes: ["read"] } },
      { scopes_missing: ["admin"] },
    );
    let current = tokenStatus({ none: true });
    const backend = fakeBackend({
      token_details: () => ({ status: current, jwt: null }),
      get_token: () => {
        current = granted;
        return granted;
      },
      list_secrets: () => [],
    });
    renderWithProviders(<TokenPanel app={clientApp({ default_scopes: ["read"] })} environment={withEndpoints} />);
    expect(await screen.findByTestId("token-state")).toHaveTextContent("No token");
    const scopes = screen.getByTestId("token-scopes-input");
    expect(scopes).toHaveValue("read");
    await userEvent.type(scopes, "  admin");
    await userEvent.click(screen.getByTestId("token-get"));
    expect(backend.callsOf("get_token")).toEqual([{ appId: "app-1", input: { scopes: ["read", "admin"] } }]);
    expect(await screen.findByTestId("token-scopes-missing")).toHaveTextContent("admin");
    expect(screen.getByTestId("token-state")).toHaveAttribute("data-state", "valid");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent(/^(59:59|1:00:00)$/);
  });

  it("shows the provider's refusal in the panel, word for word", async () => {
    const message =
      "The token request was refused by id.example.com (HTTP 401, invalid_client). Check the client ID and secret.";
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      get_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "provider", message, field: null };
      },
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={withEndpoints} />);
    await userEvent.click(await screen.findByTestId("token-get"));
    expect(await screen.findByTestId("token-error")).toHaveTextContent(message);
  });

  it("shows why an expired client certificate was not presented, as core says it", async () => {
    const message =
      "The client certificate “Certificate 2” of “Billing” (CN=short-lived) expired on 2026-12-01 08:50:03 UTC, and “Billing” has no other active certificate that is still valid, so nothing was sent. Add a new one (authdeck cert generate, or cert add with the certificate your provider issues), register it at the provider, then retire the expired one.";
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      get_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "not_configured", message, field: null };
      },
    });
    renderWithProviders(<TokenPanel app={clientApp({ auth_method: "self_signed_tls_client_auth" })} environment={withEndpoints} />);
    await userEvent.click(await screen.findByTestId("token-get"));
    expect(await screen.findByTestId("token-error")).toHaveTextContent(message);
  });

  it("introspects only where the environment has the endpoint, and shows active as the provider said", async () => {
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      introspect_token: () => ({
        active: false,
        fields: [{ name: "active", value: "false", note: null }],
        checked_at: new Date().toISOString(),
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={withEndpoints} />);
    expect(await screen.findByTestId("token-info")).toBeDisabled();
    expect(screen.getByTestId("token-revoke")).toBeDisabled();
    await userEvent.click(screen.getByTestId("token-introspect"));
    expect(await screen.findByTestId("introspection-active")).toHaveTextContent("Inactive");
    expect(backend.callsOf("introspect_token")).toEqual([{ appId: "app-1" }]);
  });

  it("labels a decoded JWT as unverified", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus({ issued: Date.now(), token: { is_jwt: true } }),
        jwt: { header: [{ name: "alg", value: "RS256", note: null }], claims: [{ name: "sub", value: "svc", note: null }] },
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={withEndpoints} />);
    const jwt = await screen.findByTestId("token-jwt");
    expect(jwt).toHaveTextContent("Unverified");
    expect(jwt).toHaveTextContent("RS256");
  });
});

describe("TokenPanel, live with the clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("turns expiring soon as the countdown enters the renewal window, then expired, without a refetch", async () => {
    const start = Date.parse("2026-11-23T10:00:00Z");
    vi.useFakeTimers({ shouldAdvanceTime: true, now: start });
    // 302 s left, a 300 s renewal window
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: start, expiresIn: 302, window: 300 }, { auto_renew: false }), jwt: null }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const state = await screen.findByTestId("token-state");
    expect(state).toHaveAttribute("data-state", "valid");
    expect(state).toHaveTextContent("Valid");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent(/^5:0[12]$/);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_000);
    });
    expect(screen.getByTestId("token-state")).toHaveAttribute("data-state", "expiring_soon");
    expect(screen.getByTestId("token-state")).toHaveTextContent("Expiring soon");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent(/^4:5\d$/);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(300_000);
    });
    expect(screen.getByTestId("token-state")).toHaveAttribute("data-state", "expired");
    expect(screen.getByTestId("token-state")).toHaveTextContent("Expired");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent("expired just now");
    expect(backend.callsOf("token_details")).toHaveLength(1);
  });
});

describe("TokenPanel, scopes", () => {
  it("shows the requested scopes as granted when the provider named none, and what it added", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus(
          { issued: Date.now(), token: { requested_scopes: ["read"], granted_scopes: null } },
          { scopes_added: [] },
        ),
        jwt: null,
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const granted = await screen.findByTestId("token-scopes-granted");
    expect(granted).toHaveTextContent("read");
    expect(granted.parentElement).toHaveTextContent("as requested");
    expect(screen.queryByTestId("token-scopes-missing")).toBeNull();
    expect(screen.queryByTestId("token-scopes-added")).toBeNull();
  });

  it("highlights scopes granted without being asked for", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus(
          { issued: Date.now(), token: { requested_scopes: ["read"], granted_scopes: ["read", "admin"] } },
          { scopes_added: ["admin"] },
        ),
        jwt: null,
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const added = await screen.findByTestId("token-scopes-added");
    expect(added).toHaveTextContent("admin");
    expect(added.querySelector(".scope-extra")).not.toBeNull();
    expect(screen.queryByTestId("token-scopes-missing")).toBeNull();
  });

  it("puts the app's default scopes back on request, and Enter in the field asks for the token", async () => {
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      get_token: () => tokenStatus({ issued: Date.now() }),
    });
    renderWithProviders(<TokenPanel app={clientApp({ default_scopes: ["read", "write"] })} environment={everyEndpoint} />);
    const input = await screen.findByTestId("token-scopes-input");
    expect(input).toHaveValue("read write");
    await userEvent.clear(input);
    await userEvent.click(screen.getByText("Reset to defaults"));
    expect(input).toHaveValue("read write");
    await userEvent.type(input, "{Enter}");
    expect(backend.callsOf("get_token")).toEqual([{ appId: "app-1", input: { scopes: ["read", "write"] } }]);
  });
});

describe("TokenPanel, actions", () => {
  it("asks before revoking, says so in production, then revokes and drops the stale introspection", async () => {
    let current = tokenStatus({ issued: Date.now() });
    const backend = fakeBackend({
      token_details: () => ({ status: current, jwt: null }),
      introspect_token: () => ({ active: true, fields: [{ name: "active", value: "true", note: null }], checked_at: new Date().toISOString() }),
      revoke_token: () => {
        current = tokenStatus({ issued: Date.now(), revoked: true });
        return current;
      },
    });
    const production = { ...everyEndpoint, kind: "production" as const, name: "Production" };
    renderWithProviders(<TokenPanel app={clientApp()} environment={production} />);
    await userEvent.click(await screen.findByTestId("token-introspect"));
    expect(await screen.findByTestId("introspection-active")).toHaveTextContent("Active");

    await userEvent.click(screen.getByTestId("token-revoke"));
    const confirm = screen.getByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent("“Production” is a production environment");
    expect(backend.callsOf("revoke_token")).toEqual([]);
    await userEvent.click(within(confirm).getByTestId("confirm-ok"));
    expect(backend.callsOf("revoke_token")).toEqual([{ appId: "app-1" }]);
    expect(await screen.findByText("Revoked", { selector: "[data-testid=token-state]" })).toHaveAttribute("data-state", "revoked");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent("revoked");
    expect(screen.getByTestId("token-revoke")).toBeDisabled();
    expect(screen.queryByTestId("token-result")).toBeNull();
  });

  it("cancelling the revocation sends nothing", async () => {
    const backend = fakeBackend({ token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }) });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    await userEvent.click(await screen.findByTestId("token-revoke"));
    await userEvent.click(screen.getByTestId("confirm-cancel"));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(backend.callsOf("revoke_token")).toEqual([]);
  });

  it("forgets the token locally, switches automatic renewal and copies with the clipboard countdown", async () => {
    let current = tokenStatus({ issued: Date.now() });
    const backend = fakeBackend({
      token_details: () => ({ status: current, jwt: null }),
      set_auto_renew: (args) => {
        current = { ...current, auto_renew: args.on as boolean };
        return current;
      },
      copy_token: () => ({ clear_after_seconds: 30 }),
      forget_token: () => {
        current = tokenStatus({ none: true });
        return current;
      },
    });
    renderWithProviders(
      <>
        <TokenPanel app={clientApp()} environment={everyEndpoint} />
        <ClipboardCountdown />
      </>,
    );
    const renew = await screen.findByTestId("token-auto-renew");
    expect(renew).toBeChecked();
    await userEvent.click(renew);
    expect(backend.callsOf("set_auto_renew")).toEqual([{ appId: "app-1", on: false }]);
    expect(await screen.findByTestId("token-auto-renew")).not.toBeChecked();

    await userEvent.click(screen.getByTestId("token-copy"));
    expect(backend.callsOf("copy_token")).toEqual([{ appId: "app-1" }]);
    expect(await screen.findByTestId("clipboard-countdown")).toHaveTextContent("Access token of “Billing sync” …wxyz on the clipboard");
    expect(screen.getByTestId("token-copy")).toHaveTextContent("Copied · 30 s");

    await userEvent.click(screen.getByTestId("token-forget"));
    expect(backend.callsOf("forget_token")).toEqual([{ appId: "app-1" }]);
    expect(await screen.findByText("No token", { selector: "[data-testid=token-state]" })).toHaveAttribute("data-state", "none");
    expect(screen.queryByTestId("token-copy")).toBeNull();
  });

  it("shows token info with everything it sent, and a busy button while asking", async () => {
    let answer: (value: unknown) => void = () => undefined;
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      token_info: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    await userEvent.click(await screen.findByTestId("token-info"));
    expect(screen.getByTestId("token-info")).toBeDisabled();
    expect(screen.getByTestId("token-info")).toHaveTextContent("Asking…");
    expect(screen.getByTestId("token-get")).toBeDisabled();
    await act(async () => {
      answer({
        resource_owner_id: null,
        scopes: ["read", "write"],
        expires_in_seconds: 598,
        application_uid: "basic-client",
        created_at: "2026-11-23T10:00:00Z",
        fields: [{ name: "expires_in", value: "598", note: null }],
        checked_at: new Date().toISOString(),
      });
      await Promise.resolve();
    });
    const info = await screen.findByTestId("token-info-result");
    expect(info).toHaveTextContent("basic-client");
    expect(info).toHaveTextContent("read write");
    expect(info).toHaveTextContent("9 min 58 s");
    expect(info).toHaveTextContent("expires_in");
    expect(screen.getByTestId("token-info")).toHaveTextContent("Token info");
    expect(backend.callsOf("token_info")).toEqual([{ appId: "app-1" }]);
  });

  it("says which endpoints the environment lacks, and cannot ask for a token without a token endpoint", async () => {
    fakeBackend({ token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }) });
    const bare = environment({ endpoints: { ...everyEndpoint.endpoints, token_url: null, token_info_url: null, revocation_url: null } });
    renderWithProviders(<TokenPanel app={clientApp()} environment={bare} />);
    expect(await screen.findByTestId("token-info")).toBeDisabled();
    expect(screen.getByTestId("token-get")).toBeDisabled();
    expect(screen.getByTestId("token-panel")).toHaveTextContent("has no token endpoint yet");
    expect(screen.getByTestId("token-info")).toHaveAttribute("title", "Add a token info endpoint to the environment first");
    expect(screen.getByTestId("token-panel")).toHaveTextContent(
      "“Sandbox” has no token info or revocation endpoint, so Token info and Revoke are off.",
    );
    expect(screen.getByTestId("token-introspect")).toBeEnabled();
  });

  it("says automatic renewal stopped, with the reason, and that Get new token resumes it", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus({ issued: Date.now(), token: { renew_error: "The token request was refused (invalid_client)." } }),
        jwt: null,
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const stopped = await screen.findByTestId("token-renew-error");
    expect(stopped).toHaveTextContent("The token request was refused (invalid_client).");
    expect(stopped).toHaveTextContent("“Get new token” tries again");
  });

  it("says automatic renewal is paused by an import, where the token endpoint now is, and how to resume", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus({ issued: Date.now(), expiresIn: 200 }, { renewal_paused: true, state: "expiring_soon" }),
        jwt: null,
        id_claims: null,
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-renewal-paused")).toHaveTextContent(
      "Automatic renewal paused: an import changed where “Sandbox” sends secrets and tokens (token endpoint: https://id.example.com/token). Get a token by hand to resume.",
    );
    expect(screen.queryByText("renewal due: Authdeck renews it now")).toBeNull();
  });

  it("for a public client offers sign-in instead of a client-credentials request, and says what each needs", async () => {
    fakeBackend({ token_details: () => ({ status: tokenStatus({ none: true }), jwt: null, id_claims: null }) });
    const app = clientApp({ client_type: "public", auth_method: "none" });
    const { unmount } = renderWithProviders(<TokenPanel app={app} environment={everyEndpoint} />);
    expect(await screen.findByText(/A public client gets its tokens by signing a user in/)).toBeInTheDocument();
    expect(screen.queryByTestId("token-get")).toBeNull();
    expect(screen.getByTestId("login-browser")).toBeDisabled();
    expect(screen.getByTestId("login-browser")).toHaveAttribute("title", "Add an authorization endpoint to the environment first");
    expect(screen.getByTestId("login-device")).toHaveAttribute("title", "Add a device authorization endpoint to the environment first");
    unmount();

    const signIn = environment({
      endpoints: { ...everyEndpoint.endpoints, authorization_url: "https://id.example.com/auth", device_authorization_url: "https://id.example.com/device/auth" },
    });
    renderWithProviders(<TokenPanel app={clientApp({ client_type: "public", auth_method: "none", redirect_uris: ["https://app.example.com/cb"] })} environment={signIn} />);
    expect(await screen.findByTestId("login-browser")).toBeDisabled();
    expect(screen.getByTestId("login-browser")).toHaveAttribute("title", "Add a loopback redirect URI such as http://127.0.0.1/callback to the app first");
    expect(screen.getByTestId("login-device")).toBeEnabled();
  });

  it("offers sign-in to a confidential app only where the environment has the endpoints", async () => {
    fakeBackend({ token_details: () => ({ status: tokenStatus({ none: true }), jwt: null, id_claims: null }) });
    const { unmount } = renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-get")).toBeEnabled();
    expect(screen.queryByTestId("login-browser")).toBeNull();
    expect(screen.queryByTestId("login-device")).toBeNull();
    unmount();
    const signIn = environment({ endpoints: { ...everyEndpoint.endpoints, authorization_url: "https://id.example.com/auth" } });
    renderWithProviders(<TokenPanel app={clientApp()} environment={signIn} />);
    expect(await screen.findByTestId("login-browser")).toBeEnabled();
    expect(screen.queryByTestId("login-device")).toBeNull();
  });

  it("shows a browser sign-in's refresh token, its verified ID token, and Refresh now", async () => {
    fakeBackend({
      token_details: () => ({
        status: tokenStatus({ token: { source: "authorization_code", has_refresh_token: true, refresh_expires_at: null, has_id_token: true } }),
        jwt: null,
        id_claims: [{ name: "sub", value: "alice", note: null }],
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp({ client_type: "public", auth_method: "none" })} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-source")).toHaveTextContent("Browser sign-in");
    expect(screen.getByTestId("token-refresh")).toHaveTextContent("held in the keychain · the provider gave no end");
    expect(screen.getByTestId("token-id-claims")).toHaveTextContent("Verified");
    expect(screen.getByTestId("token-id-claims")).toHaveTextContent("subalice");
    expect(screen.getByTestId("token-get")).toHaveTextContent("Refresh now");
  });

  it("says the provider ended the sign-in, whatever the clock, copies nothing and offers to sign in again", async () => {
    const now = Date.now();
    const backend = fakeBackend({
      token_details: () => ({
        status: tokenStatus(
          {
            issued: now,
            expiresIn: 3600,
            token: {
              source: "authorization_code",
              has_refresh_token: false,
              sign_in_ended_at: new Date(now).toISOString(),
              renew_error: "The refresh was refused (invalid_grant). The sign-in has ended; sign in again.",
            },
          },
          { state: "sign_in_ended" },
        ),
        jwt: null,
        id_claims: null,
      }),
    });
    const signIn = environment({ endpoints: { ...everyEndpoint.endpoints, authorization_url: "https://id.example.com/auth" } });
    renderWithProviders(<TokenPanel app={clientApp({ client_type: "public", auth_method: "none" })} environment={signIn} />);
    const state = await screen.findByTestId("token-state");
    expect(state).toHaveTextContent("Sign-in ended");
    expect(state).toHaveAttribute("data-state", "sign_in_ended");
    expect(screen.getByTestId("token-countdown")).toHaveTextContent("sign-in ended");
    expect(screen.getByTestId("token-refresh")).toHaveTextContent("none — the provider ended the sign-in");
    const copy = screen.getByTestId("token-copy");
    expect(copy).toBeDisabled();
    expect(copy).toHaveAttribute("title", "The sign-in has ended: this token is not handed out. Sign in again.");
    await userEvent.click(copy);
    expect(backend.callsOf("copy_token")).toEqual([]);
    expect(screen.getByTestId("token-renew-error")).toHaveTextContent("The sign-in has ended; sign in again.");
    expect(screen.getByTestId("token-ended-sign-in")).toBeEnabled();
    // introspecting, revoking and forgetting it stay possible
    expect(screen.getByTestId("token-introspect")).toBeEnabled();
    expect(screen.getByTestId("token-revoke")).toBeEnabled();
    expect(screen.getByTestId("token-forget")).toBeEnabled();
  });

  it("offers to sign in again when the refresh token was refused", async () => {
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ token: { source: "authorization_code", has_refresh_token: true } }), jwt: null, id_claims: null }),
      get_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "login_required", field: null, message: "The refresh was refused (invalid_grant). Sign in again." };
      },
    });
    const signIn = environment({ endpoints: { ...everyEndpoint.endpoints, authorization_url: "https://id.example.com/auth" } });
    renderWithProviders(<TokenPanel app={clientApp({ client_type: "public", auth_method: "none" })} environment={signIn} />);
    await userEvent.click(await screen.findByTestId("token-get"));
    expect(await screen.findByTestId("token-error")).toHaveTextContent("invalid_grant");
    expect(screen.getByTestId("token-sign-in-again")).toBeEnabled();
  });

  it("says to sign in to the team vault, not to the provider, when the vault token ended", async () => {
    const ended =
      "The vault token of the team vault “acme” has ended: sign in again with `authdeck team login acme`.";
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      get_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "vault_sign_in_required", field: null, message: ended };
      },
    });
    const signIn = environment({ endpoints: { ...everyEndpoint.endpoints, authorization_url: "https://id.example.com/auth" } });
    renderWithProviders(<TokenPanel app={clientApp({ redirect_uris: ["http://127.0.0.1/callback"] })} environment={signIn} />);
    await userEvent.click(await screen.findByTestId("token-get"));
    expect(await screen.findByTestId("token-error")).toHaveTextContent(ended);
    expect(screen.getByTestId("token-vault-sign-in")).toHaveTextContent(
      "Sign in to the team vault with “Sign in to the vault” at the top of the window (or that command in a terminal), then try again.",
    );
    // the app's own browser sign-in would not mend the vault's token
    expect(screen.queryByTestId("token-sign-in-again")).toBeNull();
  });
});

describe("TokenPanel, DPoP binding", () => {
  const APP_JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
  const bound: AppBinding = { dpop: true, jkt: APP_JKT, alg: "ES256", par: false };
  const dpopJwt = (jkt: string) => ({
    status: tokenStatus({ issued: Date.now(), token: { token_type: "DPoP", is_jwt: true } }),
    jwt: {
      header: [{ name: "alg", value: "RS256", note: null }],
      claims: [{ name: "cnf", value: JSON.stringify({ jkt }), note: null }],
    },
  });

  it("shows a DPoP JWT whose cnf.jkt is the app's key thumbprint as bound to this app's key", async () => {
    fakeBackend({ token_details: () => dpopJwt(APP_JKT), app_binding: () => bound });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-type")).toHaveTextContent("DPoP · JWT");
    const binding = await screen.findByTestId("token-binding");
    await vi.waitFor(() => { expect(binding).toHaveAttribute("data-binding", "this_key"); });
    expect(binding).toHaveTextContent(`${APP_JKT} bound to this app’s key`);
  });

  it("warns when a DPoP JWT is bound to another key than the app's", async () => {
    fakeBackend({ token_details: () => dpopJwt("another-thumbprint"), app_binding: () => bound });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const binding = await screen.findByTestId("token-binding");
    await vi.waitFor(() => { expect(binding).toHaveAttribute("data-binding", "other_key"); });
    expect(binding).toHaveTextContent("another-thumbprint");
    expect(binding).toHaveTextContent("bound to another key than this app’s");
    expect(binding).not.toHaveTextContent("bound to this app’s key");
  });

  it("reads the binding of an opaque DPoP token from its introspection", async () => {
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now(), token: { token_type: "DPoP" } }), jwt: null }),
      app_binding: () => bound,
      introspect_token: () => ({
        active: true,
        fields: [
          { name: "active", value: "true", note: null },
          { name: "cnf", value: JSON.stringify({ jkt: APP_JKT }), note: null },
        ],
        checked_at: new Date().toISOString(),
      }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    const binding = await screen.findByTestId("token-binding");
    expect(binding).toHaveAttribute("data-binding", "unseen");
    expect(binding).toHaveTextContent("introspect it to see the key");
    await userEvent.click(screen.getByTestId("token-introspect"));
    await vi.waitFor(() => { expect(screen.getByTestId("token-binding")).toHaveAttribute("data-binding", "this_key"); });
    expect(screen.getByTestId("token-binding")).toHaveTextContent("bound to this app’s key");
  });

  it("says a Bearer token of a DPoP-bound app is not bound and the next token will be", async () => {
    fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      app_binding: () => bound,
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-type")).toHaveTextContent("Bearer");
    const binding = await screen.findByTestId("token-binding");
    expect(binding).toHaveTextContent("not bound (Bearer, issued before DPoP was turned on) — the next token will be");
  });

  it("says nothing of binding for a Bearer token of an app that is not DPoP-bound", async () => {
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-type")).toHaveTextContent("Bearer");
    await vi.waitFor(() => { expect(backend.callsOf("app_binding")).toEqual([{ appId: "app-1" }]); });
    expect(screen.queryByTestId("token-binding")).toBeNull();
  });
});

describe("TokenPanel, token exchange", () => {
  it("shows an exchanged token's source and issued type, and offers to exchange again instead of renewing", async () => {
    const exchanged = tokenStatus({
      issued: Date.now(),
      token: { source: "token_exchange", issued_token_type: "urn:ietf:params:oauth:token-type:access_token", requested_scopes: ["read"] },
    });
    const backend = fakeBackend({ token_details: () => ({ status: exchanged, jwt: null }), token_statuses: () => [], list_secrets: () => [] });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-source")).toHaveTextContent("Token exchange");
    expect(screen.getByTestId("token-issued-type")).toHaveTextContent("Access token urn:ietf:params:oauth:token-type:access_token");
    expect(screen.getByTestId("token-refresh")).toHaveTextContent("not renewed by itself: exchange again when it expires");
    const again = screen.getByTestId("token-get");
    expect(again).toHaveTextContent("Exchange again");
    await userEvent.click(again);
    expect(await screen.findByTestId("exchange-dialog")).toBeInTheDocument();
    // the last exchange's scopes, not the app's defaults
    expect(screen.getByTestId("exchange-scope")).toHaveValue("read");
    expect(backend.callsOf("get_token")).toEqual([]);
  });
});

describe("TokenPanel, delegated token", () => {
  it("names the acting party of a JWT carrying an act claim, and those it acted for", async () => {
    const exchanged = tokenStatus({ issued: Date.now(), token: { source: "token_exchange", is_jwt: true } });
    const act = { sub: "-agent-client", act: { sub: "scheduler", client_id: "cron" } };
    fakeBackend({
      token_details: () => ({
        status: exchanged,
        jwt: { header: [{ name: "alg", value: "RS256", note: null }], claims: [{ name: "act", value: JSON.stringify(act), note: null }] },
      }),
      token_statuses: () => [],
      list_secrets: () => [],
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-act")).toHaveTextContent("-agent-client · for “scheduler (client cron)” · act claim");
  });

  it("shows no acting party for a token without an act claim", async () => {
    const plain = tokenStatus({ issued: Date.now(), token: { is_jwt: true } });
    fakeBackend({
      token_details: () => ({ status: plain, jwt: { header: [], claims: [{ name: "sub", value: "billing", note: null }] } }),
      token_statuses: () => [],
      list_secrets: () => [],
    });
    renderWithProviders(<TokenPanel app={clientApp()} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-type")).toHaveTextContent("Bearer · JWT");
    expect(screen.queryByTestId("token-act")).toBeNull();
  });
});

describe("TokenPanel, mTLS binding", () => {
  const X5T = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2";
  const mtlsApp = clientApp({ auth_method: "self_signed_tls_client_auth" });
  const boundJwt = {
    status: tokenStatus({ issued: Date.now(), token: { is_jwt: true } }),
    jwt: {
      header: [{ name: "alg", value: "RS256", note: null }],
      claims: [{ name: "cnf", value: JSON.stringify({ "x5t#S256": X5T }), note: null }],
    },
  };
  const certificate = {
    id: "cert-1",
    app_id: "app-1",
    subject: "CN=Authdeck billing",
    not_after: "2099-01-01T00:00:00Z",
    x5t_s256: X5T,
    cert_pem: "",
    label: "Certificate 1",
    origin: "generated" as const,
    added_at: "2026-11-20T10:00:00Z",
    state: "active" as const,
  };

  it("shows cnf.x5t#S256 as the app's certificate when core finds it is the one presented now", async () => {
    const backend = fakeBackend({
      token_details: () => boundJwt,
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
      certificate_binding: () => ({ x5t_s256: X5T, certificate, presented_now: true }),
    });
    renderWithProviders(<TokenPanel app={mtlsApp} environment={everyEndpoint} />);
    const row = await screen.findByTestId("token-cert-binding");
    await vi.waitFor(() => { expect(row).toHaveAttribute("data-binding", "this_certificate"); });
    expect(row).toHaveTextContent(`${X5T} bound to this app’s certificate “Certificate 1”`);
    expect(backend.callsOf("certificate_binding")).toEqual([{ appId: "app-1", fields: boundJwt.jwt.claims }]);
  });

  it("warns when the token is bound to a certificate the app does not hold", async () => {
    fakeBackend({
      token_details: () => boundJwt,
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
      certificate_binding: () => ({ x5t_s256: X5T, certificate: null, presented_now: false }),
    });
    renderWithProviders(<TokenPanel app={mtlsApp} environment={everyEndpoint} />);
    const row = await screen.findByTestId("token-cert-binding");
    await vi.waitFor(() => { expect(row).toHaveAttribute("data-binding", "other_certificate"); });
    expect(row).toHaveTextContent("bound to a certificate this app does not hold");
  });

  it("shows no certificate row for a token without cnf.x5t#S256 and asks core nothing", async () => {
    const backend = fakeBackend({
      token_details: () => ({ status: tokenStatus({ issued: Date.now() }), jwt: null }),
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
    });
    renderWithProviders(<TokenPanel app={mtlsApp} environment={everyEndpoint} />);
    expect(await screen.findByTestId("token-type")).toHaveTextContent("Bearer");
    expect(screen.queryByTestId("token-cert-binding")).toBeNull();
    expect(backend.callsOf("certificate_binding")).toEqual([]);
  });
});
