import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Discovery } from "../bindings/Discovery";
import type { Environment } from "../bindings/Environment";
import type { EnvironmentInput } from "../bindings/EnvironmentInput";
import type { ProfileDescription } from "../bindings/ProfileDescription";
import { fakeBackend } from "../test/backend";
import { environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { EnvironmentForm, initialEnvironment, withDiscovered } from "./EnvironmentForm";

const found = (endpoints: Partial<Discovery["endpoints"]>): Discovery => ({
  metadata_urls: ["https://id.example.com/.well-known/openid-configuration"],
  issuer: "https://id.example.com",
  sources: [],
  endpoints: {
    issuer_url: "https://id.example.com",
    authorization_url: null,
    token_url: null,
    token_info_url: null,
    introspection_url: null,
    revocation_url: null,
    api_base_url: null,
    device_authorization_url: null,
    ...endpoints,
  },
  scopes_supported: [],
  grant_types_supported: [],
  token_endpoint_auth_methods_supported: [],
  code_challenge_methods_supported: [],
  device_authorization_endpoint: null,
  registration_endpoint: null,
  jwks_uri: null,
  iss_parameter_supported: false,
  par_endpoint: null,
  par_required: false,
});

describe("withDiscovered", () => {
  it("fills what the metadata names, keeps the user's token info and API base, and says what changed", () => {
    const current = {
      ...initialEnvironment(null).endpoints,
      token_url: "https://id.example.com/token",
      token_info_url: "https://id.example.com/info",
      api_base_url: "https://api.example.com",
    };
    const { endpoints, changed } = withDiscovered(
      current,
      found({
        token_url: "https://id.example.com/token",
        introspection_url: "https://id.example.com/introspect",
        authorization_url: "https://id.example.com/auth",
        device_authorization_url: "https://id.example.com/device/auth",
      }),
    );
    expect(changed).toEqual(["authorization_url", "introspection_url", "device_authorization_url"]);
    expect(endpoints).toEqual({
      ...current,
      authorization_url: "https://id.example.com/auth",
      introspection_url: "https://id.example.com/introspect",
      device_authorization_url: "https://id.example.com/device/auth",
    });
  });
});

describe("EnvironmentForm discovery", () => {
  const ISSUER = "https://id.example.com";

  it("shows the issuer's pushed authorization request endpoint, and whether it requires PAR", async () => {
    let discovery = { ...found({}), par_endpoint: `${ISSUER}/request`, par_required: false };
    fakeBackend({ validate_environment: () => [], discover: () => discovery });
    const existing = environment({ endpoints: { ...environment().endpoints, issuer_url: ISSUER } });
    renderWithProviders(<EnvironmentForm environment={existing} onClose={vi.fn()} onSaved={vi.fn()} />);
    await userEvent.click(screen.getByTestId("env-discover"));
    expect(await screen.findByTestId("env-discovery-par")).toHaveTextContent(
      "https://id.example.com/request — offered; apps that opt in push their sign-ins",
    );
    discovery = { ...discovery, par_required: true };
    await userEvent.click(screen.getByTestId("env-discover"));
    await vi.waitFor(() => {
      expect(screen.getByTestId("env-discovery-par")).toHaveTextContent(
        "https://id.example.com/request — required for every sign-in (require_pushed_authorization_requests): Authdeck pushes them",
      );
    });
  });

  it("fills the endpoints the issuer names, keeps token info and the API base, says what changed; all stay editable", async () => {
    const backend = fakeBackend({
      validate_environment: () => [],
      discover: () => ({
        ...found({
          authorization_url: `${ISSUER}/auth`,
          token_url: `${ISSUER}/token`,
          introspection_url: `${ISSUER}/token/introspection`,
          revocation_url: `${ISSUER}/token/revocation`,
        }),
        metadata_urls: [`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/.well-known/oauth-authorization-server`],
        sources: [
          { field: "authorization_url", metadata_url: `${ISSUER}/.well-known/openid-configuration` },
          { field: "token_url", metadata_url: `${ISSUER}/.well-known/openid-configuration` },
          { field: "introspection_url", metadata_url: `${ISSUER}/.well-known/oauth-authorization-server` },
          { field: "revocation_url", metadata_url: `${ISSUER}/.well-known/oauth-authorization-server` },
        ],
        grant_types_supported: ["client_credentials", "authorization_code"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      }),
    });
    const existing = environment({
      endpoints: {
        ...environment().endpoints,
        issuer_url: ISSUER,
        token_url: "https://old.example.com/token",
        token_info_url: `${ISSUER}/oauth/token/info`,
        api_base_url: "https://api.example.com",
        device_authorization_url: null,
      },
    });
    renderWithProviders(<EnvironmentForm environment={existing} onClose={vi.fn()} onSaved={vi.fn()} />);
    await userEvent.click(screen.getByTestId("env-discover"));
    const result = await screen.findByTestId("env-discovery-result");
    expect(backend.callsOf("discover")).toEqual([{ issuer: ISSUER }]);
    expect(result).toHaveTextContent(
      "Filled Authorization endpoint, Token endpoint, Introspection endpoint, Revocation endpoint from the issuer’s metadata.",
    );
    expect(screen.getByTestId("env-discovery-documents").textContent).toBe(
      "https://id.example.com/.well-known/openid-configurationhttps://id.example.com/.well-known/oauth-authorization-server",
    );
    expect(result).toHaveTextContent("client_credentials, authorization_code");
    expect(result).toHaveTextContent("client_secret_basic, client_secret_post");
    expect(screen.getByTestId("env-discovery-par")).toHaveTextContent("not offered");
    expect(result).toHaveTextContent("Kept yours: Token info endpoint and API base URL");
    expect(screen.getByTestId("env-token-url")).toHaveValue(`${ISSUER}/token`);
    expect(screen.getByTestId("env-authorization-url")).toHaveValue(`${ISSUER}/auth`);
    expect(screen.getByTestId("env-introspection-url")).toHaveValue(`${ISSUER}/token/introspection`);
    expect(screen.getByTestId("env-revocation-url")).toHaveValue(`${ISSUER}/token/revocation`);
    expect(screen.getByTestId("env-token-info-url")).toHaveValue(`${ISSUER}/oauth/token/info`);
    expect(screen.getByTestId("env-api-base-url")).toHaveValue("https://api.example.com");
    expect(screen.getByTestId("env-form")).toHaveTextContent("Replaced from the issuer’s openid-configuration (was https://old.example.com/token)");
    expect(screen.getByTestId("env-form")).toHaveTextContent("Filled from the issuer’s oauth-authorization-server");
    await userEvent.clear(screen.getByTestId("env-token-url"));
    await userEvent.type(screen.getByTestId("env-token-url"), "https://mine.example.com/token");
    expect(screen.getByTestId("env-token-url")).toHaveValue("https://mine.example.com/token");
  });

  it("shows a refused issuer next to the issuer field, and any other failure under the button", async () => {
    let failure: { code: string; message: string; field: string | null } = { code: "validation", message: "The issuer in the metadata is “https://id.example.com”; the two differ only in a trailing slash.", field: "issuer_url" };
    fakeBackend({
      validate_environment: () => [],
      discover: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw failure;
      },
    });
    renderWithProviders(<EnvironmentForm environment={null} onClose={vi.fn()} onSaved={vi.fn()} />);
    expect(screen.getByTestId("env-discover")).toBeDisabled();
    await userEvent.type(screen.getByTestId("env-issuer-url"), `${ISSUER}/`);
    await userEvent.click(screen.getByTestId("env-discover"));
    const error = await screen.findByTestId("field-error-issuer_url");
    expect(error).toHaveTextContent("differ only in a trailing slash");
    expect(screen.getByTestId("field-error-endpoints.issuer_url")).toContainElement(error);
    expect(error.closest(".field")).toContainElement(screen.getByTestId("env-issuer-url"));
    expect(screen.getByTestId("env-issuer-url")).toHaveAttribute("aria-invalid", "true");

    failure = { code: "network", message: "Could not reach id.example.com: connection refused. Check the URL and your network.", field: null };
    await userEvent.click(screen.getByTestId("env-discover"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("Could not reach id.example.com");
    expect(screen.queryByTestId("field-error-issuer_url")).toBeNull();
  });
});

describe("EnvironmentForm provider profile", () => {
  const entra: ProfileDescription = {
    profile: "entra",
    name: "Microsoft Entra ID",
    parameters: [{ key: "tenant", label: "Tenant ID or domain", example: "contoso.onmicrosoft.com", default: null }],
    endpoints: {
      ...initialEnvironment(null).endpoints,
      token_url: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    },
    discovery: true,
    auth_method: "client_secret_basic",
    quirks: ["A client-credentials token is asked for with the one scope “<resource>/.default”."],
  };
  const standard: ProfileDescription = { ...entra, profile: "standard", name: "Standard", parameters: [], endpoints: initialEnvironment(null).endpoints, quirks: [] };

  it("fills the endpoints from the chosen profile's templates, shows its quirks and saves the profile", async () => {
    const token = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    const backend = fakeBackend({
      validate_environment: () => [],
      provider_profiles: () => [standard, entra],
      profile_endpoints: () => ({ ...initialEnvironment(null).endpoints, token_url: token }),
      create_environment: (args) => environment(args.input as Partial<Environment>),
    });
    const onSaved = vi.fn();
    renderWithProviders(<EnvironmentForm environment={null} onClose={vi.fn()} onSaved={onSaved} />);
    await userEvent.type(screen.getByTestId("env-name"), "Contoso");
    await screen.findByRole("option", { name: "Microsoft Entra ID" });
    expect(screen.queryByTestId("env-profile-fill")).toBeNull();
    await userEvent.selectOptions(screen.getByTestId("env-profile"), "entra");
    expect(screen.getByTestId("env-profile-quirks")).toHaveTextContent("What Authdeck does differently for Microsoft Entra ID");
    expect(screen.getByTestId("env-profile-tenant")).toHaveAttribute("placeholder", "contoso.onmicrosoft.com");
    await userEvent.type(screen.getByTestId("env-profile-tenant"), "contoso.onmicrosoft.com");
    await userEvent.click(screen.getByTestId("env-profile-fill"));
    expect(await screen.findByTestId("env-profile-filled")).toHaveTextContent("Filled Token endpoint from the Microsoft Entra ID profile.");
    expect(backend.callsOf("profile_endpoints")).toEqual([{ profile: "entra", values: [["tenant", "contoso.onmicrosoft.com"]] }]);
    expect(screen.getByTestId("env-token-url")).toHaveValue(token);
    await userEvent.click(screen.getByTestId("env-save"));
    const saved = backend.callsOf("create_environment")[0]?.input as EnvironmentInput;
    expect(saved.profile).toBe("entra");
    expect(saved.endpoints.token_url).toBe(token);
  });

  it("shows why the templates could not be filled", async () => {
    fakeBackend({
      validate_environment: () => [],
      provider_profiles: () => [standard, entra],
      profile_endpoints: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "not_configured", message: "Microsoft Entra ID needs the tenant ID or domain (tenant), such as contoso.onmicrosoft.com.", field: null };
      },
    });
    renderWithProviders(<EnvironmentForm environment={environment({ profile: "entra" })} onClose={vi.fn()} onSaved={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("env-profile-fill"));
    expect(await screen.findByTestId("env-profile-error")).toHaveTextContent("needs the tenant ID or domain");
    expect(screen.getByTestId("env-token-url")).toHaveValue("https://sandbox.example.com/oauth/token");
  });
});
