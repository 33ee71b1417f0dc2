#include "build/build.h"
#include "load/hep_records.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <set>
#include <unordered_set>

#include "base/text.h"
#include "base/filesystem.h"
#include "cache/cache.h"
#include "cache/check_folder.h"
#include "cache/page_log.h"
#include "check/check.h"
#include "index/index.h"
#include "load/load.h"
#include "output/interrupt.h"
#include "output/out_guard.h"
#include "output/manifest.h"
#include "output/output.h"
#include "build/rebuild.h"
#include "render/theme.h"
#include "search/pagefind.h"
#include "build/trace.h"

namespace cartable {

namespace fs = std::filesystem;

namespace {

// The output guard (output/out_guard.h), before anything looks beside the
// output: site.yaml alone says which folders of the site may hold one (its
// own errors are reported by the full load).
bool output_allowed(const std::string& source, const std::string& out, Diagnostics& diags) {
  Diagnostics ignored;
  SiteConfig config = load_site_config(source, ignored);
  return check_output_folder(source, out, config.outputs, diags);
}

// What this build can take from the previous one (cache/page_log.h): the
// pages it rendered and what they read, the files it published.
struct Reuse {
  bool on = false;
  PageLog log;
  ChangedKeys changed;  // by key number: data that differ since
  OutputFiles published;  // the live tree's manifest
};

// The digest of an entry's text that one-shot builds do not keep: its
// file's content hash, as this build read it or as the previous build did
// (an entry taken from its record). Only the files read are looked up:
// at 500,000 entries a map of every file was a tenth of a one-entry rebuild.
BodyDigest file_digests(const RecordingFileSystem& recording, const Site& site) {
  struct Files {
    std::vector<InputRecord> read;  // by this build
    std::unordered_map<std::string_view, uint64_t> hashes;
  };
  auto files = std::make_shared<Files>();
  files->read = recording.records();
  files->hashes.reserve(files->read.size());
  for (const InputRecord& r : files->read) {
    if (r.kind == 'F') files->hashes[r.path] = r.hash.low;
  }
  return [files, &site](const Entry& e) -> uint64_t {
    if (e.recorded_hash != 0) return e.recorded_hash;
    const Portfolio* p = site.find_portfolio(e.portfolio);
    auto it = p ? files->hashes.find(join_path(p->folder, e.slug + ".md")) : files->hashes.end();
    return it == files->hashes.end() ? 0 : it->second;
  };
}

// Where a run keeps what the next one reuses: beside the output for a
// build; for a check, the folder given with `check --cache`, whose records
// name no tree (kCheckTree).
struct CacheFolder {
  std::string state;
  bool check = false;
  // What the record must name: the tree published in `out`, as it is now.
  std::string tree(const std::string& out) const { return check ? std::string(kCheckTree) : published_fingerprint(out); }
};

// The previous run's page log, when its output is still the live site (a
// build) and no source that every page may show changed.
bool read_previous_log(const PreviousBuild& previous, const BuildOptions& options, const CacheFolder& folder,
                       Reuse& r) {
  if (!previous.usable) return false;
  for (const std::string& path : previous.changed) {
    if (classify(path).kind == SourceKind::Global) return false;  // site.yaml, the theme, the programme...: every page
  }
  return load_page_log(folder.state, r.log) && r.log.tree == folder.tree(options.out) &&
         (folder.check || published_manifest(options.out, r.published));
}

// Which keys changed since that log (`digests` numbered in its table).
bool plan_reuse(const PreviousBuild& previous, const SiteDigests& digests, const Site& site, Reuse& r) {
  r.changed = changed_keys(r.log.digests, digests);
  KeyTable& keys = *r.log.pages.table;
  std::optional<uint32_t> structure = keys.find("structure");
  if (!structure || is_changed(r.changed, *structure)) return false;
  std::vector<std::string> attachments;
  for (const std::string& path : previous.changed) {
    if (classify(path).kind == SourceKind::Attachment) attachments.push_back(path);
  }
  // An attachment's bytes are not in the model: the entries that list it
  // (and the portfolio whose attestation it is) are what changed.
  for (const Portfolio& p : site.portfolios) {
    for (const Entry& e : p.entries) {
      for (const Attachment& a : e.attachments) {
        if (std::count(attachments.begin(), attachments.end(), a.source_path)) mark_changed(keys, r.changed, "entry:" + p.slug + "/" + e.slug);
      }
    }
    for (const AlaCarteCourse& c : p.a_la_carte) {
      if (std::count(attachments.begin(), attachments.end(), c.attestation.source_path)) mark_changed(keys, r.changed, "portfolio:" + p.slug);
    }
  }
  return true;
}

// Opened while the site loads (build_site).
struct EarlyOutput {
  std::unique_ptr<StagingDir> staging;
  std::vector<Diagnostic> diags;
  bool previous_log = false;  // the Reuse's log was read
};

// After rendering what changed, the pages not rendered again keep what
// they read. Those no longer produced are gone: listed in `*gone`, if
// given, as views into the previous log's list.
void keep_page_lists(Reuse& reuse, const std::vector<std::string>& produced, PageKeys& keys,
                     std::unordered_set<std::string_view>* gone = nullptr) {
  // Most rebuilds add and remove no page: the same list, in the same order,
  // and no set of 550,000 paths to build and look up three times.
  bool same_pages = produced == reuse.log.produced;
  std::unordered_set<std::string_view> now;
  if (!same_pages) {
    now.insert(produced.begin(), produced.end());
    for (const std::string& path : reuse.log.produced) {
      if (gone && !now.count(path)) gone->insert(path);
    }
  }
  // The previous lists, less the pages gone, with the pages rendered now.
  auto& kept = reuse.log.pages.pages;
  for (auto it = kept.begin(); !same_pages && it != kept.end();) it = now.count(it->first) ? std::next(it) : kept.erase(it);
  for (auto& [path, read] : keys.pages) kept[path] = std::move(read);
  keys.pages.swap(kept);
}

// The same for a build: every other file stays as published.
void keep_the_rest(StagingDir& staging, Reuse& reuse, const std::vector<std::string>& produced, PageKeys& keys) {
  std::unordered_set<std::string_view> gone;
  keep_page_lists(reuse, produced, keys, &gone);
  // Pagefind's files are the indexer's to bring up to date.
  staging.keep_known(std::move(reuse.published), staging.out_path(),
                     [&](const std::string& path) { return gone.count(path) || path.rfind("pagefind/", 0) == 0; });
}

std::string hex_of(ContentHash h) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", h.high, h.low);
  return buf;
}

// An entry or portfolio of the source record may be reused when its file
// (or listing) is unchanged since the last build, which read it with the
// same content hash.
EntryCache::Unchanged unchanged_since(const PreviousBuild& previous) {
  return [&previous](char kind, const std::string& path, const SourceHash& hash) {
    if (std::binary_search(previous.changed.begin(), previous.changed.end(), path)) return false;
    const InputRecord* r = find_record(previous.records, kind, path);
    return r && r->hash.high == hash.high && r->hash.low == hash.low;
  };
}

EntryCache::HashOf hash_in(const std::vector<InputRecord>& records) {
  return [&records](char kind, const std::string& path) -> std::optional<SourceHash> {
    const InputRecord* r = find_record(records, kind, path);
    if (!r || r->hash == ContentHash{}) return std::nullopt;
    return SourceHash{r->hash.high, r->hash.low};
  };
}

// BuildOptions::exit_after: moved to the heap and never freed. Sanitized
// builds free them, so that a leak check still sees real leaks.
template <typename... T>
void leave_to_exit(T&... values) {
#if !defined(__SANITIZE_ADDRESS__)
  (static_cast<void>(new T(std::move(values))), ...);
#endif
}

}  // namespace

BuildResult build_site(const BuildOptions& options, Diagnostics& diags) {
  BuildResult result;
  PhaseClock clock;
  if (options.write && !output_allowed(options.source, options.out, diags)) return result;
  auto disk = std::make_shared<DiskFileSystem>(options.source);
  std::string pagefind = options.write && options.search ? find_pagefind(options.source, options.pagefind) : std::string();
  // Nothing changed since the last build into this folder: nothing to do;
  // else only what changed is rendered again (cache/cache.h, page_log.h).
  std::string key = build_key(options.audience, !pagefind.empty(), pagefind);
  CacheFolder folder{options.write ? state_folder_of(options.out) : options.check_cache, !options.write};
  if (folder.check) key += " check";  // a build's record is never a check's, nor the reverse
  // A check keeps its record only in a folder of its own, held for the run.
  CheckFolder check_folder;  // held until the check ends
  if (folder.check && !folder.state.empty()) {
    if (!check_folder.open(folder.state, options.source, diags)) return result;
    folder.state = check_folder.path();
  }
  bool record = options.write || !folder.state.empty();  // what this run did, for the next one
  bool cache = record && options.cache;  // what the last one did, for this one
  // The published feed decides the sessions' history and its checks: its
  // bytes are an input, recorded beside the key.
  std::string previous_ics;
  bool has_previous = !options.previous_ics.empty() && read_file(options.previous_ics, previous_ics, diags);
  std::string feed = has_previous ? " feed " + hex_of(hash_content(previous_ics)) : "";
  // A site restored from a CI cache: its manifests are named after its old inodes.
  if (cache && !folder.check) adopt_restored_tree(options.out, RestoredTree::Live);
  // After a fresh checkout, git's index says which sources hold the bytes
  // the last build read. An index unchanged since then could say nothing
  // new (git_index.h): not read.
  std::string git_stamp = record ? GitIndex::stamp_of(*disk) : std::string();
  std::shared_ptr<const GitIndex> git;
  auto read_git_index = [&] {
    git = std::make_shared<const GitIndex>(GitIndex::of_checkout(*disk));
    clock.lap(("git index read (" + std::to_string(git->size()) + " files)").c_str());
  };
  auto git_for = [&](std::string_view recorded) -> const GitIndex* {
    if (!git_stamp.empty() && recorded != git_stamp) read_git_index();
    return git.get();
  };
  PreviousBuild previous = cache ? replay_inputs(folder.state, folder.tree(options.out), key, *disk, git_for) : PreviousBuild{};
  if (!previous.usable && !git_stamp.empty() && !git) read_git_index();  // every source is read: their blobs are named
  if (previous.usable && previous.changed.empty() && previous.feed == feed && !diags.has_errors() &&
      (folder.check || check_adopted_live_tree(options.out))) {
    for (Diagnostic& d : previous.warnings) diags.add(std::move(d));
    if (options.stage) stage_unchanged(options.out);  // the live site is this build already
    clock.lap("inputs unchanged");
    result.ok = result.up_to_date = true;
    return result;
  }
  clock.lap(("previous inputs looked at (" + std::to_string(previous.read_again) + " files read again, " +
             std::to_string(previous.vouched) + " vouched for by git)")
                .c_str());
  // While the site loads, another thread opens the idle copy and reads the
  // previous build's page log: neither depends on the sources.
  Reuse reuse;
  std::future<EarlyOutput> early = std::async(std::launch::async, [&] {
    EarlyOutput e;
    if (!options.write) {
      e.previous_log = cache && read_previous_log(previous, options, folder, reuse);
      return e;
    }
    if (cache) adopt_restored_tree(options.out, RestoredTree::Idle);
    StagingDir::Options output_options;
    output_options.trust_manifest = options.cache;
    Diagnostics reported;
    e.staging = StagingDir::open(options.out, output_options, reported);
    e.diags = reported.sorted();
    e.previous_log = cache && e.staging && read_previous_log(previous, options, folder, reuse);
    return e;
  });
  auto recording = std::make_shared<RecordingFileSystem>(disk, git);
  // Entries whose file did not change since the last build are not read.
  std::string entries_key = key + " " + options.source;
  std::unique_ptr<EntryCache> entries = record && previous.usable
                                            ? std::make_unique<EntryCache>(folder.state, entries_key,
                                                                           unchanged_since(previous))
                                            : std::make_unique<EntryCache>();
  clock.lap("entry record read");
  Site site = load_site(recording, options.source, diags, /*keep_entry_bodies=*/false, options.threads,
                        record ? entries.get() : nullptr);
  std::vector<Diagnostic> loading = record ? diags.sorted() : std::vector<Diagnostic>{};
  clock.lap(entries->reused() ? "loaded (entries unchanged since the last build not read)" : "loaded");
  if (site.config.base_url.empty() && diags.has_errors()) return result;  // not a site at all
  if (has_previous) fill_history_from_previous(site, previous_ics, diags);
  check_site(site, diags);
  clock.lap("checked");

  // From here on the site holds only what this audience may see.
  Visibility audience = Visibility::Public;
  parse_visibility(options.audience, audience);
  restrict_to_audience(site, audience);
  fingerprint_assessed_entries(site);
  clock.lap("restricted to the audience");

  Index index(site);
  clock.lap("indexed");
  Theme theme = load_site_theme(site, diags);
  TemplateSet validate(theme, &diags);
  // The entries' texts are read again at render: their blobs are named.
  recording->narrow_git_index([](std::string_view path) {
    return starts_with(path, "portfolios/") && path.size() > 3 && path.substr(path.size() - 3) == ".md";
  });
  git.reset();
  // After the theme: the feed's titles and descriptions hold its words.
  if (has_previous) check_against_previous_feed(site, event_words(theme), previous_ics, options.previous_ics, diags);
  if (diags.has_errors()) return result;

  EarlyOutput opened = early.get();
  for (Diagnostic& d : opened.diags) diags.add(std::move(d));
  std::unique_ptr<StagingDir> staging = std::move(opened.staging);
  if (options.write && !staging) return result;
  if (options.write) clock.lap(opened.previous_log ? "idle copy opened, previous pages read" : "idle copy opened");
  else if (opened.previous_log) clock.lap("previous pages read");
  NullSink validated;  // a check renders to validate, and writes nothing
  OutputSink& sink = staging ? static_cast<OutputSink&>(*staging) : validated;
  // A rebuild writes its entry record while it renders: the record holds
  // what loading parsed, which nothing after changes. Should the build
  // fail, the new record stays beside the old input record, which is
  // safe: an entry is reused only when both hold its file's hash
  // (unchanged_since). A first build writes it at the end, when the pages'
  // memory is gone (its record is the largest, and not kept in memory).
  std::future<void> entry_record;
  auto write_entry_record = [&](const std::vector<InputRecord>& read) {
    replace_own_file(folder.state + "/entries", entries->serialise(entries_key, hash_in(read), loading));
  };
  if (record && entries->reused()) {
    entry_record = std::async(std::launch::async, [&] { write_entry_record(carry_over(recording->records(), previous, *disk)); });
  }
  RenderOptions render;
  render.threads = options.threads;
  render.search = !pagefind.empty();
  render.strict_templates = options.strict_templates;
  PageLog log;  // for the next build
  // What this run read, rendered and reported, for the next one: the three
  // records are independent files, written side by side.
  auto save_records = [&](const std::string& tree) {
    log.tree = tree;
    auto pages = std::async(std::launch::async, [&] { save_page_log(folder.state, log); });
    std::vector<InputRecord> read = recording->records();
    if (reuse.on || entries->reused()) read = carry_over(std::move(read), previous, *disk);
    if (!entries->reused()) entry_record = std::async(std::launch::async, [&] { write_entry_record(read); });
    save_inputs(folder.state, key + feed, tree, git_stamp, read, diags);
    if (entry_record.valid()) entry_record.get();
    pages.get();
    clock.lap("recorded: inputs, entries, pages");
  };
  if (record) {
    // Numbered as the last build numbered them: the pages kept keep their lists.
    if (opened.previous_log) log.pages.table = reuse.log.pages.table;
    log.digests = digest_site(index, *log.pages.table, file_digests(*recording, site));
    // In a portfolio-only repository (catalogue:), a link to a portfolio
    // that lives elsewhere is a warning its page gives as it renders
    // (render/markdown.h): every page renders, so that none is lost. One
    // portfolio renders in milliseconds.
    reuse.on = opened.previous_log && site.config.catalogue.empty() && plan_reuse(previous, log.digests, site, reuse);
    render.keys = &log.pages;
    render.produced = &log.produced;
    clock.lap(reuse.on ? "digested: rendering what changed" : "digested: rendering everything");
  }
  if (reuse.on) render.only = [&](const std::string& path) { return needs_render(path, reuse.log.pages, reuse.changed); };
  result.stats = render_site(index, theme, sink, diags, render);
  clock.lap("rendered");
  if (entry_record.valid()) entry_record.get();
  if (diags.has_errors()) return result;  // the old site stays
  if (!options.write) {
    result.ok = true;
    if (record) {
      if (reuse.on) keep_page_lists(reuse, log.produced, log.pages);
      save_records(kCheckTree);
    }
    if (options.exit_after) leave_to_exit(site, index, log, reuse, previous, entries, recording, theme);
    return result;
  }
  if (reuse.on) {
    keep_the_rest(*staging, reuse, log.produced, log.pages);
    clock.lap("kept the rest");
    // A published file changed since (by hand, by a restore that stopped
    // half-way): everything is rendered again, and what differs written.
    if (!staging->damaged().empty()) {
      RenderOptions again = render;
      again.only = nullptr;
      again.produced = nullptr;  // listed by the pass above
      render_site(index, theme, *staging, diags, again);
      clock.lap("rendered again: a published file had changed");
      if (diags.has_errors()) return result;
    }
  }
  bool complete = true;
  if (!pagefind.empty() && !index_site_for_search(pagefind, *staging, site.config.language, options.cache, diags)) {
    if (diags.has_errors()) return result;  // a full disk: the build fails, the old site stays
    // No index after all: the search page must say so.
    RenderOptions again;
    again.threads = options.threads;
    std::string search_page = index.search_url().substr(site.config.base_path.size()) + "index.html";
    again.only = [&](const std::string& path) { return path == search_page; };
    render_site(index, theme, *staging, diags, again);
    complete = false;  // the next build tries Pagefind again
  }
  clock.lap("indexed for search");
  staging->write(kOutputMarker, kOutputMarkerText);  // out_guard.h: the next build may replace this folder
  result.ok = options.stage ? staging->stage(diags) : staging->commit(diags);
  clock.lap("committed");
  if (result.ok && complete) {
    save_records(options.stage ? staging->staged_fingerprint() : published_fingerprint(staging->out_path()));
  } else if (record) {
    save_page_log(folder.state, PageLog{});  // no log is better than a stale one
  }
  if (options.exit_after) leave_to_exit(site, index, log, reuse, previous, entries, recording, theme);
  return result;
}

}  // namespace cartable
