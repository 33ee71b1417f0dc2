// Index: the cross-links of a checked site. Every page's URL, and for each
// competency the modules that develop it (later: sessions, entries). Render
// asks the index; nothing else computes a URL.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"

namespace cartable {

struct LinkTarget {
  std::string url;    // site-absolute, starts with the base path
  std::string title;  // used when a link has no text of its own
};

// What an internal link can name: "<kind>:<id>".
extern const std::vector<std::string> kLinkKinds;

class Index {
 public:
  explicit Index(const Site& site);

  const Site& site() const { return site_; }

  // URLs (all end with '/' except files).
  std::string home_url() const;
  std::string modules_url() const;
  std::string module_url(const std::string& id) const;
  std::string frameworks_url() const;
  std::string framework_url(const std::string& id) const;
  std::string competency_url(const std::string& ref) const;  // "fw/code"
  std::string page_url(const std::string& id) const;
  std::string asset_url(const std::string& path) const;
  std::string calendar_url() const;                          // /calendrier/
  std::string calendar_feed_url() const;                     // /calendrier.ics
  std::string changes_url() const;                           // /calendrier/modifications/
  std::string changes_feed_url() const;                      // .../atom.xml
  std::string module_feed_url(const std::string& id) const;  // /modules/<id>/calendrier.ics
  std::string session_url(const std::string& id) const;      // /seances/<id>/
  std::string session_ics_url(const std::string& id) const;  // /seances/<id>/<id>.ics
  // webcal:// form of a feed URL, which calendar apps open as a subscription.
  std::string webcal(const std::string& site_url) const;
  // The absolute form of a site URL, for sitemaps and JSON-LD.
  std::string absolute(const std::string& site_url) const;

  // Modules whose `competencies` name this ref, in programme order.
  const std::vector<const Module*>& modules_developing(const std::string& ref) const;
  // Sessions of a module, in chronological order.
  const std::vector<const Session*>& sessions_of(const std::string& module_id) const;
  // Sessions of the modules that develop a competency, chronological.
  std::vector<const Session*> sessions_developing(const std::string& ref) const;

  // Resolves "module:m1", "competency:rc-num-so/3.1", ... Returns nullopt and
  // fills `hint` when the kind is known but the id is not.
  std::optional<LinkTarget> resolve(const std::string& kind, const std::string& id, std::string& hint) const;

 private:
  const Site& site_;
  std::map<std::string, std::vector<const Module*>> modules_by_competency_;
  std::map<std::string, std::vector<const Session*>> sessions_by_module_;
};

}  // namespace cartable
