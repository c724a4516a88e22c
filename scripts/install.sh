#!/bin/sh
# npm run setup (or sh scripts/install.sh): installs exactly the locked tree with `npm ci`.
#
# wrangler and miniflare declare Node >= 22.12. Every script here already runs on the Node 22 that the `node`
# devDependency puts in node_modules/.bin, but npm checks engines against the Node that runs npm itself. On a
# machine whose own Node is older, this runs npm once on that same locked Node 22 (fetched from the registry as
# the `node` package), so the install prints no engine warnings and nothing has to be installed by hand.
set -eu
case "${1:-}" in
  -h|--help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
esac
cd "$(dirname "$0")/.."
want=$(node -p 'require("./package-lock.json").packages["node_modules/node"].version')
if node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'; then
  exec npm ci --no-audit --no-fund
fi
echo "setup: npm runs on Node $(node -v); installing with npm on Node $want (wrangler needs >= 22.12)"
# npm exec puts the fetched node first on PATH and names npm's own entry point in $npm_execpath.
exec npm exec --yes --package="node@$want" -- sh -c 'node "$npm_execpath" ci --no-audit --no-fund'
