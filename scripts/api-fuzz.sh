#!/usr/bin/env bash
# Fuzzes the reference switch against its own contract (switch/openapi.yaml) with schemathesis, past
# authentication: tests/api-fuzz/hooks.py registers a device and signs every request as a wallet does.
# Checks: no 5xx, status codes, content types, bodies and headers as the contract says, and every
# response signed by the switch over its status, its request and its body. Deterministic (a fixed
# seed, no example database). Arguments go to `st run` (e.g. `--max-examples 500`, `--seed 7`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --locked -q -p crossqr-switch

out=$(mktemp -d)
trap 'kill "$switch" 2>/dev/null || true; rm -rf "$out"' EXIT
target/debug/crossqr-switch serve --addr 127.0.0.1:0 > "$out/ready" 2> "$out/log" &
switch=$!
while ! grep -q '"url"' "$out/ready" 2>/dev/null; do
  kill -0 "$switch" 2>/dev/null || { cat "$out/log" >&2; echo "api-fuzz: the switch did not start" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$out/ready")

cd tests/api-fuzz
CROSSQR_SWITCH_URL=$url SCHEMATHESIS_HOOKS=hooks PYTHONPATH=. .venv/bin/st run ../../switch/openapi.yaml \
  --url "$url" --seed 1 --generation-database none --max-examples 50 --workers 1 \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,signed_for_its_request \
  --no-color "$@" > "$out/report" 2>&1 || { tail -n 100 "$out/report"; echo "api-fuzz: failures above" >&2; exit 1; }
sed -n 's/^  \([0-9]* generated, [0-9]* passed.*\)/api-fuzz: \1/p' "$out/report"
