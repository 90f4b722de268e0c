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

# decode_to FILE OUT: decode FILE into OUT, failing the test when capnp decode fails or prints
# nothing (`cmp <(decode a) <(decode b)` would pass when both decodes fail).
decode_to() {
  decode "$1" > "$2" || fail "capnp decode $1 failed (status $?)"
  [[ -s $2 ]] || fail "capnp decode $1 printed nothing"
}

# same_records A B: A and B decode (each checked) to the same text.
same_records() {
  decode_to "$1" "$1.txt"
  decode_to "$2" "$2.txt"
  cmp -s "$1.txt" "$2.txt" || { diff "$1.txt" "$2.txt" | head -5; fail "${3:-$1 and $2 decode differently}"; }
}

# seed_random NAME: seed bash's $RANDOM from SLUICE_TEST_SEED (or a fresh seed) and print it, so
# a failing random test can be replayed with SLUICE_TEST_SEED=<seed>.
seed_random() {
  local seed=${SLUICE_TEST_SEED:-$(( $(date +%s%N) % 1000000007 ))}
  echo "$1: seed $seed (replay: SLUICE_TEST_SEED=$seed)"
  RANDOM=$seed
}

sample() { timeout 120 python3 "$ROOT/Tools/sample_stream.py" "$@"; }
