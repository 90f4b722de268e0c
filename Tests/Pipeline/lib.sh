# Helpers for pipeline tests (sourced). $ROOT is the repo root; the cwd is a scratch directory.
set -uo pipefail
SCHEMA="$ROOT/Formats/sample.capnp"

fail() { echo "FAIL: $*" >&2; exit 1; }

# run CMD...: runs a command line (bash -c) capturing $status, $out (stdout file), $err (stderr text).
run() {
  timeout 120 bash -c "$1" >out.bin 2>err.txt
  status=$?
  err=$(cat err.txt)
}

expect_status() { [[ $status == "$1" ]] || fail "${2:-command}: exit status $status, expected $1 (stderr: $err)"; }
expect_stderr() { [[ $err == "$1" ]] || fail "stderr was '$err', expected '$1'"; }
expect_stderr_prefix() { [[ $err == "$1"* ]] || fail "stderr was '$err', expected it to start with '$1'"; }

# decode FILE: the capnp tool's text for a sample stream (the reference reader).
decode() { timeout 60 capnp decode --short "$SCHEMA" SampleFrame < "$1"; }

sample() { timeout 120 python3 "$ROOT/Tools/sample_stream.py" "$@"; }
