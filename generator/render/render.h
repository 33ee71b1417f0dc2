// Render: turns the indexed site into files (HTML pages from the theme's
// templates, sitemap.xml, api/catalogue.json), handing each to an output
// sink. Pages are independent jobs run in parallel, one template set per
// thread.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "calendar/event.h"
#include "index/deps.h"
#include "index/index.h"
#include "output/output.h"
#include "render/theme.h"

namespace cartable {

struct RenderStats {
  size_t pages = 0;
  size_t files = 0;
};

struct RenderOptions {
  unsigned threads = 0;         // 0: one per core
  bool search = false;          // a Pagefind index will be added after rendering
  // When set, render only the pages and feeds whose output path it accepts,
  // then the sitemap, the catalogue, the jury's table and the attachments of
  // the entries rendered: an incremental rebuild (build/build.h, Workspace).
  std::function<bool(const std::string& path)> only;
  // When set, receives the keys each rendered page read (index/deps.h),
  // numbered in its table.
  PageKeys* keys = nullptr;
  // When set, receives the path of every page, feed, sitemap and attachment
  // of the site, rendered or not: what a full build would write besides the
  // fixed files.
  std::vector<std::string>* produced = nullptr;
  // A template tag that no page of the build ever finds a value for is an
  // error (theme.h, TemplateUsage): catches typos in themes.
  bool strict_templates = false;
};

RenderStats render_site(const Index& index, const Theme& theme, OutputSink& sink, Diagnostics& diags,
                        const RenderOptions& options = {});

// Machine-readable views of the catalogue (render/catalogue.cpp).
std::string catalogue_json(const Index& index);
std::string course_json_ld(const Index& index);
std::string sitemap_xml(const Index& index, const std::vector<std::string>& urls);
// The sitemap files (output path, bytes), sitemap.xml first: one file, or,
// past the protocol's limits per file, an index of numbered ones.
std::vector<std::pair<std::string, std::string>> sitemap_files(const Index& index, const std::vector<std::string>& urls,
                                                               size_t max_urls = 50000,
                                                               size_t max_bytes = 52428800);

// The jury's table, /experts/certification.csv (render/certification_csv.cpp).
std::string certification_csv(const Index& index, const Theme& theme);

// Calendar feeds (render/feeds.cpp).
std::string ics_feed(const Index& index, const Theme& theme, const std::vector<const Session*>& sessions,
                     const std::string& name, const std::string& feed_url);
std::string atom_changes(const Index& index, const Theme& theme);
// The theme's words inside events (prefixes of cancelled and tentative
// sessions, labels of the description).
EventWords event_words(const Theme& theme);
// « samedi 12 juin 2027, 09h00–16h45 (SDE) »
std::string slot_label(const Site& site, const Theme& theme, const LocalTime& start, const LocalTime& end,
                       const std::string& place_id);
// A change of time or place recorded by a history entry's `from:`.
struct Move {
  size_t entry = 0;        // index in the session's history
  std::string from, to;    // slot labels
  LocalTime from_start;
  std::string text;        // « Déplacée du … au … »
};
// Newest first.
std::vector<Move> session_moves(const Site& site, const Theme& theme, const Session& s);
// Ways to subscribe to a feed: its https URL (to copy), webcal://, and the
// add-by-URL pages of Google Agenda and Outlook.
struct Subscription {
  std::string https, webcal, google, outlook;
};
Subscription subscription_links(const Index& index, const std::string& feed_url, const std::string& name);
// « 12 heures » for PT12H (calendar.refresh of site.yaml).
std::string refresh_label(const Theme& theme, const std::string& duration);
// XML text: escaped, without control characters.
std::string xml_escape(const std::string& text);

// Makes JSON safe inside <script>: "</" cannot close the element.
std::string escape_json_for_script(const std::string& json);

// "3½" for 3.5 days, as the programme prints it.
std::string format_days(double days);

}  // namespace cartable
