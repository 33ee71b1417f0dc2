// libFuzzer target: front matter splitting and YAML loading of an entry, the
// first thing cartable does with a participant's file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "load/load.h"
#include "load/yaml_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cartable;
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  FrontMatter fm = split_front_matter(text, "fuzz.md", diags);
  if (!fm.present) return 0;
  auto root = parse_yaml(fm.yaml, {"fuzz.md", fm.yaml_first_line}, diags);
  if (!root) return 0;
  Fields f(*root, {"fuzz.md", fm.yaml_first_line}, diags, "entry");
  f.str("title", true);
  f.str("module");
  f.number("ects");
  f.integer("periods");
  f.boolean("draft");
  f.str_list_pos("competencies");
  f.str_list("coauthors");
  YAML::Node atts = f.node("attachments");
  if (atts.IsSequence()) {
    for (const auto& a : atts) {
      Fields af(a, {"fuzz.md", 2}, diags, "attachment");
      af.str("file");
    }
  }
  f.finish();
  LocalTime t;
  parse_local_time(f.str("date"), true, t, {}, diags);
  return 0;
}
