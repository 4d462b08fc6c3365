import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
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
  },
});

describe("TokenPanel", () => {
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
