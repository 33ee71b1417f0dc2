// Search: Pagefind (npm `pagefind`, which ships its binary) indexes the built
// site in its staging folder, before the atomic swap, so each audience gets
// an index of exactly its own pages. Its bundle is written to a scratch
// folder and copied into the site like any other output, so that unchanged
// index files are not rewritten. Optional: without it the site works and
// its search page says search is unavailable.
#pragma once

#include <string>

#include "base/diagnostics.h"

namespace cartable {

// The Pagefind executable to use: `requested` (--pagefind) if given, else
// $CARTABLE_PAGEFIND, else the copy installed with this cartable (located
// from /proc/self/exe: <prefix>/lib/cartable/pagefind, or
// scripts/node_modules/.bin/pagefind beside a build tree's build/cartable),
// else `pagefind` in an absolute PATH folder. Never anything under `source`:
// nothing from the sources being built is executed. "" when there is none.
std::string find_pagefind(const std::string& source, const std::string& requested);

// Indexes `site_dir` into `bundle_dir`. A failure is a warning (the site is
// still complete) and leaves no partial index behind, except a full disk,
// which is an error: the build must fail and say why. Stopped with the build
// on SIGINT/SIGTERM (output/interrupt.h).
bool run_pagefind(const std::string& binary, const std::string& site_dir, const std::string& bundle_dir,
                  const std::string& language, Diagnostics& diags);

}  // namespace cartable

namespace cartable {

class StagingDir;

// Indexes the site in `staging` (once it holds exactly the new pages) in
// shards, so that a rebuild re-indexes only what changed: each portfolio's
// pages go to the shard of its slug (about 16 portfolios a shard, at most 64 shards), every
// other page to the main bundle at pagefind/; the others at pagefind/<shard>/,
// listed in pagefind/shards.json, which the search page merges at query time
// (Pagefind's mergeIndex). A shard whose pages' bytes did not change keeps
// its bundle from the previous build (kept in the state folder, output.h).
// `reuse` false (`--no-cache`): every shard is indexed again. Same failure
// rules as run_pagefind.
bool index_site_for_search(const std::string& binary, StagingDir& staging, const std::string& language, bool reuse,
                           Diagnostics& diags);

}  // namespace cartable
