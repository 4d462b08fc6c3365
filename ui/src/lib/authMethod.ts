// Which credential an app's token endpoint auth method uses, so the app's detail shows the
// panel that matters first.
import type { AuthMethod } from "../bindings/AuthMethod";

/** The kind of credential each method authenticates with (client_secret_jwt signs with the secret). */
export function credentialOf(method: AuthMethod): "secret" | "key" | "certificate" | "none" {
  switch (method) {
    case "private_key_jwt":
      return "key";
    case "tls_client_auth":
    case "self_signed_tls_client_auth":
      return "certificate";
    case "none":
      return "none";
    default:
      return "secret";
  }
}
