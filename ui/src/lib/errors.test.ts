import { presentationOf } from "./errors";

describe("presentationOf", () => {
  it("puts each kind of error where the user can act on it", () => {
    expect(presentationOf("validation")).toBe("field");
    expect(presentationOf("last_secret")).toBe("notice");
    expect(presentationOf("environment_not_empty")).toBe("notice");
    expect(presentationOf("keychain_locked")).toBe("banner");
    expect(presentationOf("store_corrupt")).toBe("banner");
    expect(presentationOf("not_found")).toBe("gone");
    expect(presentationOf("internal")).toBe("toast");
  });

  it("shows a provider's or the network's refusal where the action was, not as a banner", () => {
    for (const code of ["provider", "bad_response", "network", "timeout", "not_configured"] as const) {
      expect(presentationOf(code)).toBe("notice");
    }
  });
});
