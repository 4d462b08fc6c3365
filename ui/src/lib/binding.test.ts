import { describe, expect, it } from "vitest";
import type { AppBinding } from "../bindings/AppBinding";
import { cnfJkt, tokenBinding } from "./binding";

const bound: AppBinding = { dpop: true, jkt: "app-key", alg: "ES256", par: false };

describe("cnfJkt", () => {
  it("reads the jkt of a cnf claim given as JSON text", () => {
    expect(cnfJkt([{ name: "sub", value: "x", note: null }, { name: "cnf", value: '{"jkt":"abc"}', note: null }])).toBe("abc");
  });
  it("names no key when there is no cnf, or it has no jkt, or it is not JSON", () => {
    expect(cnfJkt([{ name: "sub", value: "x", note: null }])).toBeNull();
    expect(cnfJkt([{ name: "cnf", value: '{"x5t#S256":"abc"}', note: null }])).toBeNull();
    expect(cnfJkt([{ name: "cnf", value: "abc", note: null }])).toBeNull();
    expect(cnfJkt(undefined)).toBeNull();
  });
});

describe("tokenBinding", () => {
  it("says a DPoP token with the app's thumbprint is bound to this app's key, whatever the type's case", () => {
    expect(tokenBinding("DPoP", "app-key", bound)).toEqual({ kind: "this_key", jkt: "app-key" });
    expect(tokenBinding("dpop", "app-key", bound)).toEqual({ kind: "this_key", jkt: "app-key" });
  });
  it("says a DPoP token with another thumbprint is bound to another key", () => {
    expect(tokenBinding("DPoP", "other", bound)).toEqual({ kind: "other_key", jkt: "other", appJkt: "app-key" });
  });
  it("says a DPoP token whose cnf is not in view is bound to a key not yet seen", () => {
    expect(tokenBinding("DPoP", null, bound)).toEqual({ kind: "unseen" });
  });
  it("says a Bearer token of a DPoP-bound app was issued before the switch", () => {
    expect(tokenBinding("Bearer", null, bound)).toEqual({ kind: "bearer_of_bound_app" });
  });
  it("says nothing of a Bearer token of an app that is not bound", () => {
    expect(tokenBinding("Bearer", null, { dpop: false, jkt: null, alg: null, par: false })).toEqual({ kind: "none" });
    expect(tokenBinding("Bearer", null, undefined)).toEqual({ kind: "none" });
  });
});
