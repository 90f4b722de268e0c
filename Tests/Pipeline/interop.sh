# pycapnp reads what rec-cat writes (plain and packed), using only Formats/.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 4 --rows 300 > s.bin
rec-cat --head 3 s.bin > plain.bin || fail "rec-cat --head"
out=$(timeout 120 python3 "$ROOT/Tools/interop_read.py" plain.bin) || fail "pycapnp rejected rec-cat's output: $out"
[[ $out == "ok: sample v1 from sample_stream.py ['--batches', '4', '--rows', '300'], 3 records, 900 rows" ]] || fail "pycapnp read: $out"
sample --packed --batches 4 --rows 300 | rec-cat --packed --head 4 > packed.bin || fail "rec-cat --packed --head"
out=$(timeout 120 python3 "$ROOT/Tools/interop_read.py" --packed packed.bin) || fail "pycapnp rejected packed output: $out"
[[ $out == *", 4 records, 1200 rows" ]] || fail "pycapnp read packed: $out"
# And the capnp tool agrees frame by frame.
decode_to s.bin s.txt
decode_to plain.bin plain.txt
cmp <(head -4 s.txt) <(head -4 plain.txt) || fail "capnp decode differs"
