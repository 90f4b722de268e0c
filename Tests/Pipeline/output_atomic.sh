# -o FILE: a failing run leaves the old FILE untouched and no temporary file behind; a
# successful one replaces it.
source "$ROOT/Tests/Pipeline/lib.sh"
echo "precious" > out.bin.keep
cp out.bin.keep result.bin
sample --batches 3 > whole.bin
head -c 200 whole.bin > cut.bin
run "rec-cat --head 2 -o result.bin cut.bin"
expect_status 1
cmp -s result.bin out.bin.keep || fail "old file changed by a failed run"
[[ -z $(ls -A | grep '\.tmp\.') ]] || fail "temporary file left: $(ls -A)"
run "rec-cat --head 2 -o result.bin whole.bin"
expect_status 0
[[ $(rec-cat --count result.bin) == 2 ]] || fail "new file not a 2-record stream"
[[ -z $(ls -A | grep '\.tmp\.') ]] || fail "temporary file left after success"
# Usage errors are status 2 and also leave the file alone.
cp out.bin.keep result.bin
run "rec-cat --head -1 -o result.bin whole.bin"
expect_status 2
expect_stderr_prefix "rec-cat: usage: "
cmp -s result.bin out.bin.keep || fail "old file changed by a usage error"
# -o may name the input itself: output goes to a temporary file, renamed over the input only at the end.
sample --batches 3 > self.bin
run "rec-cat --head 2 -o self.bin self.bin"
expect_status 0
[[ $(rec-cat --count self.bin) == 2 ]] || fail "in-place --head did not leave a 2-record stream"
