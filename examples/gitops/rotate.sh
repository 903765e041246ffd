#!/usr/bin/env bash
# The nightly rotation: a new client secret for every tenant's service principal, sealed into
# the tenant's values file for the target and certificate that .offseal.yaml gives it.
#
# Needs `az` (logged in, allowed to reset the service principals' credentials) and `offseal` on
# PATH. Writes one JSON line per tenant to $ROTATION_LOG (default: rotation.jsonl), then holds
# every values file to the policy with `offseal check`. Exits 1 if any tenant failed; the others
# are still rotated. Commit and push the changed values files afterwards (the GitOps way).
set -euo pipefail
cd "$(dirname "$0")"

log=${ROTATION_LOG:-rotation.jsonl}
: >"$log"
failed=0
for dir in tenants/*/; do
  tenant=$(basename "$dir")
  app_id=$(tr -d '[:space:]' <"$dir/azure-app-id")
  # `az ad sp credential reset` prints {"appId", "password", "tenant"}: it goes from az's
  # stdout straight into offseal's stdin, never into a variable, a file or a command line.
  if ! az ad sp credential reset --id "$app_id" --display-name offseal-nightly --only-show-errors |
    offseal values "$dir/values.yaml" --credentials - --json >>"$log"; then
    echo "rotate.sh: $tenant: rotation failed (see $log)" >&2
    failed=1
  fi
done

# Every values file must now be sealed as its rule says (target and pinned certificate).
offseal check --quiet tenants/*/values.yaml chart/values.yaml

changed=$(grep -c '"status":"changed"' "$log" || true)
echo "rotate.sh: rotated $changed tenant(s)" >&2
exit "$failed"
