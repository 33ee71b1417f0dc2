// Index: the cross-links of a checked site. Every page's URL, and for each
// competency the modules that develop it (later: sessions, entries). Render
// asks the index; nothing else computes a URL.
#pragma once

#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "base/messages.h"
#include "model/model.h"

namespace cartable {

struct LinkTarget {
  std::string url;    // site-absolute, starts with the base path; empty when
                      // the target exists but is withheld from this audience
  std::string title;  // used when a link has no text of its own
};

// An entry that evidences a competency, directly or through a crosswalk.
struct Evidence {
  const Entry* entry = nullptr;
  bool equivalent = false;  // tagged with an equivalent competency
};

class Index {
 public:
  // `backlinks` false: URLs and link resolution only, for rendering one
  // entry's page at once in `serve` (no page of that kind reads backlinks).
  explicit Index(const Site& site, bool backlinks = true);

  const Site& site() const { return site_; }

  // URLs (all end with '/' except files).
  std::string home_url() const;
  std::string modules_url() const;
  std::string module_url(const std::string& id) const;
  // A task's anchor on its module's page, and its URL (site.yaml task_anchor).
  std::string task_anchor(const std::string& task) const;
  std::string task_url(const std::string& module, const std::string& task) const;
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
  std::string portfolios_url() const;                     // /portfolios/
  std::string portfolio_url(const std::string& slug) const;
  std::string entry_url(const Entry& e) const;            // /portfolios/<slug>/<entry>/
  std::string print_url(const std::string& slug) const;   // /portfolios/<slug>/impression/
  std::string search_url() const;                         // /recherche/
  // /experts/, and its filtered views: 1 ready, 2 not ready.
  std::string experts_url(int filter = 0) const;
  // The absolute form of a site URL, for sitemaps and JSON-LD.
  std::string absolute(const std::string& site_url) const;

  // Modules whose `competencies` name this ref, in programme order.
  const std::vector<const Module*>& modules_developing(const std::string& ref) const;
  // Sessions of a module, in chronological order.
  const std::vector<const Session*>& sessions_of(const std::string& module_id) const;
  // Sessions of the modules that develop a competency, chronological.
  std::vector<const Session*> sessions_developing(const std::string& ref) const;

  // Competencies a crosswalk declares equivalent to `ref` (either direction).
  const std::vector<std::string>& equivalents(const std::string& ref) const;
  // Entries evidencing `ref`, by date; each once, direct before equivalent.
  const std::vector<Evidence>& evidence_for(const std::string& ref) const;
  // A participant's evidence (own and coauthored entries), by competency,
  // in the order evidence_for() gives.
  std::map<std::string, std::vector<Evidence>> evidence_of(const std::string& slug) const;
  // Entries answering a module's task, by date.
  const std::vector<const Entry*>& entries_for_task(const std::string& module, const std::string& task) const;
  // A participant's entries: their own and those they coauthored, by date.
  const std::vector<const Entry*>& entries_of(const std::string& slug) const;
  // How many: a page that shows the count alone does not depend on each entry.
  size_t entry_count(const std::string& slug) const;
  // Owner then coauthors, as portfolios present in this build.
  std::vector<const Portfolio*> authors(const Entry& e) const;
  // The entry's kind, or its task's when the entry names none.
  std::string entry_kind(const Entry& e) const;
  const Task* task_of(const Entry& e) const;

  // Resolves "module:m1", "competency:rc-num-so/3.1", ... Returns nullopt and
  // fills `hint` when the kind is known but the id is not.
  std::optional<LinkTarget> resolve(LinkKind kind, const std::string& id, Text& hint) const;

 private:
  // The URL words of this site (site.yaml `urls:`); defaults in the comments above.
  const UrlSegments& urls() const { return site_.config.urls; }
  std::optional<LinkTarget> resolve_entry(const std::string& id, Text& hint) const;
  using EntryLists = std::unordered_map<std::string, std::vector<const Entry*>>;
  using EvidenceLists = std::unordered_map<std::string, std::vector<Evidence>>;
  void list_entry(const Entry& e, const Portfolio& p, EntryLists& by_task, EntryLists& by_author,
                  EvidenceLists& direct, EvidenceLists& equivalent) const;

  const Site& site_;
  std::map<std::string, std::vector<const Module*>> modules_by_competency_;
  std::map<std::string, std::vector<const Session*>> sessions_by_module_;
  std::unordered_map<std::string, std::vector<std::string>> equivalents_;
  EvidenceLists evidence_;
  EntryLists entries_by_task_;
  EntryLists entries_by_author_;
};

}  // namespace cartable
