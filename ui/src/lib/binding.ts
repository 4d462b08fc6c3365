// What the token panel says of a token's sender binding (DPoP, RFC 9449 §6).
import type { AppBinding } from "../bindings/AppBinding";
import type { Field } from "../bindings/Field";

export type TokenBinding =
  /** A DPoP token whose `cnf.jkt` is the app's proof key thumbprint. */
  | { kind: "this_key"; jkt: string }
  /** A DPoP token bound to some other key (the app's key changed, or another client's token). */
  | { kind: "other_key"; jkt: string; appJkt: string | null }
  /** A DPoP token whose `cnf.jkt` is not in view (an opaque token not introspected yet). */
  | { kind: "unseen" }
  /** A Bearer token of an app that is DPoP-bound now: issued before the switch. */
  | { kind: "bearer_of_bound_app" }
  /** A Bearer token of an app that is not DPoP-bound: nothing to say. */
  | { kind: "none" };

/** The `jkt` of a `cnf` claim among `fields` (a JWT's claims or an introspection), if any. */
export function cnfJkt(fields: readonly Field[] | undefined): string | null {
  const cnf = fields?.find((field) => field.name === "cnf");
  if (!cnf) return null;
  try {
    const parsed: unknown = JSON.parse(cnf.value);
    if (parsed && typeof parsed === "object" && "jkt" in parsed && typeof parsed.jkt === "string") return parsed.jkt;
  } catch {
    // a provider's cnf that is not JSON names no key
  }
  return null;
}

/** The binding of a token of type `tokenType` whose claims show `jkt`, for an app bound as `app`. */
export function tokenBinding(tokenType: string, jkt: string | null, app: AppBinding | undefined): TokenBinding {
  // the type is case-insensitive (RFC 6749 §5.1)
  if (tokenType.toLowerCase() === "dpop") {
    if (jkt === null) return { kind: "unseen" };
    return app?.jkt === jkt ? { kind: "this_key", jkt } : { kind: "other_key", jkt, appJkt: app?.jkt ?? null };
  }
  return app?.dpop ? { kind: "bearer_of_bound_app" } : { kind: "none" };
}

/** The `x5t#S256` of a `cnf` claim among `fields`: the certificate an mTLS-bound token is bound to (RFC 8705 §3.1). */
export function cnfX5t(fields: readonly Field[] | undefined): string | null {
  const cnf = fields?.find((field) => field.name === "cnf");
  if (!cnf) return null;
  try {
    const parsed: unknown = JSON.parse(cnf.value);
    if (parsed && typeof parsed === "object" && "x5t#S256" in parsed && typeof parsed["x5t#S256"] === "string") return parsed["x5t#S256"];
  } catch {
    // a provider's cnf that is not JSON names no certificate
  }
  return null;
}
