// libFuzzer target: git's index as the build cache reads it (cache/git_index.h).
// The index is written by the CI runner, not pushed, but it is parsed as
// untrusted bytes all the same.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cache/git_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cartable;
  GitIndex index;
  struct timespec written {};
  written.tv_sec = 2000000000;
  if (!index.parse(std::string_view(reinterpret_cast<const char*>(data), size), written)) return 0;
  struct stat st {};
  st.st_mode = S_IFREG | 0644;
  for (const char* path : {"site.yaml", "portfolios/ana/e1.md", "", "zzz"}) index.clean_blob(path, st);
  return 0;
}
