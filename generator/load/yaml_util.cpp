#include "load/yaml_util.h"


#include <charconv>
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "base/text.h"

namespace cartable {

SourcePos yaml_pos(const YamlSource& src, const YAML::Node& node) {
  YAML::Mark m = node.Mark();
  if (m.line < 0) return {src.path, src.first_line, 1};
  return {src.path, src.first_line + m.line, m.column + 1};
}

namespace {

SourcePos mark_pos(const YamlSource& src, const YAML::Mark& mark) {
  return {src.path, src.first_line + std::max(0, mark.line), std::max(0, mark.column) + 1};
}

// Finds keys given twice in one mapping (yaml-cpp keeps both pairs and reads
// the first; PyYAML and others read the last: `draft: false` then
// `draft: true` would publish a draft here and not there), and control
// characters in values (escapes such as "\x01" put them in a value that the
// file itself does not hold). Walks the loaded tree once; a node reached
// again through an alias (same position, same kind) is not walked again, so
// alias bombs stay cheap.
void check_yaml_rules(const YAML::Node& root, const YamlSource& src, Diagnostics& diags) {
  std::set<std::tuple<int, int, int>> seen;
  std::vector<YAML::Node> todo = {root};
  while (!todo.empty()) {
    YAML::Node node = todo.back();
    todo.pop_back();
    if (node.IsScalar()) {
      const std::string& value = node.Scalar();
      if (size_t bad = find_control_character(value); bad != std::string::npos) {
        diags.error(mark_pos(src, node.Mark()), "control character " + control_character_name(value, bad) + " in a value",
                    "delete it: it is invisible, and usually comes from a copy and paste");
      }
      continue;
    }
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (!seen.insert({node.Mark().line, node.Mark().column, static_cast<int>(node.Type())}).second) continue;
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) todo.push_back(item);
      continue;
    }
    std::map<std::string, YAML::Mark> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) {
        auto [first, fresh] = keys.emplace(kv.first.Scalar(), kv.first.Mark());
        if (!fresh) {
          diags.error(mark_pos(src, kv.first.Mark()),
                      "duplicate key '" + kv.first.Scalar() + "' (first given on line " +
                          std::to_string(src.first_line + first->second.line) + ")",
                      "keep only one: YAML tools disagree on which one counts");
        }
      }
      todo.push_back(kv.first);
      todo.push_back(kv.second);
    }
  }
}

}  // namespace

std::optional<YAML::Node> parse_yaml(const std::string& text, const YamlSource& src, Diagnostics& diags) {
  try {
    YAML::Node root = YAML::Load(text);
    check_yaml_rules(root, src, diags);
    return root;
  } catch (const YAML::Exception& e) {
    SourcePos pos{src.path, src.first_line + std::max(0, e.mark.line), std::max(0, e.mark.column) + 1};
    diags.error(pos, "invalid YAML: " + e.msg, "check the indentation and quote values that contain ':' or '#'");
    return std::nullopt;
  }
}

Fields::Fields(const YAML::Node& map, const YamlSource& src, Diagnostics& diags, std::string what)
    : map_(map), src_(src), diags_(diags), what_(std::move(what)) {
  if (!map_.IsMap()) {
    diags_.error(yaml_pos(src_, map_), what_ + " must be a mapping of keys to values");
    ok_ = false;
  }
}

bool Fields::has(const char* key) const { return ok_ && map_[key].IsDefined() && !map_[key].IsNull(); }

SourcePos Fields::pos_of(const char* key) const {
  if (ok_ && map_[key].IsDefined()) return yaml_pos(src_, map_[key]);
  return pos();
}

YAML::Node Fields::get(const char* key, bool required) {
  used_.insert(key);
  if (!ok_) return YAML::Node();
  YAML::Node n = map_[key];
  if ((!n.IsDefined() || n.IsNull()) && required) {
    diags_.error(pos(), what_ + ": missing required field '" + key + "'");
  }
  return n;
}

std::string Fields::str(const char* key, bool required) {
  YAML::Node n = get(key, required);
  if (!n.IsDefined() || n.IsNull()) return {};
  if (!n.IsScalar()) {
    diags_.error(yaml_pos(src_, n), what_ + ": '" + key + "' must be text");
    return {};
  }
  return n.Scalar();
}

std::optional<double> Fields::number(const char* key, bool required) {
  YAML::Node n = get(key, required);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
  }
  diags_.error(yaml_pos(src_, n), what_ + ": '" + key + "' must be a number",
               n.IsScalar() ? "write a plain number such as 3 or 3.5, not '" + n.Scalar() + "'" : "");
  return std::nullopt;
}

int Fields::integer(const char* key, bool required, int fallback) {
  YAML::Node n = get(key, false);
  std::optional<double> v = number(key, required);
  if (!v) return fallback;
  if (*v != static_cast<int>(*v)) {
    diags_.error(yaml_pos(src_, n), what_ + ": '" + key + "' must be a whole number");
    return fallback;
  }
  return static_cast<int>(*v);
}

bool Fields::boolean(const char* key, bool fallback) {
  YAML::Node n = get(key, false);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  diags_.error(yaml_pos(src_, n), what_ + ": '" + key + "' must be true or false");
  return fallback;
}

std::vector<std::pair<std::string, SourcePos>> Fields::str_list_pos(const char* key) {
  std::vector<std::pair<std::string, SourcePos>> out;
  YAML::Node n = get(key, false);
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) {
    diags_.error(yaml_pos(src_, n), what_ + ": '" + key + "' must be a list", "write one item per line, each starting with '- '");
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      diags_.error(yaml_pos(src_, item), what_ + ": each item of '" + key + "' must be text");
      continue;
    }
    out.emplace_back(item.Scalar(), yaml_pos(src_, item));
  }
  return out;
}

std::vector<std::string> Fields::str_list(const char* key) {
  std::vector<std::string> out;
  for (auto& [s, p] : str_list_pos(key)) out.push_back(std::move(s));
  return out;
}

YAML::Node Fields::node(const char* key) { return get(key, false); }

void Fields::warn_unknown_keys() {
  if (!ok_) return;
  std::vector<std::string> known(used_.begin(), used_.end());
  for (const auto& kv : map_) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (used_.count(k)) continue;
    diags_.warning(yaml_pos(src_, kv.first), what_ + ": unknown key '" + k + "' is ignored",
                   did_you_mean(k, known));
  }
}

}  // namespace cartable
