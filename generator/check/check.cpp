#include "check/check.h"

#include <cmath>
#include <map>

#include "base/text.h"

namespace cartable {

namespace {

template <typename T, typename IdOf>
void check_unique(const std::vector<T>& items, IdOf id_of, const std::string& what, Diagnostics& diags) {
  std::map<std::string, const T*> seen;
  for (const T& item : items) {
    const std::string& id = id_of(item);
    if (id.empty()) continue;
    auto [it, inserted] = seen.emplace(id, &item);
    if (!inserted) {
      const SourcePos& first = it->second->pos;
      diags.error(item.pos, "duplicate " + what + " id '" + id + "'",
                  "first defined at " + first.path + ":" + std::to_string(first.line));
    }
  }
}

void check_competency_refs(const Site& site, const std::vector<Ref>& refs, Diagnostics& diags) {
  for (const Ref& ref : refs) {
    if (site.find_competency(ref.id)) continue;
    auto slash = ref.id.find('/');
    if (slash == std::string::npos) {
      diags.error(ref.pos, "competency reference '" + ref.id + "' has no framework",
                  "write <framework>/<code>, e.g. rc-num-so/3.1");
      continue;
    }
    std::string fw = ref.id.substr(0, slash);
    if (!site.find_framework(fw)) {
      std::vector<std::string> ids;
      for (const auto& f : site.frameworks) ids.push_back(f.id);
      diags.error(ref.pos, "unknown framework '" + fw + "' in competency reference '" + ref.id + "'",
                  did_you_mean(fw, ids));
      continue;
    }
    diags.error(ref.pos, "unknown competency '" + ref.id + "'", did_you_mean(ref.id, site.competency_refs()));
  }
}

void compare_total(const Site& site, const char* key, double sum, const std::string& what, Diagnostics& diags) {
  auto it = site.programme.declared_totals.find(key);
  if (it == site.programme.declared_totals.end()) return;
  if (std::fabs(it->second.value - sum) < 1e-9) return;
  diags.warning(it->second.pos,
                "declared total of " + what + " (" + format_number_fr(it->second.value) +
                    ") differs from the sum over the modules (" + format_number_fr(sum) + ")",
                "the pages show the computed sum; correct the declared total or the modules");
}

void check_module(const Site& site, const Module& m, Diagnostics& diags) {
  check_competency_refs(site, m.competencies, diags);
  check_unique(m.tasks, [](const Task& t) -> const std::string& { return t.id; }, "task", diags);
  if (m.elective_periods > 0 && m.a_la_carte_min_periods > 0 && m.elective_periods != m.a_la_carte_min_periods) {
    auto pos = m.field_pos.count("a_la_carte_min_periods") ? m.field_pos.at("a_la_carte_min_periods") : m.pos;
    diags.warning(pos,
                  "module " + m.id + ": the ECTS table counts " + std::to_string(m.elective_periods) +
                      " elective periods but the detailed programme asks for a minimum of " +
                      std::to_string(m.a_la_carte_min_periods),
                  "both figures are shown as printed; make them agree if one is a mistake");
  }
  if (m.elective_periods > m.periods) {
    diags.error(m.field_pos.count("elective_periods") ? m.field_pos.at("elective_periods") : m.pos,
                "module " + m.id + ": more elective periods (" + std::to_string(m.elective_periods) +
                    ") than periods in all (" + std::to_string(m.periods) + ")");
  }
}

}  // namespace

Totals compute_totals(const Site& site) {
  Totals t;
  for (const Module& m : site.modules) {
    t.ects += m.ects;
    t.periods += m.periods;
    t.self_study_hours += m.self_study_hours;
  }
  return t;
}

void check_site(const Site& site, Diagnostics& diags) {
  check_unique(site.modules, [](const Module& m) -> const std::string& { return m.id; }, "module", diags);
  check_unique(site.places, [](const Place& p) -> const std::string& { return p.id; }, "place", diags);
  check_unique(site.people, [](const Person& p) -> const std::string& { return p.id; }, "person", diags);
  check_unique(site.frameworks, [](const Framework& f) -> const std::string& { return f.id; }, "framework", diags);
  for (const Framework& fw : site.frameworks) {
    std::vector<Competency> all;  // domains and competencies share one code space
    for (const Domain& d : fw.domains) {
      all.push_back({d.code, d.title, "", {}, d.pos});
      for (const Competency& c : d.competencies) all.push_back(c);
    }
    check_unique(all, [](const Competency& c) -> const std::string& { return c.code; }, fw.id + " competency", diags);
  }
  std::map<int, const Module*> numbers;
  for (const Module& m : site.modules) {
    if (m.number > 0 && !numbers.emplace(m.number, &m).second) {
      diags.error(m.field_pos.count("number") ? m.field_pos.at("number") : m.pos,
                  "two modules have number " + std::to_string(m.number),
                  "the other is " + numbers[m.number]->id);
    }
    check_module(site, m, diags);
  }
  Totals totals = compute_totals(site);
  compare_total(site, "ects", totals.ects, "ECTS credits", diags);
  compare_total(site, "periods", totals.periods, "periods", diags);
  compare_total(site, "self_study_hours", totals.self_study_hours, "individual work hours", diags);
}

}  // namespace cartable
