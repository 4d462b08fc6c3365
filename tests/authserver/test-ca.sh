#!/usr/bin/env bash
# Makes a throw-away certificate authority and a certificate for 127.0.0.1 signed by it, for
# the test authorization server behind TLS (`node server.js --tls DIR`). Nothing of it is ever
# committed: each test run and each benchmark run makes its own.
#   bash test-ca.sh DIR   writes DIR/ca.pem (the CA's certificate, to trust),
#                         DIR/server.pem and DIR/server-key.pem (the server's, mode 600), and
#                         DIR/client.pem and DIR/client-key.pem: a client certificate for
#                         mutual TLS (tls_client_auth), subject CN=authdeck-mtls-client
# The CA's private key is deleted as soon as the server's certificate is signed, so a CA left
# in a trust store can vouch for nothing else. Both certificates expire after two days.
set -euo pipefail
dir=${1:?usage: test-ca.sh DIR}
command -v openssl >/dev/null || {
  echo "test-ca.sh: the openssl command is missing; run .ci/install-deps" >&2
  exit 1
}
mkdir -p "$dir"
cd "$dir"
umask 077
# openssl talks on stderr even when it succeeds: show it only when a step fails.
run() { "$@" 2>openssl.log || { cat openssl.log >&2; exit 1; }; }
curve=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
run openssl req -x509 "${curve[@]}" -days 2 -keyout ca-key.pem -out ca.pem \
  -subj "/CN=Authdeck throw-away test CA $(date -u +%Y%m%dT%H%M%SZ)-$$" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
run openssl req "${curve[@]}" -keyout server-key.pem -out server.csr -subj "/CN=127.0.0.1"
printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
run openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 16)" \
  -days 2 -extfile server.ext -out server.pem
run openssl req "${curve[@]}" -keyout client-key.pem -out client.csr -subj "/CN=authdeck-mtls-client"
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=clientAuth" >client.ext
run openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 16)" \
  -days 2 -extfile client.ext -out client.pem
rm -f ca-key.pem server.csr server.ext client.csr client.ext openssl.log
chmod 644 ca.pem server.pem client.pem
