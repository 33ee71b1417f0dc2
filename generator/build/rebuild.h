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
#include <string>
#include <unordered_map>
#include <vector>

#include "index/index.h"
#include "render/render.h"

namespace cartable {

// Key (index/deps.h) -> digest of its data, for every key a page can
// record. "structure" covers what pages iterate without recording (the
// modules, frameworks and pages themselves): when it changes, every page
// is rendered again.
using SiteDigests = std::unordered_map<std::string, uint64_t>;
// `body_on_disk`: the digest of an entry whose text was not kept in memory
// (the hash of its file, as read).
using BodyDigest = std::function<uint64_t(const Entry&)>;
SiteDigests digest_site(const Index& index, const BodyDigest& body_on_disk = nullptr);

// Keys whose digest differs or that exist in only one of the two.
std::set<std::string> changed_keys(const SiteDigests& before, const SiteDigests& after);

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
bool needs_render(const std::string& path, const PageKeys& recorded, const std::set<std::string>& changed);

}  // namespace cartable
