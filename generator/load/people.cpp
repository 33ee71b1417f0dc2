// Loading the places sessions happen at and the people who teach them.
#include "load/loader.h"

namespace cartable::loading {

void Loader::load_places() {
  YamlSource src;
  fs::path rel = "content/places.yaml";
  if (!exists(rel)) return;
  auto root = read_yaml_file(rel, src);
  if (!root) return;
  Fields top(*root, src, diags, term("places.yaml"));
  top.for_each_item("places", term("place"), [&](Fields& f) {
    Place p;
    p.pos = f.pos();
    p.id = f.str("id", true);
    p.name = f.str("name", true);
    p.short_name = f.str("short_name");
    p.address = f.str("address");
    p.online = f.boolean("online");
    site.places.push_back(std::move(p));
  });
}

void Loader::load_people() {
  YamlSource src;
  fs::path rel = "content/people.yaml";
  if (!exists(rel)) return;
  auto root = read_yaml_file(rel, src);
  if (!root) return;
  Fields top(*root, src, diags, term("people.yaml"));
  top.for_each_item("people", term("person"), [&](Fields& f) {
    Person p;
    p.pos = f.pos();
    p.id = f.str("id", true);
    p.name = f.str("name", true);
    p.roles = f.str_list("roles");
    p.organisation = f.str("organisation");
    p.trainer = f.boolean("trainer", false);
    site.people.push_back(std::move(p));
  });
}

}  // namespace cartable::loading
