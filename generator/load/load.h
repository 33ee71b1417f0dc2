// Load: reads a site's sources (site.yaml, content/, frameworks) into the
// model, reporting every problem with its file, line and column. Loading goes
// on after an error so one run shows as many problems as possible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
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

// Reads a whole file; reports a diagnostic and returns false if it cannot.
bool read_file(const std::string& path, std::string& out, Diagnostics& diags);

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

// An entry's Markdown: the loaded text, or read again from its file.
Markdown entry_body(const Entry& e, Diagnostics& diags);

}  // namespace cartable
