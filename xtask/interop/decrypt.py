"""A plain sealed-secrets value decryptor on Python `cryptography` only (no kubesealpy).

Usage: decrypt.py JOBS.json, a list of {"key", "label", "sealed", "out"} (all paths but label).
Each sealed file holds one base64 value: u16_be(len(rsa)) || rsa || aes. On success the
plaintext is written to `out`; on failure `out + ".err"` gets the exception's class name.
"""

import base64
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def open_value(private_key, label: bytes, sealed: bytes) -> bytes:
    rsa_len = int.from_bytes(sealed[:2], "big")
    if rsa_len != private_key.key_size // 8 or len(sealed) < 2 + rsa_len + 16:
        raise ValueError("malformed sealed value")
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=label)
    session_key = private_key.decrypt(sealed[2 : 2 + rsa_len], oaep)
    return AESGCM(session_key).decrypt(b"\x00" * 12, sealed[2 + rsa_len :], None)


keys = {}  # loading (and so validating) an RSA key is slow: once per file
for job in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        if job["key"] not in keys:
            with open(job["key"], "rb") as f:
                keys[job["key"]] = serialization.load_pem_private_key(f.read(), password=None)
        key = keys[job["key"]]
        with open(job["sealed"], "rb") as f:
            sealed = base64.b64decode(f.read(), validate=True)
        plaintext = open_value(key, job["label"].encode("utf-8"), sealed)
        with open(job["out"], "wb") as f:
            f.write(plaintext)
    except Exception as e:  # noqa: BLE001 - reported to the harness, which decides
        with open(job["out"] + ".err", "w", encoding="utf-8") as f:
            f.write(type(e).__name__)
