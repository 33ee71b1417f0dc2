// Facts computed from a loaded Site alone, which several stages need: check
// compares the totals with the programme's, render shows them; an entry's
// text read again from its file after loading dropped it; the names of
// assessment statuses, as files and templates write them.
#pragma once

#include <string>

#include "base/diagnostics.h"
#include "model/model.h"

namespace cartable {

// Sums over the modules, so pages never show a number typed twice.
struct Totals {
  double ects = 0;
  int periods = 0;
  int self_study_hours = 0;
};
Totals compute_totals(const Site& site);

// An entry's Markdown: the loaded text, or read again from its file.
Markdown entry_body(const Site& site, const Entry& e, Diagnostics& diags);

const char* assessment_status_name(AssessmentStatus s);  // "acquired", "not-acquired", "to-redo"
bool parse_assessment_status(const std::string& text, AssessmentStatus& out);

}  // namespace cartable
