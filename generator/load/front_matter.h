// Entries' front matter read without yaml-cpp when it is plainly flat: keys
// at the start of a line, each with one-line text (plain, 'single' or
// "double" quoted) or a list of such text (`[a, b]` or `- a` lines). That is
// what `cartable new entry` writes and almost every entry holds; yaml-cpp
// builds a node tree with a memory pool per document and was most of the
// load time at 500,000 entries (issue 19).
//
// The fast path accepts a document only when yaml-cpp would read exactly the
// same values at the same positions and `Fields` would report nothing: every
// key in the schema the caller reads it with, with the shape it reads, no
// duplicate, no comment, anchor, tag, escape, null, multi-line or nested
// value. Anything else returns nullopt and the caller parses it with yaml-cpp,
// which gives the diagnostics. front_matter_test.cpp checks both paths on the
// same inputs.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostics.h"
#include "load/yaml_util.h"

namespace cartable {

enum class FlatShape { Text, List, Boolean };  // Boolean: the text true or false

// How the reader reads one key (Fields::str, str_list_pos, boolean).
struct FlatKey {
  const char* name;
  FlatShape shape;
  bool required;  // a document without it goes to yaml-cpp, which reports it
};

// A position as yaml-cpp marks it: 0-based line of the document, 0-based
// byte column.
struct FlatMark {
  int line = 0;
  int column = 0;
};

struct FlatValue {
  std::string key;
  bool is_list = false;
  std::string text;  // a scalar's value
  std::vector<std::pair<std::string, FlatMark>> items;  // a list's, each at its mark
  FlatMark mark;  // where yaml-cpp's node starts
};

struct FlatFrontMatter {
  FlatMark mark;  // the mapping's
  std::vector<FlatValue> values;
};

// `yaml` is the front matter's text (FrontMatter::yaml). nullopt: not plainly
// flat, or not read as `schema` says: parse it with yaml-cpp instead.
std::optional<FlatFrontMatter> parse_flat_front_matter(std::string_view yaml, std::span<const FlatKey> schema);

// The subset of Fields' interface entries are read with, over a document the
// fast path accepted (so it never has a diagnostic to give).
class FlatFields {
 public:
  FlatFields(FlatFrontMatter doc, const YamlSource& src) : doc_(std::move(doc)), src_(src) {}

  bool ok() const { return true; }
  bool has(const char* key) const { return find(key) != nullptr; }
  SourcePos pos() const { return at(doc_.mark); }
  SourcePos pos_of(const char* key) const;
  std::string str(const char* key, bool required = false) const;
  bool boolean(const char* key, bool fallback = false) const;
  std::vector<std::pair<std::string, SourcePos>> str_list_pos(const char* key) const;
  // Nested values (attachments) are never flat: always undefined here.
  YAML::Node node(const char* key) const {
    mark_read(key);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  FieldPositions positions() const;
  // The schema refused unknown keys: nothing to warn about.
  void finish() const {}

 private:
  const FlatValue* find(const char* key) const;
  SourcePos at(const FlatMark& m) const { return {src_.path, src_.first_line + m.line, m.column + 1}; }
  void mark_read(const char* key) const;

  FlatFrontMatter doc_;
  YamlSource src_;
  mutable std::vector<const char*> read_order_;  // as Fields keeps it, for positions()
};

}  // namespace cartable
