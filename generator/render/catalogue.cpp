#include <nlohmann/json.hpp>

#include <cstdio>

#include "base/text.h"
#include "model/site_facts.h"
#include "render/render.h"

namespace cartable {

using Json = nlohmann::ordered_json;

namespace {

Json module_json(const Index& index, const Module& m) {
  Json j;
  j["id"] = m.id;
  j["kind"] = module_kind_name(m.kind);
  if (m.number > 0) j["number"] = m.number;
  j["title"] = m.title;
  j["ects_title"] = m.ects_title;
  j["url"] = index.absolute(index.module_url(m.id));
  j["ects"] = m.ects;
  j["periods"] = m.periods;
  if (!m.periods_note.empty()) j["periods_note"] = m.periods_note;
  j["self_study_hours"] = m.self_study_hours;
  if (m.days > 0) j["days"] = m.days;
  if (m.training_moments > 0) j["training_moments"] = m.training_moments;
  if (m.elective_periods > 0) j["elective_periods"] = m.elective_periods;
  if (m.a_la_carte_min_periods > 0) j["a_la_carte_min_periods"] = m.a_la_carte_min_periods;
  j["outcomes"] = m.outcomes;
  Json comps = Json::array();
  for (const Ref& r : m.competencies) comps.push_back(r.id);
  j["competencies"] = comps;
  Json tasks = Json::array();
  for (const Task& t : m.tasks) {
    Json tj = {{"id", t.id}, {"title", t.title}, {"kind", t.kind}};
    if (!t.description.empty()) tj["description"] = t.description;
    tasks.push_back(tj);
  }
  j["tasks"] = tasks;
  return j;
}

Json competency_json(const Index& index, const Framework& fw, const std::string& code, const std::string& title,
                     const std::string& description, const std::vector<std::string>& criteria) {
  Json j = {{"code", code}, {"ref", fw.id + "/" + code}, {"title", title}};
  if (!description.empty()) j["description"] = description;
  if (!criteria.empty()) j["criteria"] = criteria;
  j["url"] = index.absolute(index.competency_url(fw.id + "/" + code));
  return j;
}

Json framework_json(const Index& index, const Framework& fw) {
  Json j = {{"id", fw.id}, {"title", fw.title}};
  if (!fw.short_title.empty()) j["short_title"] = fw.short_title;
  if (!fw.source.empty()) j["source"] = fw.source;
  if (!fw.source_url.empty()) j["source_url"] = fw.source_url;
  if (!fw.domain_label.empty()) j["domain_label"] = fw.domain_label;
  if (!fw.competency_label.empty()) j["competency_label"] = fw.competency_label;
  if (!fw.levels.empty()) j["levels"] = fw.levels;
  if (!fw.body.text.empty()) j["description"] = fw.body.text;
  j["url"] = index.absolute(index.framework_url(fw.id));
  Json domains = Json::array();
  for (const Domain& d : fw.domains) {
    Json dj = competency_json(index, fw, d.code, d.title, d.description, {});
    Json comps = Json::array();
    for (const Competency& c : d.competencies) {
      comps.push_back(competency_json(index, fw, c.code, c.title, c.description, c.criteria));
    }
    dj["competencies"] = comps;
    domains.push_back(dj);
  }
  j["domains"] = domains;
  return j;
}

}  // namespace

std::string catalogue_json(const Index& index) {
  const Site& site = index.site();
  Totals totals = compute_totals(site);
  Json j;
  j["format"] = "cartable-catalogue";
  j["version"] = 1;
  const Institution& inst = site.config.institution;
  j["site"] = {{"title", site.config.title}, {"base_url", site.config.base_url}, {"language", site.config.language},
               {"timezone", site.config.timezone},
               {"institution", {{"name", inst.name}, {"unit", inst.unit}, {"address", inst.address},
                                {"phone", inst.phone}, {"email", inst.email}, {"url", inst.url}}}};
  const Programme& p = site.programme;
  j["programme"] = {{"title", p.title},
                    {"subtitle", site.pages.empty() ? std::string() : site.pages[0].subtitle},
                    {"description", site.pages.empty() ? std::string() : site.pages[0].description},
                    {"kind", p.kind},
                    {"short_title", p.short_title},
                    {"cohort", p.cohort},
                    {"url", index.absolute(index.home_url())},
                    {"totals", {{"ects", totals.ects}, {"periods", totals.periods}, {"self_study_hours", totals.self_study_hours}}}};
  Json modules = Json::array();
  for (const Module& m : site.modules) modules.push_back(module_json(index, m));
  j["modules"] = modules;
  Json frameworks = Json::array();
  for (const Framework& fw : site.frameworks) frameworks.push_back(framework_json(index, fw));
  j["frameworks"] = frameworks;
  Json places = Json::array();
  for (const Place& pl : site.places) {
    places.push_back({{"id", pl.id}, {"name", pl.name}, {"short_name", pl.short_name}, {"address", pl.address}, {"online", pl.online}});
  }
  j["places"] = places;
  Json people = Json::array();
  for (const Person& pe : site.people) people.push_back({{"id", pe.id}, {"name", pe.name}, {"roles", pe.roles}});
  j["people"] = people;
  // Enough of the calendar to resolve session: links in portfolios.
  Json sessions = Json::array();
  for (const Session& s : site.sessions) {
    char start[20], end[20];
    std::snprintf(start, sizeof start, "%04d-%02d-%02d %02d:%02d", s.start.year, s.start.month, s.start.day, s.start.hour, s.start.minute);
    std::snprintf(end, sizeof end, "%04d-%02d-%02d %02d:%02d", s.end.year, s.end.month, s.end.day, s.end.hour, s.end.minute);
    sessions.push_back({{"id", s.id}, {"module", s.module.id}, {"title", s.title}, {"start", start}, {"end", end},
                        {"place", s.place.id}, {"status", session_status_name(s.status)}});
  }
  j["sessions"] = sessions;
  Json crosswalks = Json::array();
  for (const Crosswalk& c : site.crosswalks) {
    Json eq = Json::object();
    for (const auto& [from, to] : c.pairs) {
      Json list = Json::array();
      for (const Ref& t : to) list.push_back(t.id);
      eq[from.id] = list;
    }
    crosswalks.push_back({{"id", c.id}, {"equivalences", eq}});
  }
  j["crosswalks"] = crosswalks;
  return j.dump(2) + "\n";
}

std::string course_json_ld(const Index& index) {
  const Site& site = index.site();
  const Programme& p = site.programme;
  const Institution& inst = site.config.institution;
  Totals totals = compute_totals(site);
  Json provider = {{"@type", "CollegeOrUniversity"}, {"name", inst.name}};
  if (!inst.url.empty()) provider["url"] = inst.url;
  if (inst.address.size() >= 2) {
    // The last line is "<postcode> <locality>", as Swiss addresses are written.
    const std::string& last = inst.address.back();
    auto space = last.find(' ');
    provider["address"] = {{"@type", "PostalAddress"},
                           {"streetAddress", inst.address[inst.address.size() - 2]},
                           {"postalCode", last.substr(0, space)},
                           {"addressLocality", space == std::string::npos ? "" : last.substr(space + 1)},
                           {"addressCountry", "CH"}};
  }
  Json j = {{"@context", "https://schema.org"}, {"@type", "Course"}, {"name", p.kind + " " + p.title}};
  if (!p.short_title.empty()) j["courseCode"] = p.short_title;
  if (!site.pages.empty() && !site.pages[0].description.empty()) j["description"] = site.pages[0].description;
  j["url"] = index.absolute(index.home_url());
  j["inLanguage"] = site.config.language;
  j["provider"] = provider;
  if (!p.credential.empty()) j["educationalCredentialAwarded"] = p.credential;
  j["numberOfCredits"] = {{"@type", "StructuredValue"}, {"value", totals.ects}, {"unitText", "ECTS"}};
  Json parts = Json::array();
  for (const Module& m : site.modules) {
    Json part = {{"@type", "Course"}, {"name", m.title}, {"url", index.absolute(index.module_url(m.id))}};
    part["numberOfCredits"] = {{"@type", "StructuredValue"}, {"value", m.ects}, {"unitText", "ECTS"}};
    part["provider"] = {{"@type", "CollegeOrUniversity"}, {"name", inst.name}};
    parts.push_back(part);
  }
  j["hasPart"] = parts;
  return j.dump(2);
}

std::string escape_json_for_script(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<') {
      out += "\\u003c";
    } else {
      out += json[i];
    }
  }
  return out;
}

std::string sitemap_xml(const Index& index, const std::vector<std::string>& urls) {
  return sitemap_files(index, urls).front().second;
}

// sitemaps.org allows 50,000 URLs and 50 MB in one file: past that,
// sitemap.xml (what robots.txt names) becomes an index of numbered files.
// Their names depend only on the number of URLs, so a rebuild that adds
// or removes no page rewrites the same files.
std::vector<std::pair<std::string, std::string>> sitemap_files(const Index& index, const std::vector<std::string>& urls,
                                                               size_t max_urls, size_t max_bytes) {
  const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string open = head + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  const std::string close = "</urlset>\n";
  std::vector<std::pair<std::string, std::string>> files;
  std::string out = open;
  size_t in_file = 0;
  for (const std::string& u : urls) {
    std::string line = "  <url><loc>" + html_escape(index.absolute(u)) + "</loc></url>\n";
    if (in_file > 0 && (in_file == max_urls || out.size() + line.size() + close.size() > max_bytes)) {
      files.emplace_back("sitemap-" + std::to_string(files.size() + 1) + ".xml", out + close);
      out = open;
      in_file = 0;
    }
    out += line;
    ++in_file;
  }
  if (files.empty()) return {{"sitemap.xml", out + close}};
  files.emplace_back("sitemap-" + std::to_string(files.size() + 1) + ".xml", out + close);
  std::string list = head + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& [path, bytes] : files) {
    list += "  <sitemap><loc>" + html_escape(index.absolute(index.asset_url(path))) + "</loc></sitemap>\n";
  }
  list += "</sitemapindex>\n";
  files.insert(files.begin(), {"sitemap.xml", std::move(list)});
  return files;
}

std::string format_days(double days) {
  int whole = static_cast<int>(days);
  double frac = days - whole;
  std::string s = std::to_string(whole);
  if (frac > 0.49 && frac < 0.51) return whole == 0 ? "½" : s + "½";
  return format_number_fr(days);
}

}  // namespace cartable
