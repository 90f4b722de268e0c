# kill -9 at random moments while appending to a seq-encode store: afterwards the store reads
# and verifies, every append that exited 0 is there whole, and no append is there in part.
source "$ROOT/Tests/Pipeline/lib.sh"
timeout 120 python3 "$ROOT/Tools/gen_events.py" --events 40000 --users 1500 --days 6 --seed 11 -o all.tsv 2>/dev/null
header=$(head -1 all.tsv)
tail -n +2 all.tsv | split -l 1500 -d -a 3 - part.
batches=()
for f in part.[0-9][0-9][0-9]; do { echo "$header"; cat "$f"; } > "$f.tsv"; rm "$f"; batches+=("$f.tsv"); done
: > committed.txt
kills=0
for b in "${batches[@]}"; do
  seq-encode --store st --block-events 256 "$b" 2>/dev/null &
  pid=$!
  # Anywhere from before the first write to after the commit (a debug build appends in ~50-300 ms).
  sleep "0.$(printf '%03d' $((RANDOM % 400)))"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid"
  [[ $? == 0 ]] && echo "$b" >> committed.txt
done
echo "appends: ${#batches[@]}, killed: $kills, exited 0: $(wc -l < committed.txt)"
[[ $kills -gt 0 ]] || fail "no append was killed; the test proved nothing"
[[ -s committed.txt ]] || fail "no append finished; the test proved nothing"
run "seq-encode --store st --verify"
expect_status 0 "verify after kills"
run "seq-encode --store st --scan -d -o scan.tsv"
expect_status 0 "scan after kills"
timeout 120 python3 "$ROOT/Tools/seq_batches_check.py" scan.tsv committed.txt "${batches[@]}" || fail "store contents"
# A later append cleans up what the killed writers left, and compaction keeps everything.
run "seq-encode --store st --compact"
expect_status 0 "compact"
run "seq-encode --store st --scan -d -o scan2.tsv"
cmp <(tail -n +2 scan.tsv | sort) <(tail -n +2 scan2.tsv | sort) || fail "compaction changed the events"
leftovers=$(find st -name '*.tmp' | wc -l)
[[ $leftovers == 0 ]] || fail "$leftovers temporary files left after compaction"
