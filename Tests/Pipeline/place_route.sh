# place-route: graph-opt | tile-plan | place-route | rec-cat on a generated CNN and transformer;
# every placement passes the independent checker (Tools/placed_check.py); the same input gives
# the same bytes; random mutations of the tiles stream are refused in one line or placed and
# still pass the checker, never a crash; a failed run leaves an existing -o file untouched.
source "$ROOT/Tests/Pipeline/lib.sh"
quick=(--max-visits 2000)

timeout 120 python3 "$ROOT/Tools/onnx_models.py" small-cnn cnn.onnx > /dev/null || fail "onnx_models.py small-cnn"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" gpt2 gpt2.onnx > /dev/null || fail "onnx_models.py gpt2"
for m in cnn gpt2; do
  timeout 120 graph-opt -O3 $m.onnx | timeout 120 tile-plan --arch mesh-8x8 --dim batch=1 "${quick[@]}" > $m.tiles || fail "$m: tile-plan"
  for mode in auto layer pipeline split; do
    timeout 120 place-route --mode $mode $m.tiles > $m.$mode.placed 2>err.txt || fail "$m --mode $mode: $(cat err.txt)"
    rec-cat --check $m.$mode.placed > check.txt || fail "$m --mode $mode: rec-cat --check: $(cat check.txt)"
    grep -q ': placed v1 (from place-route): [0-9]* records, whole$' check.txt || fail "$m $mode: $(cat check.txt)"
  done
  timeout 120 python3 "$ROOT/Tools/placed_check.py" $m.*.placed || fail "$m: the checker refused a placement"
done
# The checker can fail: every mutation of a good placement is caught.
timeout 120 python3 "$ROOT/Tools/placed_check.py" --self-test gpt2.auto.placed || fail "checker self-test"

# The pipe the man page shows, and the report.
timeout 120 graph-opt -O3 cnn.onnx | timeout 120 tile-plan --arch mesh-8x8 --dim batch=1 "${quick[@]}" | timeout 120 place-route | rec-cat --count > n.txt \
  || fail "graph-opt | tile-plan | place-route | rec-cat"
[[ $(cat n.txt) -gt 10 ]] || fail "a placed stream of $(cat n.txt) records"
timeout 120 place-route --report cnn.tiles > report.txt || fail "--report"
grep -q '^cores (capacity ' report.txt || fail "--report has no core table"
grep -q '^links (busiest first):' report.txt || fail "--report has no link table"

# Determinism: the same input gives the same bytes; another seed may move cores but still passes.
timeout 120 place-route --mode auto gpt2.tiles > again.placed || fail "second run"
cmp -s gpt2.auto.placed again.placed || fail "two runs of the same placement differ"
timeout 120 place-route --seed 7 --max-iterations 3 gpt2.tiles > seeded.placed || fail "--seed 7"
timeout 120 python3 "$ROOT/Tools/placed_check.py" seeded.placed || fail "seed 7 placement refused by the checker"

# A closed reader ends it quietly.
timeout 60 place-route gpt2.tiles 2>err.txt | head -c 10 > /dev/null
codes=("${PIPESTATUS[@]}")
[[ ${codes[0]} == 0 ]] || fail "place-route | head -c 10: status ${codes[0]}: $(cat err.txt)"

# Failures: -o untouched, truncated input, wrong kind.
echo old > kept.placed
run "place-route -o kept.placed cnn.onnx"
expect_status 1 "place-route on an ONNX file"
[[ $(cat kept.placed) == old ]] || fail "-o file changed by a failed run"
head -c 2000 cnn.tiles > truncated.tiles
run "place-route truncated.tiles"
expect_status 1 "place-route on a truncated tiles stream"
run "place-route cnn.auto.placed"
expect_stderr "place-route: cnn.auto.placed: expected a tiles stream, got placed v1 (from place-route)"
expect_status 1

# Random byte mutations of a tiles stream: exit 0 (and the checker passes) or 1 with one line.
seed_random place_route
size=$(stat -c %s cnn.tiles)
for i in $(seq 1 40); do
  cp cnn.tiles mut.tiles
  for k in 1 2 3; do
    off=$(( (RANDOM * 32768 + RANDOM) % size ))
    printf "\\x$(printf %02x $(( RANDOM % 256 )))" | dd of=mut.tiles bs=1 seek=$off conv=notrunc status=none
  done
  run "place-route mut.tiles"
  case $status in
    0) cp out.bin mut.placed; timeout 60 python3 "$ROOT/Tools/placed_check.py" mut.placed > /dev/null || fail "mutation $i: placed, but the checker refused it" ;;
    1) [[ $(wc -l < err.txt) == 1 ]] || fail "mutation $i: more than one line on stderr: $err" ;;
    *) fail "mutation $i: exit status $status: $err" ;;
  esac
done
echo "place_route: ok"
