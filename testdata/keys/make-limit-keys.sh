#!/usr/bin/env bash
# Certificates at and just past offseal's key limits (crates/offseal-core/src/backend/mod.rs):
# an 8192-bit key (the largest accepted) and an 8193-bit one; a public exponent of 2^31-1 (the
# largest Go's crypto/rsa accepts) and one of 2^31+1. Made with the OpenSSL CLI, except the
# 8193-bit key: OpenSSL's key generation rounds odd sizes down, so Python `cryptography` builds
# it from two primes that `openssl prime` makes. RSA key generation is random, so a rerun makes
# different (equally valid) files. The 8192-bit and e = 2^31-1 keys are kept so tests can open
# what they seal; the refused ones need no key.
#
#   testdata/keys/make-limit-keys.sh   (from the repository root; 8192-bit keys take minutes)
set -euo pipefail
cd "$(dirname "$0")"

cert() { # name bits exponent keep-key
  local key="$1.key.pem"
  openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -pkeyopt "rsa_keygen_pubexp:$3" \
    -out "$key.tmp" 2>/dev/null
  # PKCS#1, as the controller stores its tls.key.
  openssl pkey -in "$key.tmp" -traditional -out "$key"
  rm "$key.tmp"
  # Shaped like the controller's: self-signed CA, KeyUsage encipherOnly, 10 years.
  openssl req -new -x509 -key "$key" -subj "/CN=offseal limit test" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,encipherOnly,keyAgreement" \
    -out "$1.crt.pem"
  if [ "$4" = drop ]; then rm "$key"; fi
}

cert rsa-8192 8192 65537 keep &
odd_size_cert() { # name: an 8193-bit modulus, from a 4097-bit and a 4096-bit prime
  python3 - "$1" <<'PY'
import datetime, subprocess, sys
from math import gcd
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

def prime(bits):  # OpenSSL sets the top two bits, so the product has exactly 4097+4096 bits
    return int(subprocess.check_output(["openssl", "prime", "-generate", "-bits", str(bits)]))

e = 65537
while True:
    p, q = prime(4097), prime(4096)
    if gcd(e, (p - 1) * (q - 1)) == 1:
        break
n = p * q
assert n.bit_length() == 8193
d = pow(e, -1, (p - 1) * (q - 1) // gcd(p - 1, q - 1))
key = rsa.RSAPrivateNumbers(
    p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
    rsa.RSAPublicNumbers(e, n),
).private_key()
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "offseal limit test")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (
    x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    .serial_number(x509.random_serial_number()).not_valid_before(now)
    .not_valid_after(now + datetime.timedelta(days=3650))
    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    .sign(key, hashes.SHA256())
)
with open(sys.argv[1] + ".crt.pem", "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
PY
}

odd_size_cert refuse-rsa-8193 &
cert rsa-e-2147483647 2048 2147483647 keep &
cert refuse-rsa-e-2147483649 2048 2147483649 drop &
wait
