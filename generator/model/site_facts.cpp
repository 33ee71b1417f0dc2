#include "model/site_facts.h"

#include <algorithm>

#include "base/filesystem.h"
#include "base/source_text.h"

namespace cartable {

Totals compute_totals(const Site& site) {
  Totals t;
  for (const Module& m : site.modules) {
    t.ects += m.ects;
    t.periods += m.periods;
    t.self_study_hours += m.self_study_hours;
  }
  return t;
}

Markdown entry_body(const Site& site, const Entry& e, Diagnostics& diags) {
  if (!e.body_on_disk) return e.body;
  auto p = std::lower_bound(site.portfolios.begin(), site.portfolios.end(), e.portfolio,
                            [](const Portfolio& a, const std::string& slug) { return a.slug < slug; });
  if (p == site.portfolios.end() || p->slug != e.portfolio) {
    // Entries leave the site with their portfolio (restrict_to_audience).
    diags.error(e.body.start, tr("internal error: the portfolio '{1}' of this entry is not loaded", e.portfolio),
                tr("please report it to the HEP's support, with this message"));
    return {"", e.body.start};
  }
  std::string text;
  if (!read_text(*site.files, site.source_dir, join_path(p->folder, e.slug + ".md"), text, diags)) {
    return {"", e.body.start};
  }
  return {split_front_matter(text, e.body.start.path, diags).body, e.body.start};
}

const char* assessment_status_name(AssessmentStatus s) {
  switch (s) {
    case AssessmentStatus::Acquired: return "acquired";
    case AssessmentStatus::NotAcquired: return "not-acquired";
    case AssessmentStatus::ToRedo: return "to-redo";
  }
  return "";
}

bool parse_assessment_status(const std::string& text, AssessmentStatus& out) {
  for (auto s : {AssessmentStatus::Acquired, AssessmentStatus::NotAcquired, AssessmentStatus::ToRedo}) {
    if (text == assessment_status_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace cartable
