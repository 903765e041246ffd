#!/usr/bin/env bash
# future-2048.crt.pem: controller-2048.key.pem's key in a certificate valid from 2099 to 2109,
# for the "not valid yet" warning (a laptop whose clock is behind a fresh key rotation). Made
# with `openssl ca -selfsign`, since OpenSSL 3.0's `req -x509` cannot set notBefore.
#
#   testdata/keys/make-future-cert.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/index.txt"
echo 01 > "$work/serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
database = $work/index.txt
serial = $work/serial
new_certs_dir = $work
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,encipherOnly,keyAgreement
CNF
openssl req -new -key controller-2048.key.pem -subj "/CN=offseal future test" -out "$work/req.csr"
openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile controller-2048.key.pem \
  -in "$work/req.csr" -startdate 20990101000000Z -enddate 21090101000000Z -extensions ext \
  -notext -out future-2048.crt.pem
