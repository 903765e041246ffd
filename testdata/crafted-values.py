#!/usr/bin/env python3
"""Crafted sealed values that a correct decryptor must refuse, one per way RSA-OAEP or AES-GCM
can be wrong, plus a control that must open. Written from RFC 8017 (EME-OAEP, section 7.1) in
plain Python: the RSA block is `pow(EM, e, n)` with the public numbers of
`keys/controller-2048.crt.pem`, so no RSA library builds them. Python `cryptography` (OpenSSL)
then checks each one as an independent decryptor, and what it says is recorded in the file.

    python3 testdata/crafted-values.py           # rewrites testdata/crafted-values.json
    python3 testdata/crafted-values.py --check   # fails if the file is not what this makes

Every random-looking byte (OAEP seeds, session keys) comes from SHA-256 of the vector's id, so
the output is the same on every run.
"""

import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = Path(__file__).resolve().parent
OUT = HERE / "crafted-values.json"
KEY = "controller-2048"
NAMESPACE, NAME = "tenant-a", "azure-keyvault-credentials"
LABEL = f"{NAMESPACE}/{NAME}".encode()
PLAINTEXT = b"a crafted value"
HLEN = 32


def derived(vector_id: str, what: str, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"offseal crafted {vector_id} {what} {counter}".encode()).digest()
        counter += 1
    return out[:length]


def mgf1(seed: bytes, length: int) -> bytes:
    out = b""
    for counter in range((length + HLEN - 1) // HLEN):
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
    return out[:length]


def xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def eme_oaep(k: int, db: bytes, seed: bytes, first: int = 0) -> bytes:
    """EM = first || maskedSeed || maskedDB for a DB built by the caller (RFC 8017 7.1.1)."""
    assert len(db) == k - HLEN - 1 and len(seed) == HLEN
    masked_db = xor(db, mgf1(seed, len(db)))
    masked_seed = xor(seed, mgf1(masked_db, HLEN))
    return bytes([first]) + masked_seed + masked_db


def data_block(k: int, message: bytes, *, l_hash=None, ps=None, separator=1) -> bytes:
    """DB = lHash || PS || separator || M; `ps` overrides the zero padding (same length)."""
    l_hash = hashlib.sha256(LABEL).digest() if l_hash is None else l_hash
    ps_len = k - len(message) - 2 * HLEN - 2
    ps = bytes(ps_len) if ps is None else ps
    assert len(ps) == ps_len
    return l_hash + ps + bytes([separator]) + message


def raw_rsa(n: int, e: int, k: int, em: bytes) -> bytes:
    m = int.from_bytes(em, "big")
    assert m < n
    return pow(m, e, n).to_bytes(k, "big")


def aes_gcm(key: bytes, plaintext: bytes) -> bytes:
    return AESGCM(key).encrypt(bytes(12), plaintext, None)


def envelope(rsa_block: bytes, aes: bytes) -> str:
    return base64.b64encode(len(rsa_block).to_bytes(2, "big") + rsa_block + aes).decode()


def independent_check(private_key, rsa_block: bytes, aes: bytes):
    """What OpenSSL (via `cryptography`) says: (OAEP result, GCM result)."""
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=LABEL)
    try:
        session_key = private_key.decrypt(rsa_block, oaep)
    except ValueError:
        return "refused", "not reached"
    try:
        opened = AESGCM(session_key).decrypt(bytes(12), aes, None)
    except InvalidTag:
        return f"opens ({len(session_key)}-byte key)", "refused (tag)"
    return f"opens ({len(session_key)}-byte key)", (
        "opens" if opened == PLAINTEXT else "opens to something else"
    )


def build():
    cert = x509.load_pem_x509_certificate((HERE / "keys" / f"{KEY}.crt.pem").read_bytes())
    numbers = cert.public_key().public_numbers()
    n, e = numbers.n, numbers.e
    k = (n.bit_length() + 7) // 8
    private_key = serialization.load_pem_private_key(
        (HERE / "keys" / f"{KEY}.key.pem").read_bytes(), password=None
    )

    def vector(vector_id, expect, why, rsa_block, aes):
        oaep, gcm = independent_check(private_key, rsa_block, aes)
        plaintext = {"plaintext_b64": base64.b64encode(PLAINTEXT).decode()} if expect == "ok" else {}
        return {
            "id": vector_id,
            "keys": [KEY],
            "scope": "strict",
            "namespace": NAMESPACE,
            "name": NAME,
            "label": LABEL.decode(),
            **plaintext,
            "sealed": envelope(rsa_block, aes),
            "expect": expect,
            "why": why,
            "python_cryptography": {"oaep": oaep, "gcm": gcm},
        }

    def session_key(vector_id, length=32):
        key = derived(vector_id, "session key", length)
        # A key starting with 0x01 would let "separator missing" find a separator in the key.
        return bytes([key[0] | 0x80]) + key[1:]

    def sealed_with(vector_id, db_for, first=0, key_len=32, tag_flip=False):
        key = session_key(vector_id, key_len)
        em = eme_oaep(k, db_for(key), derived(vector_id, "seed", HLEN), first)
        aes = bytearray(aes_gcm(key, PLAINTEXT))
        if tag_flip:
            aes[-1] ^= 0x01
        return raw_rsa(n, e, k, em), bytes(aes)

    def good_db(key):
        return data_block(k, key)

    vectors = []

    def add(vector_id, expect, why, rsa_block, aes):
        vectors.append(vector(vector_id, expect, why, rsa_block, aes))

    add("control-valid", "ok",
        "built the same way as every vector below, with nothing wrong: proves the construction",
        *sealed_with("control-valid", good_db))
    add("oaep-leading-byte-one", "fail",
        "EM's first byte is 0x01, not 0x00 (RFC 8017 7.1.2 step 3g: Y must be 0); the rest is "
        "valid OAEP around a 32-byte key, and the AES part opens with that key",
        *sealed_with("oaep-leading-byte-one", good_db, first=0x01))
    add("oaep-wrong-label-hash", "fail",
        "lHash' is the label's hash with its last bit flipped; the rest is valid",
        *sealed_with("oaep-wrong-label-hash", lambda key: data_block(
            k, key, l_hash=xor(hashlib.sha256(LABEL).digest(), bytes(31) + b"\x01"))))
    add("oaep-separator-missing", "fail",
        "DB is lHash || zeros || M with no 0x01 byte between PS and M (M starts above 0x01)",
        *sealed_with("oaep-separator-missing", lambda key: data_block(k, key, separator=0)))
    add("oaep-separator-two", "fail",
        "the byte after PS is 0x02 instead of 0x01",
        *sealed_with("oaep-separator-two", lambda key: data_block(k, key, separator=2)))
    add("oaep-nonzero-in-padding", "fail",
        "PS has a 0x05 byte before the 0x01 separator",
        *sealed_with("oaep-nonzero-in-padding", lambda key: data_block(
            k, key, ps=b"\x05" + bytes(k - len(key) - 2 * HLEN - 3))))

    # Ciphertexts that are not below the modulus; the AES part is valid for some 32-byte key.
    aes_any = aes_gcm(session_key("rsa-not-below-modulus"), PLAINTEXT)
    add("rsa-block-equals-modulus", "fail",
        "the RSA block is n itself (RFC 8017 5.1.2 step 1: c must be below n)",
        n.to_bytes(k, "big"), aes_any)
    add("rsa-block-above-modulus", "fail",
        "the RSA block is all 0xFF bytes, above n",
        b"\xff" * k, aes_any)

    add("session-key-16-bytes", "fail",
        "valid OAEP around a 16-byte key and an AES-128-GCM part that opens with it: offseal "
        "only accepts the 32-byte AES-256 key kubeseal always makes. The controller would open "
        "it (Go's aes.NewCipher takes 16, 24 or 32 bytes), as python_cryptography shows",
        *sealed_with("session-key-16-bytes", good_db, key_len=16))
    add("gcm-tag-flipped", "fail",
        "valid OAEP around a 32-byte key; the last byte of the GCM tag is flipped",
        *sealed_with("gcm-tag-flipped", good_db, tag_flip=True))

    return {
        "format": "sealed-secrets value vectors",
        "made_with": "testdata/crafted-values.py: RFC 8017 EME-OAEP written in Python, raw RSA as "
                     "pow(EM, e, n) with the certificate's public numbers, AES-GCM from Python "
                     "cryptography; python_cryptography records what OpenSSL says of each",
        "vectors": vectors,
    }


def main():
    text = json.dumps(build(), indent=1) + "\n"
    if sys.argv[1:] == ["--check"]:
        if OUT.read_text() != text:
            sys.exit(f"{OUT} is stale: run python3 testdata/crafted-values.py")
        return
    OUT.write_text(text)


if __name__ == "__main__":
    main()
