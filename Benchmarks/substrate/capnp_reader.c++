// The libcapnp peer for Benchmarks/substrate/bench.py: read a Sluice stream from stdin the way a
// C++ consumer would (InputStreamMessageReader over a buffered fd stream), look at every frame's
// union tag (data byte 0) and check the trailer count, like `rec-cat --count`. Prints the record
// count. Set up like rec-cat's reader: the stdin pipe enlarged to 1 MiB (F_SETPIPE_SZ), a 4 MiB
// read buffer, and a reused scratch segment so no frame up to 4 MiB allocates.
#include <capnp/any.h>
#include <capnp/serialize.h>
#include <kj/io.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char** argv) {
  if (argc != 2) { fprintf(stderr, "usage: capnp_reader TRAILER_TAG < stream\n"); return 2; }
  const uint16_t trailerTag = (uint16_t)atoi(argv[1]);
  struct stat st;
  if (fstat(0, &st) == 0 && S_ISFIFO(st.st_mode)) fcntl(0, F_SETPIPE_SZ, 1 << 20);  // best effort, as rec-cat
  kj::FdInputStream raw(0);
  auto space = kj::heapArray<kj::byte>(4 << 20);
  kj::BufferedInputStreamWrapper in(raw, space);
  auto scratch = kj::heapArray<capnp::word>((4 << 20) / sizeof(capnp::word));
  capnp::ReaderOptions options;
  options.traversalLimitInWords = uint64_t(1) << 40;
  uint64_t frames = 0, records = 0, trailerCount = 0;
  bool trailer = false;
  while (in.tryGetReadBuffer().size() > 0) {
    capnp::InputStreamMessageReader message(in, options, scratch);
    auto root = message.getRoot<capnp::AnyStruct>();
    auto data = root.getDataSection();
    uint16_t tag = data.size() >= 2 ? uint16_t(data[0] | (data[1] << 8)) : 0;
    if (frames > 0 && tag == trailerTag) {
      auto t = root.getPointerSection()[0].getAs<capnp::AnyStruct>().getDataSection();
      for (int i = 7; i >= 0; i--) trailerCount = (trailerCount << 8) | (t.size() > size_t(i) ? t[i] : 0);
      trailer = true;
    } else if (frames > 0) {
      records++;
    }
    frames++;
  }
  if (!trailer || trailerCount != records) { fprintf(stderr, "capnp_reader: stream not whole\n"); return 1; }
  printf("%llu\n", (unsigned long long)records);
  return 0;
}
