// libFuzzer target: Markdown rendering with internal-link resolution, as for
// an untrusted portfolio entry (no directives, relative links checked).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "index/index.h"
#include "render/markdown.h"

namespace {
struct World {
  cartable::Site site;
  std::unique_ptr<cartable::Index> index;
  World() {
    site.config.base_path = "/";
    site.config.base_url = "https://example.org/";
    cartable::Module m;
    m.id = "m1";
    m.title = "Module";
    site.modules.push_back(m);
    cartable::Framework fw;
    fw.id = "rc-num-so";
    fw.domains.push_back({"3", "Enseignement", "", {{"3.1", "Intégration", "", {}, {}}}, {}});
    site.frameworks.push_back(fw);
    site.build_lookups();
    index = std::make_unique<cartable::Index>(site);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  cartable::MarkdownOptions options;
  options.index = world.index.get();
  options.restrict_relative = true;
  options.local_files = {"image.png"};
  options.heading_prefix = "trace-";
  cartable::Diagnostics diags;
  cartable::render_markdown({std::string(reinterpret_cast<const char*>(data), size), {"fuzz.md", 1, 1}}, options, diags);
  return 0;
}
