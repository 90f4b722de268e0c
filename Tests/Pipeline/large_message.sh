# Frames larger than the 4 MiB read buffer (1.2M rows = ~14 MB each) read, check and copy.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 2 --rows 1200000 > big.bin
run "cat big.bin | rec-cat --check"
expect_status 0
run "cat big.bin | rec-cat --head 5 | rec-cat --count"
expect_status 0
[[ $(cat out.bin) == 2 ]] || fail "count after --head: $(cat out.bin)"
# Byte-identical records: decode both and compare all but the header line.
cat big.bin | rec-cat --head 2 > copy.bin
same_records big.bin copy.bin "--head changed the records"
