#include "output/manifest.h"

#include "base/binary_record.h"
#include "base/filesystem.h"
#include "base/parallel.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace cartable {

namespace {

// A manifest: this header, a digest of what the tree holds (ContentDigest),
// the count, then each file's path (length, bytes), XXH3-128, size and
// modification time, then the seal. Binary: at 550,000 files the text form
// took half a second to read and as much to write, every rebuild.
constexpr std::string_view kManifestHeader = "cartable-manifest 3\n";

// What a tree holds, whatever the order its files are listed in and their
// times: two trees with the same files have the same digest.
struct ContentDigest {
  uint64_t sum[2] = {0, 0};
  void add(const std::string& path, ContentHash hash) {
    XXH128_hash_t h = XXH3_128bits_withSeed(path.data(), path.size(), hash.low ^ (hash.high << 1 | hash.high >> 63));
    sum[0] += h.low64;
    sum[1] += h.high64;
  }
};

}  // namespace

// Device, inode and birth time: they survive renames, and a folder created
// in the place of another does not get all three.
std::string tree_identity(const std::string& tree) {
  struct statx sx {};
  if (::statx(AT_FDCWD, tree.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &sx) != 0) return "";
  if (!S_ISDIR(sx.stx_mode)) return "";
  std::string id = std::to_string(sx.stx_dev_major) + "." + std::to_string(sx.stx_dev_minor) + "-" +
                   std::to_string(sx.stx_ino);
  if (sx.stx_mask & STATX_BTIME) id += "-" + std::to_string(sx.stx_btime.tv_sec) + "." + std::to_string(sx.stx_btime.tv_nsec);
  return id;
}

int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

bool same_stamp(const struct stat& st, const OutputFile& file) {
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != file.size || file.mtime_ns == 0) return false;
  int64_t now = mtime_ns_of(st);
  // tar's default format (GNU) keeps whole seconds; its POSIX one and cp -a keep all.
  return now == file.mtime_ns || (st.st_mtim.tv_nsec == 0 && now / 1000000000 == file.mtime_ns / 1000000000);
}

std::string manifest_bytes(const OutputFiles& files) {
  std::string bytes(kManifestHeader);
  bytes.reserve(files.size() * 100);
  BinaryWriter w(bytes);
  ContentDigest digest;
  for (const auto& [path, file] : files) digest.add(path, file.hash);
  w.u64(digest.sum[0]);
  w.u64(digest.sum[1]);
  w.u64(files.size());
  for (const auto& [path, file] : files) {
    w.text(path);
    w.u64(file.hash.high);
    w.u64(file.hash.low);
    w.u64(file.size);
    w.u64(static_cast<uint64_t>(file.mtime_ns));
  }
  seal(bytes, SealHash::Xxh3_128Low);
  return bytes;
}

bool load_manifest(const std::string& path, OutputFiles& files) {
  MappedFile file;
  std::string_view header = kManifestHeader;
  if (!file.open(path)) return false;
  std::string_view bytes = file.bytes();
  if (bytes.size() < header.size() + 8 || bytes.compare(0, header.size(), header) != 0) return false;
  std::optional<std::string_view> body = unseal(bytes, SealHash::Xxh3_128Low);
  if (!body) return false;
  BinaryReader r(body->substr(header.size()));
  r.u64();  // the content digest, for manifest_digest()
  r.u64();
  uint64_t count = r.u64();
  if (!r.ok() || count > r.left() / 36) return false;
  files.reserve(files.size() + count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view file_path = r.text();
    OutputFile f;
    f.hash.high = r.u64();
    f.hash.low = r.u64();
    f.size = r.u64();
    f.mtime_ns = static_cast<int64_t>(r.u64());
    if (!r.ok()) return false;
    files.emplace(file_path, f);
  }
  return r.done();
}

bool published_manifest(const std::string& out_dir, OutputFiles& files) {
  std::string id = tree_identity(resolved_output(out_dir));
  return !id.empty() && load_manifest(state_folder_of(out_dir) + "/manifest-" + id, files);
}

namespace {

// The content digest a manifest starts with.
std::string manifest_digest(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return "";
  char head[kManifestHeader.size() + 16];
  bool ok = ::pread(fd, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head) &&
            std::string_view(head, kManifestHeader.size()) == kManifestHeader;
  ::close(fd);
  if (!ok) return "";
  BinaryReader r(std::string_view(head, sizeof head).substr(kManifestHeader.size()));
  uint64_t low = r.u64();
  uint64_t high = r.u64();
  return std::to_string(low) + "." + std::to_string(high);
}

}  // namespace

std::string fingerprint_of(const std::string& tree, const std::string& state) {
  std::string id = tree_identity(tree);
  std::string sum = id.empty() ? "" : manifest_digest(state + "/manifest-" + id);
  if (sum.empty()) return "";
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(tree, ec)) {
    names.push_back(e.path().filename().string() + (e.is_directory(ec) ? "/" : ""));
  }
  if (ec) return "";
  std::sort(names.begin(), names.end());
  std::string listing;
  for (const std::string& n : names) listing += n + "\n";
  ContentHash h = hash_content(listing);
  return sum + "-" + std::to_string(h.high) + std::to_string(h.low);
}

std::string published_fingerprint(const std::string& out_dir) {
  return fingerprint_of(resolved_output(out_dir), state_folder_of(out_dir));
}

namespace {

// Every file of `files` is in `tree` as recorded. The newest files first:
// the live site and the idle copy differ in what the last builds wrote, so
// the wrong manifest fails at once instead of after half a million lstat().
bool tree_matches(const std::string& tree, const OutputFiles& files) {
  std::vector<const OutputFiles::value_type*> all;
  all.reserve(files.size());
  for (const auto& f : files) all.push_back(&f);
  auto newest = [](auto* a, auto* b) { return a->second.mtime_ns > b->second.mtime_ns; };
  size_t first = std::min<size_t>(all.size(), 256);
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(first), all.end(), newest);
  auto matches = [&](const OutputFiles::value_type* f) {
    std::string full = tree + "/" + f->first;
    struct stat st {};
    return !leaves_output(f->first) && ::lstat(full.c_str(), &st) == 0 && same_stamp(st, f->second);
  };
  for (size_t i = 0; i < first; ++i) {
    if (!matches(all[i])) return false;
  }
  // The rest on more threads than cores: a tree just restored may not all be in memory.
  std::atomic<bool> same{true};
  constexpr size_t kSlice = 1024;
  size_t rest = all.size() - first;
  parallel_for((rest + kSlice - 1) / kSlice, std::max(4u, std::thread::hardware_concurrency()), [&](size_t slice) {
    for (size_t i = first + slice * kSlice; i < std::min(all.size(), first + (slice + 1) * kSlice) && same; ++i) {
      if (!matches(all[i])) same = false;
    }
  });
  return same;
}

}  // namespace

int adopt_restored_trees(const std::string& out_dir) {
  return adopt_restored_tree(out_dir, RestoredTree::Live) + adopt_restored_tree(out_dir, RestoredTree::Idle);
}

int adopt_restored_tree(const std::string& out_dir, RestoredTree which) {
  std::string state = state_folder_of(out_dir);
  int lock = ::open((state + "/lock").c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (lock < 0) return 0;
  int adopted = 0;
  if (::flock(lock, LOCK_EX | LOCK_NB) == 0) {  // else another build is at work: it does not need this
    // Both trees' identities: a manifest named after either is no orphan.
    std::vector<std::string> trees = {resolved_output(out_dir), state + "/idle"}, ids, orphans;
    for (const std::string& tree : trees) ids.push_back(tree_identity(tree));
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(state, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("manifest-", 0) != 0 || name.find(".tmp") != std::string::npos) continue;
      std::string id = name.substr(9);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) orphans.push_back(name);
    }
    std::sort(orphans.begin(), orphans.end());  // the same choice every time
    size_t t = which == RestoredTree::Live ? 0 : 1;
    if (!ids[t].empty() && ::access((state + "/manifest-" + ids[t]).c_str(), F_OK) != 0) {
      for (const std::string& orphan : orphans) {
        OutputFiles files;
        if (!load_manifest(state + "/" + orphan, files) || !tree_matches(trees[t], files)) continue;
        if (::rename((state + "/" + orphan).c_str(), (state + "/manifest-" + ids[t]).c_str()) == 0) ++adopted;
        break;
      }
    }
  }
  ::close(lock);
  return adopted;
}

}  // namespace cartable
