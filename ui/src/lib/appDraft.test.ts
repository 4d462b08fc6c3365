import { DEFAULT_REDIRECT_URI, draftOf, inputOf, withField } from "./appDraft";

describe("app drafts", () => {
  it("starts a new app with the loopback redirect URI", () => {
    expect(draftOf(null).redirect_uris).toBe(DEFAULT_REDIRECT_URI);
    expect(inputOf(draftOf(null), "env-1").redirect_uris).toEqual(["http://127.0.0.1/callback"]);
  });

  it("turns the typed text into lists", () => {
    const draft = {
      ...draftOf(null),
      redirect_uris: " http://127.0.0.1/callback \n\nhttps://app.example.com/cb\n",
      default_scopes: "openid  profile sign:read ",
      labels: "payments, internal ,",
      link: "  Billing sync ",
      logo_uri: "  ",
    };
    const input = inputOf(draft, "env-1");
    expect(input.redirect_uris).toEqual(["http://127.0.0.1/callback", "https://app.example.com/cb"]);
    expect(input.default_scopes).toEqual(["openid", "profile", "sign:read"]);
    expect(input.labels).toEqual(["payments", "internal"]);
    expect(input.link).toBe("Billing sync");
    expect(input.logo_uri).toBeNull();
  });

  it("forces auth method none for a public client and restores one for a confidential client", () => {
    const publicDraft = withField(draftOf(null), "client_type", "public");
    expect(publicDraft.auth_method).toBe("none");
    expect(inputOf({ ...publicDraft, auth_method: "client_secret_post" }, "e").auth_method).toBe("none");
    expect(withField(publicDraft, "client_type", "confidential").auth_method).toBe("client_secret_basic");
  });
});
