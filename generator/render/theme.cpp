#include "render/theme.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "load/load.h"
#include "load/yaml_util.h"

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

Theme load_theme(const std::string& dir, const std::string& language, Diagnostics& diags) {
  Theme theme;
  theme.dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diags.error({dir, 0, 0}, "theme folder not found", "set 'theme' in site.yaml to a folder of themes/");
    return theme;
  }
  std::vector<fs::path> names;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "templates", ec)) {
    if (e.path().extension() == ".mustache") names.push_back(e.path());
  }
  std::sort(names.begin(), names.end());
  for (const auto& p : names) {
    std::string text;
    if (read_file(p.string(), text, diags)) theme.templates[p.stem().string()] = std::move(text);
  }

  fs::path strings = fs::path(dir) / ("strings." + language + ".yaml");
  std::string text;
  YamlSource src{strings.lexically_normal().generic_string(), 1};
  if (!fs::exists(strings)) {
    diags.error({src.path, 0, 0}, "no UI strings for language '" + language + "' in this theme");
  } else if (read_file(strings.string(), text, diags)) {
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

  fs::path static_dir = fs::path(dir) / "static";
  if (fs::is_directory(static_dir, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(static_dir, ec)) {
      if (e.is_regular_file()) theme.static_files.push_back(fs::relative(e.path(), static_dir).generic_string());
    }
    std::sort(theme.static_files.begin(), theme.static_files.end());
  }
  return theme;
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
  if (it != compiled_.end()) it->second.render(data, out);
}

const std::string& ui(const Theme& theme, const std::string& key) {
  auto it = theme.string_table.find(key);
  return it == theme.string_table.end() ? key : it->second;
}

}  // namespace cartable
