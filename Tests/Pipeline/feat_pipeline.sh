# feat-etl through pipes: libcapnp decodes the tensors stream, a failed transform leaves an
# existing -o file untouched, `| head` ends quietly, and random byte mutations of the input
# stream end in exit 0 or 1 with one stderr line, never a crash or a hang.
source "$ROOT/Tests/Pipeline/lib.sh"
G="$ROOT/Tests/Golden/feat-etl"
SPEC="$G/_spec.json"

# 1. events → fit → transform through pipes; libcapnp reads every frame.
seq-encode "$G/_events.tsv" > ev.seq || fail "seq-encode"
run "feat-etl fit --spec $SPEC ev.seq"
expect_status 0 "fit"
cp out.bin ev.fit
run "seq-encode -d --events < ev.seq | feat-etl transform --spec $SPEC --fit ev.fit"
expect_status 0 "transform of an events stream"
cp out.bin ev.tensors
timeout 60 capnp decode --short "$ROOT/Formats/tensors.capnp" TensorsFrame < ev.tensors > ev.txt || fail "capnp decode of a tensors stream"
[[ $(tail -1 ev.txt) == "(trailer = (recordCount = 9))" ]] || fail "capnp text: $(tail -1 ev.txt)"
run "rec-cat --check ev.tensors"
expect_status 0 "rec-cat --check"
run "feat-etl transform --spec $SPEC --fit ev.fit ev.seq"
# The same records (the header differs: it records the arguments).
timeout 60 capnp decode --short "$ROOT/Formats/tensors.capnp" TensorsFrame < out.bin | tail -n +2 > blocks.txt
tail -n +2 ev.txt | cmp -s - blocks.txt || fail "seq-blocks and events inputs give different tensors"

# 2. A failing transform (a fit of another spec) leaves the old -o file as it was.
echo "old contents" > kept.tensors
echo '{"features": [{"name": "v", "transform": "vocabulary", "column": "item_id"}]}' > other.json
run "feat-etl fit --spec other.json ev.seq"
cp out.bin other.fit
run "feat-etl transform --spec $SPEC --fit other.fit -o kept.tensors ev.seq"
expect_status 1 "a fit of another spec"
[[ $(cat kept.tensors) == "old contents" ]] || fail "a failed transform changed the -o file"
ls kept.tensors.* 2>/dev/null && fail "a temporary file was left behind"

# 3. A closed reader ends the tool quietly.
run "feat-etl transform --spec $SPEC --fit ev.fit ev.seq | head -c 10"
expect_status 0 "| head"

# 4. Random mutations of the input stream through transform.
seed_random feat_pipeline.sh
size=$(stat -c %s ev.seq)
for i in $(seq 1 150); do
  cp ev.seq m.seq
  for j in 1 2; do
    printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of=m.seq bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
  done
  timeout 20 feat-etl transform --spec "$SPEC" --fit ev.fit m.seq > /dev/null 2> err.txt
  status=$?
  [[ $status == 0 || $status == 1 ]] || { cp m.seq "$ROOT/.mutation-failure.seq"; fail "mutation $i: status $status ($(cat err.txt)); input saved in .mutation-failure.seq"; }
  [[ $(wc -l < err.txt) -le 1 ]] || fail "mutation $i: more than one stderr line: $(cat err.txt)"
done
