// The whole pipeline, as `cartable build` and `cartable check` run it:
// load -> check -> index -> render -> output.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

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
  bool cache = true;         // false (`--no-cache`): trust nothing a previous build left
  // Unknown template names are errors (render.h), checked when every page
  // renders: a theme's edit always re-renders them all.
  bool strict_templates = true;
  bool stage = false;  // `--stage`: leave the new site ready beside the live one (output.h publish_staged)
  // `check --cache DIR`: a check keeps what it read, parsed and rendered in
  // DIR, as a build does beside its output (cache/cache.h), so that the next
  // check of the same folder reads and renders only what changed since.
  std::string check_cache;
  // The process ends right after the build (the command line): its memory
  // is left to the system, which takes it back at once; freeing 500,000
  // entries' objects one by one took a second.
  bool exit_after = false;
};

struct BuildResult {
  bool ok = false;
  bool up_to_date = false;  // nothing changed since the last build: nothing written
  RenderStats stats;
};

// Never leaves a partial site: output is staged and swapped in only when no
// error was reported.
BuildResult build_site(const BuildOptions& options, Diagnostics& diags);

// A site kept in memory between builds: `serve` and incremental rebuilds.
// Pages record what they read while they render (index/deps.h); after an
// edit, the site is loaded again (only the edited entries when nothing else
// changed), the keys whose data changed are found by comparing digests
// (build/rebuild.h), and exactly the pages that read one of them are rendered
// again. The output is the same, byte for byte, as a full build's. A change
// to what every page may show (site.yaml, the theme, the programme, places,
// people, HEP records, a module or framework added or removed) rebuilds
// everything.
class Workspace {
 public:
  // `keep_drafts`: `serve` shows drafts and private content to their owner.
  Workspace(BuildOptions options, bool keep_drafts);
  ~Workspace();

  bool build(Diagnostics& diags);
  // `changed`: files created, modified or deleted, relative to the source
  // folder or absolute. Sets `*incremental` to whether it could avoid a
  // full build; `*pages` to the pages it rendered.
  bool update(const std::vector<std::string>& changed, Diagnostics& diags, bool* incremental = nullptr,
              size_t* pages = nullptr);
  const BuildOptions& options() const { return options_; }
  // The output paths of the pages and feeds the last build or update
  // rendered, sorted.
  const std::vector<std::string>& last_rendered() const { return last_rendered_; }

 private:
  struct State;
  bool incremental(const std::vector<std::string>& changed, Diagnostics& diags, size_t* pages, bool* handled);
  bool reload_entries(const std::vector<std::string>& files, Diagnostics& diags, std::vector<std::string>& touched);
  bool reload_site(Diagnostics& diags);

  BuildOptions options_;
  bool keep_drafts_;
  std::unique_ptr<State> state_;
  std::vector<std::string> last_rendered_;
};

}  // namespace cartable
