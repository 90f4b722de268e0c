# To a terminal, --head prints text instead of binary frames (util-linux `script` gives the
# tool a pseudo-terminal); redirected, it writes binary.
source "$ROOT/Tests/Pipeline/lib.sh"
command -v script >/dev/null || fail "no script(1) to make a terminal (util-linux/bsdutils; make deps installs it)"
sample --batches 2 --rows 2 > s.bin
timeout 60 script -qec "rec-cat --head 1 s.bin" /dev/null | tr -d '\r' > tty.txt || fail "rec-cat on a terminal failed"
grep -qx '(row = (ids = \[0, 1\], values = \[0, 0.5\], label = "batch 0"))' tty.txt || fail "no text on the terminal: $(cat -v tty.txt | head -3)"
grep -qx '(trailer = (recordCount = 1))' tty.txt || fail "no trailer line on the terminal"
timeout 60 script -qec "rec-cat --head 1 --json s.bin" /dev/null | tr -d '\r' > tty.json || fail "--json on a terminal failed"
grep -q '^{"row":{"ids":\[0,1\]' tty.json || fail "no JSON on the terminal: $(head -3 tty.json)"
rec-cat --head 1 s.bin > binary.bin
[[ $(decode binary.bin | wc -l) == 3 ]] || fail "redirected output is not a 3-frame binary stream"
# A terminal on stdin is a usage error, not a silent wait for binary frames.
timeout 20 script -qec "rec-cat --count; echo status=\$?" /dev/null < /dev/null | tr -d '\r' > stdin-tty.txt
grep -qx 'rec-cat: stdin: is a terminal; give a file or pipe a stream in' stdin-tty.txt || fail "terminal stdin: $(cat stdin-tty.txt)"
grep -qx 'status=2' stdin-tty.txt || fail "terminal stdin status: $(cat stdin-tty.txt)"
