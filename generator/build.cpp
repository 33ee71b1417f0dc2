#include "build.h"
#include "load/hep_records.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/filesystem.h"
#include "cache/cache.h"
#include "check/check.h"
#include "index/index.h"
#include "load/load.h"
#include "output/interrupt.h"
#include "output/out_guard.h"
#include "output/output.h"
#include "render/theme.h"
#include "search/pagefind.h"

namespace cartable {

namespace fs = std::filesystem;

namespace {

// CARTABLE_TRACE=1 prints the time spent since `start` after each phase.
struct PhaseClock {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool on = std::getenv("CARTABLE_TRACE") != nullptr;
  void lap(const char* what) const {
    if (!on) return;
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "  %7.1f ms  %6ld MB  %s\n", ms, resident_mb(), what);
  }
  static long resident_mb() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return resident * 4096 / (1024 * 1024);
  }
};

// The output guard (output/out_guard.h), before anything looks beside the
// output: site.yaml alone says which folders of the site may hold one (its
// own errors are reported by the full load).
bool output_allowed(const std::string& source, const std::string& out, Diagnostics& diags) {
  Diagnostics ignored;
  SiteConfig config = load_site_config(source, ignored);
  return check_output_folder(source, out, config.outputs, diags);
}

}  // namespace

BuildResult build_site(const BuildOptions& options, Diagnostics& diags) {
  BuildResult result;
  PhaseClock clock;
  if (options.write && !output_allowed(options.source, options.out, diags)) return result;
  auto disk = std::make_shared<DiskFileSystem>(options.source);
  std::string pagefind = options.write && options.search ? find_pagefind(options.source, options.pagefind) : std::string();
  // Nothing changed since the last build into this folder: nothing to do (cache/cache.h).
  std::string key = build_key(options.audience, !pagefind.empty(), pagefind);
  if (options.write && options.cache && options.previous_ics.empty() && inputs_unchanged(options.out, key, *disk, diags)) {
    clock.lap("inputs unchanged");
    result.ok = result.up_to_date = true;
    return result;
  }
  auto recording = std::make_shared<RecordingFileSystem>(disk);
  Site site = load_site(recording, options.source, diags, /*keep_entry_bodies=*/false, options.threads);
  clock.lap("loaded");
  if (site.config.base_url.empty() && diags.has_errors()) return result;  // not a site at all
  std::string previous_ics;
  bool has_previous = !options.previous_ics.empty() && read_file(options.previous_ics, previous_ics, diags);
  if (has_previous) fill_history_from_previous(site, previous_ics, diags);
  check_site(site, diags);
  clock.lap("checked");

  // From here on the site holds only what this audience may see.
  Visibility audience = Visibility::Public;
  parse_visibility(options.audience, audience);
  restrict_to_audience(site, audience);
  fingerprint_assessed_entries(site);

  Index index(site);
  clock.lap("indexed");
  Theme theme = load_site_theme(site, diags);
  TemplateSet validate(theme, &diags);
  // After the theme: the feed's titles and descriptions hold its words.
  if (has_previous) check_against_previous_feed(site, event_words(theme), previous_ics, options.previous_ics, diags);
  if (diags.has_errors()) return result;

  if (!options.write) {
    NullSink sink;
    result.stats = render_site(index, theme, sink, diags, {options.threads, false, nullptr, options.strict_templates});
    result.ok = !diags.has_errors();
    return result;
  }
  StagingDir::Options output_options;
  output_options.trust_manifest = options.cache;
  std::unique_ptr<StagingDir> staging = StagingDir::open(options.out, output_options, diags);
  if (!staging) return result;
  result.stats = render_site(index, theme, *staging, diags, {options.threads, !pagefind.empty(), nullptr, options.strict_templates});
  clock.lap("rendered");
  if (diags.has_errors()) return result;  // the old site stays
  bool complete = true;
  if (!pagefind.empty() && !index_site_for_search(pagefind, *staging, site.config.language, options.cache, diags)) {
    if (diags.has_errors()) return result;  // a full disk: the build fails, the old site stays
    // No index after all: the search page must say so.
    std::set<std::string> only = {"search"};
    render_site(index, theme, *staging, diags, {options.threads, false, &only});
    complete = false;  // the next build tries Pagefind again
  }
  clock.lap("indexed for search");
  staging->write(kOutputMarker, kOutputMarkerText);  // out_guard.h: the next build may replace this folder
  result.ok = staging->commit(diags);
  clock.lap("committed");
  if (result.ok && complete) {
    save_inputs(staging->state_path(), key, published_fingerprint(staging->out_path()), recording->records(), diags);
    clock.lap("inputs recorded");
  }
  return result;
}

}  // namespace cartable

// --- Workspace ---------------------------------------------------------------

namespace cartable {

struct Workspace::State {
  Site source;   // everything, as loaded: entries are reloaded into it
  Site visible;  // what the audience sees, kept in step with `source`
  Visibility audience = Visibility::Public;
  Theme theme;
};

Workspace::Workspace(BuildOptions options, bool keep_drafts) : options_(std::move(options)), keep_drafts_(keep_drafts) {}
Workspace::~Workspace() = default;

bool Workspace::build(Diagnostics& diags) {
  auto state = std::make_unique<State>();
  state->source = load_site(options_.source, diags, true, options_.threads);
  if (state->source.config.base_url.empty() && diags.has_errors()) return false;
  check_site(state->source, diags);
  if (diags.has_errors()) return false;
  state->theme = load_site_theme(state->source, diags);
  TemplateSet validate(state->theme, &diags);
  if (diags.has_errors()) return false;

  state->visible = state->source;
  parse_visibility(options_.audience, state->audience);
  restrict_to_audience(state->visible, state->audience, keep_drafts_);
  fingerprint_assessed_entries(state->visible);
  Index index(state->visible);
  if (!check_output_folder(options_.source, options_.out, state->source.config.outputs, diags)) return false;
  std::unique_ptr<StagingDir> staging = StagingDir::open(options_.out, diags);
  if (!staging) return false;
  render_site(index, state->theme, *staging, diags, {options_.threads, false, nullptr});
  staging->write(kOutputMarker, kOutputMarkerText);
  if (diags.has_errors() || !staging->commit(diags)) return false;
  state_ = std::move(state);
  return true;
}

namespace {

// The keys of the pages that show `e` (render.h, RenderOptions::only).
void entry_keys(const Site& site, const Entry& e, std::set<std::string>& keys) {
  keys.insert("entry:" + e.portfolio + "/" + e.slug);
  keys.insert("portfolio:" + e.portfolio);
  for (const Ref& c : e.coauthors) keys.insert("portfolio:" + c.id);
  keys.insert("task:" + e.module.id + "/" + e.task.id);
  keys.insert("portfolios");
  for (const Ref& r : e.competencies) {
    keys.insert("competency:" + r.id);
    for (const Crosswalk& cw : site.crosswalks) {
      for (const auto& [from, to] : cw.pairs) {
        bool is_from = from.id == r.id;
        for (const Ref& t : to) {
          if (is_from) keys.insert("competency:" + t.id);
          if (t.id == r.id) keys.insert("competency:" + from.id);
        }
      }
    }
  }
}

}  // namespace

bool Workspace::update(const std::vector<std::string>& changed, Diagnostics& diags, bool* incremental_out, size_t* pages) {
  bool handled = false;
  bool ok = state_ ? incremental(changed, diags, pages, &handled) : false;
  if (incremental_out) *incremental_out = handled;
  if (handled) {
    // After a failure the kept model may lack the broken entry: the next
    // change rebuilds everything, which reports it again until it is fixed.
    if (!ok) state_.reset();
    return ok;
  }
  return build(diags);
}

bool Workspace::incremental(const std::vector<std::string>& changed, Diagnostics& diags, size_t* pages, bool* handled) {
  Site& source = state_->source;
  PhaseClock clock;
  auto lap = [&](const char* what) { clock.lap(what); };
  // Only entries of existing portfolios can be rebuilt alone.
  struct Change {
    Portfolio* portfolio;
    std::string file;
  };
  std::vector<Change> changes;
  for (const std::string& path : changed) {
    fs::path p = fs::path(path).is_absolute() ? fs::relative(path, options_.source) : fs::path(path);
    p = p.lexically_normal();
    auto it = p.begin();
    if (p.extension() != ".md" || it == p.end() || *it != "portfolios" || std::distance(p.begin(), p.end()) != 3) return false;
    std::string dir = (++it)->string();
    Portfolio* portfolio = nullptr;
    for (Portfolio& candidate : source.portfolios) {
      if (fs::path(candidate.dir).filename() == dir) portfolio = &candidate;
    }
    if (!portfolio) return false;
    changes.push_back({portfolio, (fs::path(options_.source) / p).lexically_normal().string()});
  }
  if (changes.empty()) return false;
  *handled = true;

  std::set<std::string> keys;
  std::vector<std::string> touched;  // "owner/slug" of every changed entry
  Site& visible = state_->visible;
  auto by_date = [](const Entry& a, const Entry& b) { return a.date != b.date ? a.date < b.date : a.slug < b.slug; };
  auto drop = [](std::vector<Entry>& entries, const std::string& slug) {
    auto old = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.slug == slug; });
    if (old == entries.end()) return std::optional<Entry>();
    std::optional<Entry> e = std::move(*old);
    entries.erase(old);
    return e;
  };
  for (const Change& c : changes) {
    std::string slug = fs::path(c.file).stem().string();
    if (std::optional<Entry> old = drop(c.portfolio->entries, slug)) entry_keys(source, *old, keys);
    Portfolio* shown = nullptr;  // the same portfolio in the visible site, if the audience sees it
    for (Portfolio& p : visible.portfolios) {
      if (p.slug == c.portfolio->slug) shown = &p;
    }
    if (shown) drop(shown->entries, slug);
    touched.push_back(c.portfolio->slug + "/" + slug);
    keys.insert("entry:" + touched.back());
    std::error_code ec;
    if (fs::exists(c.file, ec)) {
      std::optional<Entry> fresh = load_entry_file(source, *c.portfolio, c.file, diags);
      if (fresh) {
        entry_keys(source, *fresh, keys);
        if (shown && visible_to(*c.portfolio, *fresh, state_->audience, keep_drafts_)) {
          shown->entries.push_back(*fresh);
          std::sort(shown->entries.begin(), shown->entries.end(), by_date);
        }
        c.portfolio->entries.push_back(std::move(*fresh));
      }
    }
    std::sort(c.portfolio->entries.begin(), c.portfolio->entries.end(), by_date);
    visible.withheld.erase("entry:" + touched.back());
    if (shown && !visible.find_entry(shown->slug, slug) && source.find_entry(c.portfolio->slug, slug)) {
      visible.withheld.insert("entry:" + touched.back());
    }
  }
  source.build_lookups();
  visible.build_lookups();
  // A changed entry may no longer be what its trainer validated.
  for (const std::string& t : touched) visible.entry_fingerprints.erase(t);
  fingerprint_assessed_entries(visible);
  lap("reloaded");
  if (diags.has_errors()) return false;
  check_site(source, diags);
  lap("checked");
  if (diags.has_errors()) return false;

  const Site& site = visible;
  // Entries whose text links to a changed one show its title.
  for (const Portfolio& p : site.portfolios) {
    for (const Entry& e : p.entries) {
      for (const std::string& t : touched) {
        if (e.body.text.find("entry:" + t) != std::string::npos) keys.insert("entry:" + p.slug + "/" + e.slug);
      }
    }
  }
  DirectoryWriter out(options_.out);
  // A changed entry's folder goes first: it may be gone, or its attachments
  // may have changed. Then its page, which its author is looking at: it
  // needs URLs and titles only, not the backlinks the full index computes.
  std::set<std::string> first;
  for (const std::string& id : touched) {
    out.remove((fs::path("portfolios") / id).string());
    first.insert("entry:" + id);
    keys.erase("entry:" + id);
  }
  RenderStats stats = render_site(Index(site, false), state_->theme, out, diags, {options_.threads, false, &first});
  lap("entry written");
  Index index(site);
  lap("indexed");
  RenderStats rest = render_site(index, state_->theme, out, diags, {options_.threads, false, &keys});
  lap("rendered");
  if (pages) *pages = stats.pages + rest.pages;
  return !diags.has_errors();
}

}  // namespace cartable
