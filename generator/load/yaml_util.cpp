#include "load/yaml_util.h"


#include <charconv>
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "base/text.h"

namespace cartable {

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
