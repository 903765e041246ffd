#!/usr/bin/env bash
# A test CA and a server certificate for 127.0.0.1, for the CLI tests that fetch --cert over
# https from a loopback server (crates/offseal-cli/tests/cli/url.rs); the offseal process
# trusts the CA through SSL_CERT_FILE. P-256 keys, valid for 100 years. Made with the OpenSSL
# CLI; random, so a rerun makes different files.
#
#   testdata/tls/make.sh
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key.pem \
  -subj "/CN=offseal test CA" -days 36500 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
  -out ca.crt.pem 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key.pem \
  -subj "/CN=127.0.0.1" -out server.csr 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" > server.ext
openssl x509 -req -in server.csr -CA ca.crt.pem -CAkey ca.key.pem -CAcreateserial \
  -days 36500 -sha256 -extfile server.ext -out server.crt.pem 2>/dev/null
# PKCS#8 for rustls.
openssl pkcs8 -topk8 -nocrypt -in server.key.pem -out server.key.pem.tmp
mv server.key.pem.tmp server.key.pem
rm -f server.csr server.ext ca.crt.srl ca.key.pem
