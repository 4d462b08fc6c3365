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

/** The request the dialog's fields make; an empty scope asks for none (the provider decides). */
export function exchangeRequest(
  subject: AppId,
  form: { audiences: string; resources: string; scopes: string; tokenType: string },
): ExchangeRequest {
  const scopes = words(form.scopes);
  return {
    subject_app: subject,
    audiences: words(form.audiences),
    resources: words(form.resources),
    scopes: scopes.length > 0 ? scopes : null,
    requested_token_type: form.tokenType === "" ? null : form.tokenType,
  };
}
