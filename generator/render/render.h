// Render: turns the indexed site into files (HTML pages from the theme's
// templates, sitemap.xml, api/catalogue.json), handing each to an output
// sink. Pages are independent jobs run in parallel, one template set per
// thread.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.h"
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
  // When set, render only the pages that depend on one of these keys
  // ("entry:x/y", "portfolio:x", "competency:ref", "task:m/t", "portfolios"),
  // the sitemap and those entries' attachments: an incremental rebuild.
  const std::set<std::string>* only = nullptr;
};

RenderStats render_site(const Index& index, const Theme& theme, OutputSink& sink, Diagnostics& diags,
                        const RenderOptions& options = {});

// Machine-readable views of the catalogue (render/catalogue.cpp).
std::string catalogue_json(const Index& index);
std::string course_json_ld(const Index& index);
std::string sitemap_xml(const Index& index, const std::vector<std::string>& urls);

// Calendar feeds (render/feeds.cpp).
std::string ics_feed(const Index& index, const Theme& theme, const std::vector<const Session*>& sessions,
                     const std::string& name, const std::string& feed_url);
std::string atom_changes(const Index& index, const Theme& theme);
// DTSTAMP of every event: SOURCE_DATE_EPOCH when set, else the newest date in
// the sources (calendar.created, history), never the clock.
int64_t feed_timestamp(const Site& site);

// Makes JSON safe inside <script>: "</" cannot close the element.
std::string escape_json_for_script(const std::string& json);

// "3½" for 3.5 days, as the programme prints it.
std::string format_days(double days);

}  // namespace cartable
