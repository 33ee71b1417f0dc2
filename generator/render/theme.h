// Theme: a folder with Mustache templates (templates/*.mustache), static
// files copied as they are (static/), and the UI strings of one language
// (strings.<lang>.yaml). C++ holds no markup and no French text.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/filesystem.h"
#include "model/model.h"
#include "render/template.h"

namespace cartable {

using Data = Value;

// Where a stretch of a template comes from. UI strings and partials are
// pasted into each template when the theme loads, so an offset in the
// compiled source is traced back to the file a theme author edits.
struct TemplateOrigin {
  size_t at = 0;     // offset in the template as pasted together
  std::string file;  // the template (name without extension) it was read from
  size_t from = 0;   // offset in that file
};

struct Theme {
  std::string dir;     // as shown to users
  // Where its files are read from (base/filesystem.h: no link followed), and
  // its folder there ("themes/default"; "" when the theme is the root).
  std::shared_ptr<const FileSystem> files;
  std::string folder;
  std::string source_dir;  // how diagnostics show the root of `files`
  std::map<std::string, std::string> templates;  // name (no extension) -> source, strings and partials pasted in
  std::map<std::string, std::string> sources;    // name -> source as read, for positions
  std::map<std::string, std::vector<TemplateOrigin>> origins;  // name -> where its stretches come from
  Data strings;                                  // exposed to templates as `t`
  std::map<std::string, std::string> string_table;  // flat "a.b" -> text, for C++ callers
  std::vector<std::string> static_files;         // paths relative to static/
};

// Loads `dir`; problems become diagnostics.
Theme load_theme(const std::string& dir, const std::string& language, Diagnostics& diags);
// Loads the theme in `folder` of `files` (a site's sources: Site::files);
// `source_dir` is how diagnostics show the root of `files`. Links in the
// theme are refused, like in content.
Theme load_theme(std::shared_ptr<const FileSystem> files, const std::string& source_dir, const std::string& folder,
                 const std::string& language, Diagnostics& diags);

// The theme named in site.yaml, read from the site's sources.
Theme load_site_theme(const Site& site, Diagnostics& diags);

// The one place a site's theme and language are resolved (build, check,
// serve and `new` all come here): themes/<config.theme> of the sources in
// `files` when it is there, else the copy installed with cartable (below
// bundled_themes_dir()), so a portfolio-only repository builds with an
// installed cartable and no theme of its own. Strings in config.language.
Theme load_configured_theme(std::shared_ptr<const FileSystem> files, const std::string& source_dir,
                            const SiteConfig& config, Diagnostics& diags);

// The themes that come with cartable, found from the executable's own
// location (/proc/self/exe), never from the working folder:
// <prefix>/share/cartable/themes for an installed <prefix>/bin/cartable,
// else themes/ of the source tree beside a build/ folder. "" when neither.
std::string bundled_themes_dir();

// Reads a static file of the theme (`path` relative to static/) to copy it.
bool read_static_file(const Theme& theme, const std::string& path, std::string& bytes, Diagnostics& diags);

// The theme's templates, compiled; shared by all rendering threads.
class TemplateSet {
 public:
  TemplateSet(const Theme& theme, Diagnostics* diags = nullptr);
  bool has(const std::string& name) const { return compiled_.count(name) > 0; }
  std::string render(const std::string& name, const Data& data) const;
  // Appends to `out`, which saves a copy when a page is assembled in one string.
  void render_to(const std::string& name, const Data& data, std::string& out) const;
  const std::map<std::string, Template>& compiled() const { return compiled_; }
  // Strict templates: renders record their look-ups in `usage`.
  void record_usage(class TemplateUsage* usage) { usage_ = usage; }

 private:
  std::map<std::string, Template> compiled_;
  TemplateUsage* usage_ = nullptr;
};

// Strict templates (RenderOptions::strict_templates): every TemplateSet of a
// build records into one TemplateUsage which tags were looked up and found
// no value. View models set every name their templates read (optional
// values as false or an empty list), so one miss, on any page, is a typo.
class TemplateUsage {
 public:
  explicit TemplateUsage(const TemplateSet& set);
  TagUse* uses(const std::string& name);
  // An error per tag looked up and never found, in the template's file.
  void report(const Theme& theme, Diagnostics& diags) const;

 private:
  struct Table {
    std::vector<Template::Tag> tags;
    std::unique_ptr<TagUse[]> uses;
  };
  std::map<std::string, Table> tables_;
};

// The file, line and column of `offset` in template `name` as pasted
// together, in the file it was read from (a partial's own file).
SourcePos template_position(const Theme& theme, const std::string& name, size_t offset);

// A UI string by dotted key; the key itself when missing, so a gap shows.
const std::string& ui(const Theme& theme, const std::string& key);

}  // namespace cartable
