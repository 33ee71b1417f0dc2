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
#include "model/model.h"

namespace cartable {

struct FrontMatter {
  bool present = false;
  std::string yaml;
  int yaml_first_line = 2;  // the line after the opening '---'
  std::string body;
  int body_first_line = 1;
};

// Splits "---\n<yaml>\n---\n<body>". A missing closing '---' is an error.
FrontMatter split_front_matter(std::string_view text, const std::string& path, Diagnostics& diags);

// Reads a whole file named on the command line (not a source: sources are
// read with read_text); reports a diagnostic and returns false if it cannot.
bool read_file(const std::string& path, std::string& out, Diagnostics& diags);

// Reads the source text `rel` through `files` (no link followed, no path out
// of the root; base/filesystem.h). Refuses, with a diagnostic at
// `display_root`/`rel`, files over 8 MB, invalid UTF-8 and control
// characters; drops a byte-order mark.
bool read_text(const FileSystem& files, const std::string& display_root, const std::string& rel, std::string& out,
               Diagnostics& diags);

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
// prefixes the paths shown in diagnostics.
Site load_site(std::shared_ptr<const FileSystem> files, const std::string& source_dir, Diagnostics& diags,
               bool keep_entry_bodies = true, unsigned threads = 0);

// site.yaml alone (and the catalogue it names): what `serve` needs before
// its first build, e.g. the declared output folders.
SiteConfig load_site_config(const std::string& source_dir, Diagnostics& diags);

// An entry's Markdown: the loaded text, or read again from its file.
Markdown entry_body(const Site& site, const Entry& e, Diagnostics& diags);

}  // namespace cartable
