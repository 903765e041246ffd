"""Seals with PyPI kubesealpy for `cargo xtask bench` (the venv of `cargo xtask interop`).

Usage: kubesealpy_seal.py CERT CREDENTIALS.json [SECONDS]

Imports kubesealpy, loads the certificate and seals the two secret values of the `az`
credentials (appId, password) strictly for tenant-a/azure-keyvault-credentials, as base64: the
whole-process benchmark times exactly this. With SECONDS, it then seals the client id over and
over for that long and prints one JSON line: {"values", "seconds", "rate", "version"}.
"""

import base64
import importlib.metadata
import json
import sys
import time

from kubesealpy import Sealer, SealingScope

cert, credentials = sys.argv[1], sys.argv[2]
sealer = Sealer.from_certificate_file(cert)
with open(credentials, encoding="utf-8") as f:
    creds = json.load(f)
scope = SealingScope("strict")


def seal(text):
    value = sealer.seal_value(text.encode("utf-8"), "tenant-a", "azure-keyvault-credentials", scope)
    return base64.b64encode(value)


sealed = [seal(creds["appId"]), seal(creds["password"])]
assert all(len(v) > 680 for v in sealed)

if len(sys.argv) > 3:
    seconds = float(sys.argv[3])
    values = 0
    start = time.perf_counter()
    while True:
        seal(creds["appId"])
        values += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    version = importlib.metadata.version("kubesealpy")
    print(json.dumps({"values": values, "seconds": elapsed, "rate": values / elapsed, "version": version}))
