// Typed, position-aware access to YAML maps. Every failure becomes a
// diagnostic at the offending node; unknown keys get a "did you mean" hint,
// since a typo in a key would otherwise be silently ignored.
#pragma once

#include <yaml-cpp/yaml.h>

#include <exception>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/yaml.h"  // YamlSource, yaml_pos, parse_yaml
#include "model/model.h"  // FieldPositions

namespace cartable {

// How Fields::for_each_item reports a value that is not a list. Empty: the
// generic "{what}: '{key}' must be a list".
struct NotAList {
  Text message;
  Text hint;
};

// Whether a list may be absent (no items) or must be there.
enum class Presence { Optional, Required };

// A reader of one YAML map that marks each key it reads and, when it is done
// (finish(), or its end of scope), warns about every key never read: the
// readers name their keys once, where they read them, and no list of the
// known keys is kept by hand. Keys are string literals.
class Fields {
 public:
  // `what` names the map in messages ("entry"), translated with them.
  Fields(const YAML::Node& map, const YamlSource& src, Diagnostics& diags, Term what);
  // finish(), unless an exception is leaving the reader's scope (the
  // document was not read to its end).
  ~Fields();
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;

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

  // Calls `read` with the Fields of each mapping of the list at `key`, named
  // `item` in messages; an item that is not a mapping is reported and
  // skipped. A value that is not a list is reported (`not_a_list`), and so is
  // an absent or empty one when the list is Required.
  template <class Read>
  void for_each_item(const char* key, const Term& item, Read read, const NotAList& not_a_list = {},
                     Presence presence = Presence::Optional);

  // Where each key read so far sits, for the keys the map has (a module's
  // or an entry's field_pos), in the order they were read.
  FieldPositions positions() const;

  // Warns, once, about every key not read so far.
  void finish();
  // For a reader of a few keys of a map that another reader reads whole
  // (access/ reads the owners of portfolio.yaml): the others are not unknown.
  void ignore_other_keys() { finished_ = true; }

 private:
  YAML::Node get(const char* key, bool required);
  void report_not_a_list(const char* key, const NotAList& not_a_list);

  YAML::Node map_;
  YamlSource src_;
  Diagnostics& diags_;
  Term what_;
  bool ok_ = true;
  bool finished_ = false;
  int exceptions_ = std::uncaught_exceptions();
  std::set<std::string> used_;
  std::vector<const char*> read_order_;  // each key once
};

template <class Read>
void Fields::for_each_item(const char* key, const Term& item, Read read, const NotAList& not_a_list,
                           Presence presence) {
  YAML::Node list = get(key, false);
  bool absent = !list.IsDefined() || list.IsNull();
  if (absent && presence == Presence::Optional) return;
  if (!list.IsSequence()) {
    report_not_a_list(key, not_a_list);
    return;
  }
  for (const auto& n : list) {
    Fields f(n, src_, diags_, item);
    if (f.ok()) read(f);
  }
}

}  // namespace cartable
