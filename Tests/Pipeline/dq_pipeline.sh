# dq-check in pipes: the same day through seq-encode's streams and schema-migrate's tables gives
# the same drift, a failed report leaves an existing -o file untouched, a closed reader ends
# dq-check quietly, and an input stream cut at the end of a frame is named as unfinished.
source "$ROOT/Tests/Pipeline/lib.sh"
G="$ROOT/Tests/Golden/dq-check"

# 1. Events in arrival order (a TSV) as a table stream and as seq-blocks: order-free statistics
#    agree whichever stream carries the rows.
printf 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n' > ev.tsv
for i in $(seq 1 300); do printf '%d\t%d\t%d\t%d\n' $((i % 17)) $((i % 41)) $((1 + i % 5)) $((1000 + i)) >> ev.tsv; done
run "schema-migrate import -o a.tbl ev.tsv && seq-encode ev.tsv > a.seq"
expect_status 0 "import and encode"
run "dq-check drift --stat ks --columns rating a.tbl a.seq"
expect_status 0 "the same rows in two stream kinds"
grep -q '"statistic": 0.0' out.bin || fail "ks between the same rows is not 0: $(cat out.bin)"
run "seq-encode -d --events < a.seq | dq-check drift --stat psi --columns rating a.tbl -"
expect_status 0 "an events stream on stdin"

# 2. A failing report leaves the old -o file as it was, with no temporary file beside it.
echo "old report" > report.html
run "dq-check report -o report.html a.tbl <(head -c 200 a.tbl)"
expect_status 1 "report of a truncated stream"
[[ $(cat report.html) == "old report" ]] || fail "a failed report changed the -o file"
ls report.html.* 2>/dev/null && fail "a temporary file was left behind"
run "dq-check report -o report.html a.tbl a.tbl"
expect_status 0 "report"
grep -q "<svg" report.html || fail "the report has no SVG"
# Per day of the current stream: times in seconds (timestamps 1001..1300 are all 1970-01-01).
run "dq-check report --days timestamp --time-unit s --columns rating a.tbl a.seq"
expect_status 0 "report --days"
grep -q ">1970-01-01<" out.bin || fail "report --days has no day column"

# 3. | head: dq-check ends quietly when its reader goes away.
run "dq-check explain --segment-by user_id --columns rating,item_id a.tbl a.seq | head -1"
expect_status 0 "explain | head"
[[ -z $err ]] || fail "explain | head wrote to stderr: $err"

# 4. A stream cut after a whole frame (no trailer) is an unfinished stream, not an empty day.
schema-migrate import "$G/_ref.tsv" > ref.tbl
frames=$(python3 -c "
import sys
b = open('ref.tbl', 'rb').read(); pos = 0; ends = []
while pos < len(b):
    n = int.from_bytes(b[pos:pos+4], 'little') + 1
    sizes = [int.from_bytes(b[pos+4+4*i:pos+8+4*i], 'little') for i in range(n)]
    head = 4 + 4 * n; head += head % 8
    pos += head + 8 * sum(sizes); ends.append(pos)
print(ends[-2])")
head -c "$frames" ref.tbl > cut.tbl
run "dq-check check --rules $G/_rules.json --now 100000 cut.tbl"
expect_status 1 "a stream without its trailer"
[[ $(wc -l < err.txt) == 1 ]] || fail "expected one stderr line: $err"
