// Parsing YAML with positions: every node maps back to its file, line and
// column, and the rules every YAML source obeys (no key given twice, no
// control character in a value) are checked once, here. Load reads the
// site's YAML with it, render the theme's strings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "base/diagnostics.h"

namespace cartable {

// Where a YAML document sits: its file, and the file line of its first line
// (front matter starts on line 2 of a Markdown file).
struct YamlSource {
  SharedPath path;  // shared by the positions made from it
  int first_line = 1;
};

SourcePos yaml_pos(const YamlSource& src, const YAML::Node& node);

// Parses `text`; on a syntax error reports it at its position, in plain
// words (a tab, curly quotes, a ':' in a value...), and returns nullopt.
// Warns about a ` #` that made the rest of a value a comment.
std::optional<YAML::Node> parse_yaml(const std::string& text, const YamlSource& src, Diagnostics& diags);

}  // namespace cartable
