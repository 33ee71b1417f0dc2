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

#include <xxhash.h>

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

// The keys one page read, each with its hash (KeyTable's, so that it is
// hashed once). Recording appends; finish() sorts by hash and drops the
// repeats: a page reads the same key many times, and sorting the strings
// themselves (long common prefixes, "entry:p01234/...") was most of it.
struct DepRecorder {
  struct Key {
    uint64_t hash;
    uint32_t start, size;  // in `text`
  };
  std::string text;  // the keys, end to end
  std::vector<Key> keys;

  static uint64_t hash_of(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }
  // Notes "kind" or "kind:id".
  void add(std::string_view kind, std::string_view id) {
    size_t start = text.size();
    text.append(kind);
    if (!id.empty()) text.append(1, ':').append(id);
    noted(start);
  }
  // Notes "kind:a/b" (an entry's key) without making "a/b" first.
  void add(std::string_view kind, std::string_view a, std::string_view b) {
    size_t start = text.size();
    text.append(kind).append(1, ':').append(a).append(1, '/').append(b);
    noted(start);
  }
  void add_all(const DepRecorder& other) {
    for (const Key& k : other.keys) {
      size_t start = text.size();
      text.append(other.name(k));
      keys.push_back({k.hash, static_cast<uint32_t>(start), k.size});
    }
  }
  std::string_view name(const Key& k) const { return std::string_view(text).substr(k.start, k.size); }
  void finish() {
    auto before = [this](const Key& a, const Key& b) { return a.hash != b.hash ? a.hash < b.hash : name(a) < name(b); };
    auto same = [this](const Key& a, const Key& b) { return a.hash == b.hash && name(a) == name(b); };
    std::sort(keys.begin(), keys.end(), before);
    keys.erase(std::unique(keys.begin(), keys.end(), same), keys.end());
  }

 private:
  void noted(size_t start) {
    size_t size = text.size() - start;
    keys.push_back({hash_of(std::string_view(text).substr(start)), static_cast<uint32_t>(start), static_cast<uint32_t>(size)});
  }
};

namespace deps_detail {
inline thread_local DepRecorder* current = nullptr;
}

// Notes "kind:id" for the page rendering on this thread; nothing when no
// page records (a one-shot build without cache pays one test).
inline void record_dep(std::string_view kind, std::string_view id = {}) {
  if (DepRecorder* r = deps_detail::current) r->add(kind, id);
}

// Notes "kind:a/b" (an entry's key: portfolio, then entry).
inline void record_dep(std::string_view kind, std::string_view a, std::string_view b) {
  if (DepRecorder* r = deps_detail::current) r->add(kind, a, b);
}

// Notes every key `read` holds.
inline void record_deps(const DepRecorder& read) {
  if (DepRecorder* r = deps_detail::current) r->add_all(read);
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
  uint32_t intern(std::string_view key) { return intern(key, hash_of(key)); }
  // `hash`: DepRecorder::hash_of(key), the same function.
  uint32_t intern(std::string_view key, uint64_t hash) {
    {
      std::shared_lock read(mutex_);
      if (auto id = find_locked(key, hash)) return *id;
    }
    std::unique_lock write(mutex_);
    if (auto id = find_locked(key, hash)) return *id;
    names_.emplace_back(key);
    hashes_.push_back(hash);
    uint32_t id = static_cast<uint32_t>(names_.size() - 1);
    if (names_.size() * 4 > slots_.size() * 3) {
      grow();
    } else {
      place(id, hash);
    }
    return id;
  }
  // intern() of each key `keys` holds, in order, under one lock when all
  // are known already (a rebuild's digests: a million keys, nearly all in
  // the previous table), with the hashes recorded beside them.
  std::vector<uint32_t> intern_all(const DepRecorder& keys) {
    std::vector<uint32_t> ids(keys.keys.size());
    std::vector<size_t> missing;
    {
      std::shared_lock read(mutex_);
      for (size_t i = 0; i < ids.size(); ++i) {
        const DepRecorder::Key& k = keys.keys[i];
        if (auto id = find_locked(keys.name(k), k.hash)) {
          ids[i] = *id;
        } else {
          missing.push_back(i);
        }
      }
    }
    for (size_t i : missing) ids[i] = intern(keys.name(keys.keys[i]), keys.keys[i].hash);
    return ids;
  }
  std::optional<uint32_t> find(std::string_view key) const {
    std::shared_lock read(mutex_);
    return find_locked(key, hash_of(key));
  }
  // Not thread-safe against intern(): for after rendering.
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  // Open addressing over key numbers, each slot with the top half of its
  // key's hash: a lookup touches one slot and, when the halves agree, one
  // name. A million keys are looked up per build at 500,000 entries;
  // std::unordered_map's nodes cost a cache miss more each.
  static uint64_t hash_of(std::string_view key) { return DepRecorder::hash_of(key); }
  static uint64_t slot_of(uint32_t id, uint64_t hash) { return (hash & 0xFFFFFFFF00000000ull) | (uint64_t{id} + 1); }
  std::optional<uint32_t> find_locked(std::string_view key, uint64_t hash) const {
    if (slots_.empty()) return std::nullopt;
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      uint64_t slot = slots_[i];
      if (slot == 0) return std::nullopt;
      uint32_t id = static_cast<uint32_t>(slot & 0xFFFFFFFF) - 1;
      if ((slot >> 32) == (hash >> 32) && names_[id] == key) return id;
    }
  }
  void place(uint32_t id, uint64_t hash) {
    const size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = slot_of(id, hash);
  }
  void grow() {
    slots_.assign(std::max<size_t>(1024, slots_.size() * 2), 0);
    for (uint32_t id = 0; id < names_.size(); ++id) place(id, hashes_[id]);
  }

  mutable std::shared_mutex mutex_;
  std::deque<std::string> names_;
  std::vector<uint64_t> hashes_;  // by key number
  std::vector<uint64_t> slots_;   // a power of two, at most three quarters full
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
