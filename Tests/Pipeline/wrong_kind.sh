# A stream whose header names another kind, and mixing kinds in one --head output.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --kind graph --frame-type NoSuchFrame --batches 1 > unknown.bin
sample --kind other --batches 1 > other.bin
sample --batches 2 > sample.bin
run "rec-cat unknown.bin"
expect_status 1
expect_stderr_prefix "rec-cat: unknown.bin: no frame type 'NoSuchFrame' for graph v1 (from sample_stream.py) in this build (known: "
[[ $err == *SampleFrame* ]] || fail "the known frame types are not listed: $err"
# One --head output cannot mix kinds.
run "rec-cat --head 5 sample.bin other.bin"
expect_status 1
expect_stderr "rec-cat: other.bin: expected a sample stream like the first input, got other v1 (from sample_stream.py)"
# Not a Sluice stream at all: a valid Cap'n Proto message whose first frame is a record.
printf '(row = (ids = [1], values = [2], label = "x"))\n' | timeout 10 capnp encode "$SCHEMA" SampleFrame > norecord.bin
run "rec-cat --count norecord.bin"
expect_status 1
expect_stderr "rec-cat: norecord.bin: the first frame is not a stream header (union tag 1); is this a Sluice stream?"
# Random bytes.
head -c 4096 /dev/urandom > noise.bin
run "rec-cat --check noise.bin"
expect_status 1
[[ $(wc -l < err.txt) == 1 && $err == "rec-cat: noise.bin: "* ]] || fail "noise: $err"
