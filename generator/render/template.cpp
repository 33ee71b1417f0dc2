#include "render/template.h"

#include <algorithm>

namespace cartable {

// --- Value ---------------------------------------------------------------------

void Value::set(std::string_view key, Value value) {
  if (kind_ != Kind::Object) return;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      items_[i] = std::move(value);
      return;
    }
  }
  if (keys_.empty()) {
    // Page objects have a few to twenty fields: grow once, not five times.
    keys_.reserve(8);
    items_.reserve(8);
  }
  keys_.emplace_back(key);
  items_.push_back(std::move(value));
}

const Value* Value::get(std::string_view key) const {
  if (kind_ != Kind::Object) return nullptr;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

// --- Compiling -----------------------------------------------------------------

struct Template::Node {
  enum class Type : unsigned char { Text, Newline, Escaped, Raw, Section, Inverted };
  Type type = Type::Text;
  std::string text;               // Text, Newline: the characters; tags: the name
  bool dot = false;               // {{.}}: the current item itself
  std::vector<std::string> path;  // the name split on '.'
  std::vector<Node> children;     // sections
  size_t id = 0;                  // tags: the index in Template::tags()
};

namespace {

using Node = Template::Node;

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Node tag_node(Node::Type type, std::string_view name) {
  Node n;
  n.type = type;
  n.text = std::string(name);
  n.dot = name == ".";
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    n.path.emplace_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return n;
}

// Text between tags: runs of characters and the newlines that end lines.
void add_text(std::string_view text, std::vector<Node>& into) {
  while (!text.empty()) {
    size_t nl = text.find_first_of("\r\n");
    if (nl != 0) {
      Node n;
      n.text = std::string(text.substr(0, nl));
      into.push_back(std::move(n));
      if (nl == std::string_view::npos) return;
      text.remove_prefix(nl);
    }
    size_t len = text.compare(0, 2, "\r\n") == 0 ? 2 : 1;
    Node n;
    n.type = Node::Type::Newline;
    n.text = std::string(text.substr(0, len));
    into.push_back(std::move(n));
    text.remove_prefix(len);
  }
}

int line_of(std::string_view source, size_t pos) {
  return 1 + static_cast<int>(std::count(source.begin(), source.begin() + static_cast<long>(pos), '\n'));
}

}  // namespace

Template::Template(std::string_view source) {
  struct Open {
    Node node;
    size_t pos;
  };
  std::vector<Open> open;  // sections being filled, innermost last
  auto current = [&]() -> std::vector<Node>& { return open.empty() ? nodes_ : open.back().node.children; };
  auto tag = [&](Node::Type type, std::string_view name, size_t at) {
    Node n = tag_node(type, name);
    n.id = tags_.size();
    tags_.push_back({std::string(name), at});
    return n;
  };
  auto fail = [&](size_t pos, const std::string& what) {
    error_ = "line " + std::to_string(line_of(source, pos)) + ": " + what;
    error_what_ = what;
    error_offset_ = pos;
    nodes_.clear();
  };
  size_t pos = 0;
  while (pos < source.size()) {
    size_t start = source.find("{{", pos);
    add_text(source.substr(pos, start == std::string_view::npos ? std::string_view::npos : start - pos), current());
    if (start == std::string_view::npos) break;
    bool triple = start + 2 < source.size() && source[start + 2] == '{';
    size_t inner = start + (triple ? 3 : 2);
    size_t end = source.find(triple ? "}}}" : "}}", inner);
    if (end == std::string_view::npos) { fail(start, "unclosed tag '{{'"); return; }
    pos = end + (triple ? 3 : 2);
    std::string_view contents = trim(source.substr(inner, end - inner));
    if (triple) {
      current().push_back(tag(Node::Type::Raw, contents, start));
      continue;
    }
    char sigil = contents.empty() ? '\0' : contents[0];
    std::string_view name = sigil == '\0' ? contents : trim(contents.substr(1));
    switch (sigil) {
      case '#':
      case '^':
        open.push_back({tag(sigil == '#' ? Node::Type::Section : Node::Type::Inverted, name, start), start});
        break;
      case '/': {
        if (open.empty()) { fail(start, "'{{/" + std::string(name) + "}}' closes no section"); return; }
        if (open.back().node.text != name) {
          { fail(start, "'{{/" + std::string(name) + "}}' closes section '" + open.back().node.text + "'"); return; }
        }
        Node done = std::move(open.back().node);
        open.pop_back();
        current().push_back(std::move(done));
        break;
      }
      case '&': current().push_back(tag(Node::Type::Raw, name, start)); break;
      case '!': break;
      case '>': break;  // partials are pasted in by the theme loader; an unknown one shows nothing
      case '=': { fail(start, "set-delimiter tags are not supported"); return; }
      default: current().push_back(tag(Node::Type::Escaped, contents, start)); break;
    }
  }
  if (!open.empty()) fail(open.back().pos, "section '" + open.back().node.text + "' is never closed");
}

Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

// --- Rendering -----------------------------------------------------------------

void append_html_escaped(std::string_view s, std::string& out) {
  size_t done = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* entity;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      default: continue;
    }
    out.append(s, done, i - done);
    out += entity;
    done = i + 1;
  }
  out.append(s, done, std::string_view::npos);
}

namespace {

struct Renderer {
  std::string& out;
  size_t line_start;
  bool section_on_line = false;  // a rendered section tag was on this line
  std::vector<const Value*> stack;
  TagUse* uses = nullptr;

  const Value* lookup(const Node& n) const {
    if (n.dot) return stack.back();
    const Value* v = find(n);
    if (uses && !v) uses[n.id].missed.store(true, std::memory_order_relaxed);
    return v;
  }

  const Value* find(const Node& n) const {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      const Value* v = *it;
      for (const std::string& part : n.path) {
        v = v->get(part);
        if (!v) break;
      }
      if (v) return v;
    }
    return nullptr;
  }

  // A line that held a section tag and rendered blank is dropped, newline and all.
  bool drop_line() const {
    return section_on_line &&
           std::all_of(out.begin() + static_cast<long>(line_start), out.end(), [](char c) { return c == ' ' || c == '\t'; });
  }

  void end_line(std::string_view newline) {
    if (drop_line()) {
      out.resize(line_start);
    } else {
      out += newline;
    }
    line_start = out.size();
    section_on_line = false;
  }

  void section(const std::vector<Node>& children, const Value* context) {
    section_on_line = true;
    if (context) stack.push_back(context);
    render(children);
    if (context) stack.pop_back();
    section_on_line = true;
  }

  void render(const std::vector<Node>& nodes) {
    for (const Node& n : nodes) {
      switch (n.type) {
        case Node::Type::Text: out += n.text; break;
        case Node::Type::Newline: end_line(n.text); break;
        case Node::Type::Escaped:
        case Node::Type::Raw:
          if (const Value* v = lookup(n); v && v->is_string()) {
            if (n.type == Node::Type::Raw) {
              out += v->text();
            } else {
              append_html_escaped(v->text(), out);
            }
          }
          break;
        case Node::Type::Section:
          if (const Value* v = lookup(n); v && v->is_truthy()) {
            if (v->is_list()) {
              for (const Value& item : v->items()) section(n.children, &item);
            } else {
              section(n.children, v);
            }
          }
          break;
        case Node::Type::Inverted:
          if (const Value* v = lookup(n); !v || !v->is_truthy()) section(n.children, v);
          break;
      }
    }
  }
};

}  // namespace

void Template::render(const Value& data, std::string& out, TagUse* uses) const {
  Renderer r{out, out.size(), false, {}, uses};
  r.stack.push_back(&data);
  r.render(nodes_);
  if (r.drop_line()) out.resize(r.line_start);  // the last line has no newline, but the same rule
}

}  // namespace cartable
