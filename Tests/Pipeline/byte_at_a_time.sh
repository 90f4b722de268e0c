# Input dripped through a pipe one byte per write: the reader must reassemble every frame.
source "$ROOT/Tests/Pipeline/lib.sh"
sample --batches 4 --rows 7 > s.bin
# A reader that has what it needs (--head) may close the pipe before the last bytes: the drip
# then stops quietly, as a producer in a shell pipeline does on SIGPIPE.
drip='import os,sys,time
data=open(sys.argv[1],"rb").read()
for i in range(len(data)):
    try: os.write(1, data[i:i+1])
    except BrokenPipeError: sys.exit(0)
    if i % 64 == 0: time.sleep(0.0005)'
timeout 60 python3 -c "$drip" s.bin | rec-cat > dripped.txt || fail "rec-cat failed on dripped input"
decode_to s.bin reference.txt
cmp dripped.txt reference.txt || { diff dripped.txt reference.txt | head; fail "dripped text differs from capnp decode"; }
timeout 60 python3 -c "$drip" s.bin | rec-cat --head 4 > copy.bin || fail "--head on dripped input"
decode_to copy.bin copy.txt
cmp copy.txt reference.txt || fail "--head copy differs"
