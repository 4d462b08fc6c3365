// What the token-exchange dialog offers and sends (RFC 8693).
import type { AppId } from "../bindings/AppId";
import type { ExchangeRequest } from "../bindings/ExchangeRequest";

/** The token-type URIs of RFC 8693 §3, by their plain names; "" lets the provider choose. */
export const TOKEN_TYPES: readonly { uri: string; name: string }[] = [
  { uri: "", name: "Any (the provider chooses)" },
  { uri: "urn:ietf:params:oauth:token-type:access_token", name: "Access token" },
  { uri: "urn:ietf:params:oauth:token-type:refresh_token", name: "Refresh token" },
  { uri: "urn:ietf:params:oauth:token-type:id_token", name: "ID token" },
  { uri: "urn:ietf:params:oauth:token-type:jwt", name: "JWT" },
  { uri: "urn:ietf:params:oauth:token-type:saml2", name: "SAML 2.0 assertion" },
  { uri: "urn:ietf:params:oauth:token-type:saml1", name: "SAML 1.1 assertion" },
];

/** The plain name of a token-type URI, or the URI itself when it is not one of RFC 8693's. */
export function tokenTypeName(uri: string): string {
  return TOKEN_TYPES.find((type) => type.uri === uri && uri !== "")?.name ?? uri;
}

/** Space- or line-separated words, without empty ones. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

/**
 * The request the dialog's fields make; an empty scope asks for none (the provider decides),
 * an empty actor sends no actor token.
 */
export function exchangeRequest(
  subject: AppId,
  form: { actor: string; audiences: string; resources: string; scopes: string; tokenType: string },
): ExchangeRequest {
  const scopes = words(form.scopes);
  return {
    subject_app: subject,
    actor_app: form.actor === "" ? null : form.actor,
    audiences: words(form.audiences),
    resources: words(form.resources),
    scopes: scopes.length > 0 ? scopes : null,
    requested_token_type: form.tokenType === "" ? null : form.tokenType,
  };
}

/**
 * The acting parties a JWT's `act` claim (RFC 8693 §4.1) names, the current actor first and
 * then those it acted for in turn (nested `act`); null when there is no such claim. Each is
 * its `sub`, with `client_id` when it says one.
 */
export function actingParties(claims: readonly { name: string; value: string }[] | undefined): string[] | null {
  const act = claims?.find((claim) => claim.name === "act");
  if (!act) return null;
  let current: unknown;
  try {
    current = JSON.parse(act.value);
  } catch {
    return [act.value];
  }
  const parties: string[] = [];
  // bounded: a hostile token cannot make the panel walk forever
  while (current && typeof current === "object" && parties.length < 10) {
    const party = current as Record<string, unknown>;
    const sub = typeof party.sub === "string" ? party.sub : "(no sub)";
    const client = typeof party.client_id === "string" && party.client_id !== sub ? ` (client ${party.client_id})` : "";
    parties.push(sub + client);
    current = party.act;
  }
  return parties.length > 0 ? parties : [act.value];
}
