// Seals with npm @linode/kubeseal-encrypt for `cargo xtask bench` (installed by
// `cargo xtask interop` into target/interop/node).
//
// Usage: node linode_seal.cjs NODE_PREFIX PUBLIC_KEY.pem CREDENTIALS.json [SECONDS]
//
// Loads the package and seals the two secret values of the `az` credentials (appId, password)
// namespace-wide for tenant-a (the only scope it has), as base64: the whole-process benchmark
// times exactly this. With SECONDS, it then seals the client id over and over for that long
// and prints one JSON line: {"values", "seconds", "rate", "version"}.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { createRequire } = require('node:module')

const [prefix, pemFile, credentialsFile, seconds] = process.argv.slice(2)
const PACKAGE = '@linode/kubeseal-encrypt'
const { encryptSecretItem } = createRequire(path.resolve(prefix, 'package.json'))(PACKAGE)

async function main() {
  const pem = fs.readFileSync(pemFile, 'utf8')
  const creds = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'))
  const sealed = [
    await encryptSecretItem(pem, 'tenant-a', creds.appId),
    await encryptSecretItem(pem, 'tenant-a', creds.password),
  ]
  if (!sealed.every((v) => v.length > 680)) throw new Error('unexpected sealed value')
  if (seconds === undefined) return
  const limit = Number(seconds) * 1e9
  let values = 0
  const start = process.hrtime.bigint()
  let elapsed
  do {
    await encryptSecretItem(pem, 'tenant-a', creds.appId)
    values += 1
    elapsed = Number(process.hrtime.bigint() - start)
  } while (elapsed < limit)
  const manifest = path.resolve(prefix, 'node_modules', PACKAGE, 'package.json')
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'))
  const secs = elapsed / 1e9
  console.log(JSON.stringify({ values, seconds: secs, rate: values / secs, version }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
