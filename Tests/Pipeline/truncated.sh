# Truncated input: every cut inside a frame fails with one line and status 1; cuts between
# frames (before the trailer) fail as a missing trailer.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 3 --rows 50 > whole.bin
size=$(stat -c %s whole.bin)
for cut in 3 8 100 $((size / 2)) $((size - 1)); do
  head -c "$cut" whole.bin > cut.bin
  run "rec-cat --check cut.bin"
  expect_status 1 "cut at $cut"
  [[ $err == "rec-cat: cut.bin: input ends inside frame "* || $err == "rec-cat: cut.bin: ended without a trailer"* ]] \
    || fail "cut at $cut: $err"
  [[ $(wc -l < err.txt) == 1 ]] || fail "more than one error line"
done
# Inside a frame, via stdin and the printing mode too.
head -c $((size - 1)) whole.bin > cut.bin
run "rec-cat < cut.bin"
expect_status 1
expect_stderr_prefix "rec-cat: stdin: input ends inside frame 4 at byte "
# The whole stream is fine.
run "rec-cat --check whole.bin"
expect_status 0
[[ $(cat out.bin) == "whole.bin: sample v1 (from sample_stream.py): 3 records, whole" ]] || fail "summary: $(cat out.bin)"
