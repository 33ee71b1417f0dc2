// Key numbers: what the page log stores instead of names, so a number must
// name one key, always the same, whatever thread asked first.
#include "index/deps.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

using namespace cartable;

TEST(KeyTable, AKeyKeepsItsNumberAndANumberItsKey) {
  KeyTable keys;
  EXPECT_FALSE(keys.find("entry:a/b"));
  std::vector<uint32_t> ids;
  // Enough keys to make the table grow several times.
  for (int i = 0; i < 20000; ++i) ids.push_back(keys.intern("entry:p" + std::to_string(i) + "/e"));
  ASSERT_EQ(keys.size(), 20000u);
  for (int i = 0; i < 20000; ++i) {
    std::string key = "entry:p" + std::to_string(i) + "/e";
    EXPECT_EQ(keys.intern(key), ids[i]);
    EXPECT_EQ(keys.find(key), ids[i]);
    EXPECT_EQ(keys.name(ids[i]), key);
  }
  EXPECT_EQ(keys.size(), 20000u) << "interning again adds nothing";
  EXPECT_FALSE(keys.find("entry:p20000/e"));
  EXPECT_FALSE(keys.find(""));
  uint32_t empty = keys.intern("");
  EXPECT_EQ(keys.find(""), empty);
}

TEST(KeyTable, ThreadsInterningTheSameKeysGetTheSameNumbers) {
  KeyTable keys;
  std::vector<std::vector<uint32_t>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) seen[t].push_back(keys.intern("body:" + std::to_string(i % 2500 + t % 2)));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(keys.size(), 2501u);
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 5000; ++i) EXPECT_EQ(keys.name(seen[t][i]), "body:" + std::to_string(i % 2500 + t % 2));
  }
}
