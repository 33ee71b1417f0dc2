// The page builder shared by the page families (page_*.cpp) and the route
// table (routes.cpp): view models filled from the index, rendered by the
// theme's templates. Internal to render/: nothing outside includes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <atomic>
#include <functional>
#include <thread>
#include <unordered_map>
#include <optional>
#include <mutex>
#include "base/text.h"
#include "index/deps.h"
#include "index/readiness.h"
#include "model/site_facts.h"
#include "render/markdown.h"
#include "calendar/event.h"
#include "calendar/timezone.h"
#include "render/render.h"

namespace cartable::pages {


struct Crumb {
  std::string label;
  std::string url;
};

// Breadcrumbs, shared: the twenty entry pages of a portfolio hold one copy.
class Crumbs {
 public:
  Crumbs() = default;
  Crumbs(std::initializer_list<Crumb> list) : items_(std::make_shared<const std::vector<Crumb>>(list)) {}
  bool empty() const { return !items_ || items_->empty(); }
  std::vector<Crumb>::const_iterator begin() const { return items_ ? items_->begin() : none().begin(); }
  std::vector<Crumb>::const_iterator end() const { return items_ ? items_->end() : none().end(); }

 private:
  static const std::vector<Crumb>& none() {
    static const std::vector<Crumb> empty;
    return empty;
  }
  std::shared_ptr<const std::vector<Crumb>> items_;
};

// What every page gives the layout.
struct PageMeta {
  std::string path;  // output file, e.g. "modules/m1/index.html"
  std::string url;   // site URL, e.g. "/modules/m1/"
  std::string title;
  std::string description;
  std::string section;  // which main-menu entry is current
  Crumbs crumbs;
  std::string json_ld;
  std::vector<std::string> scripts = {};  // site URLs of scripts, loaded with defer
  std::vector<std::string> styles = {};
  bool searchable = true;                 // indexed by Pagefind (not print views)
};

struct Job {
  PageMeta meta;
  std::function<std::string(TemplateSet&)> body;  // the page's main content
  bool is_page = true;  // false: `body` is the whole file (feeds), no layout
  // When set, fills `meta` past its path and URL, just before the page
  // renders: most of 500,000 entry pages are not rendered by a rebuild,
  // and their titles and breadcrumbs were half a gigabyte of strings.
  std::function<void(PageMeta&)> complete = nullptr;
  // How many jobs ahead of its place in the table it is started: a print
  // view renders the bodies its entry pages then take (offer_body), so it
  // goes before them, or most bodies were rendered twice.
  size_t lead = 0;
  // What the page depends on is not listed here: it is recorded while `body`
  // runs (index/deps.h).
};

class PageBuilder {
 public:
  PageBuilder(const Index& index, const Theme& theme, Diagnostics& diags, const RenderOptions& options)
      : tz_(TimeZone::find(index.site().config.timezone)), today_(build_today(tz_ ? &*tz_ : nullptr)), index_(index),
        site_(index.site()), theme_(theme), diags_(diags), options_(options) {}

  std::vector<Job> jobs();
  size_t expected_jobs() const;
  std::string layout(TemplateSet& tmpl, const PageMeta& meta, const std::string& body) const;

 private:
  Data base_data() const;
  Data module_summary(const Module& m) const;
  Data competency_item(const std::string& ref) const;
  Data framework_data(const Framework& fw) const;
  std::string markdown(TemplateSet& tmpl, const Markdown& md, bool trusted, std::vector<Heading>* headings = nullptr,
                       const Entry* entry = nullptr, const std::string& prefix = "") const;
  std::string directive(TemplateSet& tmpl, const std::string& name, const std::string& arg, const SourcePos& pos) const;

  std::string home(TemplateSet& tmpl) const;
  std::string page(TemplateSet& tmpl, const Page& p) const;
  std::string modules_index(TemplateSet& tmpl) const;
  std::string module_page(TemplateSet& tmpl, size_t i) const;
  std::string frameworks_index(TemplateSet& tmpl) const;
  std::string framework_page(TemplateSet& tmpl, const Framework& fw) const;
  std::string competency_page(TemplateSet& tmpl, const Framework& fw, const Domain& d, const Competency* c) const;
  Data totals_data() const;
  Data session_data(const Session& s) const;
  List session_list(const std::vector<const Session*>& sessions) const;
  std::string time_label(const LocalTime& start, const LocalTime& end) const;
  std::string date_label(const LocalTime& t) const;
  std::string calendar_page(TemplateSet& tmpl) const;
  std::string session_page(TemplateSet& tmpl, size_t i) const;
  std::string changes_page(TemplateSet& tmpl) const;
  std::string session_json_ld(const Session& s) const;
  Data portfolio_summary(const Portfolio& p) const;
  Data entry_summary(const Entry& e) const;
  Data entry_brief(const Entry& e) const;  // what a list shows of an entry
  Data coverage(const Portfolio& p) const;
  std::string portfolios_index(TemplateSet& tmpl) const;
  std::string portfolio_page(TemplateSet& tmpl, const Portfolio& p) const;
  std::string entry_page(TemplateSet& tmpl, const Entry& e) const;
  // Entry bodies are rendered once, by the print page of their portfolio,
  // whose job comes just before theirs: each entry page takes its own.
  // A page that misses (another thread got there first) renders it and
  // leaves a mark so the print page does not store it for nobody.
  // When pages record what they read, the keys the body's links recorded
  // go with it: they are dependencies of both pages.
  struct RenderedBody {
    std::string html;
    DepRecorder keys;
  };
  bool share_bodies() const { return !options_.only; }
  std::optional<RenderedBody> take_body(const Entry& e) const;
  void offer_body(const Entry& e, RenderedBody body) const;
  mutable std::mutex bodies_mutex_;
  mutable std::unordered_map<const Entry*, std::optional<RenderedBody>> bodies_;
  std::string file_size(uintmax_t bytes) const;
  // `compact`: participants and counts only, for competencies evidenced by
  // more entries than a page can usefully list.
  List evidence_groups(const std::string& ref, bool compact = false) const;
  bool experts() const { return site_.audience == Visibility::Experts; }
  Data readiness_data(const Portfolio& p, bool* ready = nullptr) const;
  Data validation_data(const EntryProgress& ep) const;
  // Experts only: every assessment of an entry, with assessor, date, feedback.
  List assessments_data(TemplateSet& tmpl, const Entry& e) const;
  // Experts only: the INSPÉ grid as the defence's evaluation form.
  Data defence_form() const;
  std::string duration_label(long minutes) const;
  // Whether this build says which entries trainers validated.
  bool shows_validation() const { return experts() || site_.config.public_validation; }
  std::string experts_page(TemplateSet& tmpl, int filter) const;
  std::string print_page(TemplateSet& tmpl, const Portfolio& p) const;
  std::string search_page(TemplateSet& tmpl) const;
  std::optional<TimeZone> tz_;
  LocalTime today_;  // the build's (timezone.h): sessions after it have not happened

  const Index& index_;
  const Site& site_;
  const Theme& theme_;
  Diagnostics& diags_;
  RenderOptions options_;
};

// Values are moved into place: a list of a thousand entries is never copied.
inline void set(Data& obj, const std::string& key, Data&& value) { obj.set(key, std::move(value)); }
inline void set(Data& obj, const std::string& key, List&& items) { obj.set(key, Data(std::move(items))); }

// How many of `entries` are drafts, for a count the preview labels
// (`draft_count`, false when none: builds drop drafts before indexing, so
// published pages never show it).
inline void set_draft_count(Data& d, const std::vector<const Entry*>& entries) {
  size_t drafts = 0;
  for (const Entry* e : entries) drafts += e->draft ? 1 : 0;
  if (drafts == 0) {
    d.set("draft_count", false);
  } else {
    d.set("draft_count", std::to_string(drafts));
  }
}

// Optional text: false when `value` is empty, since Mustache treats any
// string, even "", as true in a section, and templates test optional text
// with one. Never left unset: strict templates (theme.h) refuse a name a
// view model does not set, and an unset name would be looked up in the
// enclosing objects (a list item's missing `description` would show the
// page's).
inline void set_opt(Data& d, const std::string& key, const std::string& value) {
  if (value.empty()) {
    d.set(key, false);
  } else {
    d.set(key, value);
  }
}

// Past this many entries, a competency page lists participants, not
// entries, and a module page counts a task's entries instead of listing them.
constexpr size_t kEvidenceListLimit = 200;

inline std::string path_of(const std::string& url, const std::string& base_path) {
  std::string rel = url.substr(base_path.size());
  return rel + "index.html";
}

}  // namespace cartable::pages
