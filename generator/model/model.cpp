#include "model/model.h"

#include <algorithm>

namespace cartable {

namespace {
template <typename Map>
auto find_index(const Map& map, const std::string& key) -> const typename Map::mapped_type* {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

template <typename Map>
std::vector<std::string> keys(const Map& map) {
  std::vector<std::string> out;
  out.reserve(map.size());
  for (const auto& [k, v] : map) out.push_back(k);
  return out;
}
}  // namespace

const Module* Site::find_module(const std::string& id) const {
  const size_t* i = find_index(module_by_id, id);
  return i ? &modules[*i] : nullptr;
}

const Framework* Site::find_framework(const std::string& id) const {
  const size_t* i = find_index(framework_by_id, id);
  return i ? &frameworks[*i] : nullptr;
}

const CompetencyLocation* Site::find_competency(const std::string& ref) const {
  return find_index(competency_by_ref, ref);
}

const Session* Site::find_session(const std::string& id) const {
  const size_t* i = find_index(session_by_id, id);
  return i ? &sessions[*i] : nullptr;
}

const Place* Site::find_place(const std::string& id) const {
  const size_t* i = find_index(place_by_id, id);
  return i ? &places[*i] : nullptr;
}

const Person* Site::find_person(const std::string& id) const {
  const size_t* i = find_index(person_by_id, id);
  return i ? &people[*i] : nullptr;
}

const Portfolio* Site::find_portfolio(const std::string& slug) const {
  const size_t* i = find_index(portfolio_by_slug, slug);
  return i ? &portfolios[*i] : nullptr;
}

const Entry* Site::find_entry(const std::string& portfolio, const std::string& entry) const {
  const Portfolio* p = find_portfolio(portfolio);
  if (!p) return nullptr;
  for (const Entry& e : p->entries) {
    if (e.slug == entry) return &e;
  }
  return nullptr;
}

const ParticipantRecord* Site::find_record(const std::string& slug) const {
  const size_t* i = find_index(record_by_slug, slug);
  return i ? &records[*i] : nullptr;
}

std::vector<std::string> Site::portfolio_slugs() const { return keys(portfolio_by_slug); }

std::vector<std::string> Site::session_ids() const { return keys(session_by_id); }
std::vector<std::string> Site::place_ids() const { return keys(place_by_id); }
std::vector<std::string> Site::person_ids() const { return keys(person_by_id); }

std::vector<std::string> Site::module_ids() const { return keys(module_by_id); }
std::vector<std::string> Site::competency_refs() const { return keys(competency_by_ref); }

void Site::build_lookups() {
  module_by_id.clear();
  page_by_id.clear();
  place_by_id.clear();
  person_by_id.clear();
  framework_by_id.clear();
  competency_by_ref.clear();
  session_by_id.clear();
  portfolio_by_slug.clear();
  record_by_slug.clear();
  for (size_t i = 0; i < records.size(); ++i) record_by_slug.emplace(records[i].participant.id, i);
  assessments_by_entry.clear();
  for (size_t i = 0; i < assessments.size(); ++i) {
    assessments_by_entry[assessments[i].participant.id + "/" + assessments[i].entry.id].push_back(i);
  }
  for (size_t i = 0; i < portfolios.size(); ++i) portfolio_by_slug.emplace(portfolios[i].slug, i);
  for (size_t i = 0; i < sessions.size(); ++i) session_by_id.emplace(sessions[i].id, i);
  for (size_t i = 0; i < modules.size(); ++i) module_by_id.emplace(modules[i].id, i);
  for (size_t i = 0; i < pages.size(); ++i) page_by_id.emplace(pages[i].id, i);
  for (size_t i = 0; i < places.size(); ++i) place_by_id.emplace(places[i].id, i);
  for (size_t i = 0; i < people.size(); ++i) person_by_id.emplace(people[i].id, i);
  for (size_t f = 0; f < frameworks.size(); ++f) {
    const Framework& fw = frameworks[f];
    framework_by_id.emplace(fw.id, f);
    for (size_t d = 0; d < fw.domains.size(); ++d) {
      competency_by_ref.emplace(fw.id + "/" + fw.domains[d].code, CompetencyLocation{f, d, std::nullopt});
      for (size_t c = 0; c < fw.domains[d].competencies.size(); ++c) {
        competency_by_ref.emplace(fw.id + "/" + fw.domains[d].competencies[c].code,
                                  CompetencyLocation{f, d, c});
      }
    }
  }
}

const Framework* configured_framework(const Site& site, const Ref& ref) {
  return ref.id.empty() ? nullptr : site.find_framework(ref.id);
}

bool parse_visibility(const std::string& text, Visibility& out) {
  if (text == "public") out = Visibility::Public;
  else if (text == "experts") out = Visibility::Experts;
  else if (text == "private") out = Visibility::Private;
  else return false;
  return true;
}

bool visible_to(const Portfolio& p, const Entry& e, Visibility audience, bool keep_drafts) {
  return (!e.draft || keep_drafts) && std::max(e.visibility, p.visibility) <= audience;
}

void restrict_to_audience(Site& site, Visibility audience, bool keep_drafts) {
  auto hidden = [audience](Visibility v) { return v > audience; };
  for (Portfolio& p : site.portfolios) {
    std::erase_if(p.entries, [&](const Entry& e) {
      bool drop = !visible_to(p, e, audience, keep_drafts);
      if (drop) site.withheld.insert("entry:" + p.slug + "/" + e.slug);
      return drop;
    });
  }
  std::erase_if(site.portfolios, [&](const Portfolio& p) {
    if (hidden(p.visibility)) site.withheld.insert("portfolio:" + p.slug);
    return hidden(p.visibility);
  });
  // Attendance and defences are the experts' only; and only for the
  // participants whose portfolio this build shows.
  if (audience < Visibility::Experts) site.records.clear();
  std::erase_if(site.records, [&](const ParticipantRecord& r) {
    return std::none_of(site.portfolios.begin(), site.portfolios.end(),
                        [&](const Portfolio& p) { return p.slug == r.participant.id; });
  });
  // Trainers' assessments: the public build knows at most that an entry was
  // validated (site.yaml public_validation), never by whom, when or why;
  // à-la-carte declarations are the experts' only.
  if (audience < Visibility::Experts) {
    if (!site.config.public_validation) site.assessments.clear();
    // The dates go, yet they decide which of an entry's assessments is the
    // latest (index/readiness.cpp keeps the order of equal dates): put them
    // in date order first, so the public reads the jury's verdict.
    std::stable_sort(site.assessments.begin(), site.assessments.end(),
                     [](const Assessment& a, const Assessment& b) { return a.date < b.date; });
    for (Assessment& a : site.assessments) {
      a.assessor = {};
      a.feedback = {};
      a.date = {};
    }
    for (Portfolio& p : site.portfolios) p.a_la_carte.clear();
  }
  std::erase_if(site.assessments, [&](const Assessment& a) {
    return site.withheld.count("entry:" + a.participant.id + "/" + a.entry.id) ||
           site.withheld.count("portfolio:" + a.participant.id);
  });
  site.audience = audience;
  site.build_lookups();
}

const std::string& competency_title(const Site& site, const CompetencyLocation& loc) {
  const Domain& d = site.frameworks[loc.framework].domains[loc.domain];
  return loc.competency ? d.competencies[*loc.competency].title : d.title;
}

const std::string& competency_code(const Site& site, const CompetencyLocation& loc) {
  const Domain& d = site.frameworks[loc.framework].domains[loc.domain];
  return loc.competency ? d.competencies[*loc.competency].code : d.code;
}

}  // namespace cartable
