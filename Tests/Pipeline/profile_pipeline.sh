# dq-check profile / merge / align through pipes: events and seq-blocks streams straight from
# seq-encode, libcapnp decodes a profile stream, profiles of shards merge to the profile of the
# whole, -o on failure keeps the old file, and random mutations of a table stream and of a
# profile stream end in exit 0 or 1 with one stderr line, never a crash or a hang.
source "$ROOT/Tests/Pipeline/lib.sh"
printf 'user_id\ttimestamp\titem_id\n1\t10\t7\n1\t20\t8\n2\t11\t8\n1\t15\t9\n2\t11\t8\n3\t30\t7\n' > ev.tsv

# 1. An events stream and a seq-blocks stream: the same rows, so the same per-column profile.
run "seq-encode ev.tsv | dq-check profile --sequence user_id,timestamp,item_id --format text"
expect_status 0 "profile of a seq-blocks stream"
grep -q '^sequences by user_id, timestamp, item_id: events 6 users 3 out-of-order 0 duplicates 1' out.bin || fail "seq-blocks sequence line: $(cat out.bin)"
run "seq-encode -d --events < <(seq-encode ev.tsv) | dq-check profile --sequence user_id,timestamp,item_id --format text"
expect_status 0 "profile of an events stream"
grep -q '^timestamp (int64): rows 6 nulls 0 mean 16.16666667' out.bin || fail "events profile: $(cat out.bin)"

# 2. libcapnp reads the profile stream; its trailer counts the records.
run "seq-encode -d --events < <(seq-encode ev.tsv) | dq-check profile --sequence user_id,timestamp"
expect_status 0 "profile stream"
cp out.bin ev.prof
timeout 60 capnp decode --short "$ROOT/Formats/profile.capnp" ProfileFrame < ev.prof > ev.txt || fail "capnp decode of a profile stream"
[[ $(tail -1 ev.txt) == "(trailer = (recordCount = 5))" ]] || fail "capnp text: $(tail -1 ev.txt)"
run "rec-cat --check ev.prof"
expect_status 0 "rec-cat --check"

# 3. Shards merged in any order equal the whole in every count.
awk 'NR == 1 || NR % 3 == 0' ev.tsv > a.tsv; awk 'NR == 1 || NR % 3 == 1 && NR > 1' ev.tsv > b.tsv; awk 'NR == 1 || NR % 3 == 2 && NR > 1' ev.tsv > c.tsv
for s in a b c; do seq-encode -d --events < <(seq-encode $s.tsv) | dq-check profile -o $s.prof || fail "profile $s"; done
seq-encode -d --events < <(seq-encode ev.tsv) | dq-check profile --format json > whole.json || fail "profile whole"
dq-check merge --format json c.prof a.prof b.prof > merged.json || fail "merge"
python3 - <<'PY' || fail "merged profile differs from the whole"
import json
w, m = json.load(open("whole.json")), json.load(open("merged.json"))
assert w["rows"] == m["rows"] == 6
for a, b in zip(w["columns"], m["columns"]):
    for k in ("column", "rows", "nulls", "count", "min", "max", "distinct"):
        assert a[k] == b[k], (a["column"], k, a[k], b[k])
    assert abs(a["mean"] - b["mean"]) < 1e-9 and abs(a["variance"] - b["variance"]) < 1e-9
PY

# 4. A failing profile leaves the old -o file as it was.
echo "old contents" > kept.prof
run "seq-encode ev.tsv | head -c 100 | dq-check profile -o kept.prof"
expect_status 1 "truncated input"
[[ $(cat kept.prof) == "old contents" ]] || fail "a failed profile changed the -o file"
ls kept.prof.* 2>/dev/null && fail "a temporary file was left behind"

# 5. A closed reader ends the tool quietly.
run "seq-encode ev.tsv | dq-check profile --format text | head -1"
expect_status 0 "| head"

# 6. Random mutations of a table stream (profile) and of a profile stream (merge).
seed_random profile_pipeline.sh
schema-migrate import --input-format stream -o ev.tbl <(seq-encode -d --events < <(seq-encode ev.tsv)) || fail "table"
for input in ev.tbl ev.prof; do
  size=$(stat -c %s $input)
  for i in $(seq 1 120); do
    cp $input m.bin
    for j in 1 2; do
      printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of=m.bin bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
    done
    if [[ $input == ev.tbl ]]; then cmd="dq-check profile --segment-by user_id --sequence user_id,timestamp m.bin"; else cmd="dq-check merge m.bin ev.prof"; fi
    timeout 20 $cmd > /dev/null 2> err.txt
    status=$?
    [[ $status == 0 || $status == 1 ]] || { cp m.bin "$ROOT/.mutation-failure.bin"; fail "$input mutation $i: status $status ($(cat err.txt)); input saved in .mutation-failure.bin"; }
    [[ $(wc -l < err.txt) -le 1 ]] || fail "$input mutation $i: more than one stderr line: $(cat err.txt)"
  done
done
