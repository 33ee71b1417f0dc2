#include "base/yaml.h"

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

}  // namespace cartable
