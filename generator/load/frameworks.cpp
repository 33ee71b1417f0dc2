// Loading the competency frameworks (domains, competencies) and the
// crosswalks between them.
#include "load/loader.h"

namespace cartable::loading {

void Loader::load_crosswalks() {
  for (const auto& name : files_with_extension(fs::path("content/crosswalks"), ".yaml")) {
    YamlSource src;
    auto root = read_yaml_file(fs::path("content/crosswalks") / name, src);
    if (!root) continue;
    Fields f(*root, src, diags, term("crosswalk"));
    if (!f.ok()) continue;
    Crosswalk c;
    c.id = name.stem().string();
    c.pos = f.pos();
    f.str("title");
    f.str("source");
    YAML::Node map = f.node("equivalences");
    if (!map.IsMap()) {
      diags.error(f.pos_of("equivalences"), tr("crosswalk: 'equivalences' must map a competency to a list of competencies"),
                  tr("write one line per competency: its reference, ':', then the list of equivalents in [ ]"));
    } else {
      for (const auto& kv : map) {
        Ref from{kv.first.Scalar(), yaml_pos(src, kv.first)};
        std::vector<Ref> to;
        if (kv.second.IsSequence()) {
          for (const auto& t : kv.second) to.push_back({t.Scalar(), yaml_pos(src, t)});
        } else {
          diags.error(yaml_pos(src, kv.second), tr("crosswalk: the equivalents of '{1}' must be a list", from.id),
                      tr("write them in [ ], separated by commas"));
        }
        c.pairs.emplace_back(std::move(from), std::move(to));
      }
    }
    site.crosswalks.push_back(std::move(c));
  }
}

void Loader::load_frameworks() {
  for (const auto& name : files_with_extension(fs::path("content/frameworks"), ".yaml")) {
    YamlSource src;
    fs::path rel = fs::path("content/frameworks") / name;
    auto root = read_yaml_file(rel, src);
    if (!root) continue;
    Fields f(*root, src, diags, term("framework"));
    if (!f.ok()) continue;
    Framework fw;
    fw.pos = f.pos();
    fw.id = f.has("id") ? f.str("id") : name.stem().string();
    if (fw.id != name.stem().string()) {
      diags.error(f.pos_of("id"), tr("framework id '{1}' differs from its file name '{2}'", fw.id, name.string()),
                  tr("rename the file to {1}.yaml", fw.id));
    }
    fw.title = f.str("title", true);
    fw.short_title = f.str("short_title");
    fw.source = f.str("source");
    fw.source_url = f.str("source_url");
    fw.domain_label = f.str("domain_label");
    fw.competency_label = f.str("competency_label");
    fw.levels = f.str_list("levels");
    fw.body = {f.str("description"), f.pos_of("description")};
    f.for_each_item(
        "domains", term("domain"), [&](Fields& df) { fw.domains.push_back(load_domain(df)); },
        {tr("framework: 'domains' must be a list of domains"),
         tr("write each domain on a line starting with '- code:', then its other fields below, indented")},
        Presence::Required);
    site.frameworks.push_back(std::move(fw));
  }
}

Domain Loader::load_domain(Fields& f) {
  Domain d;
  d.pos = f.pos();
  d.code = f.str("code", true);
  d.title = f.str("title", true);
  d.description = f.str("description");
  f.for_each_item(
      "competencies", term("competency"),
      [&](Fields& cf) {
        Competency comp;
        comp.pos = cf.pos();
        comp.code = cf.str("code", true);
        comp.title = cf.str("title", true);
        comp.description = cf.str("description");
        comp.criteria = cf.str_list("criteria");
        d.competencies.push_back(std::move(comp));
      },
      {tr("domain: 'competencies' must be a list"),
       tr("write each competency on a line starting with '- code:', then its other fields below, indented")});
  return d;
}

}  // namespace cartable::loading
