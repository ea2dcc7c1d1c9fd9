#!/usr/bin/env bash
# Rewrites the libraries' PublicAPI.Unshipped.txt files from what the build exposes: empties them, builds with the
# public API analyzer's diagnostics as warnings, and writes every reported symbol back (shared by every target, or per
# target where the surfaces differ). Review the diff: it is the public API change.
set -euo pipefail
cd "$(dirname "$0")/.."
for file in src/*/PublicAPI/PublicAPI.Unshipped.txt src/*/PublicAPI/*/PublicAPI.Unshipped.txt; do
  [ -e "$file" ] && printf '#nullable enable\n' > "$file"
done
log=$(mktemp)
dotnet build SseCodec.sln -c Release -p:TreatWarningsAsErrors=false -nodeReuse:false > "$log" 2>&1 || true
python3 eng/update-public-api.py "$log"
rm -f "$log"
