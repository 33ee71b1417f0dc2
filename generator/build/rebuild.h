// Rebuilds: what an edit changes. Pages record the identity keys of what
// they read (index/deps.h); here, each key gets a digest of its data in an
// indexed site, so that comparing two versions of a site gives the keys
// whose data changed, and the pages that read one of them are exactly the
// pages to render again. `classify` says what an edited source file is,
// which decides how much must be loaded again.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/index.h"
#include "render/render.h"

namespace cartable {

// The digest of every key a page can record (index/deps.h), by its number
// in a KeyTable. "structure" covers what pages iterate without recording
// (the modules, frameworks and pages themselves): when it changes, every
// page is rendered again.
using SiteDigests = KeyDigests;
// `body_on_disk`: the digest of an entry whose text was not kept in memory
// (the hash of its file, as read).
using BodyDigest = std::function<uint64_t(const Entry&)>;
SiteDigests digest_site(const Index& index, KeyTable& keys, const BodyDigest& body_on_disk = nullptr);

// By key number: whether the key's digest differs, or it has one in only
// one of the two digest sets (both of the same table).
using ChangedKeys = std::vector<char>;
ChangedKeys changed_keys(const SiteDigests& before, const SiteDigests& after);
bool is_changed(const ChangedKeys& changed, uint32_t id);
// Marks the key `name` changed (interned if new).
void mark_changed(KeyTable& keys, ChangedKeys& changed, std::string_view name);
bool any_changed(const ChangedKeys& changed);
// The names of the changed keys, sorted: for tests and traces.
std::set<std::string> changed_names(const KeyTable& keys, const ChangedKeys& changed);

// What a file of the source folder is, for a rebuild.
enum class SourceKind {
  Entry,       // portfolios/<folder>/<entry>.md
  Portfolio,   // portfolios/<folder>/portfolio.yaml
  Attachment,  // any other file of a portfolio's folder
  Module,      // content/modules/<id>.md
  Framework,   // content/frameworks/<id>.yaml
  Crosswalk,   // content/crosswalks/*.yaml
  Calendar,    // content/calendar.yaml
  Page,        // content/<id>.md other than the programme
  Global,      // site.yaml, the programme, places, people, HEP records, the
               // theme, anything else: every page may show it
};

struct SourceChange {
  SourceKind kind = SourceKind::Global;
  std::string folder;  // Entry, Portfolio, Attachment: the portfolio's folder name
  std::string id;      // Entry: its slug; Module, Framework, Page: the id
};

// `path` is relative to the source folder, with '/' separators.
SourceChange classify(const std::string& path);

// Pages to render again: those that read a changed key, and those never
// rendered before (not in `recorded`).
bool needs_render(const std::string& path, const PageKeys& recorded, const ChangedKeys& changed);

}  // namespace cartable
