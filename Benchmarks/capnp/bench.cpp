// libcapnp side of the Capnp runtime benchmark (Benchmarks/capnp/bench.py runs it alternately with
// the Swift one, Benchmarks/CapnpBench). Same workload, phase by phase: see Docs/capnp.md.
//
// Usage: bench-cpp [records] [repetitions]
// Runs every phase `repetitions` times (default 2: the first warms the reused buffers, caches and
// allocator and is not reported) and prints, for the last repetition, one line per phase:
//   phase <TAB> wall seconds <TAB> CPU seconds <TAB> checksum <TAB> bytes
// Each side uses libcapnp's fast idioms and the same buffers as the Swift side: the framed and
// packed output arrays are allocated and touched once and reused; each message is built in a
// MallocMessageBuilder over a reused zeroed first segment of 1024 words (the Swift builder's
// first segment size); stream readers get a reused scratch segment and a 64 KiB read buffer (the
// Swift StreamReader's chunk size).
#include "record.capnp.h"
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <capnp/serialize-packed.h>
#include <kj/io.h>
#include <unistd.h>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

static const char* const kNames[16] = {
  "sensor-alpha-00", "sensor-alpha-01", "sensor-alpha-02", "sensor-alpha-03",
  "sensor-bravo-04", "sensor-bravo-05", "sensor-bravo-06", "sensor-bravo-07",
  "camera-front-08", "camera-front-09", "camera-rear-010", "camera-rear-011",
  "lidar-roof-0012", "lidar-roof-0013", "radar-left-014", "radar-right-015"};

static double clockSeconds(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Timer {
  double wall0 = clockSeconds(CLOCK_MONOTONIC), cpu0 = clockSeconds(CLOCK_PROCESS_CPUTIME_ID);
  void stop(double& wall, double& cpu) {
    wall = clockSeconds(CLOCK_MONOTONIC) - wall0;
    cpu = clockSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  }
};

// Builds record i (the same values the Swift side writes).
static void fill(Record::Builder r, uint64_t i) {
  r.setId(i);
  r.setTimestamp(1700000000000LL + (int64_t)i * 1000);
  r.setScore((float)(i % 1000) * 0.25f);
  r.setFlags((uint16_t)(i & 0xFFFF));
  r.setActive(i % 3 == 0);
  r.setName(kNames[i % 16]);
  auto values = r.initValues(64);
  for (uint32_t j = 0; j < 64; j++) values.set(j, (float)(i % 97 + j) * 0.5f);
  auto loc = r.initLocation();
  loc.setX((double)i * 0.001);
  loc.setY(-(double)i * 0.002);
}

static double sumRecord(Record::Reader r) {
  double s = (double)r.getId() + (double)r.getTimestamp() + r.getScore() + r.getFlags() + (r.getActive() ? 1 : 0);
  s += r.getName().size();
  float v = 0;
  for (float f : r.getValues()) v += f;
  auto loc = r.getLocation();
  return s + v + loc.getX() + loc.getY();
}

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? strtoull(argv[1], nullptr, 10) : 200000;
  const int reps = argc > 2 ? atoi(argv[2]) : 2;
  // Reused, zeroed first segment for every builder (MallocMessageBuilder re-zeroes what it used
  // when destroyed); reused scratch segment for the stream readers (no allocation per message).
  kj::Array<capnp::word> scratch = kj::heapArray<capnp::word>(1024);
  memset(scratch.begin(), 0, scratch.size() * sizeof(capnp::word));
  kj::Array<capnp::word> readScratch = kj::heapArray<capnp::word>(1024);
  // Output arrays: allocated and touched once, reused by every repetition (the Swift side keeps
  // its arrays' capacity the same way). 400 bytes per record bounds a 352-byte frame.
  kj::Array<capnp::word> framedSpace = kj::heapArray<capnp::word>(n * 50);
  kj::Array<capnp::word> packedSpace = kj::heapArray<capnp::word>(n * 64 + 16);  // packing's worst case (10 bytes per word)
  memset(framedSpace.begin(), 0, framedSpace.asBytes().size());
  memset(packedSpace.begin(), 0, packedSpace.asBytes().size());
  kj::Array<kj::byte> readBuffer = kj::heapArray<kj::byte>(65536);

  double wall[5] = {0}, cpu[5] = {0}, check[5] = {0};
  size_t framedBytes = 0, packedBytes = 0;

  for (int rep = 0; rep < reps; rep++) {
    // 1. build + frame into one buffer
    {
      Timer t;
      kj::ArrayOutputStream out(framedSpace.asBytes());
      for (uint64_t i = 0; i < n; i++) {
        capnp::MallocMessageBuilder builder(scratch);
        fill(builder.initRoot<Record>(), i);
        capnp::writeMessage(out, builder);
      }
      framedBytes = out.getArray().size();
      t.stop(wall[0], cpu[0]);
      check[0] = (double)framedBytes;
    }
    kj::ArrayPtr<const capnp::word> framed(framedSpace.begin(), framedBytes / sizeof(capnp::word));

    // 2. read + sum every field, zero-copy from the buffer
    {
      Timer t;
      double sum = 0;
      kj::ArrayPtr<const capnp::word> rest = framed;
      while (rest.size() > 0) {
        capnp::FlatArrayMessageReader reader(rest);
        sum += sumRecord(reader.getRoot<Record>());
        rest = kj::arrayPtr(reader.getEnd(), rest.end());
      }
      t.stop(wall[1], cpu[1]);
      check[1] = sum;
    }

    // 3. framed stream through a pipe: a writer thread, a reader summing ids
    {
      int fds[2];
      if (pipe(fds) != 0) return 1;
      Timer t;
      std::thread writer([&] {
        const char* p = (const char*)framed.begin();
        size_t left = framedBytes;
        while (left > 0) { ssize_t w = write(fds[1], p, left > 65536 ? 65536 : left); if (w <= 0) break; p += w; left -= w; }
        close(fds[1]);
      });
      kj::FdInputStream fdIn(fds[0]);
      kj::BufferedInputStreamWrapper in(fdIn, readBuffer);
      double ids = 0;
      while (in.tryGetReadBuffer().size() > 0) {
        capnp::InputStreamMessageReader reader(in, capnp::ReaderOptions(), readScratch);
        ids += (double)reader.getRoot<Record>().getId();
      }
      writer.join();
      close(fds[0]);
      t.stop(wall[2], cpu[2]);
      check[2] = ids;
    }

    // 4. pack every frame (packing writes straight into the array: ArrayOutputStream is buffered)
    {
      Timer t;
      kj::ArrayOutputStream pout(packedSpace.asBytes());
      kj::ArrayPtr<const capnp::word> rest = framed;
      while (rest.size() > 0) {
        capnp::FlatArrayMessageReader reader(rest);
        kj::ArrayPtr<const capnp::word> segs[1] = {reader.getSegment(0)};
        capnp::writePackedMessage(pout, kj::arrayPtr(segs, 1));
        rest = kj::arrayPtr(reader.getEnd(), rest.end());
      }
      packedBytes = pout.getArray().size();
      t.stop(wall[3], cpu[3]);
      check[3] = (double)packedBytes;
    }

    // 5. unpack the packed stream and read each root's id
    {
      Timer t;
      kj::ArrayInputStream in(kj::arrayPtr((const kj::byte*)packedSpace.begin(), packedBytes));
      double ids = 0;
      while (in.tryGetReadBuffer().size() > 0) {
        capnp::PackedMessageReader reader(in, capnp::ReaderOptions(), readScratch);
        ids += (double)reader.getRoot<Record>().getId();
      }
      t.stop(wall[4], cpu[4]);
      check[4] = ids;
    }
  }
  const char* names[5] = {"build+frame", "read+sum", "pipe stream", "pack", "unpack+read"};
  for (int k = 0; k < 5; k++)
    printf("%s\t%.9f\t%.9f\t%.17g\t%zu\n", names[k], wall[k], cpu[k], check[k], k >= 3 ? packedBytes : framedBytes);
  return 0;
}
