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

# op-bench --graph: every op of a real graph (graph-opt's stream of Tools/onnx_models.py's BEV
# net) at its shapes; a stream of another kind or a truncated one is refused in one line.
timeout 120 python3 "$ROOT/Tools/onnx_models.py" bev bev.onnx > /dev/null || fail "onnx_models.py bev"
timeout 60 graph-opt bev.onnx > bev.graph || fail "graph-opt bev.onnx"
timeout 60 op-bench --graph bev.graph --list > graph-list.txt 2> graph-err.txt || fail "op-bench --graph: $(cat graph-err.txt)"
grep -q $'^bev\tGridSample_[0-9]*\tGridSample\t' graph-list.txt || fail "no GridSample case: $(cat graph-list.txt)"
grep -q $'\tResize\t' graph-list.txt && grep -q $'\tConv\t' graph-list.txt || fail "Resize/Conv cases missing"
grep -q '^op-bench: 30 nodes, 24 distinct cases$' graph-err.txt || fail "graph summary: $(cat graph-err.txt)"
timeout 60 op-bench --graph - --filter GridSample --reps 1 --max-reps 1 --min-time 0 < bev.graph > graph.bench 2>/dev/null || fail "op-bench --graph - run"
[[ $(rec-cat --count graph.bench) == 1 ]] || fail "expected 1 GridSample record"
run "op-bench --graph bench.bin --list"
expect_status 1 "op-bench --graph on a bench stream"
head -c 200 bev.graph > truncated.graph
run "op-bench --graph truncated.graph --list"
expect_status 1 "op-bench --graph on a truncated stream"
run "op-bench --graph bev.graph --suite kernels --list"
expect_status 2 "op-bench --graph with --suite (usage error)"
# Random byte mutations of the graph stream: a one-line error (status 1) or a listing, never a trap.
# Seeds SLUICE_TEST_SEED+1 ... +10 (0 by default), printed so a failure can be replayed.
base=${SLUICE_TEST_SEED:-0}; echo "op_bench.sh: mutation seeds $((base + 1))..$((base + 10))"
for seed in $(seq $((base + 1)) $((base + 10))); do
    timeout 60 python3 -c "
import random, sys
d = bytearray(open('bev.graph', 'rb').read()); r = random.Random($seed)
for _ in range(r.choice([1, 5, 50])): d[r.randrange(len(d))] = r.randrange(256)
open('mutated.graph', 'wb').write(d)" || fail "mutation script"
    run "op-bench --graph mutated.graph --list"
    [[ $status == 0 || $status == 1 ]] || fail "mutated graph stream (seed $seed): status $status: $err"
done
