// Dependencies recorded while a page renders, as Hugo's `identity` package
// does: the index's queries and the page builder's accessors note the
// identity key of each piece of data they hand to a page ("entry:x/y",
// "evidence:rc-num-so/3.1", ...) into the recorder of the page being
// rendered. After an edit, the keys whose data changed (build/rebuild.h) select
// exactly the pages to render again; nobody keeps a list of what a page
// shows by hand.
//
// Keys:
//   entry:<p>/<e>      an entry's front matter (title, date, tags, ...) and
//                      validation state       body:<p>/<e>  its text
//   portfolio:<p>      portfolio.yaml         entries-of:<p> its entries list
//   task:<m>/<t>       entries of a task      evidence:<ref> entries of a competency
//   equivalents:<ref>  crosswalk equivalents  module:<m>, session:<s>,
//   framework:<f>, page:<id>                  one item of the programme
//   sessions-of:<m>    a module's sessions    sessions, portfolios: the whole list
//   competency-modules which modules develop which competencies
//   totals             the programme's totals (ECTS, periods, hours)
// Anything else a page reads (site.yaml, places, people, the theme, HEP
// records) is global: a change to it renders everything.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartable {

// The keys one page read. Recording appends; finish() sorts and dedups.
struct DepRecorder {
  std::vector<std::string> keys;
  void finish() {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
};

namespace deps_detail {
inline thread_local DepRecorder* current = nullptr;
}

// Notes "kind:id" for the page rendering on this thread; nothing when no
// page records (a one-shot build without cache pays one test).
inline void record_dep(std::string_view kind, std::string_view id = {}) {
  DepRecorder* r = deps_detail::current;
  if (!r) return;
  std::string key(kind);
  if (!id.empty()) {
    key += ':';
    key += id;
  }
  r->keys.push_back(std::move(key));
}

inline bool recording_deps() { return deps_detail::current != nullptr; }

// Makes `recorder` the current one for this thread until the end of scope.
class RecordingScope {
 public:
  explicit RecordingScope(DepRecorder* recorder) : previous_(deps_detail::current) { deps_detail::current = recorder; }
  ~RecordingScope() { deps_detail::current = previous_; }
  RecordingScope(const RecordingScope&) = delete;
  RecordingScope& operator=(const RecordingScope&) = delete;

 private:
  DepRecorder* previous_;
};

// Numbers keys, so that the page log and what each page read hold 4 bytes a
// key instead of a string: 550,000 pages read about 20 keys each. A number,
// once given, stays its key's for the life of the table, which the page log
// carries from build to build. Thread-safe.
class KeyTable {
 public:
  uint32_t intern(std::string_view key) {
    {
      std::shared_lock read(mutex_);
      auto it = ids_.find(key);
      if (it != ids_.end()) return it->second;
    }
    std::unique_lock write(mutex_);
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    names_.emplace_back(key);
    uint32_t id = static_cast<uint32_t>(names_.size() - 1);
    ids_.emplace(names_.back(), id);  // a deque never moves its strings
    return id;
  }
  std::optional<uint32_t> find(std::string_view key) const {
    std::shared_lock read(mutex_);
    auto it = ids_.find(key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  // Not thread-safe against intern(): for after rendering.
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  mutable std::shared_mutex mutex_;
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

// What each page read while it rendered, by output path: key numbers in
// `table`, sorted, each once.
struct PageKeys {
  std::shared_ptr<KeyTable> table = std::make_shared<KeyTable>();
  std::unordered_map<std::string, std::vector<uint32_t>> pages;
};

// The digest of each key's data (build/rebuild.h), by its number in a
// KeyTable; `known[id]` is false for keys that have none (and numbers past
// the end are unknown).
struct KeyDigests {
  std::vector<uint64_t> digest;
  std::vector<char> known;
  void set(uint32_t id, uint64_t value) {
    if (id >= digest.size()) {
      digest.resize(id + 1, 0);
      known.resize(id + 1, 0);
    }
    digest[id] = value;
    known[id] = 1;
  }
  bool has(uint32_t id) const { return id < known.size() && known[id]; }
};

}  // namespace cartable
