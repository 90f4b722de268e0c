#!/usr/bin/env bash
# Golden CLI cases: run every case under Tests/Golden/<tool>/<case>/ and compare its output.
#
# Usage: Tools/golden.sh [-u] [--bin DIR] [CASE_DIR_OR_TOOL_DIR ...]
#   --bin DIR (default $BIN, else .build/debug): the tools to test, put first on PATH.
#   -u (or UPDATE=1) rewrites the expected-* files from the actual output (review the diff!).
#
# A case directory holds:
#   cmd              one shell line, run from the repo root with bash; $CASE is the case directory
#   stdin            optional: fed to the command's standard input (else /dev/null)
#   decode           optional: "SCHEMA.capnp StructName"; stdout is binary frames and is compared
#                    as `capnp decode --short SCHEMA StructName` text
#   expected-stdout  expected standard output (text, or decoded text with `decode`); absent = empty
#   expected-stderr  expected standard error; absent = must be empty
#   expected-status  expected exit status; absent = 0
# Every case runs under `timeout` (GOLDEN_TIMEOUT seconds, default 60).
set -uo pipefail
source "$(dirname "$0")/tool_env.sh"
update=${UPDATE:-0}
while [[ $# -gt 0 ]]; do
  case $1 in
    -u) update=1; shift ;;
    --bin) BIN_DIR=$2; shift 2 ;;
    *) break ;;
  esac
done
use_bin_dir
timeout_s=${GOLDEN_TIMEOUT:-60}

roots=("$@")
[[ ${#roots[@]} -eq 0 ]] && roots=(Tests/Golden)
cases=()
for r in "${roots[@]}"; do
  while IFS= read -r c; do cases+=("$(dirname "$c")"); done < <(find "$r" -name cmd -type f | sort)
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for case in "${cases[@]}"; do
  stdin=/dev/null
  [[ -f $case/stdin ]] && stdin=$case/stdin
  CASE=$case timeout "$timeout_s" bash -c "$(cat "$case/cmd")" <"$stdin" >"$tmp/out" 2>"$tmp/err"
  status=$?
  if [[ -f $case/decode ]]; then
    read -r schema type < "$case/decode"
    if ! timeout 30 capnp decode --short "$schema" "$type" <"$tmp/out" >"$tmp/out.txt" 2>"$tmp/decode-err"; then
      echo "(capnp decode failed: $(head -c 300 "$tmp/decode-err"))" >>"$tmp/out.txt"
    fi
    mv "$tmp/out.txt" "$tmp/out"
  fi
  echo "$status" >"$tmp/status"
  if [[ $update == 1 ]]; then
    cp "$tmp/out" "$case/expected-stdout"
    if [[ -s $tmp/err ]]; then cp "$tmp/err" "$case/expected-stderr"; else rm -f "$case/expected-stderr"; fi
    if [[ $status != 0 ]]; then echo "$status" >"$case/expected-status"; else rm -f "$case/expected-status"; fi
    [[ -s $case/expected-stdout ]] || rm -f "$case/expected-stdout"
    echo "updated $case"
    continue
  fi
  ok=1
  want_status=0
  [[ -f $case/expected-status ]] && want_status=$(tr -d '[:space:]' <"$case/expected-status")
  if [[ $status != "$want_status" ]]; then echo "FAIL $case: status $status, expected $want_status"; ok=0; fi
  for s in stdout stderr; do
    want=$case/expected-$s
    [[ -f $want ]] || want=/dev/null
    got=$tmp/out; [[ $s == stderr ]] && got=$tmp/err
    if ! cmp -s "$want" "$got"; then
      echo "FAIL $case: $s differs:"; diff -u "$want" "$got" | head -20; ok=0
    fi
  done
  if [[ $ok == 1 ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
[[ $update == 1 ]] && exit 0
echo "golden: ${#cases[@]} cases"
echo "golden: $pass passed, $fail failed"
[[ $fail == 0 && ${#cases[@]} -gt 0 ]]
