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
#include <cerrno>
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

namespace {

// A manifest's files one after the other, without a map: `expect(count)`,
// then `visit(path, file)` for each, the path a view into `file`'s bytes.
// False when they are not exactly what manifest_bytes() makes.
template <typename Expect, typename Visit>
bool read_manifest(const MappedFile& file, Expect expect, Visit visit) {
  std::string_view header = kManifestHeader;
  std::string_view bytes = file.bytes();
  if (bytes.size() < header.size() + 8 || bytes.compare(0, header.size(), header) != 0) return false;
  std::optional<std::string_view> body = unseal(bytes, SealHash::Xxh3_128Low);
  if (!body) return false;
  BinaryReader r(body->substr(header.size()));
  r.u64();  // the content digest, for manifest_digest()
  r.u64();
  uint64_t count = r.u64();
  if (!r.ok() || count > r.left() / 36) return false;
  expect(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view file_path = r.text();
    OutputFile f;
    f.hash.high = r.u64();
    f.hash.low = r.u64();
    f.size = r.u64();
    f.mtime_ns = static_cast<int64_t>(r.u64());
    if (!r.ok() || leaves_output(file_path)) return false;  // not a tree's: a build never writes one
    visit(file_path, f);
  }
  return r.done();
}

}  // namespace

bool load_manifest(const std::string& path, OutputFiles& files) {
  MappedFile file;
  return file.open(path) && read_manifest(
      file, [&](uint64_t count) { files.reserve(files.size() + count); },
      [&](std::string_view file_path, const OutputFile& f) { files.emplace(file_path, f); });
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

size_t look_at_recorded(int tree_fd, size_t count, const RecordedAt& at, const std::function<void(size_t)>& unlike,
                        bool stop_at_first) {
  std::atomic<size_t> found{0};
  constexpr size_t kSlice = 1024;
  // More threads than cores: a tree just restored may not all be in memory.
  parallel_for((count + kSlice - 1) / kSlice, std::max(4u, std::thread::hardware_concurrency()), [&](size_t slice) {
    std::string path;
    for (size_t i = slice * kSlice; i < std::min(count, (slice + 1) * kSlice); ++i) {
      if (stop_at_first && found) return;
      auto [rel, file] = at(i);
      path.assign(rel);
      struct stat st {};
      bool there = ::fstatat(tree_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
      bool same = file ? there && same_stamp(st, *file) : !there && (errno == ENOENT || errno == ENOTDIR);
      if (!same) {
        ++found;
        unlike(i);
      }
    }
  });
  return found;
}

namespace {

// A manifest's files, as views into its mapped bytes.
struct ListedManifest {
  MappedFile bytes;
  std::vector<std::pair<std::string_view, OutputFile>> files;
};

bool list_manifest(const std::string& path, ListedManifest& m) {
  return m.bytes.open(path) &&
         read_manifest(
             m.bytes, [&](uint64_t count) { m.files.reserve(count); },
             [&](std::string_view file_path, const OutputFile& f) { m.files.emplace_back(file_path, f); });
}

uint64_t path_key(std::string_view path) { return XXH3_64bits(path.data(), path.size()); }

// A file's path and stamp as one number: two manifests that give a path the
// same one describe the same file there.
uint64_t stamp_key(std::string_view path, const OutputFile& file) {
  uint64_t stamp[2] = {file.size, static_cast<uint64_t>(file.mtime_ns)};
  return XXH3_64bits_withSeed(path.data(), path.size(), XXH3_64bits(stamp, sizeof stamp));
}

std::vector<uint64_t> sorted_stamps(const ListedManifest& m) {
  std::vector<uint64_t> keys;
  keys.reserve(m.files.size());
  for (const auto& [path, file] : m.files) keys.push_back(stamp_key(path, file));
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool has(const std::vector<uint64_t>& sorted, uint64_t key) { return std::binary_search(sorted.begin(), sorted.end(), key); }

// The files of `mine` to look at in a tree to tell it from the trees of
// `theirs`: a null file must be absent.
struct ToLookAt {
  std::vector<std::pair<std::string_view, const OutputFile*>> files;
  bool every_file = false;  // nothing to tell it from: all of them
};

// The live site and the idle copy share every file the last two builds did
// not change, as links with one stamp. What tells `mine` from another
// manifest: each file it records with a size and time the other does not
// (and its 256 newest), and each file only the other records.
ToLookAt what_tells_apart(ListedManifest& mine, const std::vector<ListedManifest>& theirs) {
  ToLookAt look;
  std::vector<std::vector<uint64_t>> their_stamps;
  for (const ListedManifest& m : theirs) {
    if (!m.files.empty()) their_stamps.push_back(sorted_stamps(m));
  }
  look.every_file = their_stamps.empty();
  auto newest = [](const auto& a, const auto& b) { return a.second.mtime_ns > b.second.mtime_ns; };
  size_t first = look.every_file ? mine.files.size() : std::min<size_t>(mine.files.size(), 256);
  if (!look.every_file) {
    std::partial_sort(mine.files.begin(), mine.files.begin() + static_cast<std::ptrdiff_t>(first), mine.files.end(), newest);
  }
  std::vector<uint64_t> my_paths;
  my_paths.reserve(mine.files.size());
  for (size_t i = 0; i < mine.files.size(); ++i) {
    const auto& [path, file] = mine.files[i];
    my_paths.push_back(path_key(path));
    uint64_t key = stamp_key(path, file);
    bool in_every_other = std::all_of(their_stamps.begin(), their_stamps.end(), [&](const auto& t) { return has(t, key); });
    if (i < first || !in_every_other) look.files.emplace_back(path, &file);
  }
  std::sort(my_paths.begin(), my_paths.end());
  for (const ListedManifest& m : theirs) {
    for (const auto& [path, file] : m.files) {
      if (!has(my_paths, path_key(path))) look.files.emplace_back(path, nullptr);
    }
  }
  return look;
}

// `tree` holds each of look.files as recorded (a null file: absent).
bool tree_holds(const std::string& tree, const ToLookAt& look) {
  int fd = ::open(tree.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  size_t unlike = look_at_recorded(
      fd, look.files.size(), [&](size_t i) { return look.files[i]; }, [](size_t) {}, /*stop_at_first=*/true);
  ::close(fd);
  return unlike == 0;
}

// The manifest at `manifest` is `tree`'s, told apart from `others` (the
// other candidates, the other tree's manifest) by the files where they
// differ (what_tells_apart()). The rest is looked at before a build writes
// into the tree, or says it is up to date (kUncheckedMark), unless every
// file was looked at here (`*every_file`).
bool tells_itself_apart(const std::string& tree, const std::string& manifest, const std::vector<std::string>& others,
                        bool* every_file) {
  ListedManifest mine;
  std::vector<ListedManifest> theirs(others.size());
  if (!list_manifest(manifest, mine)) return false;
  for (size_t i = 0; i < others.size(); ++i) {
    if (!list_manifest(others[i], theirs[i])) theirs[i].files.clear();
  }
  ToLookAt look = what_tells_apart(mine, theirs);
  *every_file = look.every_file;
  return tree_holds(tree, look);
}

}  // namespace

bool check_adopted_live_tree(const std::string& out_dir) {
  std::string state = state_folder_of(out_dir), tree = resolved_output(out_dir), id = tree_identity(tree);
  std::string mark = state + "/" + std::string(kUncheckedMark) + id, manifest = state + "/manifest-" + id;
  if (id.empty() || ::access(mark.c_str(), F_OK) != 0) return true;
  int lock = ::open((state + "/lock").c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  bool same = false;
  if (lock >= 0 && ::flock(lock, LOCK_EX | LOCK_NB) == 0) {  // else another build is at work: not now
    ListedManifest m;
    same = list_manifest(manifest, m) && tree_holds(tree, what_tells_apart(m, {}));  // nothing to tell from: every file
    ::unlink((same ? mark : manifest).c_str());
  }
  if (lock >= 0) ::close(lock);
  return same;
}

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
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) orphans.push_back(state + "/" + name);
    }
    std::sort(orphans.begin(), orphans.end());  // the same choice every time
    size_t t = which == RestoredTree::Live ? 0 : 1;
    std::string manifest = state + "/manifest-" + ids[t], other = state + "/manifest-" + ids[1 - t];
    if (!ids[t].empty() && ::access(manifest.c_str(), F_OK) != 0) {
      for (const std::string& orphan : orphans) {
        std::vector<std::string> others;
        for (const std::string& o : orphans) {
          if (o != orphan) others.push_back(o);
        }
        if (!ids[1 - t].empty() && ::access(other.c_str(), F_OK) == 0) others.push_back(other);
        bool every_file = false;
        if (!tells_itself_apart(trees[t], orphan, others, &every_file)) continue;
        // Marked before it is adopted: its other files are looked at before it is relied on.
        bool marked = every_file || replace_own_file(state + "/" + std::string(kUncheckedMark) + ids[t], "");
        if (marked && ::rename(orphan.c_str(), manifest.c_str()) == 0) ++adopted;
        break;
      }
    }
  }
  ::close(lock);
  return adopted;
}

}  // namespace cartable
