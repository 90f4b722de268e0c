# A producer killed with SIGKILL after writing records: the consumer sees EOF without a trailer
# and says so, with the number of records that arrived.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 3 --rows 10 --no-trailer > partial.bin
run "bash -c 'cat partial.bin; kill -9 \$\$' | rec-cat --count"
expect_status 1
expect_stderr "rec-cat: stdin: ended without a trailer after 3 records (did the producer fail?)"
# Same through --head: the output must not gain a trailer the input never had.
run "bash -c 'cat partial.bin; kill -9 \$\$' | rec-cat --head 10 -o cut.bin"
expect_status 1
[[ ! -e cut.bin ]] || fail "-o file created although the input was incomplete"
# A trailer with the wrong count.
sample --batches 3 --trailer-count 5 > lying.bin
run "rec-cat --check lying.bin"
expect_status 1
expect_stderr "rec-cat: lying.bin: the trailer counts 5 records but 3 arrived"
