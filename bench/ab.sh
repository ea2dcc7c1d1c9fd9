#!/usr/bin/env bash
# Compares the working tree's SseCodec with a commit's, both loaded into one process (the `ab` mode of
# SseCodec.Benchmarks): for judging whether a change helps, on a machine too noisy for separate runs to tell.
#
#   bench/ab.sh [BASE_REV] [--net8] [--seconds S] [--warmup W] [--launches N] WORKLOAD...
#
# BASE_REV defaults to HEAD. A workload is encoder/METHOD (an EncoderBenchmarks benchmark, e.g.
# encoder/SseEncoder_TenLines) or read/LOOP/SHAPE (LOOP: DecoderSpan, DecoderMemory, DecoderSequence, ReaderStream,
# ReaderPipe4k, ReaderPipe64k; SHAPE: LlmTokens, Ticker, MultiLine, Crlf, Heartbeats). Prefix `taskset -c 0` to keep
# every process on one core. Prints, per workload, A's time over B's (A = BASE_REV, B = the working tree).
# --net8: both builds for net8.0 on .NET 8 (SseCodec.Benchmarks.Net8, self-contained), instead of net10.0.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
base_rev="HEAD"
if [[ $# -gt 0 && "$1" != --* && "$1" != */* ]]; then
  base_rev="$1"
  shift
fi
project="SseCodec.Benchmarks"
output="bin/Release/net10.0"
if [[ $# -gt 0 && "$1" == --net8 ]]; then
  project="SseCodec.Benchmarks.Net8"
  output="bin/Release/net8.0/$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)"
  shift
fi
if [[ $# -eq 0 ]]; then
  sed -n '2,11p' "$0"
  exit 1
fi

work="$(mktemp -d)"
cleanup() {
  git -C "$root" worktree remove --force "$work/base-tree" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "// building $base_rev ($(git -C "$root" rev-parse --short "$base_rev")) and the working tree"
git -C "$root" worktree add --detach "$work/base-tree" "$base_rev" > /dev/null 2>&1
dotnet build -c Release "$work/base-tree/bench/$project" -nodeReuse:false -v q > "$work/build-base.log" 2>&1 \
  || { tail -n 30 "$work/build-base.log"; exit 1; }
dotnet build -c Release "$root/bench/$project" -nodeReuse:false -v q > "$work/build-tree.log" 2>&1 \
  || { tail -n 30 "$work/build-tree.log"; exit 1; }

# Copies, so that a build started while this runs cannot change what is measured.
cp -r "$work/base-tree/bench/$project/$output" "$work/a"
cp -r "$root/bench/$project/$output" "$work/b"
if [[ "$project" == SseCodec.Benchmarks.Net8 ]]; then
  "$work/b/$project" ab "$work/a" "$work/b" "$@"
else
  dotnet "$work/b/$project.dll" ab "$work/a" "$work/b" "$@"
fi
