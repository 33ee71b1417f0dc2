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
// checked again each time. Whatever is not exactly what serialise() writes
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

#include "base/diagnostics.h"
#include "model/model.h"

namespace cartable {

// A file's content hash, as the build cache's input record has it.
struct SourceHash {
  uint64_t high = 0, low = 0;
  bool operator==(const SourceHash&) const = default;
};

class EntryCache {
 public:
  // Says whether the file at `path` (relative to the source folder) is
  // still the one whose content hashed to `hash` when it was parsed.
  using Unchanged = std::function<bool(const std::string& path, const SourceHash& hash)>;

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
  // How many entries were taken from the record.
  size_t reused() const;

  // The record to save after a successful build: every entry this load
  // parsed or reused, with the content hash its file has in this build's
  // input record (`hash_of`; those without one are left out) and the
  // diagnostics loading reported at its file (`diags`: loading's alone).
  std::string serialise(const std::string& key, const std::function<std::optional<SourceHash>(const std::string&)>& hash_of,
                        const std::vector<Diagnostic>& diags) const;

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
  const Record* find(std::string_view path) const;

  Unchanged unchanged_;
  std::string buffer_;                                     // the file as read
  std::vector<Record> records_;                            // sorted by path
  mutable std::mutex mutex_;
  mutable std::vector<const Record*> reused_list_;  // taken by this load
  std::vector<Parsed> parsed_;
};

}  // namespace cartable
