#include "base/yaml.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>
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

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// A plain value whose line goes on with " #": YAML reads the rest as a
// comment, so `title: L'atelier #2` publishes « L'atelier » and
// `title: Atelier # 2` « Atelier ». A comment set apart by two spaces or
// more (`visibility: public  # ...`, as the guide writes them) is taken as
// one on purpose; after a single space, a '#' is more often a number sign.
void warn_comment_in_value(const YAML::Node& value, const std::vector<std::string_view>& lines, const YamlSource& src,
                           Diagnostics& diags) {
  if (!value.IsScalar() || value.Tag() != "?") return;  // "!" for a quoted value
  const YAML::Mark m = value.Mark();
  if (m.line < 0 || static_cast<size_t>(m.line) >= lines.size()) return;
  std::string_view line = lines[m.line];
  if (static_cast<size_t>(m.column) >= line.size()) return;
  std::string_view rest = line.substr(m.column);
  const std::string& text = value.Scalar();
  if (rest.substr(0, text.size()) != text) return;  // a value over several lines
  size_t hash = rest.find(" #", text.size());
  if (hash == std::string_view::npos || hash + 2 >= rest.size() || rest[hash + 2] == '#') return;
  bool spaced_comment = rest[hash + 2] == ' ';
  if (spaced_comment && (hash == 0 || rest[hash - 1] == ' ')) return;  // set apart: a comment meant as one
  std::string whole(rest);
  while (!whole.empty() && whole.back() == ' ') whole.pop_back();
  std::string quoted;
  for (char c : whole) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
  Text hint = spaced_comment ? tr("put the whole value in double quotes: \"{1}\" (for a comment, leave two spaces "
                                  "before the '#')",
                                  quoted)
                             : tr("put the whole value in double quotes: \"{1}\"", quoted);
  diags.warning({src.path, src.first_line + m.line, m.column + static_cast<int>(hash) + 2},
                tr("'{1}' is left out of the value: after a space, '#' starts a YAML comment",
                   std::string(rest.substr(hash + 1))),
                std::move(hint));
}

// A line that reads as a field of its own: `date: 2027-06-12`, `bio:`.
bool looks_like_a_field(std::string_view line) {
  size_t at = line.find_first_not_of(' ');
  if (at == std::string_view::npos || !std::isalpha(static_cast<unsigned char>(line[at]))) return false;
  while (at < line.size() && (std::isalnum(static_cast<unsigned char>(line[at])) || line[at] == '_' || line[at] == '-')) ++at;
  return at < line.size() && line[at] == ':' && (at + 1 == line.size() || line[at + 1] == ' ');
}

// A quote opened and not closed on its line, whose value then swallows the
// next lines (`title: "Une trace` then `date: ...`): YAML reads them all
// as the title, and only the missing fields would be reported.
void error_unclosed_quote(const YAML::Node& value, const std::vector<std::string_view>& lines, const YamlSource& src,
                          Diagnostics& diags) {
  if (value.Tag() != "!") return;
  const YAML::Mark m = value.Mark();
  if (m.line < 0 || static_cast<size_t>(m.line) + 1 >= lines.size()) return;
  std::string_view line = lines[m.line];
  if (static_cast<size_t>(m.column) >= line.size()) return;
  const char q = line[m.column];
  if (q != '"' && q != '\'') return;
  for (size_t i = m.column + 1; i < line.size(); ++i) {
    if (q == '"' && line[i] == '\\') {
      ++i;
    } else if (line[i] == q) {
      if (q == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;
        continue;
      }
      return;  // closed on its line
    }
  }
  if (!looks_like_a_field(lines[m.line + 1])) return;  // a long text over several lines
  diags.error(mark_pos(src, m), tr("invalid YAML: a quote is opened but never closed"),
              tr("close the quote at the end of the value; a quote inside the value is written twice in '...' or as \\\" in \"...\""));
}

// Finds keys given twice in one mapping (yaml-cpp keeps both pairs and reads
// the first; PyYAML and others read the last: `draft: false` then
// `draft: true` would publish a draft here and not there), control
// characters in values (escapes such as "\x01" put them in a value that the
// file itself does not hold), and values cut by a comment. Walks the loaded
// tree once; a node reached again through an alias (same position, same
// kind) is not walked again, so alias bombs stay cheap.
void check_yaml_rules(const YAML::Node& root, const std::string& text, const YamlSource& src, Diagnostics& diags) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::set<std::tuple<int, int, int>> seen;
  std::vector<std::pair<YAML::Node, bool>> todo = {{root, true}};  // (node, is a value)
  while (!todo.empty()) {
    auto [node, is_value] = todo.back();
    todo.pop_back();
    if (node.IsScalar()) {
      const std::string& value = node.Scalar();
      if (size_t bad = find_control_character(value); bad != std::string::npos) {
        diags.error(mark_pos(src, node.Mark()), tr("control character {1} in a value", control_character_name(value, bad)),
                    tr("delete it: it is invisible, and usually comes from a copy and paste"));
      }
      if (is_value) warn_comment_in_value(node, lines, src, diags);
      if (is_value) error_unclosed_quote(node, lines, src, diags);
      continue;
    }
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (!seen.insert({node.Mark().line, node.Mark().column, static_cast<int>(node.Type())}).second) continue;
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) todo.push_back({item, true});
      continue;
    }
    std::map<std::string, YAML::Mark> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) {
        auto [first, fresh] = keys.emplace(kv.first.Scalar(), kv.first.Mark());
        if (!fresh) {
          diags.error(mark_pos(src, kv.first.Mark()),
                      tr("duplicate key '{1}' (first given on line {2})", kv.first.Scalar(),
                         src.first_line + first->second.line),
                      tr("keep only one: YAML tools disagree on which one counts"));
        }
      }
      todo.push_back({kv.first, false});
      todo.push_back({kv.second, true});
    }
  }
}

struct YamlProblem {
  SourcePos pos;
  Text message;
  Text hint;
};

// A tab in a line's indentation: YAML forbids it, and yaml-cpp then speaks
// of "illegal block entry" or "end of map not found".
std::optional<YamlProblem> tab_problem(const std::vector<std::string_view>& lines, const YamlSource& src) {
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t indent = lines[i].find_first_not_of(" \t");
    size_t tab = lines[i].find('\t');
    if (tab == std::string_view::npos || (indent != std::string_view::npos && tab > indent)) continue;
    if (indent == std::string_view::npos) continue;  // a blank line
    return YamlProblem{{src.path, src.first_line + static_cast<int>(i), static_cast<int>(tab) + 1},
                       tr("invalid YAML: a tab at the start of the line; these lines are indented with spaces only"),
                       tr("replace the tab with spaces, aligned with the lines above")};
  }
  return std::nullopt;
}

// A value between curly quotes (Word and Pages replace straight quotes as
// one types): YAML does not take them as quotes, so a ':' inside breaks.
std::optional<YamlProblem> curly_quote_problem(const std::vector<std::string_view>& lines, const YamlSource& src) {
  for (size_t i = 0; i < lines.size(); ++i) {
    for (const char* quote : {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\x9E"}) {
      for (const char* lead : {": ", "- "}) {
        size_t at = lines[i].find(std::string(lead) + quote);
        if (at == std::string_view::npos) continue;
        return YamlProblem{{src.path, src.first_line + static_cast<int>(i), static_cast<int>(at) + 3},
                           tr("invalid YAML: the value is between curly quotes (“ ”), which are not quotes for YAML"),
                           tr("type straight quotes \" instead (a word processor curls them: edit the file in a text editor)")};
      }
    }
  }
  return std::nullopt;
}

// Where the value of a `key: value` or `- value` line starts (npos if none).
size_t value_start(std::string_view line) {
  size_t first = line.find_first_not_of(' ');
  if (first == std::string_view::npos) return first;
  size_t at = line.compare(first, 2, "- ") == 0 ? first + 2 : line.find(": ");
  if (at == std::string_view::npos) return at;
  if (line.compare(at, 2, ": ") == 0) at += 2;
  return line.find_first_not_of(' ', at);
}

// The value's text as it goes between double quotes.
std::string escaped_for_double_quotes(std::string_view value) {
  std::string out;
  for (char c : value) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out;
}

// Text after a value's closing quote or bracket: `title: 'l'atelier'` (the
// apostrophe ends the value, so common in French), `title: [Une] trace`.
// yaml-cpp then speaks of indentation, which is not the problem.
std::optional<YamlProblem> text_after_value_problem(const std::vector<std::string_view>& lines, const YAML::Mark& mark,
                                                    const YamlSource& src) {
  if (mark.line < 0 || static_cast<size_t>(mark.line) >= lines.size()) return std::nullopt;
  std::string_view line = lines[mark.line];
  size_t start = value_start(line);
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view value = line.substr(start);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  const char open = value.front();
  const std::string_view closes = open == '\'' ? "'" : open == '"' ? "\"" : open == '[' ? "]" : open == '{' ? "}" : "";
  if (closes.empty()) return std::nullopt;
  size_t close = value.find(closes, 1);
  // '' inside '...' and \" inside "..." do not close the value.
  while (close != std::string_view::npos &&
         ((open == '\'' && close + 1 < value.size() && value[close + 1] == '\'') || (open == '"' && value[close - 1] == '\\'))) {
    close = value.find(closes, close + (open == '\'' ? 2 : 1));
  }
  if (close == std::string_view::npos || close + 1 >= value.size()) return std::nullopt;
  SourcePos pos{src.path, src.first_line + mark.line, static_cast<int>(start + close) + 1};
  if (open == '\'') {
    // 'l'atelier': the value meant is what lies between the outer quotes.
    bool closed = value.back() == '\'';
    std::string_view meant = closed ? value.substr(1, value.size() - 2) : value.substr(1);
    return YamlProblem{pos, tr("invalid YAML: an apostrophe inside a value between ' ' ends it"),
                       tr("put the value in double quotes instead: \"{1}\"", escaped_for_double_quotes(meant))};
  }
  if (open == '"') {
    std::string single = "'";
    for (char c : value) single += c == '\'' ? std::string("''") : std::string(1, c);
    return YamlProblem{pos, tr("invalid YAML: the text goes on after the quote that ends the value"),
                       tr("put the whole value in single quotes: {1}", single + "'")};
  }
  return YamlProblem{pos, tr("invalid YAML: a value that starts with '[' or '{{' is read as a list, and text goes on after it"),
                     tr("put the whole value in double quotes: \"{1}\"", escaped_for_double_quotes(value))};
}

// yaml-cpp's message, in words for the person who wrote the file: what
// usually causes it, and the fix.
YamlProblem explain_yaml_error(const std::string& text, const YAML::Exception& e, const YamlSource& src) {
  const std::vector<std::string_view> lines = split_lines(text);
  if (auto tab = tab_problem(lines, src)) return *tab;
  SourcePos pos = mark_pos(src, e.mark);
  const std::string& m = e.msg;
  if (m == YAML::ErrorMsg::MAP_VALUE) {
    if (auto curly = curly_quote_problem(lines, src)) return *curly;
    return {pos, tr("invalid YAML: a ':' followed by a space inside a value that is not in quotes"),
            tr("put the whole value in double quotes, e.g. title: \"Atelier : les tablettes\"")};
  }
  if (m == YAML::ErrorMsg::END_OF_MAP_FLOW || m == YAML::ErrorMsg::END_OF_SEQ_FLOW || m == YAML::ErrorMsg::FLOW_END) {
    return {pos, tr("invalid YAML: a '[' or '{{' is not closed, or a value inside it needs quotes"),
            tr("close it with ']' or '}', and put values that contain ',' or ':' in double quotes")};
  }
  if (m == YAML::ErrorMsg::END_OF_MAP || m == YAML::ErrorMsg::END_OF_SEQ || m == YAML::ErrorMsg::BLOCK_ENTRY ||
      m == YAML::ErrorMsg::MAP_KEY) {
    if (auto curly = curly_quote_problem(lines, src)) return *curly;
    if (auto after = text_after_value_problem(lines, e.mark, src)) return *after;
    return {pos, tr("invalid YAML: this line is not indented like the lines of its level"),
            tr("align it with the other fields of the same level, with spaces; a list item starts with '- '")};
  }
  if (m == YAML::ErrorMsg::EOF_IN_SCALAR || m == YAML::ErrorMsg::DOC_IN_SCALAR) {
    return {pos, tr("invalid YAML: a quote is opened but never closed"),
            tr("close the quote at the end of the value; a quote inside the value is written twice in '...' or as \\\" in \"...\"")};
  }
  if (m.rfind(YAML::ErrorMsg::INVALID_ESCAPE, 0) == 0) {
    return {pos, tr("invalid YAML: a '\\' inside double quotes starts an escape that YAML does not know"),
            tr("put the value in single quotes instead, or write the '\\' twice")};
  }
  if (m == YAML::ErrorMsg::UNKNOWN_ANCHOR || m == YAML::ErrorMsg::ALIAS_NOT_FOUND || m == YAML::ErrorMsg::ANCHOR_NOT_FOUND) {
    return {pos, tr("invalid YAML: a value that starts with '*' or '&' is read as a reference"),
            tr("put the value in double quotes")};
  }
  return {pos, tr("invalid YAML: {1}", m), tr("check the indentation and quote values that contain ':' or '#'")};
}

}  // namespace

std::optional<YAML::Node> parse_yaml(const std::string& text, const YamlSource& src, Diagnostics& diags) {
  try {
    YAML::Node root = YAML::Load(text);
    check_yaml_rules(root, text, src, diags);
    return root;
  } catch (const YAML::Exception& e) {
    YamlProblem p = explain_yaml_error(text, e, src);
    diags.error(p.pos, std::move(p.message), std::move(p.hint));
    return std::nullopt;
  }
}

}  // namespace cartable
