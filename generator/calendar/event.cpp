#include "calendar/event.h"

#include "calendar/timezone.h"

namespace cartable {

std::string site_host(const SiteConfig& config) {
  std::string host = config.base_url;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  return host.substr(0, host.find('/'));
}

std::string session_location(const Site& site, const Session& s) {
  const Place* p = site.find_place(s.place.id);
  if (!p) return s.place.id;
  if (p->online || p->address.empty()) return p->name;
  return p->name + ", " + p->address;
}

EventFacts event_facts(const Site& site, const Session& s) {
  EventFacts f;
  f.uid = s.id + "@" + site_host(site.config);
  f.dtstart = site.config.timezone + ":" + format_local_basic(s.start);
  f.dtend = site.config.timezone + ":" + format_local_basic(s.end);
  f.location = session_location(site, s);
  f.status = s.status == "cancelled" ? "CANCELLED" : s.status == "tentative" ? "TENTATIVE" : "CONFIRMED";
  f.sequence = static_cast<int>(s.history.size());
  return f;
}

}  // namespace cartable
