// libcapnp side of the Capnp runtime benchmark (Benchmarks/capnp/run.sh runs it beside the Swift
// one). Same workload, phase by phase, as Benchmarks/CapnpBench: see Docs/capnp.md.
#include "bench.capnp.h"
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <capnp/serialize-packed.h>
#include <kj/io.h>
#include <unistd.h>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

static const char* const kNames[16] = {
  "sensor-alpha-00", "sensor-alpha-01", "sensor-alpha-02", "sensor-alpha-03",
  "sensor-bravo-04", "sensor-bravo-05", "sensor-bravo-06", "sensor-bravo-07",
  "camera-front-08", "camera-front-09", "camera-rear-010", "camera-rear-011",
  "lidar-roof-0012", "lidar-roof-0013", "radar-left-014", "radar-right-015"};

// Process CPU time (all threads): the shared benchmark machine is heavily loaded, and CPU time
// is far steadier than wall time under contention. The Swift side measures the same clock.
static double now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Builds message i into `builder` (the same values the Swift side writes).
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
  const int reps = argc > 2 ? atoi(argv[2]) : 3;
  // A reused, zeroed first segment: the fast idiom for many small messages (MallocMessageBuilder
  // re-zeroes what it used when destroyed).
  kj::Array<capnp::word> scratch = kj::heapArray<capnp::word>(1024);
  memset(scratch.begin(), 0, scratch.size() * sizeof(capnp::word));
  std::vector<capnp::word> framed, packed;
  double best[5] = {1e30, 1e30, 1e30, 1e30, 1e30};
  double check[5] = {0, 0, 0, 0, 0};
  size_t framedBytes = 0, packedBytes = 0;

  for (int rep = 0; rep < reps; rep++) {
    // 1. build + frame into one buffer
    double t = now();
    kj::VectorOutputStream out(n * 400);
    for (uint64_t i = 0; i < n; i++) {
      capnp::MallocMessageBuilder builder(scratch);
      fill(builder.initRoot<Record>(), i);
      capnp::writeMessage(out, builder);
    }
    best[0] = std::min(best[0], now() - t);
    auto bytes = out.getArray();
    framedBytes = bytes.size();
    framed.assign((const capnp::word*)bytes.begin(), (const capnp::word*)bytes.end());
    check[0] = (double)framedBytes;

    // 2. read + sum every field, zero-copy from the buffer
    t = now();
    double sum = 0;
    kj::ArrayPtr<const capnp::word> rest(framed.data(), framed.size());
    while (rest.size() > 0) {
      capnp::FlatArrayMessageReader reader(rest);
      sum += sumRecord(reader.getRoot<Record>());
      rest = kj::arrayPtr(reader.getEnd(), rest.end());
    }
    best[1] = std::min(best[1], now() - t);
    check[1] = sum;

    // 3. framed stream through a pipe: a writer thread, a reader summing ids
    int fds[2];
    if (pipe(fds) != 0) return 1;
    t = now();
    std::thread writer([&] {
      const char* p = (const char*)framed.data();
      size_t left = framedBytes;
      while (left > 0) { ssize_t w = write(fds[1], p, left > 65536 ? 65536 : left); if (w <= 0) break; p += w; left -= w; }
      close(fds[1]);
    });
    {
      kj::FdInputStream fdIn(fds[0]);
      kj::BufferedInputStreamWrapper in(fdIn);
      double ids = 0;
      while (in.tryGetReadBuffer().size() > 0) {
        capnp::InputStreamMessageReader reader(in);
        ids += (double)reader.getRoot<Record>().getId();
      }
      check[2] = ids;
    }
    writer.join();
    close(fds[0]);
    best[2] = std::min(best[2], now() - t);

    // 4. pack every frame
    t = now();
    kj::VectorOutputStream pout(framedBytes);
    rest = kj::ArrayPtr<const capnp::word>(framed.data(), framed.size());
    while (rest.size() > 0) {
      capnp::FlatArrayMessageReader reader(rest);
      kj::ArrayPtr<const capnp::word> segs[1] = {reader.getSegment(0)};
      capnp::writePackedMessage(pout, kj::arrayPtr(segs, 1));
      rest = kj::arrayPtr(reader.getEnd(), rest.end());
    }
    best[3] = std::min(best[3], now() - t);
    auto pbytes = pout.getArray();
    packedBytes = pbytes.size();
    packed.assign((const capnp::word*)pbytes.begin(), (const capnp::word*)pbytes.begin() + (packedBytes + 7) / 8);
    check[3] = (double)packedBytes;

    // 5. unpack the packed stream and read each root's id
    t = now();
    {
      kj::ArrayInputStream in(kj::arrayPtr((const kj::byte*)packed.data(), packedBytes));
      double ids = 0;
      while (in.tryGetReadBuffer().size() > 0) {
        capnp::PackedMessageReader reader(in);
        ids += (double)reader.getRoot<Record>().getId();
      }
      check[4] = ids;
    }
    best[4] = std::min(best[4], now() - t);
  }
  const char* names[5] = {"build+frame", "read+sum", "pipe stream", "pack", "unpack+read"};
  for (int k = 0; k < 5; k++)
    printf("%s\t%.6f\t%.17g\t%zu\n", names[k], best[k], check[k], k == 3 || k == 4 ? packedBytes : framedBytes);
  return 0;
}
