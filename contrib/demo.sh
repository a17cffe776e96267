#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Set everything up, run one hardened busybox container through hardshim
# and the real runc, and show what hardshim changed.  Run as root on Debian 12.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

contrib/install-deps.sh
contrib/build.sh
# Install: the built-in default policy reads the seccomp profile from
# /usr/share/hardshim/seccomp/.
make install >/dev/null
# The host ids container ids 0-65535 map to: user `hardshim`'s range in
# /etc/subuid and /etc/subgid (created here if it has none).
contrib/subids.sh hardshim 1000000

work=$(mktemp -d /tmp/hardshim-demo.XXXXXX)
id="hardshim-demo-$$"
trap 'runc delete --force "$id" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

tests/lib/make-bundle.sh "$work/bundle" sh -c '
echo "--- inside the container ---"
echo "id: $(id)"
echo "uid_map: $(cat /proc/self/uid_map)"
grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp)" /proc/self/status
unshare -n true 2>/dev/null && echo "unshare a network namespace: allowed" || echo "unshare a network namespace: denied (seccomp)"
touch /hello 2>/dev/null && echo "write to /: allowed" || echo "write to /: denied (read-only root)"
touch /tmp/hello && echo "write to /tmp: allowed (tmpfs)"'

echo "--- runc spec asked for: uid $(jq .process.user.uid "$work/bundle/config.json"), caps $(jq -c .process.capabilities.bounding "$work/bundle/config.json")"
# The journal path comes from the policy (built-in default below).
policy=${HARDSHIM_POLICY:-/etc/hardshim/policy.json}
journal=$( [ -f "$policy" ] && jq -r '.journal // empty' "$policy" || true)
journal=${journal:-/var/log/hardshim/deviations.jsonl}

(cd "$work/bundle" && /usr/bin/hardshim run "$id")

echo "--- what hardshim changed (journal $journal) ---"
jq -r --arg id "$id" 'select(.id == $id) | "\(.measure)\t\(.action)\t\(.path)\t\(.before|tojson) -> \(.after|tojson)"' "$journal" \
  | cut -c1-160
