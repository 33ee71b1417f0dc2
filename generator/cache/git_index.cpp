#include "cache/git_index.h"

#include <algorithm>
#include <cstring>

#include "base/filesystem.h"

namespace cartable {

namespace {

uint32_t be32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}
uint16_t be16(const unsigned char* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

constexpr size_t kHashSize = 20;     // SHA-1: the blob ids and the file's checksum
constexpr size_t kEntryHeader = 62;  // stat data, blob id and flags, before the path
constexpr uint16_t kAssumeValid = 0x8000, kExtended = 0x4000, kNameMask = 0x0fff;
constexpr uint16_t kSkipWorktree = 0x4000, kIntentToAdd = 0x2000;

// Version 4's prefix length: git's offset encoding (varint.c), not LEB128.
bool read_offset(const unsigned char*& p, const unsigned char* end, uint64_t& value) {
  if (p >= end) return false;
  unsigned char c = *p++;
  value = c & 127;
  while (c & 128) {
    if (p >= end || value > (UINT64_MAX >> 8)) return false;
    c = *p++;
    value = ((value + 1) << 7) | (c & 127);
  }
  return true;
}

}  // namespace

GitIndex GitIndex::of_checkout(const DiskFileSystem& disk) {
  GitIndex index;
  // SHA-256 repositories keep longer ids in the same format: not read.
  std::string config;
  if (disk.read(".git/config", &config, 1 << 20)) {
    std::string lower = config;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower.find("objectformat") != std::string::npos && lower.find("sha256") != std::string::npos) return index;
  }
  std::string bytes;
  struct stat st {};
  if (!disk.read_stamped(".git/index", &bytes, uint64_t{1} << 31, &st)) return index;
  index.parse(bytes, st.st_mtim);
  return index;
}

std::string GitIndex::stamp_of(const DiskFileSystem& disk) {
  std::string ignored;
  struct stat st {};
  // Read with no room for a byte: opened beneath the root, never through a link, and stamped.
  FileResult r = disk.read_stamped(".git/index", &ignored, 0, &st);
  if (st.st_ino == 0 || (!r && r.status != FileStatus::TooLarge)) return {};
  auto ns = [](const struct timespec& t) { return std::to_string(t.tv_sec) + "." + std::to_string(t.tv_nsec); };
  return std::to_string(st.st_size) + " " + ns(st.st_mtim) + " " + ns(st.st_ctim) + " " + std::to_string(st.st_ino);
}

bool GitIndex::parse(std::string_view bytes, const struct timespec& written) {
  paths_.clear();
  entries_.clear();
  auto fail = [this] {
    paths_.clear();
    entries_.clear();
    return false;
  };
  const auto* start = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 12 + kHashSize || std::memcmp(start, "DIRC", 4) != 0) return fail();
  uint32_t version = be32(start + 4), count = be32(start + 8);
  if (version < 2 || version > 4) return fail();
  const unsigned char* end = start + bytes.size() - kHashSize;  // the checksum follows the rest
  if (count > static_cast<size_t>(end - start) / kEntryHeader) return fail();
  entries_.reserve(count);
  const auto written_s = static_cast<uint32_t>(written.tv_sec);
  const auto written_ns = static_cast<uint32_t>(written.tv_nsec);
  const unsigned char* at = start + 12;
  std::string path;  // version 4 writes each path as a change to the one before
  for (uint32_t i = 0; i < count; ++i) {
    if (end - at < static_cast<std::ptrdiff_t>(kEntryHeader)) return fail();
    Entry e{};
    e.ctime_s = be32(at);
    e.ctime_ns = be32(at + 4);
    e.mtime_s = be32(at + 8);
    e.mtime_ns = be32(at + 12);
    e.ino = be32(at + 20);  // at + 16: the device, which git does not compare either
    uint32_t mode = be32(at + 24);
    e.uid = be32(at + 28);
    e.gid = be32(at + 32);
    e.size = be32(at + 36);
    std::memcpy(e.blob.data(), at + 40, kHashSize);
    uint16_t flags = be16(at + 60), extended = 0;
    const unsigned char* name = at + kEntryHeader;
    if (flags & kExtended) {
      if (version < 3 || end - name < 2) return fail();
      extended = be16(name);
      name += 2;
    }
    if (version == 4) {
      uint64_t drop = 0;
      if (!read_offset(name, end, drop) || drop > path.size()) return fail();
      const auto* nul = static_cast<const unsigned char*>(std::memchr(name, 0, static_cast<size_t>(end - name)));
      if (!nul) return fail();
      path.resize(path.size() - drop);
      path.append(reinterpret_cast<const char*>(name), static_cast<size_t>(nul - name));
      at = nul + 1;
    } else {
      const auto* nul = static_cast<const unsigned char*>(std::memchr(name, 0, static_cast<size_t>(end - name)));
      if (!nul) return fail();
      auto size = static_cast<size_t>(nul - name);
      if ((flags & kNameMask) != kNameMask && size != (flags & kNameMask)) return fail();
      path.assign(reinterpret_cast<const char*>(name), size);
      // Padded with NULs to a multiple of eight bytes (at least one).
      size_t whole = (static_cast<size_t>(name - at) + size + 8) & ~size_t{7};
      if (static_cast<size_t>(end - at) < whole) return fail();
      at += whole;
    }
    // Sorted by path, as git writes it (a conflict's stages share a path):
    // anything else is no index to search.
    if (!entries_.empty() && std::string_view(path) < path_of(entries_.back())) return fail();
    bool racy = e.mtime_s > written_s || (e.mtime_s == written_s && e.mtime_ns >= written_ns);
    e.usable = (mode & 0170000) == 0100000 && (flags >> 12 & 3) == 0 && !(flags & kAssumeValid) &&
               !(extended & (kSkipWorktree | kIntentToAdd)) && !racy && !path.empty();
    e.path_at = static_cast<uint32_t>(paths_.size());
    e.path_size = static_cast<uint32_t>(path.size());
    if (paths_.size() + path.size() > UINT32_MAX) return fail();
    paths_ += path;
    entries_.push_back(e);
  }
  // Extensions, each a signature and a size. A split index ("link") keeps
  // its entries in another file: this one alone is not the checkout.
  while (end - at >= 8) {
    uint32_t size = be32(at + 4);
    if (std::memcmp(at, "link", 4) == 0 || static_cast<uint64_t>(end - at - 8) < size) return fail();
    at += 8 + size;
  }
  if (at != end) return fail();
  return true;
}

GitIndex GitIndex::without(const std::function<bool(std::string_view path)>& drop) const {
  GitIndex kept;
  for (const Entry& e : entries_) {
    if (drop(path_of(e))) continue;
    Entry copy = e;
    copy.path_at = static_cast<uint32_t>(kept.paths_.size());
    kept.paths_ += path_of(e);
    kept.entries_.push_back(copy);
  }
  return kept;
}

const GitIndex::Entry* GitIndex::find(std::string_view path) const {
  // The build asks in path order, mostly for neighbours: the entries just
  // after the last one found are tried before a binary search.
  thread_local const GitIndex* last_of = nullptr;
  thread_local size_t next = 0;
  if (last_of == this) {
    for (size_t i = next; i < std::min(next + 4, entries_.size()); ++i) {
      if (path_of(entries_[i]) == path) {
        next = i + 1;
        return &entries_[i];
      }
    }
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                             [this](const Entry& e, std::string_view p) { return path_of(e) < p; });
  if (it == entries_.end() || path_of(*it) != path) return nullptr;
  last_of = this;
  next = static_cast<size_t>(it - entries_.begin()) + 1;
  return &*it;
}

const GitBlobId* GitIndex::clean_blob(std::string_view path, const struct stat& now) const {
  const Entry* e = entries_.empty() ? nullptr : find(path);
  if (!e || !e->usable || !S_ISREG(now.st_mode)) return nullptr;
  // As git compares them: 32 bits of each, nanoseconds included.
  bool same = e->mtime_s == static_cast<uint32_t>(now.st_mtim.tv_sec) &&
              e->mtime_ns == static_cast<uint32_t>(now.st_mtim.tv_nsec) &&
              e->ctime_s == static_cast<uint32_t>(now.st_ctim.tv_sec) &&
              e->ctime_ns == static_cast<uint32_t>(now.st_ctim.tv_nsec) &&
              e->ino == static_cast<uint32_t>(now.st_ino) && e->size == static_cast<uint32_t>(now.st_size) &&
              e->uid == static_cast<uint32_t>(now.st_uid) && e->gid == static_cast<uint32_t>(now.st_gid);
  return same ? &e->blob : nullptr;
}

}  // namespace cartable
