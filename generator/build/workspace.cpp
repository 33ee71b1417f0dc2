// The Workspace (build/build.h): a site kept in memory by `serve`, rebuilt after
// each edit by rendering only the pages that read what changed.
#include <algorithm>
#include <filesystem>

#include "build/build.h"
#include "check/check.h"
#include "index/index.h"
#include "load/hep_records.h"
#include "load/load.h"
#include "output/out_guard.h"
#include "output/output.h"
#include "build/rebuild.h"
#include "render/theme.h"
#include "build/trace.h"

namespace cartable {

namespace fs = std::filesystem;

struct Workspace::State {
  Site source;   // everything, as loaded
  Site visible;  // what the audience sees, kept in step with `source`
  Visibility audience = Visibility::Public;
  Theme theme;
  PageKeys keys;                   // what each page read when last rendered
  SiteDigests digests;             // of `visible`, as those pages saw it
  std::set<std::string> produced;  // pages, feeds and attachments in the output
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
  RenderOptions render;
  render.threads = options_.threads;
  std::vector<std::string> produced;
  render.keys = &state->keys;
  render.produced = &produced;
  render_site(index, state->theme, *staging, diags, render);
  staging->write(kOutputMarker, kOutputMarkerText);
  if (diags.has_errors() || !staging->commit(diags)) return false;
  state->digests = digest_site(index, *state->keys.table);
  state->produced.insert(produced.begin(), produced.end());
  last_rendered_.clear();
  for (const auto& [path, keys] : state->keys.pages) last_rendered_.push_back(path);
  std::sort(last_rendered_.begin(), last_rendered_.end());
  state_ = std::move(state);
  return true;
}

bool Workspace::update(const std::vector<std::string>& changed, Diagnostics& diags, bool* incremental_out, size_t* pages) {
  bool handled = false;
  bool ok = state_ ? incremental(changed, diags, pages, &handled) : false;
  if (incremental_out) *incremental_out = handled;
  if (handled) {
    // After a failure the kept model may lack the broken file: the next
    // change rebuilds everything, which reports it again until it is fixed.
    if (!ok) state_.reset();
    return ok;
  }
  bool built = build(diags);
  if (pages) *pages = last_rendered_.size();
  return built;
}

namespace {

// An edited entry's page, which its author is looking at.
std::string entry_page_path(const std::string& portfolio_and_entry) {
  return "portfolios/" + portfolio_and_entry + "/index.html";
}

// Removes a file the site no longer has, and the folders it leaves empty.
void remove_output(const std::string& out, const std::string& path) {
  DirectoryWriter(out).remove(path);
  std::error_code ec;
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    fs::path full = fs::path(out) / dir;
    if (!fs::is_directory(fs::symlink_status(full, ec)) || !fs::is_empty(full, ec)) break;
    fs::remove(full, ec);
  }
}

}  // namespace

bool Workspace::incremental(const std::vector<std::string>& changed, Diagnostics& diags, size_t* pages, bool* handled) {
  // What the edited files are decides how much is loaded again.
  std::vector<std::string> entry_files, attachments;
  bool entries_only = true;
  for (const std::string& path : changed) {
    fs::path p = fs::path(path).is_absolute() ? fs::relative(path, options_.source) : fs::path(path);
    std::string rel = p.lexically_normal().generic_string();
    SourceChange c = classify(rel);
    if (c.kind == SourceKind::Global) return false;
    if (c.kind == SourceKind::Attachment) attachments.push_back(rel);
    bool known_portfolio = std::any_of(state_->source.portfolios.begin(), state_->source.portfolios.end(),
                                       [&](const Portfolio& f) { return fs::path(f.dir).filename() == c.folder; });
    if (c.kind == SourceKind::Entry && known_portfolio) {
      entry_files.push_back(rel);
    } else {
      entries_only = false;
    }
  }
  if (changed.empty()) return false;
  *handled = true;
  PhaseClock clock;
  std::vector<std::string> touched;  // "portfolio/entry" of the edited entries
  if (entries_only ? !reload_entries(entry_files, diags, touched) : !reload_site(diags)) return false;
  clock.lap("reloaded");

  const Site& site = state_->visible;
  DirectoryWriter out(options_.out);
  PageKeys fresh;
  fresh.table = state_->keys.table;
  KeyTable& table = *state_->keys.table;
  size_t rendered = 0;
  // The edited entries' own pages first: their authors look at them, and
  // they need URLs and titles, not the backlinks the full index computes.
  std::set<std::string> first;
  for (const std::string& t : touched) first.insert(entry_page_path(t));
  if (!first.empty()) {
    RenderOptions early;
    early.threads = options_.threads;
    early.only = [&](const std::string& path) { return first.count(path) > 0; };
    early.keys = &fresh;
    rendered += render_site(Index(site, false), state_->theme, out, diags, early).pages;
    clock.lap("entry written");
  }
  Index index(site);
  SiteDigests digests = digest_site(index, table);
  ChangedKeys keys = changed_keys(state_->digests, digests);
  // An attachment's bytes are not in the model: the entries that list it
  // (and the portfolio whose attestation it is) are what changed.
  for (const std::string& file : attachments) {
    for (const Portfolio& p : site.portfolios) {
      for (const Entry& e : p.entries) {
        for (const Attachment& a : e.attachments) {
          if (a.source_path == file) mark_changed(table, keys, "entry:" + p.slug + "/" + e.slug);
        }
      }
      for (const AlaCarteCourse& c : p.a_la_carte) {
        if (c.attestation.source_path == file) mark_changed(table, keys, "portfolio:" + p.slug);
      }
    }
  }
  clock.lap("indexed");
  std::optional<uint32_t> structure = table.find("structure");
  if (!structure || is_changed(keys, *structure)) {
    *handled = false;  // what every page iterates changed: a full build
    return false;
  }
  RenderOptions rest;
  rest.threads = options_.threads;
  rest.only = [&](const std::string& path) { return !first.count(path) && needs_render(path, state_->keys, keys); };
  rest.keys = &fresh;
  std::vector<std::string> produced;
  rest.produced = &produced;
  rendered += render_site(index, state_->theme, out, diags, rest).pages;
  clock.lap("rendered");
  if (diags.has_errors()) return false;

  std::set<std::string> now(produced.begin(), produced.end());
  for (const std::string& path : state_->produced) {
    if (now.count(path)) continue;
    remove_output(options_.out, path);
    state_->keys.pages.erase(path);
  }
  last_rendered_.clear();
  for (auto& [path, read] : fresh.pages) {
    last_rendered_.push_back(path);
    state_->keys.pages[path] = std::move(read);
  }
  std::sort(last_rendered_.begin(), last_rendered_.end());
  state_->produced = std::move(now);
  state_->digests = std::move(digests);
  if (pages) *pages = rendered;
  return true;
}

bool Workspace::reload_site(Diagnostics& diags) {
  Site source = load_site(options_.source, diags, true, options_.threads);
  if (diags.has_errors()) return false;
  check_site(source, diags);
  if (diags.has_errors()) return false;
  Site visible = source;
  restrict_to_audience(visible, state_->audience, keep_drafts_);
  fingerprint_assessed_entries(visible);
  state_->source = std::move(source);
  state_->visible = std::move(visible);
  return true;
}

// Only entries of existing portfolios changed: they alone are read again.
bool Workspace::reload_entries(const std::vector<std::string>& files, Diagnostics& diags, std::vector<std::string>& touched) {
  Site& source = state_->source;
  Site& visible = state_->visible;
  auto by_date = [](const Entry& a, const Entry& b) { return a.date != b.date ? a.date < b.date : a.slug < b.slug; };
  auto drop = [](std::vector<Entry>& entries, const std::string& slug) {
    auto old = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.slug == slug; });
    if (old != entries.end()) entries.erase(old);
  };
  for (const std::string& rel : files) {
    SourceChange c = classify(rel);
    Portfolio* portfolio = nullptr;
    for (Portfolio& candidate : source.portfolios) {
      if (fs::path(candidate.dir).filename() == c.folder) portfolio = &candidate;
    }
    Portfolio* shown = nullptr;  // the same portfolio in the visible site, if the audience sees it
    for (Portfolio& p : visible.portfolios) {
      if (p.slug == portfolio->slug) shown = &p;
    }
    drop(portfolio->entries, c.id);
    if (shown) drop(shown->entries, c.id);
    touched.push_back(portfolio->slug + "/" + c.id);
    std::string file = (fs::path(options_.source) / rel).lexically_normal().string();
    std::error_code ec;
    if (fs::exists(file, ec)) {
      std::optional<Entry> fresh = load_entry_file(source, *portfolio, file, diags);
      if (fresh) {
        if (shown && visible_to(*portfolio, *fresh, state_->audience, keep_drafts_)) {
          shown->entries.push_back(*fresh);
          std::sort(shown->entries.begin(), shown->entries.end(), by_date);
        }
        portfolio->entries.push_back(std::move(*fresh));
      }
    }
    std::sort(portfolio->entries.begin(), portfolio->entries.end(), by_date);
    visible.withheld.erase("entry:" + touched.back());
    if (shown && !visible.find_entry(shown->slug, c.id) && source.find_entry(portfolio->slug, c.id)) {
      visible.withheld.insert("entry:" + touched.back());
    }
  }
  source.build_lookups();
  visible.build_lookups();
  // A changed entry may no longer be what its trainer validated.
  for (const std::string& t : touched) visible.entry_fingerprints.erase(t);
  fingerprint_assessed_entries(visible);
  if (diags.has_errors()) return false;
  check_site(source, diags);
  return !diags.has_errors();
}

}  // namespace cartable
