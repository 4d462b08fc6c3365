// A real authorization server for Authdeck's tests: oidc-provider (OpenID-certified) on
// 127.0.0.1 with a port chosen by the system. Prints one JSON line when ready:
//   {"ready":true,"issuer":"http://127.0.0.1:PORT"}
// and exits when its stdin closes, so no server outlives the test that started it.
//
// Options (command line, and changeable at run time with POST /test/config as JSON):
//   --token-ttl SECONDS   access token lifetime (default 3600)
//   --delay-ms MS         wait this long before answering a token request (default 0)
//   --strict              answer 415 to a token request that is not form-urlencoded
//   --tls DIR             serve https with DIR/server.pem and DIR/server-key.pem (made by
//                         test-ca.sh, signed by its throw-away CA DIR/ca.pem); the issuer is then
//                         https://127.0.0.1:PORT. The server asks every client for a
//                         certificate (mutual TLS, RFC 8705) and lets oidc-provider judge it:
//                         one signed by DIR/ca.pem is "authorized" (tls_client_auth), any other
//                         is checked against the client's registered keys
//                         (self_signed_tls_client_auth), none is refused where one is needed
//
// Test-only routes (never part of a real provider):
//   GET  /test/token-requests   what each token request sent: client, grant, auth method, type
//   GET  /test/revocation-requests   what each revocation request (RFC 7009) sent: client, auth
//     method, token type hint, a digest of the token (never the token), and the answer's status
//   GET  /test/client-auth   how each client-authenticated request (token, introspection,
//     revocation, device authorization) authenticated: endpoint, client, method, the JWT client
//     assertion's decoded header and claims (RFC 7523), status, error and oidc-provider's
//     error_detail (why a client authentication failed)
//   GET  /test/par-requests   what each pushed authorization request (RFC 9126, POST /request)
//     carried: client, its parameters (never a client secret or assertion), the answer's status,
//     error and request_uri. Each record also says where the request arrived (`arrived_at`, the
//     path as sent) and the client certificate its TLS connection presented (`certificate`:
//     subject, x5t#S256, whether it chains to the test CA; null when none)
//   GET  /test/authorization-requests   the parameter names (and client_id, request_uri) of each
//     request to the authorization endpoint, as the browser sent it
//   GET  /test/exchange-requests   what each token exchange (RFC 8693) saw: the requesting
//     client, the subject token's client and scope, the audiences, resources, scope and
//     requested token type asked for, the actor token's type and (once verified) its client,
//     the issued token's `act` claim, and the answer's status and error (never a token)
//   GET  /test/metadata-requests   each request for a metadata document (/.well-known/…): its
//     path and the client certificate its TLS connection presented (null when none)
//   POST /test/token-requests/clear   forgets the lists
//   POST /test/config           {"token_ttl":60,"delay_ms":0,"strict":true,"fault":null}
//     fault: make the token endpoint misbehave the way real servers do, after recording the
//     request: "html_500", "html_200", "redirect", "huge", "status_415", "empty_500"; or
//     {"status":400,"body":{...}}: exactly that JSON answer (an OAuth error of the test's own);
//     introspection_fault: "active_string" answers {"active":"true"} (a string, not a boolean)
//     device_interval: the `interval` the device authorization response announces
//     device_slow_down: [2] answers the 2nd device-code poll with slow_down
//     metadata_split: true serves two metadata documents the way many providers do: the OpenID
//     Connect one without introspection, revocation and device endpoints, and an RFC 8414 one
//     (/.well-known/oauth-authorization-server) with them; "other_issuer" makes the RFC 8414
//     one name another issuer
//     auth_methods_listed: ["client_secret_basic", ...] is what both metadata documents list as
//     token_endpoint_auth_methods_supported (null: what oidc-provider offers)
//     grant_types_listed: ["client_credentials", ...] is what the metadata lists as
//     grant_types_supported (null: what oidc-provider offers, token exchange among them)
//     par_metadata: "required" makes the metadata say require_pushed_authorization_requests;
//     "absent" leaves out pushed_authorization_request_endpoint (a provider without PAR)
//     par_fault: as fault, for the pushed authorization request endpoint (POST /request), or
//     "hang": its answer comes after 5 s
//     exchange_omit_issued_type: true leaves issued_token_type out of token-exchange answers
//     mtls_aliases: true makes the metadata name mtls_endpoint_aliases (RFC 8705 §5): the token,
//     introspection, revocation, device and PAR endpoints under /mtls/ (the same server; each
//     record's `arrived_at` says which path a request came to)
// Plus a Doorkeeper-style token-info route: GET /oauth/token/info with a Bearer token, and a
// REST "OAuth apps" management API of the shape some providers offer (see below), backed by
// the server's own client registration so an app created through it can get tokens at once:
//   POST /v1/oauthApps, GET /v1/oauthApps, GET|PATCH|DELETE /v1/oauthApps/{id}
//   Bearer token of admin-client (client credentials) required: 401 without, 403 for others.
//   apps_fault (in /test/config): "html_500", "conflict", "malformed", "hang" for the next
//   request to the API.
// The hostile provider (hostile.js): {"hostile": {"endpoint": "token", "shape": "trickle"}} in
// /test/config answers that endpoint with that malformed or hostile shape until set to null;
//   GET /test/hostile-shapes   every shape and the endpoints it applies to
// DPoP (RFC 9449) is on: a proof is optional except for dpop-client, whose tokens must be bound
// (dpop_bound_access_tokens). Token requests record their proof's decoded header and claims
// (`dpop`); proofs may be signed ES256, EdDSA, PS256 or RS256, and dpop_algs_listed (in
// /test/config) makes the metadata list only some. In /test/config, dpop_require_nonce: true
// answers a proof without the server's nonce with use_dpop_nonce and a DPoP-Nonce header;
// dpop_refuse_nonce: true answers every
// proof so, with a new nonce each time. ANY /test/dpop-resource is a resource server that takes
// only a DPoP-bound token with a valid proof (verify-dpop.js) and says whose token it was; with
// dpop_resource_nonce: true it also wants its own nonce in the proof (RFC 9449 §9), answering
// 401, WWW-Authenticate: DPoP error="use_dpop_nonce" and a DPoP-Nonce header without it.
//   GET /test/dpop-resource-requests   each resource request: the proof's nonce and the status
// ANY /test/mtls-resource is a resource server that says which client certificate a request's
// TLS connection presented and which certificate (x5t#S256) its Bearer token is bound to.
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import Provider, { errors } from "oidc-provider";
import { answerHostile, shapeTable } from "./hostile.js";
import { verifyDpop } from "./verify-dpop.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const config = {
  token_ttl: Number(option("--token-ttl", "3600")),
  delay_ms: Number(option("--delay-ms", "0")),
  strict: args.includes("--strict"),
  fault: null,
  introspection_fault: null,
  // RFC 8628: the polling interval the device authorization response announces, and which
  // device-code polls (1-based) are answered "slow_down" whatever the code's state.
  device_interval: null,
  device_slow_down: [],
  apps_fault: null,
  metadata_split: false,
  // {"endpoint", "shape"}: the hostile provider (hostile.js) answers that endpoint
  hostile: null,
  auth_methods_listed: null,
  grant_types_listed: null,
  dpop_require_nonce: false,
  dpop_refuse_nonce: false,
  dpop_resource_nonce: false,
  // ["ES256", ...]: what the metadata lists as dpop_signing_alg_values_supported (null: what
  // the server takes, every algorithm Authdeck signs with)
  dpop_algs_listed: null,
  par_metadata: null,
  par_fault: null,
  // true: a token exchange's answer leaves out issued_token_type (required by RFC 8693 §2.2.1)
  exchange_omit_issued_type: false,
  // true: the metadata names mtls_endpoint_aliases under /mtls/
  mtls_aliases: false,
};

/** The client certificate the request's TLS connection presented, or undefined (none, or http). */
const peerCertificate = (ctx) => {
  const peer = typeof ctx.socket.getPeerCertificate === "function" ? ctx.socket.getPeerCertificate() : null;
  return peer?.raw ? new X509Certificate(peer.raw) : undefined;
};
/** What a request's client certificate was, for the records. */
const certificateSeen = (ctx) => {
  const certificate = peerCertificate(ctx);
  if (!certificate) return null;
  return {
    subject: certificate.subject.replace(/\n/g, ", "),
    x5t_s256: createHash("sha256").update(certificate.raw).digest("base64url"),
    authorized: Boolean(ctx.socket.authorized),
  };
};
/** mtls_aliases: both metadata documents name the /mtls/ aliases. */
async function mtlsMetadata(ctx, next) {
  await next();
  const document = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (document && typeof document === "object") {
    const alias = (path) => `${issuer}/mtls${path}`;
    ctx.body = {
      ...document,
      mtls_endpoint_aliases: {
        token_endpoint: alias("/token"),
        introspection_endpoint: alias("/token/introspection"),
        revocation_endpoint: alias("/token/revocation"),
        device_authorization_endpoint: alias("/device/auth"),
        pushed_authorization_request_endpoint: alias("/request"),
      },
    };
  }
}

// The endpoints some providers name only in their RFC 8414 document.
const OAUTH_ONLY = ["introspection_endpoint", "revocation_endpoint", "device_authorization_endpoint"];

/** metadata_split: the OpenID Connect document without OAUTH_ONLY, the RFC 8414 one with them. */
async function splitMetadata(ctx, next) {
  const rfc8414 = ctx.path === "/.well-known/oauth-authorization-server";
  if (!rfc8414 && ctx.path !== "/.well-known/openid-configuration") return false;
  // both are made from the one oidc-provider serves
  ctx.path = "/.well-known/openid-configuration";
  await next();
  const full = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (rfc8414) {
    ctx.body = config.metadata_split === "other_issuer" ? { ...full, issuer: "https://other.example.com" } : full;
  } else {
    ctx.body = Object.fromEntries(Object.entries(full).filter(([key]) => !OAUTH_ONLY.includes(key)));
  }
  return true;
}

// Answers of misbehaving servers, for the client's error handling.
const HTML = "<!doctype html><html><body><h1>Something went wrong</h1></body></html>";
function fault(ctx, kind) {
  switch (kind) {
    case "html_500":
      ctx.status = 500;
      ctx.type = "text/html";
      ctx.body = HTML;
      return true;
    case "html_200":
      ctx.status = 200;
      ctx.type = "text/html";
      ctx.body = HTML;
      return true;
    case "empty_500":
      ctx.status = 500;
      ctx.body = "";
      return true;
    case "redirect":
      ctx.status = 302;
      ctx.set("Location", "https://login.authdeck.test/moved");
      ctx.body = "";
      return true;
    case "huge":
      ctx.status = 200;
      ctx.type = "application/json";
      ctx.body = JSON.stringify({ access_token: "x".repeat(3 * 1024 * 1024), token_type: "Bearer" });
      return true;
    case "status_415":
      json(ctx, 415, { error: "invalid_request", error_description: "Only application/x-www-form-urlencoded is accepted" });
      return true;
    default:
      if (kind && typeof kind === "object") {
        json(ctx, kind.status ?? 400, kind.body ?? {});
        return true;
      }
      return false;
  }
}
const tokenRequests = [];
const clientAuthRequests = [];
// The client-authenticated endpoints, by path.
const CLIENT_AUTH_ENDPOINTS = {
  "/token": "token",
  "/token/introspection": "introspection",
  "/token/revocation": "revocation",
  "/device/auth": "device_authorization",
  "/request": "pushed_authorization",
};
const parRequests = [];
const authorizationRequests = [];
const metadataRequests = [];
// What a pushed request's record leaves out: the client's credentials.
const CLIENT_CREDENTIALS = ["client_secret", "client_assertion", "client_assertion_type"];
/** Records what a pushed authorization request carried, once oidc-provider has answered. */
async function recordPar(ctx, next) {
  const record = {};
  parRequests.push(record);
  // "hang": answer only after 5 s, longer than a test's client waits
  if (config.par_fault === "hang") await new Promise((resolve) => setTimeout(resolve, 5000));
  else if (config.par_fault && fault(ctx, config.par_fault)) return;
  await next();
  const body = ctx.oidc?.body ?? {};
  record.client_id = ctx.oidc?.client?.clientId ?? body.client_id ?? null;
  record.params = Object.fromEntries(Object.entries(body).filter(([key]) => !CLIENT_CREDENTIALS.includes(key)));
  record.dpop = Boolean(ctx.get("dpop"));
  record.status = ctx.status;
  const answer = typeof ctx.body === "string" ? (() => { try { return JSON.parse(ctx.body); } catch { return {}; } })() : (ctx.body ?? {});
  record.error = ctx.status >= 400 ? (answer.error ?? null) : null;
  record.request_uri = answer.request_uri ?? null;
}
/** par_metadata: the metadata requires PAR, or names no PAR endpoint. */
async function parMetadata(ctx, next) {
  await next();
  const document = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (document && typeof document === "object") {
    const changed = { ...document };
    if (config.par_metadata === "required") changed.require_pushed_authorization_requests = true;
    if (config.par_metadata === "absent") delete changed.pushed_authorization_request_endpoint;
    ctx.body = changed;
  }
}
/** A JWT's header and claims, decoded without checking anything (oidc-provider checks). */
const decodeJwt = (jwt) => {
  try {
    const [header, claims] = jwt.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    return { header, claims };
  } catch {
    return { undecodable: true };
  }
};
/** Which method a request authenticated with, by what it carried. */
const authMethodOf = (ctx, params) => {
  if ((ctx.get("authorization") || "").startsWith("Basic ")) return "client_secret_basic";
  if (params.client_assertion) {
    return decodeJwt(params.client_assertion).header?.alg?.startsWith("HS") ? "client_secret_jwt" : "private_key_jwt";
  }
  // a certificate and no secret: the client's registered mTLS method is what was checked
  const registered = ctx.oidc?.client?.tokenEndpointAuthMethod;
  if (!params.client_secret && peerCertificate(ctx) && registered?.endsWith("tls_client_auth")) return registered;
  return params.client_secret ? "client_secret_post" : "none";
};
/** Records how a client-authenticated request authenticated, once oidc-provider has answered. */
async function recordClientAuth(ctx, next) {
  const record = { endpoint: CLIENT_AUTH_ENDPOINTS[ctx.path], arrived_at: ctx.state.arrivedAt ?? ctx.path };
  record.certificate = certificateSeen(ctx);
  clientAuthRequests.push(record);
  await next();
  // the request body as parsed: the device endpoint swaps ctx.oidc.params for the
  // authorization parameters once the client is authenticated
  const params = { ...(ctx.oidc?.params ?? {}), ...(ctx.oidc?.body ?? {}) };
  record.client_id = ctx.oidc?.client?.clientId ?? params.client_id ?? null;
  record.auth_method = authMethodOf(ctx, params);
  record.client_secret_sent = Boolean(params.client_secret);
  record.assertion_type = params.client_assertion_type ?? null;
  record.assertion = params.client_assertion ? decodeJwt(params.client_assertion) : null;
  // kept for the tests' independent check of the signature; single-use, so harmless here
  record.assertion_jwt = params.client_assertion ?? null;
  record.status = ctx.status;
  const body = typeof ctx.body === "string" ? (() => { try { return JSON.parse(ctx.body); } catch { return {}; } })() : (ctx.body ?? {});
  record.error = ctx.status >= 400 ? (body.error ?? null) : null;
  record.error_detail = ctx.state.errorDetail ?? null;
}
/** auth_methods_listed: the metadata lists only these client authentication methods. */
async function listAuthMethods(ctx, next) {
  await next();
  const document = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (document && typeof document === "object") {
    ctx.body = { ...document, token_endpoint_auth_methods_supported: config.auth_methods_listed };
  }
}
/** dpop_algs_listed: the metadata lists only these DPoP algorithms. */
async function listDpopAlgs(ctx, next) {
  await next();
  const document = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (document && typeof document === "object") {
    ctx.body = { ...document, dpop_signing_alg_values_supported: config.dpop_algs_listed };
  }
}
/** grant_types_listed: the metadata lists only these grants. */
async function listGrantTypes(ctx, next) {
  await next();
  const document = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (document && typeof document === "object") {
    ctx.body = { ...document, grant_types_supported: config.grant_types_listed };
  }
}
const revocationRequests = [];
let tokenPolls = 0; // token requests seen, numbered from 1 (device_slow_down counts these)

// The API scopes are granted through resource indicators; one resource issues JWTs.
const API = "https://api.authdeck.test/";
const JWT_API = "https://jwt-api.authdeck.test/";
const LOOPBACK = "http://127.0.0.1/callback";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const exchangeRequests = [];
const SCOPES = ["openid", "profile", "offline_access", "read", "write"];
const resourceServer = (resource) => ({
  scope: "read write",
  audience: resource,
  accessTokenFormat: resource === JWT_API ? "jwt" : "opaque",
  accessTokenTTL: config.token_ttl,
});

const clients = [
  { client_id: "basic-client", client_secret: "basic-secret", token_endpoint_auth_method: "client_secret_basic" },
  { client_id: "post-client", client_secret: "post-secret", token_endpoint_auth_method: "client_secret_post" },
  // RFC 6749 §2.3.1: Basic credentials must be form-urlencoded before base64
  { client_id: "special-client", client_secret: "a+b/c=d%e f:g", token_endpoint_auth_method: "client_secret_basic" },
  { client_id: "jwt-client", client_secret: "jwt-secret", token_endpoint_auth_method: "client_secret_basic" },
  { client_id: "web-client", client_secret: "web-secret", token_endpoint_auth_method: "client_secret_basic" },
  // a client ID that starts with "-", as one base64url ID in 64 does: a value, never a flag
  { client_id: "-Pk3dash-client", client_secret: "-dash-secret", token_endpoint_auth_method: "client_secret_basic" },
  // manages apps through the REST "OAuth apps" API
  { client_id: "admin-client", client_secret: "admin-secret", token_endpoint_auth_method: "client_secret_basic" },
  // RFC 7523 §2.2 with an HS256 assertion over the secret (oidc-provider wants 32+ characters)
  {
    client_id: "secret-jwt-client",
    client_secret: "secret-jwt-client-secret-0123456789abcdef",
    // signs in on any loopback port, as Authdeck's listener picks one (RFC 8252 §7.3)
    application_type: "native",
    token_endpoint_auth_method: "client_secret_jwt",
    introspection_endpoint_auth_method: "client_secret_jwt",
    revocation_endpoint_auth_method: "client_secret_jwt",
  },
  // RFC 9126 §6: takes authorization requests only pushed
  { client_id: "par-client", client_secret: "par-secret", token_endpoint_auth_method: "client_secret_basic", application_type: "native", require_pushed_authorization_requests: true },
  // RFC 9449: its tokens must be DPoP-bound, so every token request must carry a proof
  { client_id: "dpop-client", client_secret: "dpop-secret", token_endpoint_auth_method: "client_secret_basic", application_type: "native", dpop_bound_access_tokens: true },
].map((client) => ({
  ...client,
  grant_types: ["client_credentials", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", TOKEN_EXCHANGE],
  response_types: ["code"],
  redirect_uris: [LOOPBACK],
  scope: "openid profile offline_access read write",
}));
clients.push({
  client_id: "native-client",
  application_type: "native",
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
  response_types: ["code"],
  redirect_uris: [LOOPBACK],
  scope: "openid profile offline_access read write",
});

// Generated as PEM and read back: exporting the generated key object itself as a JWK can
// deadlock Node 20 when a garbage collection runs during the export (the key-generation job's
// destructor waits for the key's lock, which the export holds); the server then hung at start.
const { privateKey: pem } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const signingKey = { ...createPrivateKey(pem).export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

// Listen first so the issuer can carry the port the system chose.
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const tlsDir = option("--tls", null);
const server = tlsDir
  ? createTlsServer(
      {
        cert: readFileSync(`${tlsDir}/server.pem`),
        key: readFileSync(`${tlsDir}/server-key.pem`),
        // mutual TLS: ask for a certificate, take any (oidc-provider decides per client)
        ca: readFileSync(`${tlsDir}/ca.pem`),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => handler(req, res),
    )
  : createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `${tlsDir ? "https" : "http"}://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ["authdeck-test-only-cookie-key"] },
  pkce: { required: () => true },
  ttl: {
    AccessToken: () => config.token_ttl,
    ClientCredentials: () => config.token_ttl,
    RefreshToken: () => 14 * 24 * 3600,
  },
  // DPoP proofs by every kind of key Authdeck signs with (oidc-provider takes only ES256 and
  // Ed25519 / EdDSA unless told); the metadata lists them as dpop_signing_alg_values_supported
  enabledJWA: { dPoPSigningAlgValues: ["ES256", "Ed25519", "EdDSA", "PS256", "RS256"] },
  // every method Authdeck speaks, named rather than left to the default
  clientAuthMethods: [
    "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
    "tls_client_auth", "self_signed_tls_client_auth", "none",
  ],
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: true },
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => config.dpop_require_nonce },
    // RFC 8705, with TLS terminated by this server itself (--tls): the peer certificate is
    // read from the request's socket
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: true,
      getCertificate: peerCertificate,
      certificateAuthorized: (ctx) => Boolean(ctx.socket.authorized),
      certificateSubjectMatches: (ctx, property, expected) =>
        property === "tls_client_auth_subject_dn" && certificateSeen(ctx)?.subject === expected,
    },
    registration: { enabled: true },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, client) => (client?.clientId === "jwt-client" ? JWT_API : API),
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        // Like most providers, refuse (rather than drop) a client-credentials scope the server
        // does not know.
        const params = ctx.oidc?.params ?? {};
        const unknown = (params.scope ?? "").split(" ").filter((s) => s && !SCOPES.includes(s));
        if (params.grant_type === "client_credentials" && unknown.length > 0) {
          throw new errors.InvalidScope("requested scope is not allowed", unknown.join(" "));
        }
        return resourceServer(resource);
      },
    },
  },
  scopes: SCOPES,
  // a token exchange with an actor token names the actor (RFC 8693 §4.1)
  extraTokenClaims: (ctx) => (ctx?.state?.act ? { act: ctx.state.act } : undefined),
  claims: { openid: ["sub"], profile: ["name", "email"] },
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, name: `Test user ${sub}`, email: `${sub}@example.test` }),
  }),
  loadExistingGrant: async (ctx) => {
    // Consent once per client and user, like most providers.
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client.clientId);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
});
provider.proxy = false;

// RFC 8693 token exchange: the subject token must be one this server issued (an access or
// client-credentials token, unexpired), the scope asked for within the subject's; the new token
// is an opaque client-credentials token of the requesting client. With an actor token (§2.1),
// which must be such a token too (else invalid_request, as §2.2.2 says for either token), the
// new token is a JWT access token whose `act` claim (§4.1) names the actor's client, as a
// delegation is. What it saw is recorded.
const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
provider.registerGrantType(
  TOKEN_EXCHANGE,
  async (ctx) => {
    const params = ctx.oidc.params;
    const body = ctx.oidc.body ?? {};
    const record = {
      client_id: ctx.oidc.client.clientId,
      subject_client_id: null,
      subject_scope: null,
      audience: list(body.audience),
      resource: list(body.resource),
      scope: params.scope ?? null,
      actor_token_type: params.actor_token ? params.actor_token_type ?? "" : null,
      actor_client_id: null,
      act: null,
      requested_token_type: params.requested_token_type ?? null,
      status: 400,
      error: null,
    };
    exchangeRequests.push(record);
    try {
      if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
        throw new errors.InvalidRequest("subject_token_type must be an access token's");
      }
      const subject =
        (await ctx.oidc.provider.AccessToken.find(params.subject_token)) ??
        (await ctx.oidc.provider.ClientCredentials.find(params.subject_token));
      if (!subject || subject.isExpired) throw new errors.InvalidGrant("subject token is invalid or expired");
      record.subject_client_id = subject.clientId;
      let act;
      if (params.actor_token !== undefined) {
        if (params.actor_token_type !== ACCESS_TOKEN_TYPE) {
          throw new errors.InvalidRequest("actor_token_type must be an access token's");
        }
        const actor =
          (await ctx.oidc.provider.AccessToken.find(params.actor_token)) ??
          (await ctx.oidc.provider.ClientCredentials.find(params.actor_token));
        if (!actor || actor.isExpired) throw new errors.InvalidRequest("actor_token is invalid or expired");
        record.actor_client_id = actor.clientId;
        act = { sub: actor.clientId };
      } else if (params.actor_token_type !== undefined) {
        throw new errors.InvalidRequest("actor_token_type without actor_token");
      }
      record.subject_scope = subject.scope ?? "";
      const held = new Set((subject.scope ?? "").split(" ").filter(Boolean));
      const asked = (params.scope ?? "").split(" ").filter(Boolean);
      const beyond = asked.filter((scope) => !held.has(scope));
      if (beyond.length > 0) throw new errors.InvalidScope("scope exceeds the subject token's", beyond.join(" "));
      const token = new ctx.oidc.provider.ClientCredentials({
        client: ctx.oidc.client,
        scope: (asked.length > 0 ? asked : [...held]).join(" ") || undefined,
      });
      // oidc-provider sets a token's extra claims from extraTokenClaims when it saves it
      if (act) ctx.state.act = act;
      if (act) token.resourceServer = resourceServer(JWT_API);
      const value = await token.save();
      record.act = act ?? null;
      ctx.body = {
        access_token: value,
        ...(config.exchange_omit_issued_type ? {} : { issued_token_type: ACCESS_TOKEN_TYPE }),
        token_type: "Bearer",
        expires_in: token.expiration,
        scope: token.scope,
      };
      record.status = 200;
    } catch (error) {
      record.error = error.error ?? "server_error";
      throw error;
    }
  },
  ["subject_token", "subject_token_type", "audience", "resource", "scope", "requested_token_type", "actor_token", "actor_token_type"],
  ["audience", "resource"],
);
// Why a client authentication failed, for /test/client-auth (oidc-provider tells the client
// only "invalid_client").
for (const event of ["grant.error", "introspection.error", "revocation.error", "device_authorization.error", "pushed_authorization_request.error"]) {
  provider.on(event, (ctx, error) => {
    ctx.state.errorDetail = error.error_detail ?? error.message ?? null;
  });
}

const json = (ctx, status, body) => {
  ctx.status = status;
  ctx.type = "application/json";
  ctx.body = JSON.stringify(body);
};
const readJson = (ctx) =>
  new Promise((resolve) => {
    let text = "";
    ctx.req.on("data", (chunk) => (text += chunk));
    ctx.req.on("end", () => {
      try {
        resolve(JSON.parse(text || "{}"));
      } catch {
        resolve(null);
      }
    });
  });

provider.use(async (ctx, next) => {
  // an mTLS alias is the endpoint it stands for, reached by another path
  if (ctx.path.startsWith("/mtls/")) {
    ctx.state.arrivedAt = ctx.path;
    ctx.path = ctx.path.slice("/mtls".length);
  }
  if (ctx.path === "/test/token-requests" && ctx.method === "GET") return json(ctx, 200, tokenRequests);
  if (ctx.path === "/test/revocation-requests" && ctx.method === "GET") return json(ctx, 200, revocationRequests);
  if (ctx.path === "/test/client-auth" && ctx.method === "GET") return json(ctx, 200, clientAuthRequests);
  if (ctx.path === "/test/par-requests" && ctx.method === "GET") return json(ctx, 200, parRequests);
  if (ctx.path === "/test/exchange-requests" && ctx.method === "GET") return json(ctx, 200, exchangeRequests);
  if (ctx.path === "/test/dpop-resource-requests" && ctx.method === "GET") return json(ctx, 200, dpopResourceRequests);
  if (ctx.path === "/test/authorization-requests" && ctx.method === "GET") return json(ctx, 200, authorizationRequests);
  if (ctx.path === "/test/metadata-requests" && ctx.method === "GET") return json(ctx, 200, metadataRequests);
  if (ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) {
    metadataRequests.push({ path: ctx.path, certificate: certificateSeen(ctx) });
  }
  if (ctx.path === "/test/token-requests/clear" && ctx.method === "POST") {
    clientAuthRequests.length = 0;
    tokenRequests.length = 0;
    revocationRequests.length = 0;
    parRequests.length = 0;
    exchangeRequests.length = 0;
    authorizationRequests.length = 0;
    metadataRequests.length = 0;
    tokenPolls = 0;
    return json(ctx, 200, { cleared: true });
  }
  if (ctx.path === "/test/config" && ctx.method === "POST") {
    const update = await readJson(ctx);
    if (!update) return json(ctx, 400, { error: "invalid_request", error_description: "JSON body expected" });
    Object.assign(config, update);
    return json(ctx, 200, config);
  }
  if (ctx.path === "/test/hostile-shapes" && ctx.method === "GET") return json(ctx, 200, shapeTable());
  if (await answerHostile(ctx, config.hostile, issuer)) return undefined;
  if (config.dpop_algs_listed && ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) {
    return listDpopAlgs(ctx, next);
  }
  if (config.grant_types_listed && ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) {
    return listGrantTypes(ctx, next);
  }
  if (config.auth_methods_listed && ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) {
    return listAuthMethods(ctx, async () => {
      if (!(config.metadata_split && (await splitMetadata(ctx, next)))) await next();
    });
  }
  if (config.mtls_aliases && ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) return mtlsMetadata(ctx, next);
  if (config.metadata_split && ctx.method === "GET" && (await splitMetadata(ctx, next))) return undefined;
  if (config.par_metadata && ctx.method === "GET" && ctx.path.startsWith("/.well-known/")) return parMetadata(ctx, next);
  if (ctx.path === "/auth" && ctx.method === "GET") {
    authorizationRequests.push({
      names: [...new URL(ctx.href).searchParams.keys()],
      client_id: ctx.query.client_id ?? null,
      request_uri: ctx.query.request_uri ?? null,
    });
  }
  if (ctx.method === "POST" && ctx.path === "/request") {
    return recordClientAuth(ctx, () => recordPar(ctx, () => routeClientAuth(ctx, next)));
  }
  if (ctx.method === "POST" && CLIENT_AUTH_ENDPOINTS[ctx.path]) {
    return recordClientAuth(ctx, () => routeClientAuth(ctx, next));
  }
  return routeClientAuth(ctx, next);
});

/** The client-authenticated endpoints and everything else, with the test's faults. */
async function routeClientAuth(ctx, next) {
  if (ctx.path === "/oauth/token/info" && ctx.method === "GET") return tokenInfo(ctx);
  if (ctx.path === "/test/dpop-resource") return dpopResource(ctx);
  if (ctx.path === "/test/mtls-resource") return mtlsResource(ctx);
  if (ctx.path === "/v1/oauthApps" || ctx.path.startsWith("/v1/oauthApps/")) return oauthApps(ctx);
  if (ctx.path === "/token/introspection" && config.introspection_fault === "active_string") {
    return json(ctx, 200, { active: "true" });
  }
  if (ctx.path === "/device/auth" && ctx.method === "POST" && config.device_interval !== null) {
    await next();
    if (ctx.status === 200 && ctx.body && typeof ctx.body === "object") {
      ctx.body = { ...ctx.body, interval: config.device_interval };
    }
    return undefined;
  }
  if (ctx.path === "/token/revocation" && ctx.method === "POST") {
    const basic = (ctx.get("authorization") || "").startsWith("Basic ");
    await next();
    const params = ctx.oidc?.params ?? {};
    revocationRequests.push({
      client_id: ctx.oidc?.client?.clientId ?? null,
      auth_method: basic ? "client_secret_basic" : authMethodOf(ctx, params),
      token_type_hint: params.token_type_hint ?? null,
      // which token was sent (a digest, never the value), as token requests record refresh tokens
      token_digest: params.token ? createHash("sha256").update(params.token).digest("hex").slice(0, 16) : null,
      status: ctx.status,
    });
    return undefined;
  }
  if (ctx.path === "/token" && ctx.method === "POST") {
    const type = (ctx.get("content-type") || "").split(";")[0].trim();
    const basic = (ctx.get("authorization") || "").startsWith("Basic ");
    const record = {
      content_type: type,
      auth_method: basic ? "client_secret_basic" : "unknown",
      at: Date.now(),
      arrived_at: ctx.state.arrivedAt ?? ctx.path,
      certificate: certificateSeen(ctx),
    };
    tokenRequests.push(record);
    if (config.delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, config.delay_ms));
    if (config.fault && fault(ctx, config.fault)) return undefined;
    record.dpop = ctx.get("dpop") ? decodeJwt(ctx.get("dpop")) : null;
    if (config.dpop_refuse_nonce && record.dpop) {
      ctx.set("DPoP-Nonce", `refused-${tokenRequests.length}`);
      record.status = 400;
      record.error = "use_dpop_nonce";
      return json(ctx, 400, { error: "use_dpop_nonce", error_description: "nonce is required in the DPoP proof" });
    }
    record.poll = ++tokenPolls;
    if (config.device_slow_down.includes(tokenPolls)) {
      record.grant_type = "urn:ietf:params:oauth:grant-type:device_code";
      record.status = 400;
      record.error = "slow_down";
      return json(ctx, 400, { error: "slow_down", error_description: "poll less often" });
    }
    if (config.strict && type !== "application/x-www-form-urlencoded") {
      return json(ctx, 415, {
        error: "invalid_request",
        error_description: "Only application/x-www-form-urlencoded is accepted",
      });
    }
    await next();
    // oidc-provider has parsed the body by now; say which client and method it saw.
    const params = ctx.oidc?.params ?? {};
    record.grant_type = params.grant_type;
    record.scope = params.scope ?? null;
    record.resource = ctx.oidc?.body?.resource ?? null; // as sent, before the default applies
    // not an oidc-provider parameter (Auth0's), so read from the parsed body
    record.audience = ctx.oidc?.body?.audience ?? null;
    record.client_id = ctx.oidc?.client?.clientId;
    // which refresh token was sent (a digest, never the value): no refresh token is sent twice
    record.refresh_token_digest = params.refresh_token
      ? createHash("sha256").update(params.refresh_token).digest("hex").slice(0, 16)
      : null;
    if (!basic) record.auth_method = authMethodOf(ctx, params);
    record.status = ctx.status;
    record.error = ctx.status >= 400 ? (ctx.body?.error ?? null) : null;
    return undefined;
  }
  return next();
}

// Doorkeeper's GET /oauth/token/info: what the provider knows of a Bearer token.
async function tokenInfo(ctx) {
  const value = (ctx.get("authorization") || "").replace(/^Bearer /, "");
  const token =
    (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  if (!token || token.isExpired) {
    ctx.set("WWW-Authenticate", 'Bearer error="invalid_token"');
    return json(ctx, 401, { error: "invalid_token", error_description: "The access token is invalid" });
  }
  return json(ctx, 200, {
    resource_owner_id: token.accountId ?? null,
    scope: (token.scope ?? "").split(" ").filter(Boolean),
    expires_in: Math.max(0, token.exp - Math.floor(Date.now() / 1000)),
    application: { uid: token.clientId },
    created_at: token.iat,
  });
}

// A resource server for DPoP-bound tokens (RFC 9449 §7): the token must be bound, and the
// proof made for this request and this token by the key the token is bound to.
const dpopResourceRequests = [];
const resourceNonce = randomBytes(16).toString("base64url");
async function dpopResource(ctx) {
  const record = { nonce: null, status: 401 };
  dpopResourceRequests.push(record);
  const refuse = (description, error = "invalid_token") => {
    ctx.set("WWW-Authenticate", `DPoP error="${error}", error_description="${description}"`);
    return json(ctx, 401, { error, error_description: description });
  };
  const value = /^DPoP (.+)$/.exec(ctx.get("authorization") || "")?.[1];
  if (!value) return refuse("a DPoP token is expected");
  const token = (await provider.ClientCredentials.find(value)) ?? (await provider.AccessToken.find(value));
  if (!token || token.isExpired) return refuse("the access token is invalid");
  if (!token.jkt) return refuse("the access token is not DPoP-bound");
  try {
    const url = `${issuer}${ctx.originalUrl}`;
    const checked = await verifyDpop({ proof: ctx.get("dpop"), method: ctx.method, url, access_token: value, jkt: token.jkt });
    record.nonce = checked.claims.nonce ?? null;
    if (config.dpop_resource_nonce && checked.claims.nonce !== resourceNonce) {
      ctx.set("DPoP-Nonce", resourceNonce);
      return refuse("Resource server requires nonce in DPoP proof", "use_dpop_nonce");
    }
    record.status = 200;
    return json(ctx, 200, { client_id: token.clientId, jkt: checked.jkt, htm: checked.claims.htm, htu: checked.claims.htu });
  } catch (error) {
    return refuse(`the DPoP proof is invalid: ${error.message}`);
  }
}

// A resource server for certificate-bound tokens (RFC 8705 §3): says which client certificate
// the request's TLS connection presented and which one its Bearer token is bound to.
async function mtlsResource(ctx) {
  const value = /^Bearer (.+)$/.exec(ctx.get("authorization") || "")?.[1];
  const token = value ? ((await provider.ClientCredentials.find(value)) ?? (await provider.AccessToken.find(value))) : undefined;
  if (!token || token.isExpired) return json(ctx, 401, { error: "invalid_token", error_description: "the access token is invalid" });
  return json(ctx, 200, { client_id: token.clientId, presented: certificateSeen(ctx), bound: token["x5t#S256"] ?? null });
}

// The REST "OAuth apps" API. Each app is a client registered through the server's own RFC 7591
// endpoint (so its secret works at /token at once) plus the fields this API adds.
const oauthAppRecords = new Map(); // id -> { app, registration: { uri, token } }
let oauthAppCount = 0;
const appFields = ["displayName", "description", "logoUri", "allowedCallbackUrls", "allowedLogoutUrls", "allowedWebOrigins", "labels"];
const registrationOf = (app) => ({
  client_name: app.displayName,
  redirect_uris: app.allowedCallbackUrls ?? [],
  post_logout_redirect_uris: app.allowedLogoutUrls ?? [],
  ...(app.logoUri ? { logo_uri: app.logoUri } : {}),
  grant_types: ["client_credentials", "authorization_code", "refresh_token"],
  response_types: (app.allowedCallbackUrls ?? []).length > 0 ? ["code"] : [],
  token_endpoint_auth_method: "client_secret_basic",
  scope: "openid profile offline_access read write",
});

async function oauthApps(ctx) {
  const fault = config.apps_fault;
  config.apps_fault = null;
  if (fault === "hang") await new Promise((resolve) => setTimeout(resolve, 60_000));
  const value = (ctx.get("authorization") || "").replace(/^Bearer /, "");
  const token = value ? await provider.ClientCredentials.find(value) : undefined;
  if (!token || token.isExpired) {
    ctx.set("WWW-Authenticate", 'Bearer error="invalid_token"');
    return json(ctx, 401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } });
  }
  if (token.clientId !== "admin-client") {
    return json(ctx, 403, { error: { code: 403, message: "The caller does not have permission to manage OAuth apps.", status: "PERMISSION_DENIED" } });
  }
  if (fault === "html_500") {
    ctx.status = 500;
    ctx.type = "text/html";
    ctx.body = HTML;
    return undefined;
  }
  if (fault === "malformed") {
    ctx.status = 200;
    ctx.type = "application/json";
    ctx.body = '{"name": "oauthApps/';
    return undefined;
  }
  const id = ctx.path.slice("/v1/oauthApps/".length);
  const record = oauthAppRecords.get(id);
  const notFound = () => json(ctx, 404, { error: { code: 404, message: `oauthApps/${id} not found.`, status: "NOT_FOUND" } });
  if (ctx.path === "/v1/oauthApps" && ctx.method === "GET") {
    return json(ctx, 200, { oauthApps: [...oauthAppRecords.values()].map((r) => r.app) });
  }
  if (ctx.path === "/v1/oauthApps" && ctx.method === "POST") {
    const input = await readJson(ctx);
    if (!input || typeof input.displayName !== "string" || input.displayName.trim() === "") {
      return json(ctx, 400, { error: { code: 400, message: "displayName is required.", status: "INVALID_ARGUMENT" } });
    }
    const clash = fault === "conflict" || [...oauthAppRecords.values()].some((r) => r.app.displayName === input.displayName);
    if (clash) {
      return json(ctx, 409, { error: { code: 409, message: `An OAuth app named ${input.displayName} already exists.`, status: "ALREADY_EXISTS" } });
    }
    const registered = await fetch(`${issuer}/reg`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(registrationOf(input)),
    });
    const client = await registered.json();
    if (registered.status !== 201) {
      return json(ctx, 400, { error: { code: 400, message: client.error_description ?? "invalid app", status: "INVALID_ARGUMENT" } });
    }
    const appId = `app${String(++oauthAppCount).padStart(4, "0")}`;
    const now = new Date().toISOString();
    const app = {
      name: `oauthApps/${appId}`,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      createdBy: "clients/admin-client",
      updatedBy: "clients/admin-client",
      createTime: now,
      updateTime: now,
      labels: {},
      ...Object.fromEntries(appFields.filter((f) => f in input).map((f) => [f, input[f]])),
    };
    oauthAppRecords.set(appId, {
      app,
      registration: { uri: client.registration_client_uri, token: client.registration_access_token },
    });
    return json(ctx, 200, app);
  }
  if (!record) return notFound();
  if (ctx.method === "GET") return json(ctx, 200, record.app);
  if (ctx.method === "PATCH") {
    const input = await readJson(ctx);
    if (!input) return json(ctx, 400, { error: { code: 400, message: "JSON body expected.", status: "INVALID_ARGUMENT" } });
    const app = { ...record.app, ...Object.fromEntries(appFields.filter((f) => f in input).map((f) => [f, input[f]])) };
    const updated = await fetch(record.registration.uri, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${record.registration.token}` },
      body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, ...registrationOf(app) }),
    });
    if (updated.status !== 200) {
      const problem = await updated.json();
      return json(ctx, 400, { error: { code: 400, message: problem.error_description ?? "invalid app", status: "INVALID_ARGUMENT" } });
    }
    app.updateTime = new Date().toISOString();
    record.app = app;
    return json(ctx, 200, app);
  }
  if (ctx.method === "DELETE") {
    await fetch(record.registration.uri, { method: "DELETE", headers: { authorization: `Bearer ${record.registration.token}` } });
    oauthAppRecords.delete(id);
    return json(ctx, 200, {});
  }
  return json(ctx, 405, { error: { code: 405, message: "Method not allowed.", status: "UNIMPLEMENTED" } });
}

handler = provider.callback();
process.stdout.write(`${JSON.stringify({ ready: true, issuer })}\n`);
// stdout carries only the ready line: the harness may stop reading it, and oidc-provider's own
// notices (console.log/info) would then kill the server with EPIPE.
for (const name of ["log", "info", "warn", "debug"]) {
  console[name] = (...args) => process.stderr.write(`${args.join(" ")}\n`);
}
process.stdout.on("error", () => {});

// No server outlives its test: stop when the test closes our stdin (or dies).
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
