// The facts of a session as an iCalendar event: what the feeds publish and
// what `check --previous-ics` compares with an earlier feed. One function,
// so the two can never disagree about what a subscriber sees.
#pragma once

#include <string>
#include <vector>

#include "calendar/timezone.h"
#include "model/model.h"

namespace cartable {

// The theme's words that end up inside an event (calendar/ knows no theme).
struct EventWords {
  std::string module_label;      // "Module"
  std::string speakers_label;    // "Animation"
  std::string changed_label;     // "Modifié le"
  std::string cancelled_prefix;  // "Annulée : ", before a cancelled session's title
  std::string tentative_prefix;  // "À confirmer : "
};

struct EventFacts {
  std::string uid;       // <session-id>@<site host>: never changes
  std::string dtstart;   // "Europe/Zurich:20270313T090000"
  std::string dtend;
  std::string location;  // place name and address
  std::string status;    // CONFIRMED, TENTATIVE, CANCELLED
  // Cancelled time is free: Outlook ignores STATUS:CANCELLED and would keep
  // the slot busy, as Microsoft's own exports of cancelled meetings do not.
  std::string transp;    // OPAQUE, TRANSPARENT
  std::string summary;   // the title, prefixed when cancelled or tentative
  std::string speakers;  // "Nicolas Martignoni (HEP-BEJUNE); ..."
  std::string description;
  std::string url;       // the session's page
  std::string categories;  // already TEXT-escaped, comma-separated
  // SEQUENCE: one per history entry. Clients use it for copies they
  // imported or received as invitations (a higher one replaces theirs); a
  // subscription replaces every event on each refresh, whatever it says.
  int sequence = 0;
  UtcSeconds dtstamp = 0;        // the newest history date, else calendar.created
  UtcSeconds last_modified = 0;  // the newest history date, 0 when none
};

std::string site_host(const SiteConfig& config);
std::string session_location(const Site& site, const Session& s);
std::string session_speakers(const Site& site, const Session& s);
// The absolute URL of a session's page, as the index builds it.
std::string session_page_url(const SiteConfig& config, const std::string& id);
// The newest history date of a session, or nullopt.
std::optional<LocalTime> newest_change(const Session& s);
EventFacts event_facts(const Site& site, const Session& s, const EventWords& words);

}  // namespace cartable
