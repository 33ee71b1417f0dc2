// The whole pipeline, as `cartable build` and `cartable check` run it:
// load -> check -> index -> render -> output.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "render/render.h"

namespace cartable {

struct BuildOptions {
  std::string source = ".";
  std::string out = "public";
  std::string audience = "public";
  bool write = true;     // false: validate only (`cartable check`)
  unsigned threads = 0;  // 0: one per core
  std::string previous_ics;  // compare the sessions with this published feed
  bool search = true;        // index the site with Pagefind when it is available
  std::string pagefind;      // its executable; empty: look for it (search/pagefind.h)
};

struct BuildResult {
  bool ok = false;
  RenderStats stats;
};

// Never leaves a partial site: output is staged and swapped in only when no
// error was reported.
BuildResult build_site(const BuildOptions& options, Diagnostics& diags);

}  // namespace cartable
