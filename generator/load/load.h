// Load: reads a site's sources (site.yaml, content/, frameworks) into the
// model, reporting every problem with its file, line and column. Loading goes
// on after an error so one run shows as many problems as possible.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "base/filesystem.h"
#include "base/source_text.h"
#include "load/entry_cache.h"  // read_text, split_front_matter: most of load reads text
#include "model/site_facts.h"     // entry_body(), which Entry::body_on_disk names
#include "model/model.h"

namespace cartable {

// Parses "2027-03-13 09:00" (or a date alone when `time_optional`), checking
// that the date exists. Reports at `pos` and returns false when it is not one.
bool parse_local_time(const std::string& text, bool time_optional, LocalTime& out, const SourcePos& pos,
                      Diagnostics& diags);

// Reads one entry file of `portfolio` again (for incremental rebuilds);
// nullopt after a diagnostic.
std::optional<Entry> load_entry_file(const Site& site, const Portfolio& portfolio, const std::string& file,
                                     Diagnostics& diags);

// Loads everything under `source_dir`. `display_root` prefixes the paths in
// diagnostics ("" when the source is the current directory).
// `keep_entry_bodies` false: entries keep where their text is, not the text
// (Entry::body_on_disk; entry_body() reads it back). Portfolios load on
// `threads` threads (0: one per core).
Site load_site(const std::string& source_dir, Diagnostics& diags, bool keep_entry_bodies = true, unsigned threads = 0);
// The same from any file system (tests: MemoryFileSystem); `source_dir` only
// prefixes the paths shown in diagnostics. `entry_cache` (with
// `keep_entry_bodies` false): entries the last build parsed, taken instead
// of their unchanged files, and where this load records those it parses.
Site load_site(std::shared_ptr<const FileSystem> files, const std::string& source_dir, Diagnostics& diags,
               bool keep_entry_bodies = true, unsigned threads = 0, EntryCache* entry_cache = nullptr);

// site.yaml alone (and the catalogue it names): what `serve` needs before
// its first build, e.g. the declared output folders.
SiteConfig load_site_config(const std::string& source_dir, Diagnostics& diags);

}  // namespace cartable
