// Search: Pagefind (npm `pagefind`, which ships its binary) indexes the built
// site in its staging folder, before the atomic swap, so each audience gets
// an index of exactly its own pages. Optional: without it the site works and
// its search page says search is unavailable.
#pragma once

#include <string>

#include "base/diagnostics.h"

namespace cartable {

// The Pagefind executable to use: `requested` if given, else
// $CARTABLE_PAGEFIND, else `pagefind` on PATH, else the one `scripts/build`
// installs in <source>/scripts/node_modules/.bin. "" when there is none.
std::string find_pagefind(const std::string& source, const std::string& requested);

// Indexes `site_dir` into `site_dir/pagefind/`. A failure is a warning (the
// site is still complete) and leaves no partial index behind.
bool run_pagefind(const std::string& binary, const std::string& site_dir, const std::string& language,
                  Diagnostics& diags);

}  // namespace cartable
