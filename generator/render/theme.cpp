#include "render/theme.h"

#include <set>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "base/source_text.h"
#include "base/yaml.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

Data strings_to_data(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& flat,
                     const YamlSource& src, Diagnostics& diags) {
  if (node.IsScalar()) {
    flat[prefix] = node.Scalar();
    return Data(node.Scalar());
  }
  if (!node.IsMap()) {
    diags.error(yaml_pos(src, node), tr("UI strings must be text or groups of texts"),
                tr("write each string as `key: text`, or a group of them under a key"));
    return Data(std::string());
  }
  Data obj;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    obj.set(key, strings_to_data(kv.second, prefix.empty() ? key : prefix + "." + key, flat, src, diags));
  }
  return obj;
}

// A template's text with the origin of each stretch (TemplateOrigin).
struct Pasted {
  std::string text;
  std::vector<TemplateOrigin> origins;  // sorted by `at`, the first at 0
};

// The origin of the stretch holding `offset`, moved to `offset`.
TemplateOrigin locate(const std::vector<TemplateOrigin>& origins, size_t offset) {
  auto it = std::upper_bound(origins.begin(), origins.end(), offset,
                             [](size_t at, const TemplateOrigin& o) { return at < o.at; });
  if (it == origins.begin()) return {offset, "", offset};
  --it;
  return {offset, it->file, it->from + (offset - it->at)};
}

// Appends in.text[a, b) to `out` with its origins.
void copy_range(const Pasted& in, size_t a, size_t b, Pasted& out) {
  if (a >= b) return;
  TemplateOrigin first = locate(in.origins, a);
  out.origins.push_back({out.text.size(), first.file, first.from});
  for (const TemplateOrigin& o : in.origins) {
    if (o.at > a && o.at < b) out.origins.push_back({out.text.size() + (o.at - a), o.file, o.from});
  }
  out.text.append(in.text, a, b - a);
}

// Replaces {{t.key}} (escaped) and {{{t.key}}} (raw) by the string's text.
Pasted inline_strings(const Pasted& in, const std::map<std::string, std::string>& strings) {
  const std::string& source = in.text;
  Pasted out;
  out.text.reserve(source.size());
  size_t pos = 0;
  while (true) {
    size_t open = source.find("{{", pos);
    if (open == std::string::npos) break;
    bool raw = source.compare(open, 3, "{{{") == 0;
    size_t key_start = open + (raw ? 3 : 2);
    if (source.compare(key_start, 2, "t.") != 0) {
      copy_range(in, pos, key_start, out);
      pos = key_start;
      continue;
    }
    size_t close = source.find(raw ? "}}}" : "}}", key_start);
    if (close == std::string::npos) break;
    auto it = strings.find(source.substr(key_start + 2, close - key_start - 2));
    if (it == strings.end()) {  // unknown: left for Mustache (strict templates report it)
      copy_range(in, pos, close, out);
      pos = close;
      continue;
    }
    copy_range(in, pos, open, out);
    TemplateOrigin tag = locate(in.origins, open);  // the string's text comes from its tag
    out.origins.push_back({out.text.size(), tag.file, tag.from});
    if (raw) {
      out.text += it->second;
    } else {
      append_html_escaped(it->second, out.text);
    }
    pos = close + (raw ? 3 : 2);
  }
  copy_range(in, pos, source.size(), out);
  return out;
}

Pasted inline_partials(const Pasted& in, const std::map<std::string, Pasted>& templates) {
  const std::string& source = in.text;
  Pasted out;
  size_t pos = 0;
  while (true) {
    size_t open = source.find("{{> ", pos);
    if (open == std::string::npos) break;
    size_t close = source.find("}}", open);
    if (close == std::string::npos) break;
    std::string name = source.substr(open + 4, close - open - 4);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    copy_range(in, pos, open, out);
    auto it = templates.find(name);
    if (it != templates.end()) copy_range(it->second, 0, it->second.text.size(), out);
    pos = close + 2;
  }
  copy_range(in, pos, source.size(), out);
  return out;
}

}  // namespace

namespace {

std::string shown(const Theme& theme, const std::string& rel) {
  return (fs::path(theme.dir) / rel).lexically_normal().generic_string();
}

// Every file under static/, as paths relative to it. Each name comes from a
// folder listing, so it is one plain component: the output paths built from
// them cannot leave the output folder. Links are refused, not followed.
void list_static(const Theme& theme, const std::string& rel, std::vector<std::string>& out, Diagnostics& diags) {
  std::vector<FolderEntry> entries;
  theme.files->list(join_path(theme.folder, join_path("static", rel)), &entries);
  for (const FolderEntry& e : entries) {
    std::string path = join_path(rel, e.name);
    if (e.kind == FileKind::Link) {
      std::string where = shown(theme, "static/" + path);
      report_file_error({FileStatus::Link, ""}, where, {where, 0, 0}, diags);
    } else if (e.kind == FileKind::Folder) {
      list_static(theme, path, out, diags);
    } else if (e.kind == FileKind::File) {
      out.push_back(path);
    }
  }
}

}  // namespace

Theme load_theme(const std::string& dir, const std::string& language, Diagnostics& diags) {
  return load_theme(std::make_shared<DiskFileSystem>(dir), dir, "", language, diags);
}

Theme load_theme(std::shared_ptr<const FileSystem> files, const std::string& source_dir, const std::string& folder,
                 const std::string& language, Diagnostics& diags) {
  Theme theme;
  const std::string dir = (fs::path(source_dir) / folder).lexically_normal().generic_string();
  theme.dir = dir;
  theme.files = std::move(files);
  theme.folder = folder;
  theme.source_dir = source_dir;
  FileInfo info;
  FileResult found = theme.files->stat(folder, &info);
  if (found.status == FileStatus::Link || found.status == FileStatus::BadPath) {
    std::string where = found.at.empty() ? dir : (fs::path(source_dir) / found.at).lexically_normal().generic_string();
    report_file_error(found, where, {where, 0, 0}, diags);
    return theme;
  }
  if (!found || info.kind != FileKind::Folder) {
    diags.error({dir, 0, 0}, tr("theme folder not found"), tr("set 'theme' in site.yaml to a folder of themes/"));
    return theme;
  }
  std::vector<FolderEntry> entries;
  theme.files->list(join_path(folder, "templates"), &entries);
  for (const FolderEntry& e : entries) {
    if (fs::path(e.name).extension() != ".mustache") continue;
    std::string text;
    // A link is refused by read_text, with its diagnostic.
    if (read_text(*theme.files, source_dir, join_path(folder, "templates/" + e.name), text, diags)) {
      theme.templates[fs::path(e.name).stem().string()] = std::move(text);
    }
  }

  std::string strings = "strings." + language + ".yaml";
  std::string text;
  YamlSource src{shown(theme, strings), 1};
  if (theme.files->stat(join_path(folder, strings), &info).status == FileStatus::Missing) {
    diags.error({src.path, 0, 0}, tr("no UI strings for language '{1}' in this theme", language),
                tr("add {1} to the theme, or set 'language' in site.yaml to one the theme has", strings));
  } else if (read_text(*theme.files, source_dir, join_path(folder, strings), text, diags)) {
    if (auto root = parse_yaml(text, src, diags)) {
      theme.strings = strings_to_data(*root, "", theme.string_table, src, diags);
    }
  }

  // UI strings never change during a build: write them into the templates
  // once, instead of handing every page a copy of the whole table.
  std::map<std::string, Pasted> pasted;
  for (const auto& [name, source] : theme.templates) {
    theme.sources[name] = source;
    pasted[name] = inline_strings({source, {{0, name, 0}}}, theme.string_table);
  }
  // Partials ({{> _name}}) are pasted in too, so each template compiles to
  // one tree. Partials may not include themselves.
  for (auto& [name, source] : pasted) {
    for (int depth = 0; depth < 8 && source.text.find("{{> ") != std::string::npos; ++depth) {
      source = inline_partials(source, pasted);
    }
  }
  for (auto& [name, source] : pasted) {
    theme.templates[name] = std::move(source.text);
    theme.origins[name] = std::move(source.origins);
  }

  if (theme.files->is_folder(join_path(folder, "static"))) {
    list_static(theme, "", theme.static_files, diags);
    std::sort(theme.static_files.begin(), theme.static_files.end());
  }
  return theme;
}

Theme load_site_theme(const Site& site, Diagnostics& diags) {
  return load_configured_theme(site.files, site.source_dir, site.config, diags);
}

Theme load_configured_theme(std::shared_ptr<const FileSystem> files, const std::string& source_dir,
                            const SiteConfig& config, Diagnostics& diags) {
  std::string folder = "themes/" + config.theme;
  FileInfo info;
  std::string bundled = bundled_themes_dir();
  // Only a missing folder falls back: a link or a file there stays an error.
  if (files->stat(folder, &info).status == FileStatus::Missing && !bundled.empty()) {
    auto installed = std::make_shared<DiskFileSystem>(bundled);
    if (installed->is_folder(config.theme)) return load_theme(installed, bundled, config.theme, config.language, diags);
  }
  return load_theme(std::move(files), source_dir, folder, config.language, diags);
}

std::string bundled_themes_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  fs::path prefix = exe.parent_path().parent_path();
  for (const fs::path& dir : {prefix / "share/cartable/themes", prefix / "themes"}) {
    if (fs::is_directory(dir / "default", ec)) return dir.string();
  }
  return "";
}

bool read_static_file(const Theme& theme, const std::string& path, std::string& bytes, Diagnostics& diags) {
  FileResult r = theme.files->read(join_path(theme.folder, "static/" + path), &bytes);
  if (!r) {
    std::string where = shown(theme, "static/" + path);
    report_file_error(r, where, {where, 0, 0}, diags);
  }
  return static_cast<bool>(r);
}

TemplateSet::TemplateSet(const Theme& theme, Diagnostics* diags) {
  std::set<std::string> reported;  // an error in a partial, once for all templates pasting it
  for (const auto& [name, source] : theme.templates) {
    Template tmpl(source);
    if (!tmpl.ok() && diags) {
      SourcePos pos = template_position(theme, name, tmpl.error_offset());
      if (reported.insert(pos.path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col)).second) {
        diags->error(pos, tr("template error: {1}", tmpl.error_what()));
      }
    }
    compiled_.emplace(name, std::move(tmpl));
  }
}

std::string TemplateSet::render(const std::string& name, const Data& data) const {
  std::string out;
  render_to(name, data, out);
  return out;
}

void TemplateSet::render_to(const std::string& name, const Data& data, std::string& out) const {
  auto it = compiled_.find(name);
  if (it != compiled_.end()) it->second.render(data, out, usage_ ? usage_->uses(name) : nullptr);
}

TemplateUsage::TemplateUsage(const TemplateSet& set) {
  for (const auto& [name, tmpl] : set.compiled()) {
    tables_[name] = {tmpl.tags(), std::make_unique<TagUse[]>(tmpl.tags().size())};
  }
}

TagUse* TemplateUsage::uses(const std::string& name) {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.uses.get();
}

void TemplateUsage::report(const Theme& theme, Diagnostics& diags) const {
  std::set<std::string> reported;  // a partial's tag, once for all templates pasting it
  for (const auto& [name, table] : tables_) {
    const auto& tags = table.tags;
    for (size_t i = 0; i < tags.size(); ++i) {
      if (!table.uses[i].missed) continue;
      SourcePos pos = template_position(theme, name, tags[i].offset);
      // A partial's tag is met once per template that pastes it.
      if (!reported.insert(pos.path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col)).second) continue;
      diags.error(pos, tr("unknown template variable or section '{1}'", tags[i].name),
                  tr("check its spelling against the names cartable sets for this page (README, \"Themes\"); "
                     "strict templates refuse any other"));
    }
  }
}

SourcePos template_position(const Theme& theme, const std::string& name, size_t offset) {
  TemplateOrigin o{offset, name, offset};
  auto origins = theme.origins.find(name);
  if (origins != theme.origins.end()) o = locate(origins->second, offset);
  if (o.file.empty()) o.file = name;
  auto file = theme.sources.find(o.file);
  const std::string* text = file != theme.sources.end() ? &file->second : nullptr;
  if (!text) {
    auto pasted = theme.templates.find(o.file);
    if (pasted != theme.templates.end()) text = &pasted->second;
  }
  int line = 1, col = 1;
  if (text) {
    size_t end = std::min(o.from, text->size());
    for (size_t i = 0; i < end; ++i) {
      unsigned char c = static_cast<unsigned char>((*text)[i]);
      if (c == '\n') {
        ++line;
        col = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++col;  // columns count characters, not the bytes of UTF-8
      }
    }
  }
  return {(fs::path(theme.dir) / "templates" / (o.file + ".mustache")).lexically_normal().generic_string(), line, col};
}

const std::string& ui(const Theme& theme, const std::string& key) {
  auto it = theme.string_table.find(key);
  return it == theme.string_table.end() ? key : it->second;
}

}  // namespace cartable
