// Check: the validation rules that need the whole model (references between
// files, unique ids, totals that must agree). Internal Markdown links are
// resolved, and so checked, by render, which parses the Markdown anyway.
#pragma once

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

void check_site(const Site& site, Diagnostics& diags);

// Compares the sessions with a previously published feed: a session whose
// time, place or status changed without a new history entry is an error,
// since subscribers' calendars would never learn of it (their copy keeps the
// old SEQUENCE). `path` names the feed in diagnostics.
void check_against_previous_feed(const Site& site, const std::string& ics, const std::string& path,
                                 Diagnostics& diags);

}  // namespace cartable
