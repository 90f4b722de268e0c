# `| head`: a closed reader ends rec-cat quietly with status 0, binary or text.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --repeat --batches 400 --rows 20000 > big.bin   # ~96 MB: more than the pipe holds
set +e
timeout 60 rec-cat --head 1000000 < big.bin 2>err.txt | head -c 1000 > /dev/null
codes=("${PIPESTATUS[@]}")
set -e
[[ ${codes[0]} == 0 ]] || fail "rec-cat --head | head -c: status ${codes[0]}: $(cat err.txt)"
[[ ! -s err.txt ]] || fail "stderr not empty: $(cat err.txt)"
set +e
timeout 60 rec-cat big.bin 2>err.txt | head -n 2 > lines.txt
codes=("${PIPESTATUS[@]}")
set -e
[[ ${codes[0]} == 0 ]] || fail "rec-cat | head -n 2: status ${codes[0]}: $(cat err.txt)"
[[ ! -s err.txt ]] || fail "stderr not empty: $(cat err.txt)"
[[ $(wc -l < lines.txt) == 2 ]] || fail "head -n 2 got $(wc -l < lines.txt) lines"
# --head N is itself a valid stream: header, N records, trailer N.
rec-cat --head 3 big.bin > three.bin
[[ $(rec-cat --count three.bin) == 3 ]] || fail "--head 3 count"
decode three.bin | tail -1 | grep -qx '(trailer = (recordCount = 3))' || fail "trailer"
