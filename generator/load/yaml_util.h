// Typed, position-aware access to YAML maps. Every failure becomes a
// diagnostic at the offending node; unknown keys get a "did you mean" hint,
// since a typo in a key would otherwise be silently ignored.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/yaml.h"  // YamlSource, yaml_pos, parse_yaml

namespace cartable {

class Fields {
 public:
  // `what` names the map in messages ("entry"), translated with them.
  Fields(const YAML::Node& map, const YamlSource& src, Diagnostics& diags, Term what);

  bool ok() const { return ok_; }
  bool has(const char* key) const;
  SourcePos pos() const { return yaml_pos(src_, map_); }
  SourcePos pos_of(const char* key) const;  // the value's position, or the map's

  std::string str(const char* key, bool required = false);
  std::optional<double> number(const char* key, bool required = false);
  int integer(const char* key, bool required = false, int fallback = 0);
  bool boolean(const char* key, bool fallback = false);
  std::vector<std::string> str_list(const char* key);
  // A list of strings with the position of each item.
  std::vector<std::pair<std::string, SourcePos>> str_list_pos(const char* key);
  YAML::Node node(const char* key);  // marks the key used; may be undefined

  // Warns about every key not read so far.
  void warn_unknown_keys();

 private:
  YAML::Node get(const char* key, bool required);

  YAML::Node map_;
  YamlSource src_;
  Diagnostics& diags_;
  Term what_;
  bool ok_ = true;
  std::set<std::string> used_;
};

}  // namespace cartable
