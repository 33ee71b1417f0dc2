// Internal to load/: the Loader, one per site being read, whose parts live
// in one file per source family (programme.cpp, calendar.cpp, frameworks.cpp,
// people.cpp, portfolios.cpp). The stage's interface is load.h.
#pragma once

#include "load/load.h"

#include <algorithm>
#include <optional>
#include <vector>
#include <map>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.h"
#include "load/entry_cache.h"
#include "load/hep_records.h"
#include "model/near_miss.h"
#include "load/yaml_util.h"

namespace fs = std::filesystem;

namespace cartable::loading {


using ::cartable::display_path;  // base/source_text.h

inline bool has_extension(const std::string& name, const std::string& ext) {
  return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
}

struct Loader {
  std::string source;  // as the user typed it: prefixes the paths in diagnostics
  Diagnostics& diags;
  Site site;
  bool keep_entry_bodies = true;
  unsigned threads = 0;  // 0: one per core
  std::shared_ptr<const FileSystem> files;
  std::string placeholder_bio;  // the bio `cartable new portfolio` writes, to be replaced
  EntryCache* entry_cache;      // entries parsed by the last build (load/entry_cache.h), or null

  std::string shown(const fs::path& rel) const { return display_path(source, rel.generic_string()); }

  bool exists(const fs::path& rel) const {
    FileInfo info;
    return files->stat(rel.generic_string(), &info).status != FileStatus::Missing;
  }

  // The files of folder `dir` named *<ext>, sorted. A link among them is
  // refused: it could point at anything the server can read.
  std::vector<fs::path> files_with_extension(const fs::path& dir, const std::string& ext) {
    std::vector<FolderEntry> entries;
    FileResult r = files->list(dir.generic_string(), &entries);
    if (r.status == FileStatus::Link) report_file_error(r, shown(r.at), {shown(r.at), 0, 0}, diags);
    return files_named(dir, ext, entries);
  }
  // The same from the listing of `dir`.
  std::vector<fs::path> files_named(const fs::path& dir, const std::string& ext, const std::vector<FolderEntry>& entries) {
    std::vector<fs::path> out;
    for (const FolderEntry& e : entries) {
      if (!has_extension(e.name, ext) || e.name[0] == '.') continue;
      if (e.kind == FileKind::Link) {
        report_file_error({FileStatus::Link, ""}, shown(dir / e.name), {shown(dir / e.name), 0, 0}, diags);
      } else if (e.kind == FileKind::File) {
        out.push_back(e.name);
      }
    }
    return out;  // sorted by list()
  }

  bool read_source(const fs::path& rel, std::string& text) {
    return read_text(*files, source, rel.generic_string(), text, diags);
  }

  std::optional<YAML::Node> read_yaml_file(const fs::path& rel, YamlSource& src) {
    src = {shown(rel), 1};
    std::string text;
    if (!read_source(rel, text)) return std::nullopt;
    return parse_yaml(text, src, diags);
  }

  // A portfolio-only repository builds against the programme as the HEP
  // publishes it (/api/catalogue.json, render/catalogue.cpp): modules, tasks,
  // frameworks, crosswalks, sessions, places, people.
  void load_catalogue(const std::string& file, const SourcePos& pos);
  bool load_config();
  void load_calendar_config(const YAML::Node& node, const YamlSource& src);
  void load_site_names(Fields& f, const YamlSource& src);
  void load_portfolios();
  std::optional<Portfolio> load_portfolio(const fs::path& rel);
  bool read_portfolio(const fs::path& rel, Portfolio& p);
  void load_a_la_carte(Fields& f, Portfolio& p);
  AlaCarteCourse load_course(Fields& cf, const Portfolio& p);
  std::optional<Entry> load_entry(const fs::path& dir, const fs::path& name, const Portfolio& p);
  std::optional<Entry> parse_entry(const fs::path& dir, const fs::path& name, const Portfolio& p);
  template <class EntryFields>  // Fields, or FlatFields (load/front_matter.h)
  std::optional<Entry> read_entry(EntryFields& f, const YamlSource& src, Entry e, const fs::path& dir,
                                  const fs::path& name, const Portfolio& p, bool scaffold);
  void warn_look_alikes(const fs::path& dir, const std::vector<FolderEntry>& listing);
  std::string read_placeholder_bio();
  bool resolve_attachment(const Portfolio& p, Attachment& att);
  void load_crosswalks();
  void load_certification();
  FormerSlot load_former_slot(const YAML::Node& node, YamlSource& src, const SourcePos& pos);
  void load_sessions();
  void load_session(Fields& f, YamlSource& src);
  void load_places();
  void load_people();
  std::optional<YAML::Node> read_markdown(const fs::path& rel, YamlSource& src, Markdown& body);
  bool read_markdown_text(const fs::path& rel, YamlSource& src, Markdown& body, std::string& yaml);
  void load_pages();
  void load_programme(Fields& page, const YamlSource& src);
  void load_modules();
  void load_frameworks();
  Domain load_domain(Fields& f);
};

}  // namespace cartable::loading
