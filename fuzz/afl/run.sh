#!/usr/bin/env bash
# Coverage-guided fuzzing of SseCodec with afl-fuzz and SharpFuzz (fuzz/README.md, "Coverage-guided fuzzing with AFL").
#
#   fuzz/afl/run.sh [SECONDS]        build, instrument SseCodec.dll, run afl-fuzz for SECONDS (default 60), print the
#                                    figures; exit 1 on any crash or hang, or if afl-fuzz stops early (the inputs are
#                                    copied to fuzz/findings/afl/), 2 on a setup error
#   fuzz/afl/run.sh --replay [PATH...]
#                                    run saved inputs through the target without afl-fuzz (default: fuzz/findings/afl
#                                    and the last run's crashes and hangs); exit 1 if any fails an oracle
#
# Needs afl++ (apt-get install -y afl++) and the sharpfuzz tool pinned in fuzz/.config (dotnet tool restore).
# Work files go to artifacts/afl/ (ignored by git; or $SSE_AFL_WORK): bin/ the instrumented build, seeds/, out/ afl-fuzz's output.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
work="${SSE_AFL_WORK:-$root/artifacts/afl}"  # SSE_AFL_WORK: another folder, for a long run beside a smoke run
project="fuzz/SseCodec.AflFuzz"
findings="$root/fuzz/findings/afl"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${1:-}" = "--replay" ]; then
  shift
  paths=("$@")
  if [ ${#paths[@]} -eq 0 ]; then
    for p in "$findings" "$work/out/default/crashes" "$work/out/default/hangs"; do
      [ -d "$p" ] && paths+=("$p")
    done
  fi
  if [ ${#paths[@]} -eq 0 ]; then
    echo "afl replay: nothing to replay"
    exit 0
  fi
  # The plain (uninstrumented) build: the same target and oracles, no afl-fuzz.
  exec dotnet run --project "$project" -c Release -- --replay "${paths[@]}"
fi

seconds="${1:-60}"
command -v afl-fuzz >/dev/null || { echo "afl: afl-fuzz not found (apt-get install -y afl++)"; exit 2; }

# 1. Build into a fresh folder, so the SseCodec.dll instrumented below is never one instrumented before.
rm -rf "$work/bin" "$work/seeds" "$work/out"
mkdir -p "$work/seeds"
dotnet publish "$project" -c Release -o "$work/bin" --nologo -v quiet >"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log"; echo "afl: build failed"; exit 2; }

# 2. Instrument the library under test only: the oracles and the reference model stay plain.
(cd fuzz && dotnet tool restore >/dev/null && dotnet sharpfuzz "$work/bin/SseCodec.dll") \
  || { echo "afl: instrumenting SseCodec.dll failed"; exit 2; }

# 3. Seeds: every conformance and regression input as a decoder input (a control byte in front, varied so the seeds
#    start from different cuts), and the dedicated corpus of encoder scripts and edge cases (fuzz/afl/corpus).
i=0
for f in fuzz/corpus/*.sse fuzz/corpus/regressions/*.sse; do
  [ -e "$f" ] || continue
  control=$(( (i * 2) % 256 ))
  { printf "\\$(printf '%03o' "$control")"; cat "$f"; } >"$work/seeds/$(basename "$f")"
  i=$((i + 1))
done
cp fuzz/afl/corpus/* "$work/seeds/"

# 4. Fuzz. One instance, no CPU binding (the machine is shared); no core_pattern control is needed for a managed
#    target; the target is `dotnet`, which afl-fuzz cannot see instrumented, so its binary check is skipped.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1
echo "afl: fuzzing for ${seconds}s with $(ls "$work/seeds" | wc -l) seeds; log in $work/afl.log"
afl-fuzz -V "$seconds" -t 5000 -m none -i "$work/seeds" -o "$work/out" -x fuzz/afl/sse.dict \
  -- dotnet "$work/bin/SseCodec.AflFuzz.dll" >"$work/afl.log" 2>&1
afl_exit=$?

stats="$work/out/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  tail -n 40 "$work/afl.log"
  echo "afl: afl-fuzz did not start (exit $afl_exit)"
  exit 2
fi

stat() { sed -n "s/^$1 *: *//p" "$stats"; }
if [ "$afl_exit" -ne 0 ]; then
  # afl-fuzz stopped before its time: with SharpFuzz's in-process fork server, an input that kills the process (a
  # fail-fast, a stack overflow) or outlives the timeout ends the whole run. The input it was on is kept.
  tail -n 15 "$work/afl.log"
  mkdir -p "$findings"
  cur="$work/out/default/.cur_input"
  [ -f "$cur" ] && cp "$cur" "$findings/abort-$(sha256sum "$cur" | cut -c1-12)"
  echo "afl: FAILED: afl-fuzz stopped early (exit $afl_exit) after $(stat run_time)s; the input it was on is in fuzz/findings/afl/ (abort-*)"
  exit 1
fi

echo "afl: run_time=$(stat run_time)s execs_done=$(stat execs_done) execs_per_sec=$(stat execs_per_sec)" \
  "corpus_count=$(stat corpus_count) bitmap_cvg=$(stat bitmap_cvg) edges_found=$(stat edges_found)" \
  "saved_crashes=$(stat saved_crashes) saved_hangs=$(stat saved_hangs) stability=$(stat stability)"

crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
if [ "${crashes:-0}" -ne 0 ] || [ "${hangs:-0}" -ne 0 ]; then
  mkdir -p "$findings"
  for f in "$work/out/default/crashes"/id:* "$work/out/default/hangs"/id:*; do
    [ -e "$f" ] || continue
    case "$f" in */crashes/*) kind=crash ;; *) kind=hang ;; esac
    cp "$f" "$findings/$kind-$(sha256sum "$f" | cut -c1-12)"
  done
  echo "afl: FAILED: ${crashes} crashes, ${hangs} hangs; inputs in fuzz/findings/afl/ (replay: fuzz/afl/run.sh --replay)"
  exit 1
fi
echo "afl: ok (no crash, no hang)"
