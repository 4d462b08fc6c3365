// The hostile provider: answers one kind of request with one malformed or hostile shape, so the
// tests can prove that every such answer ends in a typed error and stores nothing.
//
// Selected with POST /test/config {"hostile": {"endpoint": "token", "shape": "duplicate_keys"}};
// {"hostile": null} ends it. Endpoints: token (POST /token: client credentials, refresh ...),
// introspection (POST /token/introspection), discovery (GET both metadata documents), device
// (POST /device/auth), registration (POST /reg, RFC 7591). `SHAPES` lists the shapes and which
// endpoints each applies to. Every value a client must keep secret carries "hostile-secret"
// (or is the number 98765432), so a test can check that none leaks into a message.
import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";

const SECRET_NUMBER = "98765432";
const LIMIT = 1024 * 1024; // the client's response bound (core's http.rs)

// Where each endpoint kind is served.
const ROUTES = [
  { endpoint: "token", method: "POST", paths: ["/token"] },
  { endpoint: "introspection", method: "POST", paths: ["/token/introspection"] },
  {
    endpoint: "discovery",
    method: "GET",
    paths: ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"],
  },
  { endpoint: "device", method: "POST", paths: ["/device/auth"] },
  { endpoint: "registration", method: "POST", paths: ["/reg"] },
];

// A well-formed answer of each endpoint; every shape breaks one thing in it.
function wellFormed(endpoint, issuer) {
  const now = Math.floor(Date.now() / 1000);
  switch (endpoint) {
    case "token":
      return { access_token: "hostile-secret-access", token_type: "Bearer", expires_in: 3600, scope: "read write" };
    case "introspection":
      return { active: true, scope: "read write", client_id: "basic-client", token_type: "Bearer", exp: now + 3600, iat: now };
    case "discovery":
      return {
        issuer,
        token_endpoint: `${issuer}/token`,
        authorization_endpoint: `${issuer}/auth`,
        jwks_uri: `${issuer}/jwks`,
        scopes_supported: ["openid", "read", "write"],
      };
    case "device":
      return {
        device_code: "hostile-secret-device",
        user_code: "HSTL-CODE",
        verification_uri: `${issuer}/device`,
        expires_in: 600,
        interval: 5,
      };
    case "registration":
      return {
        client_id: "hostile-client",
        client_secret: "hostile-secret-client",
        registration_access_token: "hostile-secret-registration",
        registration_client_uri: `${issuer}/reg/hostile-client`,
        client_name: "Hostile",
        redirect_uris: [],
        client_id_issued_at: now,
        client_secret_expires_at: 0,
      };
    default:
      throw new Error(`unknown endpoint ${endpoint}`);
  }
}

// Per endpoint: the field that holds the main value (a secret where there is one), the
// lifetime, and the scopes.
const VALUE = { token: "access_token", introspection: "active", discovery: "issuer", device: "device_code", registration: "client_secret" };
const LIFETIME = { token: "expires_in", introspection: "exp", device: "expires_in", registration: "client_id_issued_at" };
const SCOPE = { token: "scope", introspection: "scope", discovery: "scopes_supported" };
const ALL = ["token", "introspection", "discovery", "device", "registration"];
const TIMED = ["token", "introspection", "device"]; // lifetimes a client computes with

// The document as JSON text, with `field` set to `literal` written verbatim (numbers JSON.stringify
// cannot write exactly, such as 2^63, and duplicate keys).
function withLiteral(doc, field, literal) {
  const marker = "\u0000hostile-literal\u0000";
  return JSON.stringify({ ...doc, [field]: marker }).replace(JSON.stringify(marker), literal);
}
const without = (doc, field) => Object.fromEntries(Object.entries(doc).filter(([key]) => key !== field));
const json = (body, status = 200) => ({ status, type: "application/json", body: typeof body === "string" ? body : JSON.stringify(body) });
const lifetime = (literal) => ({ applies: TIMED.concat("registration"), answer: (e, doc) => json(withLiteral(doc, LIFETIME[e], literal)) });

// shape -> { applies: [endpoints], answer(endpoint, wellFormedDoc, issuer) -> answer }
export const SHAPES = {
  value_number: { applies: ALL, answer: (e, doc) => json(withLiteral(doc, VALUE[e], e === "introspection" ? '"true"' : SECRET_NUMBER)) },
  lifetime_string: { applies: TIMED.concat("registration"), answer: (e, doc) => json({ ...doc, [LIFETIME[e]]: "3600" }) },
  lifetime_object: { applies: TIMED.concat("registration"), answer: (e, doc) => json({ ...doc, [LIFETIME[e]]: { seconds: 3600 } }) },
  scope_object: { applies: ["token", "introspection", "discovery"], answer: (e, doc) => json({ ...doc, [SCOPE[e]]: { read: true } }) },
  lifetime_1e300: lifetime("1e300"),
  lifetime_2_63: lifetime("9223372036854775808"),
  lifetime_2_64: lifetime("18446744073709551616"),
  lifetime_i64_max: { applies: TIMED, answer: (e, doc) => json(withLiteral(doc, LIFETIME[e], "9223372036854775807")) },
  lifetime_negative: { applies: TIMED, answer: (e, doc) => json({ ...doc, [LIFETIME[e]]: -3600 }) },
  missing_token_type: { applies: ["token"], answer: (_e, doc) => json(without(doc, "token_type")) },
  missing_value: { applies: ALL, answer: (e, doc) => json(without(doc, e === "registration" ? "client_id" : VALUE[e])) },
  duplicate_keys: {
    applies: ALL,
    answer: (e, doc, issuer) => {
      const second = { token: '"hostile-secret-second"', introspection: "false", discovery: '"https://evil.example.com"', device: '"hostile-secret-second"', registration: '"hostile-secret-second"' }[e];
      const text = JSON.stringify(doc);
      return json(`${text.slice(0, -1)},${JSON.stringify(VALUE[e])}:${second}}`);
    },
  },
  control_in_error_description: {
    applies: ALL,
    answer: () => json({ error: "invalid_request", error_description: "bad\u001b[2J\u001b]0;owned\u0007 request\r\nX-Injected: yes\u0000" }, 400),
  },
  control_in_value: {
    applies: ["token", "device", "registration"],
    answer: (e, doc) => {
      const field = e === "device" ? "user_code" : VALUE[e];
      return json({ ...doc, [field]: "hostile-secret\u0000\u001b[31m\r\nvalue" });
    },
  },
  over_1mib: {
    applies: ALL,
    answer: (e, doc) => {
      const text = JSON.stringify({ ...doc, padding: "" });
      return json(text.replace('"padding":""', `"padding":"${"x".repeat(LIMIT + 1 - text.length)}"`));
    },
  },
  over_1mib_chunked: {
    applies: ALL,
    // no Content-Length: the client must count what it reads
    answer: () => ({ status: 200, type: "application/json", body: Readable.from([Buffer.from('{"padding":"'), Buffer.alloc(LIMIT, "x"), Buffer.from('"}')]) }),
  },
  trickle: {
    applies: ALL,
    answer: (e, doc) => ({ status: 200, type: "application/json", trickle: JSON.stringify(doc) }),
  },
  redirect: {
    applies: ALL,
    answer: () => ({ status: 302, type: "text/plain", headers: { location: "https://evil.example.com/moved" }, body: "" }),
  },
  html_200: {
    applies: ALL,
    answer: () => ({ status: 200, type: "text/html", body: "<!doctype html><html><body><h1>Sign in</h1></body></html>" }),
  },
  gzip_bomb: {
    applies: ALL,
    // 4 MiB of JSON in a few KiB: a client that decompressed would have to bound the result
    answer: (e, doc) => {
      const text = JSON.stringify({ ...doc, padding: "x".repeat(4 * LIMIT) });
      return { status: 200, type: "application/json", headers: { "content-encoding": "gzip" }, body: gzipSync(text) };
    },
  },
  empty_200: { applies: ALL, answer: () => ({ status: 200, type: "application/json", body: "" }) },
  json_array: { applies: ALL, answer: (e, doc) => json([doc]) },
  json_null: { applies: ALL, answer: () => json("null") },
  non_utf8: {
    applies: ALL,
    answer: (e, doc) => {
      const [head, tail] = JSON.stringify({ ...doc, note: "@@" }).split("@@");
      return { status: 200, type: "application/json", body: Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(tail)]) };
    },
  },
  token_type_other: { applies: ["token"], answer: (_e, doc) => json({ ...doc, token_type: "MAC" }) },
  token_type_dpop: { applies: ["token"], answer: (_e, doc) => json({ ...doc, token_type: "DPoP" }) },
};

// A body that sends one byte a second, and stops when the client goes away.
function trickle(text, res) {
  let at = 0;
  const stream = new Readable({ read() {} });
  const timer = setInterval(() => {
    if (at >= text.length) {
      clearInterval(timer);
      stream.push(null);
      return;
    }
    stream.push(text[at++]);
  }, 1000);
  res.on("close", () => clearInterval(timer));
  return stream;
}

/** Answers `ctx` with the configured hostile shape when the request is one it targets. */
export async function answerHostile(ctx, hostile, issuer) {
  if (!hostile) return false;
  const route = ROUTES.find((r) => r.endpoint === hostile.endpoint);
  if (!route || ctx.method !== route.method || !route.paths.includes(ctx.path)) return false;
  const shape = SHAPES[hostile.shape];
  if (!shape || !shape.applies.includes(hostile.endpoint)) {
    ctx.status = 500;
    ctx.type = "text/plain";
    ctx.body = `hostile: no shape ${hostile.shape} for ${hostile.endpoint}`;
    return true;
  }
  // Read (and drop) the request body, as a server does before it answers.
  for await (const _chunk of ctx.req);
  const answer = shape.answer(hostile.endpoint, wellFormed(hostile.endpoint, issuer), issuer);
  ctx.status = answer.status === 200 && hostile.endpoint === "registration" ? 201 : answer.status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
  ctx.type = answer.type;
  ctx.body = answer.trickle !== undefined ? trickle(answer.trickle, ctx.res) : answer.body;
  if (answer.headers?.["content-encoding"]) ctx.set("content-encoding", answer.headers["content-encoding"]);
  return true;
}

/** The shapes and the endpoints each applies to (GET /test/hostile-shapes). */
export function shapeTable() {
  return Object.fromEntries(Object.entries(SHAPES).map(([name, shape]) => [name, shape.applies]));
}
