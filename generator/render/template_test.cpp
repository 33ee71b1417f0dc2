// The template engine against kainjow::mustache, the engine the theme was
// written for: same template, same data, same bytes.
#include "render/template.h"

#include <gtest/gtest.h>
#include <kainjow/mustache.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace cartable;
namespace km = kainjow::mustache;

namespace {

km::data to_kainjow(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::String: return km::data(v.text());
    case Value::Kind::True: return km::data(true);
    case Value::Kind::False: return km::data(false);
    case Value::Kind::List: {
      km::data list(km::data::type::list);
      for (const Value& item : v.items()) list.push_back(to_kainjow(item));
      return list;
    }
    case Value::Kind::Object: break;
  }
  km::data obj(km::data::type::object);
  // Value hides its keys; the tests' objects use these names only.
  for (const char* key : {"a", "b", "c", "items", "name", "empty", "yes", "no", "html", "nested", "x", "list"}) {
    if (const Value* field = v.get(key)) obj.set(key, to_kainjow(*field));
  }
  return obj;
}

std::string ours(const std::string& source, const Value& data) {
  Template t(source);
  EXPECT_TRUE(t.ok()) << t.error();
  std::string out;
  t.render(data, out);
  return out;
}

std::string theirs(const std::string& source, const Value& data) {
  km::mustache t(source);
  EXPECT_TRUE(t.is_valid()) << t.error_message();
  return t.render(to_kainjow(data));
}

Value sample() {
  Value d;
  d.set("name", "Camille & <Luca> \"l'a\"");
  d.set("html", "<em>déjà</em>");
  d.set("yes", true);
  d.set("no", false);
  d.set("empty", Value::list());
  List items;
  for (const char* s : {"un", "deux", "trois"}) {
    Value item;
    item.set("a", s);
    item.set("yes", std::string(s) != "deux");
    items.push_back(std::move(item));
  }
  d.set("items", Value(std::move(items)));
  d.set("list", Value(List{Value("x"), Value("y")}));
  Value nested;
  nested.set("b", "B");
  Value inner;
  inner.set("c", "C");
  nested.set("nested", std::move(inner));
  d.set("nested", std::move(nested));
  return d;
}

}  // namespace

TEST(Template, MatchesKainjowOnTheFeaturesThemesUse) {
  const Value data = sample();
  const std::vector<std::string> cases = {
      "plain text, no tags",
      "{{name}} / {{{name}}} / {{& name}} / {{ name }}",
      "{{#yes}}oui{{/yes}}{{#no}}non{{/no}}{{^no}}pas non{{/no}}{{^yes}}x{{/yes}}",
      "{{#items}}<li>{{a}}{{#yes}}!{{/yes}}{{name}}</li>{{/items}}",
      "{{#list}}[{{.}}]{{/list}}{{^empty}}vide{{/empty}}{{#empty}}jamais{{/empty}}",
      "{{nested.b}} {{nested.nested.c}} {{#nested}}{{b}}{{#nested}}{{c}}{{b}}{{/nested}}{{/nested}} {{nested.x}}",
      "{{missing}}{{#missing}}x{{/missing}}{{^missing}}absent{{/missing}}{{.}}{{! a comment }}",
      // Lines: a line left blank by section tags disappears, others stay.
      "<ul>\n  {{#items}}\n  <li>{{a}}</li>\n  {{/items}}\n</ul>\n",
      "a\n{{#no}}\nhidden\n{{/no}}\nb\n  {{^yes}}  \n\t{{/yes}}\nc",
      "{{#yes}}\n\n  \n{{/yes}}\nend\r\nwindows\r\n{{#items}}{{/items}}   \r\nlast",
      "  {{#items}}{{a}}{{/items}}  \n{{#yes}}  {{/yes}}",
      "{{#items}}\n{{#yes}}\n{{a}}\n{{/yes}}\n{{/items}}\n",
      "{{html}}\n{{{html}}}\n{{#nested}}\n{{{html}}}\n{{/nested}}\n",
      "{{#items}}{{#list}}{{.}}{{a}}{{/list}}{{/items}}",
      "{{}}{{{}}}x",
  };
  for (const std::string& c : cases) EXPECT_EQ(ours(c, data), theirs(c, data)) << "template: " << c;
}

TEST(Template, MatchesKainjowOnRandomTemplates) {
  // Random templates assembled from the pieces above: whitespace and section
  // placement are where two Mustache engines most often disagree.
  const Value data = sample();
  const std::vector<std::string> pieces = {"{{#items}}", "{{/items}}", "{{#yes}}", "{{/yes}}", "{{^no}}", "{{/no}}",
                                           "{{#empty}}", "{{/empty}}", "{{^yes}}", "{{/yes}}", "{{a}}", "{{name}}",
                                           "{{{html}}}", "{{.}}", " ", "\t", "\n", "\r\n", "x", "<p>", "{{! c }}"};
  std::mt19937 rng(20261123);
  for (int round = 0; round < 3000; ++round) {
    std::string t;
    std::vector<std::string> open;
    int n = 1 + static_cast<int>(rng() % 14);
    for (int i = 0; i < n; ++i) {
      const std::string& p = pieces[rng() % pieces.size()];
      if (p[2] == '/') continue;  // closing tags come from `open`, so sections nest
      if (p[2] == '#' || p[2] == '^') {
        open.push_back("{{/" + p.substr(3));
      } else if (!open.empty() && rng() % 3 == 0) {
        t += open.back();
        open.pop_back();
      }
      t += p;
    }
    while (!open.empty()) {
      t += open.back();
      open.pop_back();
    }
    ASSERT_EQ(ours(t, data), theirs(t, data)) << "template: " << t;
  }
}

TEST(Template, ReportsWhereATemplateIsBroken) {
  EXPECT_EQ(Template("a\n{{#x}}\nb").error(), "line 2: section 'x' is never closed");
  EXPECT_EQ(Template("{{#x}}{{/y}}").error(), "line 1: '{{/y}}' closes section 'x'");
  EXPECT_EQ(Template("\n\n{{/y}}").error(), "line 3: '{{/y}}' closes no section");
  EXPECT_EQ(Template("ok {{name").error(), "line 1: unclosed tag '{{'");
  EXPECT_EQ(Template("{{=<% %>=}}").error(), "line 1: set-delimiter tags are not supported");
  EXPECT_TRUE(Template("{{#x}}{{/x}}").ok());
}

TEST(Template, ValuesReplaceKeysAndRenderAppends) {
  Value d;
  d.set("a", "1");
  d.set("a", "2");
  std::string out = "before:";
  Template("{{a}}").render(d, out);
  EXPECT_EQ(out, "before:2");
  EXPECT_EQ(d.get("b"), nullptr);
  EXPECT_EQ(Value("x").get("a"), nullptr);  // only objects have fields
}
