#include "cache/page_log.h"
#include "base/filesystem.h"
#include "cache/cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <limits>

namespace cartable {

namespace {

// Native byte order: the log never leaves the machine that wrote it, and
// the build key names the executable that reads it.
constexpr std::string_view kPageLogHeader = "cartable-pages 2\n";
constexpr uint32_t kDropped = std::numeric_limits<uint32_t>::max();

class Writer {
 public:
  std::string bytes;
  void u32(uint32_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void u64(uint64_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void text(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes.append(s);
  }
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool u32(uint32_t& v) { return take(&v, sizeof v); }
  bool u64(uint64_t& v) { return take(&v, sizeof v); }
  bool u8(char& v) { return take(&v, 1); }
  bool text(std::string& s) {
    uint32_t n = 0;
    if (!u32(n) || n > rest_.size()) return false;
    s.assign(rest_.data(), n);
    rest_.remove_prefix(n);
    return true;
  }
  bool at_end() const { return rest_.empty(); }
  // At most how many items of `size` bytes the rest can hold: a count read
  // from a damaged file allocates nothing larger.
  bool can_hold(uint32_t count, size_t size) const { return count <= rest_.size() / size; }

 private:
  bool take(void* to, size_t n) {
    if (rest_.size() < n) return false;
    std::memcpy(to, rest_.data(), n);
    rest_.remove_prefix(n);
    return true;
  }
  std::string_view rest_;
};

// New numbers for the keys worth keeping; the identity while few are dead.
std::vector<uint32_t> renumbering(const PageLog& log) {
  size_t size = log.pages.table->size();
  std::vector<char> live(size, 0);
  size_t alive = 0;
  auto keep = [&](uint32_t id) {
    if (!live[id]) ++alive;
    live[id] = 1;
  };
  for (uint32_t id = 0; id < size; ++id) {
    if (log.digests.has(id)) keep(id);
  }
  for (const auto& [path, ids] : log.pages.pages) {
    for (uint32_t id : ids) keep(id);
  }
  std::vector<uint32_t> number(size);
  uint32_t next = 0;
  bool compact = size > 2 * alive + 1024;
  for (uint32_t id = 0; id < size; ++id) number[id] = !compact ? id : live[id] ? next++ : kDropped;
  return number;
}

}  // namespace

void save_page_log(const std::string& state_dir, const PageLog& log) {
  std::string path = state_dir + "/pages";
  ::unlink(path.c_str());  // no log is better than a stale one
  for (const auto& [page, ids] : log.pages.pages) {
    if (page.find('\n') != std::string::npos) return;
  }
  const KeyTable& table = *log.pages.table;
  std::vector<uint32_t> number = renumbering(log);
  Writer w;
  w.bytes.reserve(64 * table.size() + 128 * log.pages.pages.size());
  w.bytes.append(kPageLogHeader);
  w.text(log.tree);
  uint32_t kept = 0;
  for (uint32_t n : number) kept += n != kDropped;
  w.u32(kept);
  for (uint32_t id = 0; id < table.size(); ++id) {
    if (number[id] == kDropped) continue;
    w.text(table.name(id));
    bool known = log.digests.has(id);
    w.bytes.push_back(known ? 1 : 0);
    w.u64(known ? log.digests.digest[id] : 0);
  }
  w.u32(static_cast<uint32_t>(log.pages.pages.size()));
  for (const auto& [page, ids] : log.pages.pages) {
    w.text(page);
    w.u32(static_cast<uint32_t>(ids.size()));
    for (uint32_t id : ids) w.u32(number[id]);  // monotone: still sorted
  }
  w.u32(static_cast<uint32_t>(log.produced.size()));
  for (const std::string& file : log.produced) w.text(file);
  w.u64(hash_content(w.bytes).low);  // a damaged log is no log
  write_cache_file(path, w.bytes);
}

bool load_page_log(const std::string& state_dir, PageLog& log) {
  std::string bytes;
  if (!read_own_file(state_dir + "/pages", bytes) || bytes.size() < kPageLogHeader.size() + sizeof(uint64_t) ||
      bytes.compare(0, kPageLogHeader.size(), kPageLogHeader) != 0) {
    return false;
  }
  std::string_view body(bytes.data(), bytes.size() - sizeof(uint64_t));
  uint64_t sum = 0;
  std::memcpy(&sum, bytes.data() + body.size(), sizeof sum);
  if (hash_content(body).low != sum) return false;
  Reader r(body.substr(kPageLogHeader.size()));
  PageLog read;
  uint32_t keys = 0, pages = 0, produced = 0;
  if (!r.text(read.tree) || !r.u32(keys)) return false;
  std::string name;
  for (uint32_t i = 0; i < keys; ++i) {
    char known = 0;
    uint64_t digest = 0;
    if (!r.text(name) || !r.u8(known) || !r.u64(digest)) return false;
    uint32_t id = read.pages.table->intern(name);
    if (id != i) return false;  // a key twice
    if (known) read.digests.set(id, digest);
  }
  if (!r.u32(pages) || !r.can_hold(pages, 2 * sizeof(uint32_t))) return false;
  read.pages.pages.reserve(pages);
  for (uint32_t i = 0; i < pages; ++i) {
    uint32_t n = 0;
    if (!r.text(name) || !r.u32(n) || !r.can_hold(n, sizeof(uint32_t))) return false;
    std::vector<uint32_t>& ids = read.pages.pages[name];
    ids.resize(n);
    for (uint32_t& id : ids) {
      if (!r.u32(id) || id >= keys) return false;
    }
  }
  if (!r.u32(produced) || !r.can_hold(produced, sizeof(uint32_t))) return false;
  read.produced.resize(produced);
  for (std::string& file : read.produced) {
    if (!r.text(file)) return false;
  }
  if (!r.at_end()) return false;
  log = std::move(read);
  return true;
}

}  // namespace cartable
