# Random byte mutations: rec-cat --check exits 0 or 1 with at most one stderr line; never a
# crash (status > 128) or a hang (timeout).
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 3 --rows 5 > s.bin
size=$(stat -c %s s.bin)
for i in $(seq 1 150); do
  cp s.bin m.bin
  for j in 1 2 3; do
    printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of=m.bin bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
  done
  timeout 20 rec-cat --check m.bin > /dev/null 2> err.txt
  status=$?
  [[ $status == 0 || $status == 1 ]] || { cp m.bin "$ROOT/.mutation-failure.bin"; fail "mutation $i: status $status ($(cat err.txt)); input saved in .mutation-failure.bin"; }
  [[ $(wc -l < err.txt) -le 1 ]] || fail "mutation $i: more than one stderr line"
done
