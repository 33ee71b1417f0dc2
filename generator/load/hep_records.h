// HEP-kept certification data: attendance, defences and confirmed
// à-la-carte courses (content/attendance.yaml), trainers' assessments
// (content/assessments/<module>.yaml). Personal data: loaded for every
// build so `check` validates it, dropped from the public build by
// restrict_to_audience before anything is rendered.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "model/model.h"
#include "model/site_facts.h"  // assessment_status_name, parse_assessment_status

namespace cartable {

// `shown_root` prefixes the paths in diagnostics (the source folder as typed).
void load_attendance(Site& site, const std::string& shown_root, Diagnostics& diags);
void load_assessments(Site& site, const std::string& shown_root, Diagnostics& diags);
// Fingerprints, as they are now, of the entries the assessments name
// (Site::entry_fingerprints). After portfolios and assessments are loaded.
void fingerprint_assessed_entries(Site& site);

// Cross-file rules: assessed entries, tasks, assessors (trainers),
// coauthors, absences' sessions, confirmed courses.
void check_hep_records(const Site& site, Diagnostics& diags);

}  // namespace cartable
