#include "base/parallel.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace cartable {
namespace {

TEST(ParallelFor, VisitsEveryItemExactlyOnce) {
  for (unsigned threads : {0u, 1u, 2u, 7u}) {
    std::vector<std::atomic<int>> visits(1000);
    parallel_for(visits.size(), threads, [&](size_t i) { ++visits[i]; });
    for (size_t i = 0; i < visits.size(); ++i) EXPECT_EQ(visits[i], 1) << "item " << i << ", threads " << threads;
  }
}

TEST(ParallelFor, NoItemsRunsNothing) {
  bool ran = false;
  parallel_for(0, 4, [&](size_t) { ran = true; });
  EXPECT_FALSE(ran);
}

TEST(ParallelFor, EachThreadMakesItsOwnState) {
  std::mutex mutex;
  std::set<std::thread::id> makers;
  std::set<std::thread::id> workers;
  parallel_for(
      200, 3,
      [&] {
        std::lock_guard<std::mutex> lock(mutex);
        EXPECT_TRUE(makers.insert(std::this_thread::get_id()).second) << "state made twice on one thread";
        return std::this_thread::get_id();
      },
      [&](std::thread::id& owner, size_t) {
        EXPECT_EQ(owner, std::this_thread::get_id());
        std::lock_guard<std::mutex> lock(mutex);
        workers.insert(owner);
      });
  EXPECT_LE(makers.size(), 3u);
  EXPECT_TRUE(std::includes(makers.begin(), makers.end(), workers.begin(), workers.end()));
}

TEST(WorkerCount, NeverMoreThreadsThanItemsNorFewerThanOne) {
  EXPECT_EQ(worker_count(8, 3), 3u);
  EXPECT_EQ(worker_count(8, 0), 1u);
  EXPECT_EQ(worker_count(2, 100), 2u);
  EXPECT_GE(worker_count(0, 100), 1u);
}

}  // namespace
}  // namespace cartable
