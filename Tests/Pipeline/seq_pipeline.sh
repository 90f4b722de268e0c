# seq-encode through pipes: round trips (table, events stream, store), the reference capnp
# reader on its output, and the failure modes (truncated, corrupted, wrong kind, bad table).
source "$ROOT/Tests/Pipeline/lib.sh"
SEQ="$ROOT/Formats/seq-blocks.capnp"
EVENTS="$ROOT/Formats/events.capnp"
timeout 120 python3 "$ROOT/Tools/gen_events.py" --events 20000 --users 300 --days 5 --seed 3 -o ev.tsv 2>/dev/null
# The expected decode: rows sorted by user then time, ties in input order (sort -s).
sorted() { head -1 "$1"; tail -n +2 "$1" | sort -s -t $'\t' -k1,1n -k4,4n; }
sorted ev.tsv > want.tsv

# 1. Table -> seq-blocks -> table, bit-exact; and through an events stream.
run "seq-encode --block-events 1000 ev.tsv | seq-encode -d"
expect_status 0 "encode | decode"
cmp out.bin want.tsv || fail "decode differs from the sorted input"
run "seq-encode ev.tsv | seq-encode -d --events | seq-encode --input-format events | seq-encode -d"
expect_status 0 "through an events stream"
cmp out.bin want.tsv || fail "events-stream round trip differs"

# 2. The capnp tool reads both kinds whole, and rec-cat checks them.
seq-encode ev.tsv > ev.seq
timeout 60 capnp decode --short "$SEQ" SeqFrame < ev.seq > seq.txt || fail "capnp decode of seq-blocks"
[[ $(grep -c '^(block = ' seq.txt) -ge 1 && $(tail -1 seq.txt) == "(trailer = (recordCount = "* ]] || fail "capnp text: $(tail -1 seq.txt)"
seq-encode -d --events ev.seq > ev.events
timeout 60 capnp decode --short "$EVENTS" EventsFrame < ev.events > events.txt || fail "capnp decode of events"
grep -q '^(layout = (columns = \[(name = "user_id:token", role = user)' events.txt || fail "capnp text of events: $(sed -n 2p events.txt)"
run "rec-cat --check ev.seq"
expect_status 0 "rec-cat --check"

# 3. Extra columns (int and float) and CSV survive; a MovieLens-style mapping.
printf 'uid,ts,item,rating:float,qty\n2,5,9,4.5,1\n1,7,3,0.1,-2\n2,1,9,3.0,7\n' > small.csv
run "seq-encode --user-column uid --time-column ts --item-column item --action-column none small.csv | seq-encode -d"
expect_status 0 "csv with extras"
[[ $(cat out.bin) == $'uid\tts\titem\trating:float\tqty\n1\t7\t3\t0.1\t-2\n2\t1\t9\t3.0\t7\n2\t5\t9\t4.5\t1' ]] || fail "csv decode: $(cat out.bin)"

# 4. The store: append in two parts, scan everything and one user's window.
head -10001 ev.tsv > a.tsv; { head -1 ev.tsv; tail -n +10002 ev.tsv; } > b.tsv
run "seq-encode --store st a.tsv && seq-encode --store st b.tsv && seq-encode --store st --scan -d"
expect_status 0 "store append and scan"
cmp <(tail -n +2 out.bin | sort) <(tail -n +2 ev.tsv | sort) || fail "store scan lost or added events"
user=$(sed -n 2p ev.tsv | cut -f1); t0=$(sed -n 2p ev.tsv | cut -f4); t1=$((t0 + 3 * 86400000))
run "seq-encode --store st --scan --user $user --from $t0 --to $t1 -d"
expect_status 0 "one-user scan"
awk -F'\t' -v u="$user" -v a="$t0" -v b="$t1" 'NR > 1 && $1 == u && $4 >= a && $4 < b' want.tsv > want_user.tsv
cmp <(tail -n +2 out.bin) want_user.tsv || fail "one-user scan differs from the filter"
run "seq-encode --store st --scan --user $user --from $t0 --to $t1 | seq-encode -d"
expect_status 0 "scan as seq-blocks"
cmp <(tail -n +2 out.bin) want_user.tsv || fail "scan as seq-blocks differs"

# 5. Failures: one line, status 1, nothing half-written.
size=$(stat -c %s ev.seq)
head -c $((size - 9)) ev.seq > cut.seq
run "seq-encode -d cut.seq"
expect_status 1 "truncated"
expect_stderr_prefix "seq-encode: cut.seq: "
python3 -c "
import sys; b = bytearray(open('ev.seq','rb').read()); b[len(b)//2] ^= 0x40; open('bad.seq','wb').write(b)"
run "seq-encode -d bad.seq"
expect_status 1 "corrupted block"
[[ $(wc -l < err.txt) == 1 && $err == "seq-encode: bad.seq: "* ]] || fail "corrupted: $err"
run "seq-encode -d ev.events"
expect_status 1 "wrong kind"
expect_stderr "seq-encode: ev.events: expected a seq-blocks stream, got events v1 (from seq-encode)"
printf 'user_id\titem_id\ttimestamp\n1\t2\t3\n1\tx\t4\n' > bad.tsv
echo keep > old.seq
run "seq-encode -o old.seq bad.tsv"
expect_status 1 "bad table"
expect_stderr "seq-encode: bad.tsv: line 3: item_id 'x' is not an integer"
[[ $(cat old.seq) == keep ]] || fail "-o replaced the old file on failure"
run "seq-encode --scan"
expect_status 2 "usage"

# 6. pycapnp (libcapnp) reads the events stream and sees the decoded table's rows, in order.
seq-encode -d ev.seq > dec.tsv
timeout 120 python3 "$ROOT/Tools/seq_pycapnp_check.py" "$ROOT/Formats" ev.events dec.tsv || fail "pycapnp interop"

# 7. Batches (and --fast-decode): each batch is sorted on its own; together they hold every row once.
run "seq-encode --batch-events 3000 --fast-decode ev.tsv | seq-encode -d"
expect_status 0 "batched encode"
cmp <(tail -n +2 out.bin | sort) <(tail -n +2 ev.tsv | sort) || fail "batched encode lost or added rows"

# 8. A header and no rows: a whole stream with a layout and no blocks, decoding to the header.
head -1 ev.tsv > empty.tsv
run "seq-encode empty.tsv > empty.seq && rec-cat --count empty.seq && seq-encode -d empty.seq"
expect_status 0 "empty table"
[[ $(cat out.bin) == $'1\n'"$(cat empty.tsv)" ]] || fail "empty table: $(cat out.bin)"

# 9. --replace-day swaps one day for a rebuilt table; an event outside the day is refused and
#    changes nothing; --compact keeps every event.
day=$(python3 -c "import datetime; print(datetime.datetime.fromtimestamp($t0 // 1000, datetime.timezone.utc).date())")
start=$(python3 -c "import datetime; d = datetime.date.fromisoformat('$day'); print(int(datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.timezone.utc).timestamp()) * 1000)")
{ head -1 ev.tsv; printf '7\t70\t1\t%s\n' $((start + 5)); } > day.tsv
run "seq-encode --store st --replace-day $day day.tsv && seq-encode --store st --scan --from $start --to $((start + 86400000)) -d"
expect_status 0 "replace-day"
[[ $(tail -n +2 out.bin) == $'7\t70\t1\t'$((start + 5)) ]] || fail "replace-day scan: $(cat out.bin)"
{ head -1 ev.tsv; printf '7\t70\t1\t%s\n' $((start - 1)); } > wrongday.tsv
run "seq-encode --store st --replace-day $day wrongday.tsv"
expect_status 1 "replace-day with an event outside the day"
[[ $err == "seq-encode: replace-day $day: event at time $((start - 1)) falls on "* ]] || fail "replace-day error: $err"
run "seq-encode --store st --scan -d | tail -n +2 | sort > before.txt && seq-encode --store st --compact && seq-encode --store st --verify && seq-encode --store st --scan -d | tail -n +2 | sort > after.txt"
expect_status 0 "compact"
cmp before.txt after.txt || fail "compaction changed the events"

# 10. A damaged run file: --verify names it in one line and exits 1; so does a scan that reads
#     the damaged block (the largest run, damaged a third of the way in, inside its blocks).
run_file=$(find st -name 'run-*.sqr' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
python3 -c "
import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 3] ^= 0x10; open(p, 'wb').write(b)" "$run_file"
run "seq-encode --store st --verify"
expect_status 1 "verify of a damaged store"
[[ $(wc -l < err.txt) == 1 && $err == "seq-encode: $run_file: damaged run: "* ]] || fail "verify error: $err"
run "seq-encode --store st --scan -d"
expect_status 1 "scan of a damaged store"
[[ $(wc -l < err.txt) == 1 && $err == "seq-encode: $run_file: "* ]] || fail "scan error: $err"
