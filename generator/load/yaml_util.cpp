#include "load/yaml_util.h"


#include <charconv>
#include <optional>
#include <string_view>
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "base/text.h"

namespace cartable {

Fields::Fields(const YAML::Node& map, const YamlSource& src, Diagnostics& diags, Term what)
    : map_(map), src_(src), diags_(diags), what_(std::move(what)) {
  if (!map_.IsMap()) {
    diags_.error(yaml_pos(src_, map_), tr("{1} must be a mapping of keys to values", what_),
                 tr("write one field per line, as key: value"));
    ok_ = false;
  }
}

Fields::~Fields() {
  if (std::uncaught_exceptions() == exceptions_) finish();
}

bool Fields::has(const char* key) const { return ok_ && map_[key].IsDefined() && !map_[key].IsNull(); }

SourcePos Fields::pos_of(const char* key) const {
  if (ok_ && map_[key].IsDefined()) return yaml_pos(src_, map_[key]);
  return pos();
}

YAML::Node Fields::get(const char* key, bool required) {
  if (used_.insert(key).second) read_order_.push_back(key);
  if (!ok_) return YAML::Node();
  YAML::Node n = map_[key];
  if ((!n.IsDefined() || n.IsNull()) && required) {
    diags_.error(pos(), tr("{1}: missing required field '{2}'", what_, key), tr("add a line {1}: followed by its value", key));
  }
  return n;
}

std::string Fields::str(const char* key, bool required) {
  YAML::Node n = get(key, required);
  if (!n.IsDefined() || n.IsNull()) return {};
  if (!n.IsScalar()) {
    diags_.error(yaml_pos(src_, n), tr("{1}: '{2}' must be text", what_, key),
                 tr("write the value on the same line, in double quotes if it contains ':', '[' or '-'"));
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
  diags_.error(yaml_pos(src_, n), tr("{1}: '{2}' must be a number", what_, key),
               n.IsScalar() ? tr("write a plain number such as 3 or 3.5, not '{1}'", n.Scalar()) : Text());
  return std::nullopt;
}

int Fields::integer(const char* key, bool required, int fallback) {
  YAML::Node n = get(key, false);
  std::optional<double> v = number(key, required);
  if (!v) return fallback;
  if (*v != static_cast<int>(*v)) {
    diags_.error(yaml_pos(src_, n), tr("{1}: '{2}' must be a whole number", what_, key), tr("write it without decimals, e.g. 3"));
    return fallback;
  }
  return static_cast<int>(*v);
}

bool Fields::boolean(const char* key, bool fallback) {
  YAML::Node n = get(key, false);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  diags_.error(yaml_pos(src_, n), tr("{1}: '{2}' must be true or false", what_, key),
               tr("write {1}: true or {1}: false (in English, without quotes)", key));
  return fallback;
}

std::vector<std::pair<std::string, SourcePos>> Fields::str_list_pos(const char* key) {
  std::vector<std::pair<std::string, SourcePos>> out;
  YAML::Node n = get(key, false);
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) {
    diags_.error(yaml_pos(src_, n), tr("{1}: '{2}' must be a list", what_, key), tr("write one item per line, each starting with '- '"));
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      diags_.error(yaml_pos(src_, item), tr("{1}: each item of '{2}' must be text", what_, key),
                   tr("write each item on its own line after '- ', in double quotes if it contains ':'"));
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

void Fields::report_not_a_list(const char* key, const NotAList& not_a_list) {
  if (not_a_list.message.empty()) {
    diags_.error(pos_of(key), tr("{1}: '{2}' must be a list", what_, key), tr("write one item per line, each starting with '- '"));
  } else {
    diags_.error(pos_of(key), not_a_list.message, not_a_list.hint);
  }
}

FieldPositions Fields::positions() const {
  FieldPositions out;
  for (const char* key : read_order_) {
    if (has(key)) out.set(key, pos_of(key));
  }
  return out;
}

void Fields::finish() {
  if (!ok_ || finished_) return;
  finished_ = true;
  std::vector<std::string> known(used_.begin(), used_.end());
  for (const auto& kv : map_) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (used_.count(k)) continue;
    Text hint = did_you_mean(k, known);
    diags_.warning(yaml_pos(src_, kv.first), tr("{1}: unknown key '{2}' is ignored", what_, k),
                   hint.empty() ? tr("check its spelling (keys are in English), or remove the line") : hint);
  }
}

}  // namespace cartable
