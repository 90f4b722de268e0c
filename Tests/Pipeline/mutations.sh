# Random byte mutations: rec-cat --check exits 0 or 1 with at most one stderr line; never a
# crash (status > 128) or a hang (timeout). Plain and packed framing.
source "$ROOT/Tests/Pipeline/lib.sh"
seed_random mutations.sh
sample --batches 3 --rows 5 > plain.bin
sample --batches 3 --rows 5 --packed > packed.bin
for kind in plain packed; do
  flags=""; [[ $kind == packed ]] && flags=--packed
  size=$(stat -c %s $kind.bin)
  for i in $(seq 1 100); do
    cp $kind.bin m.bin
    for j in 1 2 3; do
      printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of=m.bin bs=1 seek=$((RANDOM % size)) conv=notrunc status=none
    done
    timeout 20 rec-cat $flags --check m.bin > /dev/null 2> err.txt
    status=$?
    [[ $status == 0 || $status == 1 ]] || { cp m.bin "$ROOT/.mutation-failure.bin"; fail "$kind mutation $i: status $status ($(cat err.txt)); input saved in .mutation-failure.bin; replay with SLUICE_TEST_SEED"; }
    [[ $(wc -l < err.txt) -le 1 ]] || fail "$kind mutation $i: more than one stderr line"
  done
done
