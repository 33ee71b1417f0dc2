// Theme: a folder with Mustache templates (templates/*.mustache), static
// files copied as they are (static/), and the UI strings of one language
// (strings.<lang>.yaml). C++ holds no markup and no French text.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "render/template.h"

namespace cartable {

using Data = Value;

struct Theme {
  std::string dir;
  std::map<std::string, std::string> templates;  // name (no extension) -> source
  Data strings;                                  // exposed to templates as `t`
  std::map<std::string, std::string> string_table;  // flat "a.b" -> text, for C++ callers
  std::vector<std::string> static_files;         // paths relative to static/
};

// Loads `dir`; problems become diagnostics.
Theme load_theme(const std::string& dir, const std::string& language, Diagnostics& diags);

// The theme's templates, compiled; shared by all rendering threads.
class TemplateSet {
 public:
  TemplateSet(const Theme& theme, Diagnostics* diags = nullptr);
  bool has(const std::string& name) const { return compiled_.count(name) > 0; }
  std::string render(const std::string& name, const Data& data) const;
  // Appends to `out`, which saves a copy when a page is assembled in one string.
  void render_to(const std::string& name, const Data& data, std::string& out) const;

 private:
  std::map<std::string, Template> compiled_;
};

// A UI string by dotted key; the key itself when missing, so a gap shows.
const std::string& ui(const Theme& theme, const std::string& key);

}  // namespace cartable
