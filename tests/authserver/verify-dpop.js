// Verifies a DPoP proof (RFC 9449 §4.3) with panva's `jose`, independent of the crate that
// signed it: the signature by the key in its own header, `typ` dpop+jwt, `htm`, `htu` (the URL
// without query and fragment), `ath` (SHA-256 of the access token), `iat` within 60 s of now,
// and the key's RFC 7638 thumbprint when one is expected (the token's `cnf.jkt`).
// Used by the test server's DPoP resource route, and run on its own: reads {"proof", "method",
// "url", "access_token"?, "jkt"?} as JSON on stdin; prints {"header", "claims", "jkt"} when the
// proof holds, else exits 1 with why.
import { createHash } from "node:crypto";
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from "jose";

export async function verifyDpop({ proof, method, url, access_token: accessToken, jkt }) {
  const { protectedHeader, payload } = await jwtVerify(proof, EmbeddedJWK, {
    typ: "dpop+jwt",
    algorithms: ["ES256", "EdDSA", "Ed25519", "PS256", "RS256"],
  });
  const fail = (why) => {
    throw Object.assign(new Error(why), { code: "ERR_DPOP" });
  };
  if (protectedHeader.jwk.d !== undefined) fail("the header's jwk holds a private key");
  if (typeof payload.jti !== "string" || payload.jti.length < 16) fail("jti missing or short");
  if (payload.htm !== method) fail(`htm ${payload.htm} is not ${method}`);
  const expected = new URL(url);
  expected.search = "";
  expected.hash = "";
  if (payload.htu !== expected.href) fail(`htu ${payload.htu} is not ${expected.href}`);
  if (Math.abs(Math.floor(Date.now() / 1000) - payload.iat) > 60) fail(`iat ${payload.iat} is not now`);
  if (accessToken !== undefined) {
    const ath = createHash("sha256").update(accessToken).digest("base64url");
    if (payload.ath !== ath) fail("ath does not match the access token");
  } else if (payload.ath !== undefined) {
    fail("ath on a proof for no token");
  }
  const thumbprint = await calculateJwkThumbprint(protectedHeader.jwk);
  if (jkt !== undefined && thumbprint !== jkt) fail(`the proof's key ${thumbprint} is not the token's ${jkt}`);
  return { header: protectedHeader, claims: payload, jkt: thumbprint };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", async () => {
    try {
      process.stdout.write(`${JSON.stringify(await verifyDpop(JSON.parse(input)))}\n`);
    } catch (error) {
      process.stderr.write(`${error.code ?? "error"}: ${error.message}\n`);
      process.exit(1);
    }
  });
}
