# schema-migrate's table streams through pipes: libcapnp and pyarrow read what it writes, a
# failed apply leaves an existing -o file untouched, and random byte mutations of a table stream
# end in exit 0, 1 or 3 with one stderr line, never a crash or a hang.
source "$ROOT/Tests/Pipeline/lib.sh"
REG="$ROOT/Tests/Golden/schema-migrate/_registry"
printf 'user,sku,price,note\n1,10,2.5,"a, b"\n2,11,0.125,\n3,12,100,NA\n' > orders.csv

# 1. The reference readers: capnp decode prints it, pyarrow (through pycapnp) reads it back.
run "schema-migrate import --null NA --registry $REG --subject shop --schema-version 1 orders.csv"
expect_status 0 "import"
cp out.bin v1.tbl
timeout 60 capnp decode --short "$ROOT/Formats/table.capnp" TableFrame < v1.tbl > v1.txt || fail "capnp decode of a table stream"
[[ $(tail -1 v1.txt) == "(trailer = (recordCount = 2))" ]] || fail "capnp text: $(tail -1 v1.txt)"
timeout 120 python3 "$ROOT/Tools/table_arrow.py" equal v1.tbl v1.tbl > /dev/null || fail "pyarrow cannot read the stream"
run "rec-cat --check v1.tbl"
expect_status 0 "rec-cat --check"

# 2. An events stream (with a null extra) converts to a table and back to the same text.
printf 'user_id\ttimestamp\titem_id\tprice:float\tqty\n1\t10\t7\t\t3\n2\t11\t8\t1.5\t\n' > ev.tsv
run "seq-encode -d --events < <(seq-encode ev.tsv) | schema-migrate import --input-format stream | schema-migrate infer"
expect_status 0 "events to table"
grep -q '"name": "price", "type": \["null", "double"\]' out.bin || fail "events extras are nullable doubles: $(cat out.bin)"

# 3. A failing apply leaves the old -o file as it was.
echo "old contents" > kept.tbl
cp -r "$REG" reg && sed -i 's/"clamp"/"fail"/' reg/shop/migrations/v1-to-v2.json
run "schema-migrate apply --registry reg --subject shop -o kept.tbl v1.tbl"
expect_status 3 "lossy cast under fail"
[[ $(cat kept.tbl) == "old contents" ]] || fail "a failed apply changed the -o file"
ls kept.tbl.* 2>/dev/null && fail "a temporary file was left behind"

# 4. Random mutations of a table stream through apply.
seed_random table_pipeline.sh
size=$(stat -c %s v1.tbl)
for i in $(seq 1 150); do
  cp v1.tbl m.tbl
  for j in 1 2; do
    printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of=m.tbl bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
  done
  timeout 20 schema-migrate apply --registry "$REG" --subject shop m.tbl > /dev/null 2> err.txt
  status=$?
  [[ $status == 0 || $status == 1 || $status == 3 ]] || { cp m.tbl "$ROOT/.mutation-failure.tbl"; fail "mutation $i: status $status ($(cat err.txt)); input saved in .mutation-failure.tbl"; }
  [[ $(wc -l < err.txt) -le 2 ]] || fail "mutation $i: more than two stderr lines: $(cat err.txt)"
done
