// Check: the validation rules that need the whole model (references between
// files, unique ids, totals that must agree). Internal Markdown links are
// resolved, and so checked, by render, which parses the Markdown anyway.
#pragma once

#include "base/diagnostics.h"
#include "calendar/event.h"
#include "model/model.h"
#include "model/site_facts.h"  // Totals, compute_totals

namespace cartable {

void check_site(const Site& site, Diagnostics& diags);

// Compares the sessions with a previously published feed: a session whose
// time, place, status, title, speakers, description or URL changed without
// a new history entry is an error (imported copies update only when
// SEQUENCE grows, and the changes page would not say it); a session whose
// id changed is reported as renamed. `path` names the feed in diagnostics.
void check_against_previous_feed(const Site& site, const EventWords& words, const std::string& ics,
                                 const std::string& path, Diagnostics& diags);

// When a session moved since the published feed and its newest history
// entry has no `from:`, fills it in from the feed (so pages say « déplacée
// du … au … ») and warns with the line to add to keep it.
void fill_history_from_previous(Site& site, const std::string& ics, Diagnostics& diags);

}  // namespace cartable
