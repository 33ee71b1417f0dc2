#include "load/front_matter.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/text.h"

namespace cartable {

namespace {

// Text yaml-cpp would read otherwise than as written: comments, escapes,
// tabs, carriage returns, a byte-order mark or Unicode line separators
// anywhere, or any character sources refuse (read_text already did).
bool has_unsafe_text(std::string_view yaml) {
  if (yaml.find_first_of("#\\\t\r") != std::string_view::npos) return true;
  for (std::string_view bad : {"\xEF\xBB\xBF", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (yaml.find(bad) != std::string_view::npos) return true;
  }
  return find_control_character(yaml) != std::string_view::npos;
}

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Plain text yaml-cpp reads as null, and characters that start something
// other than plain text (indicators: sequences, maps, anchors, tags, block
// scalars, directives...).
bool is_null_word(std::string_view s) { return s == "~" || s == "null" || s == "Null" || s == "NULL"; }
bool starts_plain(char c) { return std::strchr("-?:,[]{}#&*!|>'\"%@`", c) == nullptr; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// One scalar filling the rest of a line from `at` (block context): plain,
// 'single' or "double" quoted, nothing after the closing quote but spaces.
std::optional<std::string> block_scalar(std::string_view line, size_t at) {
  std::string_view rest = trim_right(line.substr(at));
  if (rest.empty()) return std::nullopt;
  char q = rest.front();
  if (q == '"' || q == '\'') {
    std::string out;
    for (size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] != q) {
        out += rest[i];
      } else if (q == '\'' && i + 1 < rest.size() && rest[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else {
        if (i + 1 != rest.size()) return std::nullopt;  // text after the closing quote
        return out;
      }
    }
    return std::nullopt;  // continues on the next line
  }
  if (!starts_plain(q) || is_null_word(rest)) return std::nullopt;
  // ": " or a final ':' would make a map; brackets and braces stay out to
  // keep clear of flow syntax.
  if (rest.back() == ':' || rest.find(": ") != std::string_view::npos) return std::nullopt;
  if (rest.find_first_of("[]{}") != std::string_view::npos) return std::nullopt;
  return std::string(rest);
}

// `[a, b]` filling the rest of a line from `at`, each item plain text.
bool flow_list(std::string_view line, size_t at, int line_no, FlatValue& v) {
  std::string_view rest = trim_right(line);
  if (rest.back() != ']') return false;
  std::string_view inside = rest.substr(at + 1, rest.size() - at - 2);
  if (inside.find_first_of("[]{}:'\"") != std::string_view::npos) return false;
  if (inside.find_first_not_of(' ') == std::string_view::npos) return true;  // []
  size_t start = at + 1;
  while (true) {
    size_t comma = line.find(',', start);
    size_t end = std::min(comma, rest.size() - 1);
    size_t first = line.find_first_not_of(' ', start);
    if (first >= end) return false;  // an empty item
    std::string_view item = trim_right(line.substr(first, end - first));
    if (!starts_plain(item.front()) || is_null_word(item)) return false;
    v.items.emplace_back(std::string(item), FlatMark{line_no, static_cast<int>(first)});
    if (comma == std::string_view::npos || comma >= rest.size() - 1) return true;
    start = comma + 1;
  }
}

// `key: value`, `key: [a, b]` or `key:` (a list follows) at column 0.
bool key_line(std::string_view line, int line_no, FlatValue& v, bool& items_follow) {
  size_t colon = 0;
  while (colon < line.size() && is_key_char(line[colon])) ++colon;
  if (colon == 0 || line[0] == '-' || colon == line.size() || line[colon] != ':') return false;
  v.key = std::string(line.substr(0, colon));
  size_t at = line.find_first_not_of(' ', colon + 1);
  items_follow = at == std::string_view::npos;
  if (items_follow) {
    v.is_list = true;
    return true;
  }
  if (at == colon + 1) return false;  // "key:value" is one plain scalar
  v.mark = {line_no, static_cast<int>(at)};
  if (line[at] == '[') {
    v.is_list = true;
    return flow_list(line, at, line_no, v);
  }
  std::optional<std::string> text = block_scalar(line, at);
  if (!text) return false;
  v.text = std::move(*text);
  return true;
}

// `- item` under a `key:` line, every item of one list at the same indent.
bool item_line(std::string_view line, int line_no, int& indent, FlatValue& v) {
  size_t dash = line.find_first_not_of(' ');
  if (line[dash] != '-' || dash + 1 >= line.size() || line[dash + 1] != ' ') return false;
  if (indent < 0) {
    indent = static_cast<int>(dash);
    v.mark = {line_no, indent};
  } else if (indent != static_cast<int>(dash)) {
    return false;
  }
  size_t at = line.find_first_not_of(' ', dash + 1);
  if (at == std::string_view::npos) return false;  // a null item
  std::optional<std::string> text = block_scalar(line, at);
  if (!text) return false;
  v.items.emplace_back(std::move(*text), FlatMark{line_no, static_cast<int>(at)});
  return true;
}

bool fits_schema(const FlatFrontMatter& doc, std::span<const FlatKey> schema) {
  for (const FlatKey& k : schema) {
    auto v = std::find_if(doc.values.begin(), doc.values.end(), [&](const FlatValue& x) { return x.key == k.name; });
    if (v == doc.values.end()) {
      if (k.required) return false;
      continue;
    }
    if (v->is_list != (k.shape == FlatShape::List)) return false;
    if (k.shape == FlatShape::Boolean && v->text != "true" && v->text != "false") return false;
  }
  for (const FlatValue& v : doc.values) {
    auto known = [&](const FlatKey& k) { return v.key == k.name; };
    if (std::find_if(schema.begin(), schema.end(), known) == schema.end()) return false;  // would be warned about
    for (const FlatValue& w : doc.values) {
      if (&w != &v && w.key == v.key) return false;  // a duplicate key
    }
  }
  return true;
}

}  // namespace

std::optional<FlatFrontMatter> parse_flat_front_matter(std::string_view yaml, std::span<const FlatKey> schema) {
  if (has_unsafe_text(yaml)) return std::nullopt;
  FlatFrontMatter doc;
  bool open_list = false;  // the last key had no value on its line: items follow
  int indent = -1;
  int line_no = 0;
  for (size_t start = 0; start < yaml.size(); ++line_no) {
    size_t end = std::min(yaml.find('\n', start), yaml.size());
    std::string_view line = yaml.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(' ') == std::string_view::npos) continue;  // blank
    if (line[0] == ' ' || line[0] == '-') {
      if (!open_list || !item_line(line, line_no, indent, doc.values.back())) return std::nullopt;
      continue;
    }
    if (open_list && doc.values.back().items.empty()) return std::nullopt;  // `key:` alone is null
    if (doc.values.empty()) doc.mark = {line_no, 0};
    FlatValue& v = doc.values.emplace_back();
    if (!key_line(line, line_no, v, open_list)) return std::nullopt;
    indent = -1;
  }
  if (doc.values.empty() || (open_list && doc.values.back().items.empty())) return std::nullopt;
  if (!fits_schema(doc, schema)) return std::nullopt;
  return doc;
}

const FlatValue* FlatFields::find(const char* key) const {
  for (const FlatValue& v : doc_.values) {
    if (v.key == key) return &v;
  }
  return nullptr;
}

SourcePos FlatFields::pos_of(const char* key) const {
  const FlatValue* v = find(key);
  return v ? at(v->mark) : pos();
}

void FlatFields::mark_read(const char* key) const {
  for (const char* k : read_order_) {
    if (std::string_view(k) == key) return;
  }
  read_order_.push_back(key);
}

FieldPositions FlatFields::positions() const {
  FieldPositions out;
  for (const char* key : read_order_) {
    if (const FlatValue* v = find(key)) out.set(key, at(v->mark));
  }
  return out;
}

std::string FlatFields::str(const char* key, bool) const {
  mark_read(key);
  const FlatValue* v = find(key);
  return v && !v->is_list ? v->text : std::string();
}

bool FlatFields::boolean(const char* key, bool fallback) const {
  mark_read(key);
  const FlatValue* v = find(key);
  return v ? v->text == "true" : fallback;
}

std::vector<std::pair<std::string, SourcePos>> FlatFields::str_list_pos(const char* key) const {
  mark_read(key);
  std::vector<std::pair<std::string, SourcePos>> out;
  if (const FlatValue* v = find(key); v && v->is_list) {
    out.reserve(v->items.size());
    for (const auto& [text, mark] : v->items) out.emplace_back(text, at(mark));
  }
  return out;
}

}  // namespace cartable
