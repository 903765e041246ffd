// Drives npm @linode/kubeseal-encrypt for `cargo xtask interop`.
//
// Usage: node linode_seal.cjs NODE_PREFIX JOBS.json, a list of jobs (absolute paths):
//   {"op": "spki", "cert", "out"}  the certificate's public key as SPKI PEM (node:crypto)
//   {"op": "seal", "pem", "namespace", "plain", "out"}
//       encryptSecretItem(PEM, namespace, text): namespace-wide only; the package takes a
//       JS string and seals its UTF-8 bytes, so `plain` must be valid UTF-8.
// A failing job writes its error's name to `out + ".err"` instead.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { X509Certificate } = require('node:crypto')
const { createRequire } = require('node:module')

const [prefix, jobsFile] = process.argv.slice(2)
const { encryptSecretItem } = createRequire(path.join(prefix, 'package.json'))('@linode/kubeseal-encrypt')

async function run(job) {
  if (job.op === 'spki') {
    const cert = new X509Certificate(fs.readFileSync(job.cert))
    return cert.publicKey.export({ type: 'spki', format: 'pem' })
  }
  if (job.op === 'seal') {
    const pem = fs.readFileSync(job.pem, 'utf8')
    // fatal: refuse bytes that are not UTF-8; ignoreBOM: keep a leading U+FEFF as data.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(job.plain))
    return encryptSecretItem(pem, job.namespace, text)
  }
  throw new Error(`unknown op ${job.op}`)
}

async function main() {
  for (const job of JSON.parse(fs.readFileSync(jobsFile, 'utf8'))) {
    try {
      fs.writeFileSync(job.out, await run(job))
    } catch (e) {
      fs.writeFileSync(`${job.out}.err`, `${e.name}: ${e.message}`)
    }
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
