// Reading the sources' text: through a FileSystem (base/filesystem.h), with
// the checks every source text must pass (size, UTF-8, no control
// characters), and the front matter split off a Markdown file. Shared by
// load (the site), render (the theme, entry bodies read again) and the
// commands; it knows nothing of what the text means.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "base/filesystem.h"

namespace cartable {

// Sources are text written by people: a page of any length fits in 8 MB.
inline constexpr uint64_t kMaxSourceBytes = 8 * 1024 * 1024;

// The path shown to users: relative to the source directory's parent as the
// user typed it ("content/modules/m1.md" when building ".").
std::string display_path(const std::string& source_dir, const std::string& rel);

struct FrontMatter {
  bool present = false;
  bool unclosed = false;  // opened by '---' but never closed (already reported)
  std::string yaml;
  int yaml_first_line = 2;  // the line after the opening '---'
  std::string body;
  int body_first_line = 1;
};

// Splits "---\n<yaml>\n---\n<body>". A missing closing '---' is an error.
FrontMatter split_front_matter(std::string_view text, const std::string& path, Diagnostics& diags);

// Reads a whole file named on the command line (not a source: sources are
// read with read_text); reports a diagnostic and returns false if it cannot.
bool read_file(const std::string& file, std::string& out, Diagnostics& diags);

// Reads the source text `rel` through `files` (no link followed, no path out
// of the root; base/filesystem.h). Refuses, with a diagnostic at
// `display_root`/`rel`, files over 8 MB, invalid UTF-8 and control
// characters; drops a byte-order mark. With `missing`: a file that does not
// exist is not reported, *missing says so (instead of a stat before).
bool read_text(const FileSystem& files, const std::string& display_root, const std::string& rel, std::string& out,
               Diagnostics& diags, bool* missing = nullptr);

}  // namespace cartable
