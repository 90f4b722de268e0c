# A live stream flows through: rec-cat flushes finished frames whenever its input would block,
# so a consumer sees records while the producer is still running (not only at exit).
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 2 --rows 3 --no-trailer > partial.bin   # header + 2 records, producer still "running"
mkfifo out.fifo
{ cat partial.bin; sleep 5; } | rec-cat --head 100 > out.fifo 2>/dev/null &
producer=$!
timeout 3 cat out.fifo > got.bin    # whatever arrives within 3 s of a 5 s producer
wait "$producer" 2>/dev/null
[[ $(decode got.bin 2>/dev/null | wc -l) == 3 ]] || fail "records were held back while the input was idle: got $(stat -c %s got.bin) bytes"
