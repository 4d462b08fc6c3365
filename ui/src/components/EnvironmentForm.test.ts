import type { Discovery } from "../bindings/Discovery";
import { initialEnvironment, withDiscovered } from "./EnvironmentForm";

const found = (endpoints: Partial<Discovery["endpoints"]>): Discovery => ({
  metadata_url: "https://id.example.com/.well-known/openid-configuration",
  issuer: "https://id.example.com",
  endpoints: {
    issuer_url: "https://id.example.com",
    authorization_url: null,
    token_url: null,
    token_info_url: null,
    introspection_url: null,
    revocation_url: null,
    api_base_url: null,
    ...endpoints,
  },
  scopes_supported: [],
  grant_types_supported: [],
  token_endpoint_auth_methods_supported: [],
  code_challenge_methods_supported: [],
  device_authorization_endpoint: null,
  registration_endpoint: null,
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
      found({ token_url: "https://id.example.com/token", introspection_url: "https://id.example.com/introspect", authorization_url: "https://id.example.com/auth" }),
    );
    expect(changed).toEqual(["authorization_url", "introspection_url"]);
    expect(endpoints).toEqual({ ...current, authorization_url: "https://id.example.com/auth", introspection_url: "https://id.example.com/introspect" });
  });
});
