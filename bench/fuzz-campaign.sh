#!/usr/bin/env bash
# A coverage-guided fuzzing campaign: each Jazzer @FuzzTest in turn, FUZZ_SECONDS each, then a
# table of executions, coverage and findings per target (docs/fuzzing.md explains the targets).
#
#   FUZZ_SECONDS=120 bench/fuzz-campaign.sh                   # every target
#   FUZZ_SECONDS=60 bench/fuzz-campaign.sh DigestFuzzTest#authorization HttpFrontFuzzTest#requests
#
# Environment: FUZZ_SECONDS (per target, default 120), FUZZ_HEAP (the test JVM's -Xmx, default
# 1g), FUZZ_OUT (default bench/fuzz-out). Runs offline (-o) from the checkout's root.
#
# Output in FUZZ_OUT: one Maven log per target, table.md (the table), and corpus/, the generated
# corpora. Jazzer keeps a target's corpus in <module>/.cifuzz-corpus, where every `mvn verify`
# would replay all of it in regression mode; the script moves it there for the run and back out
# after, so the next campaign goes on from it and the build keeps to the checked-in seeds. A crash
# is written by Jazzer to the target's src/test/resources/.../<Class>Inputs/<method>/ folder:
# check it in with the fix, it is then a regression input of every build.
set -u -o pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${FUZZ_SECONDS:-120}"
HEAP="${FUZZ_HEAP:-1g}"
OUT="${FUZZ_OUT:-bench/fuzz-out}"
mkdir -p "$OUT/corpus"

# module|Class#method. New fronts add their targets here (the RTSP front's and the streaming-server
# calls' are in).
ALL_TARGETS=(
  "plugins/basic|BasicFuzzTest#credentials"
  "plugins/digest|DigestFuzzTest#authorization"
  "plugins/digest|DigestFuzzTest#quotedValues"
  "plugins/ntlm|NtlmPluginFuzzTest#legs"
  "plugins/negotiate|NegotiateFuzzTest#tokens"
  "plugins/negotiate|NegotiateFuzzTest#messages"
  "plugins/signed-url|SignedUrlFuzzTest#blobs"
  "plugins/signed-url|SignedUrlFuzzTest#wowzaBlobs"
  "plugins/bearer|BearerFuzzTest#tokens"
  "host|HttpFrontFuzzTest#requests"
  "host|HttpFrontFuzzTest#streamServerRequests"
  "host|ConfigFuzzTest#hostJson"
  "host|DescriptorFuzzTest#descriptors"
  "host|AccountFileFuzzTest#accountsJson"
  "host|SegmentFuzzTest#segments"
  "host|StreamCallsFuzzTest#nginxRtmpForms"
  "host|StreamCallsFuzzTest#streamServerJson"
  "host|StreamCallsFuzzTest#authRequestHeaders"
  "host|RtspFrontFuzzTest#framer"
  "host|RtspFrontFuzzTest#requests"
  "host|RtspFrontFuzzTest#requestReader"
  "host|RtspFrontFuzzTest#originAnswers"
)

selected=()
if [ "$#" -eq 0 ]; then
  selected=("${ALL_TARGETS[@]}")
else
  for want in "$@"; do
    for t in "${ALL_TARGETS[@]}"; do
      [ "${t#*|}" = "$want" ] && selected+=("$t")
    done
  done
fi

table="$OUT/table.md"
{
  echo "| Target | Seconds | Executions | exec/s | cov | ft | Corpus | Findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
} > "$table"

total=0
for t in "${selected[@]}"; do
  module="${t%%|*}"
  test="${t#*|}"
  class="${test%%#*}"
  method="${test#*#}"
  log="$OUT/$class-$method.log"
  saved="$OUT/corpus/$module"
  # Bring back this module's corpus from earlier runs.
  rm -rf "$module/.cifuzz-corpus"
  if [ -d "$saved" ]; then
    mv "$saved" "$module/.cifuzz-corpus"
  fi
  echo "== $test ($module), ${SECONDS_EACH}s"
  started=$(date +%s)
  # verify -am: the host's tests load the plug-in JARs this build packages, never ~/.m2's.
  JAZZER_FUZZ=1 ./mvnw -B -o verify -pl "$module" -am \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$SECONDS_EACH" \
    -DargLine="-Xmx$HEAP" > "$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - started ))
  mkdir -p "$(dirname "$saved")"
  if [ -d "$module/.cifuzz-corpus" ]; then
    mv "$module/.cifuzz-corpus" "$saved"
  fi
  # libFuzzer's last status line: "#N DONE cov: X ft: Y corp: C/Sb ... exec/s: E ..." (or the
  # last pulse/NEW line when it stopped on a finding).
  last=$(grep -a -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
  execs=$(sed -E 's/^#([0-9]+).*/\1/' <<< "$last")
  cov=$(grep -o -E 'cov: [0-9]+' <<< "$last" | cut -d' ' -f2)
  ft=$(grep -o -E 'ft: [0-9]+' <<< "$last" | cut -d' ' -f2)
  corp=$(grep -o -E 'corp: [0-9]+' <<< "$last" | cut -d' ' -f2)
  rate=$(grep -o -E 'exec/s: [0-9]+' <<< "$last" | cut -d' ' -f2)
  findings="none"
  if [ "$rc" -ne 0 ]; then
    finding=$(grep -a -m1 -E 'FuzzTestFindingException|== Java Exception|Caused by' "$log" | cut -c1-160)
    findings="FAILED (rc $rc): ${finding:-see $log}"
  fi
  total=$(( total + ${execs:-0} ))
  echo "| $test | $elapsed | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $findings |" >> "$table"
  tail -1 "$table"
done
echo "| **Total** | | **$total** | | | | | |" >> "$table"
echo
cat "$table"
