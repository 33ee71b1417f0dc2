// The facts of a session as an iCalendar event: what the feed publishes and
// what `check --previous-ics` compares with an earlier feed. One function,
// so the two can never disagree about what changed.
#pragma once

#include <string>

#include "model/model.h"

namespace cartable {

struct EventFacts {
  std::string uid;       // <session-id>@<site host>: never changes
  std::string dtstart;   // "Europe/Zurich:20270313T090000"
  std::string dtend;
  std::string location;  // place name and address
  std::string status;    // CONFIRMED, TENTATIVE, CANCELLED
  int sequence = 0;      // one per history entry
};

std::string site_host(const SiteConfig& config);
std::string session_location(const Site& site, const Session& s);
EventFacts event_facts(const Site& site, const Session& s);

}  // namespace cartable
