# kill -9 at random moments while appending to a seq-encode store: afterwards the store reads
# and verifies, every append that exited 0 is there whole, and no append is there in part.
source "$ROOT/Tests/Pipeline/lib.sh"
seed_random seq_crash.sh
timeout 120 python3 "$ROOT/Tools/gen_events.py" --events 40000 --users 1500 --days 6 --seed 11 -o all.tsv 2>/dev/null
header=$(head -1 all.tsv)
tail -n +2 all.tsv | split -l 1500 -d -a 3 - part.
batches=()
for f in part.[0-9][0-9][0-9]; do { echo "$header"; cat "$f"; } > "$f.tsv"; rm "$f"; batches+=("$f.tsv"); done
: > committed.txt
# How long one append takes here (it is committed: the store starts with it), so the kills
# below land anywhere from before the first write to after the commit, on any machine.
start=$(date +%s%N)
seq-encode --store st --block-events 256 "${batches[0]}" || fail "first append"
echo "${batches[0]}" >> committed.txt
took=$(( ($(date +%s%N) - start) / 1000000 ))
killed=0
for b in "${batches[@]:1}"; do
  seq-encode --store st --block-events 256 "$b" 2>/dev/null &
  pid=$!
  delay=$((RANDOM % (took * 12 / 10 + 1)))
  sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid"
  status=$?
  [[ $status == 0 ]] && echo "$b" >> committed.txt
  [[ $status == 137 ]] && killed=$((killed + 1))
done
echo "appends: ${#batches[@]} (one takes ~${took} ms), killed mid-run: $killed, exited 0: $(wc -l < committed.txt)"
[[ $killed -gt 0 ]] || fail "no append was killed; the test proved nothing"
[[ $(wc -l < committed.txt) -gt 1 ]] || fail "no append under the kills finished; the test proved nothing"
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
