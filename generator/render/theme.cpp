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
    diags.error(yaml_pos(src, node), "UI strings must be text or groups of texts");
    return Data(std::string());
  }
  Data obj;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    obj.set(key, strings_to_data(kv.second, prefix.empty() ? key : prefix + "." + key, flat, src, diags));
  }
  return obj;
}

// Replaces {{t.key}} (escaped) and {{{t.key}}} (raw) by the string's text.
std::string inline_strings(const std::string& source, const std::map<std::string, std::string>& strings) {
  std::string out;
  out.reserve(source.size());
  size_t pos = 0;
  while (true) {
    size_t open = source.find("{{", pos);
    if (open == std::string::npos) break;
    bool raw = source.compare(open, 3, "{{{") == 0;
    size_t key_start = open + (raw ? 3 : 2);
    if (source.compare(key_start, 2, "t.") != 0) {
      out.append(source, pos, key_start - pos);
      pos = key_start;
      continue;
    }
    size_t close = source.find(raw ? "}}}" : "}}", key_start);
    if (close == std::string::npos) break;
    auto it = strings.find(source.substr(key_start + 2, close - key_start - 2));
    if (it == strings.end()) {  // unknown: left for Mustache, which renders it empty
      out.append(source, pos, close - pos);
      pos = close;
      continue;
    }
    out.append(source, pos, open - pos);
    if (raw) {
      out += it->second;
    } else {
      append_html_escaped(it->second, out);
    }
    pos = close + (raw ? 3 : 2);
  }
  out.append(source, pos, std::string::npos);
  return out;
}

std::string inline_partials(const std::string& source, const std::map<std::string, std::string>& templates) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = source.find("{{> ", pos);
    if (open == std::string::npos) break;
    size_t close = source.find("}}", open);
    if (close == std::string::npos) break;
    std::string name = source.substr(open + 4, close - open - 4);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    out.append(source, pos, open - pos);
    auto it = templates.find(name);
    if (it != templates.end()) out += it->second;
    pos = close + 2;
  }
  out.append(source, pos, std::string::npos);
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
    diags.error({dir, 0, 0}, "theme folder not found", "set 'theme' in site.yaml to a folder of themes/");
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
    diags.error({src.path, 0, 0}, "no UI strings for language '" + language + "' in this theme");
  } else if (read_text(*theme.files, source_dir, join_path(folder, strings), text, diags)) {
    if (auto root = parse_yaml(text, src, diags)) {
      theme.strings = strings_to_data(*root, "", theme.string_table, src, diags);
    }
  }

  // UI strings never change during a build: write them into the templates
  // once, instead of handing every page a copy of the whole table.
  for (auto& [name, source] : theme.templates) source = inline_strings(source, theme.string_table);
  // Partials ({{> _name}}) are pasted in too, so each template compiles to
  // one tree. Partials may not include themselves.
  for (auto& [name, source] : theme.templates) {
    for (int depth = 0; depth < 8 && source.find("{{> ") != std::string::npos; ++depth) {
      source = inline_partials(source, theme.templates);
    }
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
  for (const auto& [name, source] : theme.templates) {
    Template tmpl(source);
    // Lines count in the template as pasted together with its partials.
    if (!tmpl.ok() && diags) diags->error({theme.dir + "/templates/" + name + ".mustache", 0, 0}, "template error: " + tmpl.error());
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
  for (const auto& [name, table] : tables_) {
    std::set<std::string> reported;  // a partial's tag is met once per use
    const auto& tags = table.tags;
    for (size_t i = 0; i < tags.size(); ++i) {
      const TagUse& use = table.uses[i];
      if (!use.looked_up || use.found || !reported.insert(tags[i].name).second) continue;
      // Lines count in the template as pasted together with its partials.
      diags.error({theme.dir + "/templates/" + name + ".mustache", tags[i].line, 0},
                  "template variable or section '" + tags[i].name + "' is never set by cartable",
                  "check its spelling against the page's other variables; strict templates refuse unknown names");
    }
  }
}

const std::string& ui(const Theme& theme, const std::string& key) {
  auto it = theme.string_table.find(key);
  return it == theme.string_table.end() ? key : it->second;
}

}  // namespace cartable
