#!/usr/bin/env bash
# Seeds the `parse` fuzz target's corpus (core/fuzz/corpus/parse, not committed) with every payload of
# the real-world corpus and the parse vectors, one file each. Needs jq or python3.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/parse
mkdir -p "$out"
n=0
for file in ../../tests/fixtures/real-world/corpus.jsonl ../../tests/fixtures/vectors/parse.jsonl; do
  i=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    i=$((i + 1))
    name="$out/$(basename "$file" .jsonl)-$i"
    if command -v jq >/dev/null; then
      printf '%s' "$line" | jq -j '.payload' >"$name"
    else
      printf '%s' "$line" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["payload"])' >"$name"
    fi
    n=$((n + 1))
  done <"$file"
done
echo "seeded $n inputs into core/fuzz/$out"
