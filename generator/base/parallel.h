// parallel_for: the one thread pool of cartable. Loading (portfolios) and
// rendering (pages) are lists of independent items; both hand them out one at
// a time from a shared counter, so a slow item never holds up a whole slice.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace cartable {

// How many threads `threads` means: 0 is one per core; never more than the
// items, never fewer than one.
inline unsigned worker_count(unsigned threads, size_t items) {
  unsigned wanted = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>(wanted, std::max<size_t>(1, items)));
}

// Calls work(state, i) for every i in [0, count), on worker_count(threads,
// count) threads, the calling one included. Each thread makes its own state
// first (a template set, say), so work needs no lock for it. Results belong in
// a slot per item, which keeps their order independent of thread timing.
template <class MakeState, class Work>
void parallel_for(size_t count, unsigned threads, MakeState make_state, Work work) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    auto state = make_state();
    for (size_t i = next++; i < count; i = next++) work(state, i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < worker_count(threads, count); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// The same without per-thread state: work(i).
template <class Work>
void parallel_for(size_t count, unsigned threads, Work work) {
  parallel_for(count, threads, [] { return 0; }, [&](int&, size_t i) { work(i); });
}

}  // namespace cartable
