#include "cache/page_log.h"
#include "base/binary_record.h"
#include "base/filesystem.h"
#include "cache/cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits>

namespace cartable {

namespace {

// Then the body (base/binary_record.h) and its seal.
constexpr std::string_view kPageLogHeader = "cartable-pages 2\n";
constexpr uint32_t kDropped = std::numeric_limits<uint32_t>::max();

// At most `count` items of `size` bytes fit in what is left: a count read
// from a damaged file allocates nothing larger.
bool can_hold(const BinaryReader& r, uint32_t count, size_t size) { return r.ok() && count <= r.left() / size; }

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
  std::string bytes(kPageLogHeader);
  bytes.reserve(64 * table.size() + 128 * log.pages.pages.size());
  BinaryWriter w(bytes);
  w.text(log.tree);
  uint32_t kept = 0;
  for (uint32_t n : number) kept += n != kDropped;
  w.u32(kept);
  for (uint32_t id = 0; id < table.size(); ++id) {
    if (number[id] == kDropped) continue;
    w.text(table.name(id));
    bool known = log.digests.has(id);
    w.u8(known ? 1 : 0);
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
  seal(bytes, SealHash::Xxh3_128Low);  // a damaged log is no log
  replace_own_file(path, bytes);
}

bool load_page_log(const std::string& state_dir, PageLog& log) {
  MappedFile file;
  if (!file.open(state_dir + "/pages")) return false;
  std::string_view bytes = file.bytes();
  if (bytes.size() < kPageLogHeader.size() + 8 ||
      bytes.compare(0, kPageLogHeader.size(), kPageLogHeader) != 0) {
    return false;
  }
  std::optional<std::string_view> body = unseal(bytes, SealHash::Xxh3_128Low);
  if (!body) return false;
  BinaryReader r(body->substr(kPageLogHeader.size()));
  PageLog read;
  read.tree = r.text();
  uint32_t keys = r.u32();
  if (!r.ok()) return false;
  std::string name;
  for (uint32_t i = 0; i < keys; ++i) {
    name.assign(r.text());
    bool known = r.u8() != 0;
    uint64_t digest = r.u64();
    if (!r.ok()) return false;
    uint32_t id = read.pages.table->intern(name);
    if (id != i) return false;  // a key twice
    if (known) read.digests.set(id, digest);
  }
  uint32_t pages = r.u32();
  if (!can_hold(r, pages, 2 * sizeof(uint32_t))) return false;
  read.pages.pages.reserve(pages);
  for (uint32_t i = 0; i < pages; ++i) {
    name.assign(r.text());
    uint32_t n = r.u32();
    if (!can_hold(r, n, sizeof(uint32_t))) return false;
    std::vector<uint32_t>& ids = read.pages.pages[name];
    ids.resize(n);
    for (uint32_t& id : ids) {
      id = r.u32();
      if (!r.ok() || id >= keys) return false;
    }
  }
  uint32_t produced = r.u32();
  if (!can_hold(r, produced, sizeof(uint32_t))) return false;
  read.produced.resize(produced);
  for (std::string& file : read.produced) file = r.text();
  if (!r.ok() || !r.done()) return false;
  log = std::move(read);
  return true;
}

}  // namespace cartable
