#!/usr/bin/env bash
# Pipeline tests: run each Tests/Pipeline/*.sh (or the scripts named) with the tools on PATH.
# Usage: Tools/pipeline.sh [--bin DIR] [SCRIPT ...]   (DIR defaults to $BIN, else .build/debug)
# Each script runs in its own temporary directory ($WORK) under `timeout`; exit 0 = pass.
# Scripts source Tests/Pipeline/lib.sh for helpers (expect_status, expect_stderr, ...).
set -uo pipefail
source "$(dirname "$0")/tool_env.sh"
if [[ ${1:-} == --bin ]]; then BIN_DIR=$2; shift 2; fi
use_bin_dir
export ROOT
scripts=("$@")
[[ ${#scripts[@]} -eq 0 ]] && scripts=(Tests/Pipeline/[0-9a-z]*.sh)
pass=0 fail=0
for s in "${scripts[@]}"; do
  [[ $(basename "$s") == lib.sh ]] && continue
  WORK=$(mktemp -d)
  if (cd "$WORK" && WORK=$WORK timeout "${PIPELINE_TIMEOUT:-300}" bash "$ROOT/$s") >"$WORK.log" 2>&1; then
    pass=$((pass + 1)); echo "ok   $s"
  else
    fail=$((fail + 1)); echo "FAIL $s"; sed 's/^/     /' "$WORK.log" | tail -25
  fi
  rm -rf "$WORK" "$WORK.log"
done
echo "pipeline: $pass passed, $fail failed"
[[ $fail == 0 ]]
