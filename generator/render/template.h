// Templates: the theme's Mustache templates, compiled once into a tree and
// rendered straight into a string from a Value built by the page code.
//
// Why not kainjow::mustache, which the theme was first written against: its
// values allocate for every string and object (a hash map per object, a
// deep copy whenever a list grows) and its renderer re-walks the tree through
// std::function callbacks; on a site of 10,000 entries that was most of the
// build. Output is byte-identical to kainjow's for the features themes use
// (tests compare the two), including its whitespace rule: a line that held
// a rendered section tag and ends up blank is dropped with its newline.
//
// Supported: {{name}} (HTML-escaped), {{{name}}} and {{&name}} (raw),
// {{#name}}…{{/name}}, {{^name}}…{{/name}}, {{.}}, dotted names, {{! comments}}.
// Partials are pasted in by the theme loader; set-delimiter tags and lambdas
// are not supported. Only strings print; true, objects and non-empty lists
// open sections.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cartable {

class Value;
using List = std::vector<Value>;

class Value {
 public:
  enum class Kind : unsigned char { Object, String, List, True, False };

  Value() = default;  // an empty object
  Value(std::string text) : kind_(Kind::String), text_(std::move(text)) {}
  Value(std::string_view text) : kind_(Kind::String), text_(text) {}
  Value(const char* text) : kind_(Kind::String), text_(text) {}
  Value(bool b) : kind_(b ? Kind::True : Kind::False) {}
  Value(List items) : kind_(Kind::List), items_(std::move(items)) {}
  static Value list() { return Value(List()); }

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::Object; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_list() const { return kind_ == Kind::List; }
  // What opens a section: not false, not an empty list.
  bool is_truthy() const { return kind_ != Kind::False && !(kind_ == Kind::List && items_.empty()); }

  // Objects: adds `key`, or replaces its value.
  void set(std::string_view key, Value value);
  const Value* get(std::string_view key) const;
  // Lists.
  void push_back(Value item) { items_.push_back(std::move(item)); }
  const List& items() const { return items_; }
  const std::string& text() const { return text_; }

 private:
  Kind kind_ = Kind::Object;
  std::string text_;
  List items_;                     // list items, or object values
  std::vector<std::string> keys_;  // object keys, beside their values
};

// Strict templates: whether any render of a build looked a tag up and found
// no value in any enclosing context. View models set every name their
// templates read (false or an empty list when there is nothing to show), so
// a miss is a typo (`{{place_adress}}`) that would otherwise render nothing.
// A table of these, one per tag, is shared by every thread rendering the
// same template.
struct TagUse {
  std::atomic<bool> missed{false};
};

class Template {
 public:
  // Compiles `source`; on failure ok() is false and error() says where.
  explicit Template(std::string_view source);
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }  // "line 3: unclosed section 'x'"
  // The same without its line, and where in the source it is.
  const std::string& error_what() const { return error_what_; }
  size_t error_offset() const { return error_offset_; }
  // Appends the rendering of `data` to `out`. Thread-safe: a compiled
  // template is never modified.
  // `uses`, when given, has tags().size() slots (strict templates).
  void render(const Value& data, std::string& out, TagUse* uses = nullptr) const;

  // The variable and section tags, numbered in the order they appear.
  struct Tag {
    std::string name;
    size_t offset = 0;  // of its "{{" in the source as compiled
  };
  const std::vector<Tag>& tags() const { return tags_; }

  struct Node;

 private:
  std::vector<Node> nodes_;
  std::vector<Tag> tags_;
  std::string error_;
  std::string error_what_;
  size_t error_offset_ = 0;
};

// Escapes & < > " ' as kainjow does (&apos;), appending to `out`.
void append_html_escaped(std::string_view s, std::string& out);

}  // namespace cartable
