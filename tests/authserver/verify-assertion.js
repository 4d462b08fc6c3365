// Verifies a JWT with panva's `jose` (the library under oidc-provider), independent of the
// crate that signed it. Reads {"jwt", "alg", "secret"?, "jwk"?} as JSON on stdin; prints
// {"header", "claims"} when the signature is valid for that key and alg, else exits 1 with why.
import { importJWK, jwtVerify } from "jose";

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const { jwt, alg, secret, jwk } = JSON.parse(input);
  try {
    const key = secret !== undefined ? new TextEncoder().encode(secret) : await importJWK(jwk, alg);
    // no clock check here: the claims are compared exactly by the test
    const { protectedHeader, payload } = await jwtVerify(jwt, key, { algorithms: [alg], currentDate: new Date(0), clockTolerance: Number.MAX_SAFE_INTEGER });
    process.stdout.write(`${JSON.stringify({ header: protectedHeader, claims: payload })}\n`);
  } catch (error) {
    process.stderr.write(`${error.code ?? "error"}: ${error.message}\n`);
    process.exit(1);
  }
});
