# op-bench: its stream is whole and readable by the reference decoder, packed framing works,
# a closed reader ends it quietly, and a failed run leaves an existing -o file untouched.
source "$ROOT/Tests/Pipeline/lib.sh"
quick=(--suite resnet50 --filter avgpool --reps 1 --max-reps 1 --min-time 0)

op-bench "${quick[@]}" --threads 1,2 > bench.bin || fail "op-bench exit status $?"
[[ $(rec-cat --count bench.bin) == 2 ]] || fail "expected 2 records"
timeout 60 capnp decode --short "$ROOT/Formats/bench.capnp" BenchFrame < bench.bin > decoded.txt || fail "capnp decode"
grep -q '^(result = (suite = "resnet50", site = "avgpool", op = "GlobalAveragePool"' decoded.txt || fail "result text: $(head -c 300 decoded.txt)"
tail -1 decoded.txt | grep -qx '(trailer = (recordCount = 2))' || fail "trailer"

op-bench "${quick[@]}" --packed > packed.bin || fail "--packed exit status"
[[ $(rec-cat --packed --count packed.bin) == 1 ]] || fail "--packed count"

timeout 60 op-bench "${quick[@]}" 2>err.txt | head -c 10 > /dev/null
codes=("${PIPESTATUS[@]}")
[[ ${codes[0]} == 0 ]] || fail "op-bench | head -c 10: status ${codes[0]}: $(cat err.txt)"

echo old > kept.bench
run "op-bench ${quick[*]} --compare numpy --peer-script /nonexistent.py -o kept.bench"
expect_status 1 "op-bench with a missing peer"
[[ $(cat kept.bench) == old ]] || fail "-o file changed by a failed run"
