"""Drives PyPI kubesealpy for `cargo xtask interop`.

Usage: kubesealpy_driver.py JOBS.json, a list of jobs (paths are absolute files):
  {"op": "open", "key", "sealed", "scope", "namespace", "name", "out"}
      Unsealer.unseal_value on one base64 value; the plaintext goes to `out`.
  {"op": "seal", "cert", "plain", "scope", "namespace", "name", "out"}
      Sealer.seal_value on the bytes of `plain`; the base64 value goes to `out`.
  {"op": "manifest", "cert", "data": {key: plain}, "scope", "namespace", "name", "out"}
      Sealer.seal -> a whole SealedSecret, as YAML (or JSON if `out` ends in .json).
A failing job writes the exception's class name to `out + ".err"` instead; secrets never
travel through argv or stdout.
"""

import base64
import json
import sys

from kubesealpy import Sealer, SealingScope, Unsealer

# Loading (and so validating) an RSA key is slow: one Unsealer / Sealer per file.
unsealers, sealers = {}, {}


def run(job):
    scope = SealingScope(job["scope"])
    ns, name = job["namespace"], job["name"]
    if job["op"] == "open":
        with open(job["sealed"], "rb") as f:
            sealed = base64.b64decode(f.read(), validate=True)
        if job["key"] not in unsealers:
            unsealers[job["key"]] = Unsealer.from_private_key_file(job["key"])
        return unsealers[job["key"]].unseal_value(sealed, namespace=ns, name=name, scope=scope)
    if job["cert"] not in sealers:
        sealers[job["cert"]] = Sealer.from_certificate_file(job["cert"])
    sealer = sealers[job["cert"]]
    if job["op"] == "seal":
        with open(job["plain"], "rb") as f:
            plain = f.read()
        return base64.b64encode(sealer.seal_value(plain, ns, name, scope))
    if job["op"] == "manifest":
        data = {}
        for key, path in job["data"].items():
            with open(path, "rb") as f:
                data[key] = f.read()
        sealed = sealer.seal(name=name, namespace=ns, data=data, scope=scope)
        if job["out"].endswith(".json"):
            doc = sealed.model_dump(by_alias=True, exclude_none=True)
            return json.dumps(doc, indent=2).encode("utf-8")
        return sealed.to_yaml().encode("utf-8")
    raise ValueError(f"unknown op {job['op']!r}")


for job in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        result = run(job)
        with open(job["out"], "wb") as f:
            f.write(result)
    except Exception as e:  # noqa: BLE001 - reported to the harness, which decides
        with open(job["out"] + ".err", "w", encoding="utf-8") as f:
            f.write(type(e).__name__)
