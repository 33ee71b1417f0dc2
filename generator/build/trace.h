// CARTABLE_TRACE=1: the time and resident memory after each phase of a
// build, on stderr.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace cartable {

struct PhaseClock {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool on = std::getenv("CARTABLE_TRACE") != nullptr;
  void lap(const char* what) const {
    if (!on) return;
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "  %7.1f ms  %6ld MB  %s\n", ms, resident_mb(), what);
  }
  static long resident_mb() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return resident * 4096 / (1024 * 1024);
  }
};

}  // namespace cartable
