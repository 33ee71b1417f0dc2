// The source record of portfolio entries: each entry as the last build
// parsed it (front matter, positions, the diagnostics its loading reported),
// kept in the state folder beside the output (`.<out>.cartable/entries`) as
// ninja keeps .ninja_deps. The next build in a new process takes an entry
// from here instead of opening its file when the build cache (cache/cache.h)
// found the file unchanged, with the same content hash as when it was
// parsed; any other entry is read and parsed as usual. At 500,000 entries,
// parsing every front matter again was most of a one-entry rebuild.
//
// Entries with attachments are never taken from here: those files are
// checked again each time.
//
// A portfolio's own part is recorded the same way: the fields its
// portfolio.yaml gave, the diagnostics reported there, and its folder's
// listing. The next build takes them instead of reading portfolio.yaml and
// listing the folder when both are unchanged (the file's content hash, the
// listing's, as the input record has them) and the theme's example bio is
// the same. Portfolios with courses à la carte (attestations, files checked
// each time) are never taken from here. Whatever is not exactly what serialise() writes
// (an older format, a truncated or damaged file: an XXH3 checksum ends it,
// another program's key) is ignored as a whole: the build then reads every
// entry. Whether an entry's file is unchanged is asked when the loader wants
// it, on the loader's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/filesystem.h"

#include "base/diagnostics.h"
#include "base/filesystem.h"
#include "model/model.h"

namespace cartable {

// A file's content hash, as the build cache's input record has it.
struct SourceHash {
  uint64_t high = 0, low = 0;
  bool operator==(const SourceHash&) const = default;
};

class EntryCache {
 public:
  // Says whether the file (`kind` 'F') or folder listing ('D') at `path`
  // (relative to the source folder) still reads as it did when it hashed to
  // `hash`.
  using Unchanged = std::function<bool(char kind, const std::string& path, const SourceHash& hash)>;
  // The content hash of `path` ('F': a file, 'D': a folder listing) in
  // this build's input record.
  using HashOf = std::function<std::optional<SourceHash>(char kind, const std::string& path)>;

  // An empty cache: every entry is parsed, and recorded for save().
  EntryCache() = default;
  // The record of `state_dir`, when written with the same `key`.
  EntryCache(const std::string& state_dir, const std::string& key, Unchanged unchanged);

  // The loader, for the file `path` of portfolio `p` (any thread): the
  // entry as parsed before, its diagnostics added to `diags`; nullopt
  // when it must be read.
  std::optional<Entry> reuse(const std::string& path, const Portfolio& p, Diagnostics& diags) const;
  // The loader, after parsing `path` (any thread): kept for save().
  void parsed(const std::string& path, const Portfolio& p, const Entry& e);
  // The loader, for the portfolio folder `folder` (any thread): true, with
  // `p` (without entries) and `listing` set and the diagnostics of its
  // portfolio.yaml added to `diags`, when taken from the record.
  // `placeholder_bio`: the theme's example bio, which the load compares with.
  bool reuse_portfolio(const std::string& folder, const std::string& placeholder_bio, Portfolio& p,
                       std::vector<FolderEntry>& listing, Diagnostics& diags) const;
  // The loader, after reading portfolio.yaml and listing the folder (any
  // thread): kept for save().
  void portfolio_parsed(const std::string& placeholder_bio, const Portfolio& p, const std::vector<FolderEntry>& listing);
  // How many entries and portfolios were taken from the record.
  size_t reused() const;

  // The record to save after a successful build: every entry this load
  // parsed or reused, with the content hash its file has in this build's
  // input record (`hash_of`; those without one are left out) and the
  // diagnostics loading reported at its file (`diags`: loading's alone).
  std::string serialise(const std::string& key, const HashOf& hash_of, const std::vector<Diagnostic>& diags) const;

 private:
  struct Record {
    std::string_view path;
    SourceHash hash;
    std::string_view portfolio, folder;  // what it was parsed for
    std::string_view entry, diags;       // serialised, in buffer_
  };
  // An entry parsed by this load, for the next record.
  struct Parsed {
    std::string path, portfolio, folder, shown;  // `shown`: its path in diagnostics
    std::string bytes;                           // serialised
  };
  struct PortfolioRecord {
    std::string_view folder;
    SourceHash yaml, listing;       // portfolio.yaml's content, the folder's listing
    std::string_view bio;           // the example bio it was compared with
    std::string_view portfolio, names, diags;  // serialised, in buffer_
  };
  struct ParsedPortfolio {
    std::string folder, bio, shown;  // `shown`: portfolio.yaml's path in diagnostics
    std::string portfolio, names;    // serialised
  };
  const Record* find(std::string_view path) const;
  bool read_records(std::string_view body);
  void write_portfolios(std::string& out, const HashOf& hash_of,
                        const std::unordered_map<std::string_view, std::vector<const Diagnostic*>>& at) const;

  Unchanged unchanged_;
  MappedFile buffer_;                                      // the file, mapped
  std::vector<Record> records_;                            // sorted by path
  mutable std::mutex mutex_;
  mutable std::vector<const Record*> reused_list_;  // taken by this load
  std::vector<Parsed> parsed_;
  std::vector<PortfolioRecord> portfolios_;  // sorted by folder
  mutable std::vector<const PortfolioRecord*> reused_portfolios_;
  std::vector<ParsedPortfolio> parsed_portfolios_;
};

}  // namespace cartable
