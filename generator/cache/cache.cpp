#include "cache/cache.h"
#include "base/binary_record.h"
#include "base/filesystem.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/text.h"  // today()

namespace cartable {

namespace {

// Then the lines "key ...", "out ...", "git <stamp of the checkout's index,
// GitIndex::stamp_of>", the warnings as JSON, the records in
// binary (base/binary_record.h) and the seal, XXH3-64 of everything before
// it: a damaged record is no record.
constexpr std::string_view kInputsHeader = "cartable-inputs 4\n";

std::string hex(ContentHash h) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", h.high, h.low);
  return buf;
}

// A warning's message as its catalogue id and values, so that a build
// that reuses it prints it in its own language, not the one of the build
// that recorded it.
nlohmann::json text_json(const Text& t) {
  return {{"id", t.id}, {"plural", t.plural_id}, {"n", t.count}, {"args", t.args}, {"terms", t.term_args}};
}

Text text_from_json(const nlohmann::json& j) {
  Text t;
  if (!j.is_object()) return t;
  t.id = j.value("id", "");
  t.plural_id = j.value("plural", "");
  t.count = j.value("n", 0LL);
  t.args = j.value("args", std::vector<std::string>{});
  t.term_args = j.value("terms", 0u);
  return t;
}

// The status, then the bytes: a new string only for files (whose bytes are
// the caller's), built in place for listings (25,000 folders per build).
std::string outcome_prefix(const FileResult& r) { return std::to_string(static_cast<int>(r.status)) + "\n" + r.at + "\n"; }

ContentHash outcome_hash(const FileResult& r, std::string_view bytes) { return hash_content(outcome_prefix(r), bytes); }

ContentHash listing_hash(const FileResult& r, const std::vector<FolderEntry>& entries) {
  std::string text = outcome_prefix(r);
  size_t size = text.size();
  for (const FolderEntry& e : entries) size += e.name.size() + 4;
  text.reserve(size);
  for (const FolderEntry& e : entries) {
    text += e.name;
    text += '/';
    text += std::to_string(static_cast<int>(e.kind));
    text += '\n';
  }
  return hash_content(text);
}

ContentHash stat_hash(const FileResult& r, const FileInfo& info) {
  return outcome_hash(r, std::to_string(static_cast<int>(info.kind)) + " " + std::to_string(info.size));
}

// Size, mtime and inode of a file as lstat gives them (stamp: `path` under
// `root`, without following a link); mtime 0 when the file changed within the last second (a change in the same
// tick as this build would not show in the mtime: always read it again).
void stamp_from(const struct stat& st, InputRecord& rec) {
  rec.size = static_cast<uint64_t>(st.st_size);
  rec.inode = static_cast<uint64_t>(st.st_ino);
  uint64_t mtime = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull + static_cast<uint64_t>(st.st_mtim.tv_nsec);
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  rec.mtime_ns = static_cast<int64_t>(mtime) > now - 1000000000ll ? 0 : mtime;
}

// A folder's inode, mtime and ctime as lstat gives them; mtime 0 (list
// again) when it is no folder or changed within the last second.
void folder_stamp_from(const struct stat& st, InputRecord& rec) {
  if (!S_ISDIR(st.st_mode)) return;
  auto ns = [](const struct timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000000ull + static_cast<uint64_t>(t.tv_nsec);
  };
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  bool recent = static_cast<int64_t>(std::max(ns(st.st_mtim), ns(st.st_ctim))) > now - 1000000000ll;
  rec.inode = static_cast<uint64_t>(st.st_ino);
  rec.mtime_ns = recent ? 0 : ns(st.st_mtim);
  rec.ctime_ns = recent ? 0 : ns(st.st_ctim);
}

// A file's stamp (stamp_from) for records sorted by path: each folder
// opened once, its files looked at from there (half a million paths walked
// from the root were most of replaying a record).
class FolderStamper {
 public:
  explicit FolderStamper(const std::string& root) : root_(root) {}
  FolderStamper(const FolderStamper&) = delete;
  FolderStamper& operator=(const FolderStamper&) = delete;
  ~FolderStamper() { close(); }
  // `st`: the lstat it was made from, all zeros if none.
  void stamp(const std::string& path, InputRecord& rec, struct stat& st) {
    st = {};
    if (look(path, st)) stamp_from(st, rec);
  }
  void stamp_folder(const std::string& path, InputRecord& rec) {
    struct stat st {};
    if (look(path, st)) folder_stamp_from(st, rec);
  }
  bool look(const std::string& path, struct stat& st) {
    size_t slash = path.rfind('/');
    std::string_view folder = slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
    if (!opened_ || folder != folder_) {
      close();
      folder_ = folder;
      opened_ = true;
      std::string full = root_.empty() ? (folder_.empty() ? std::string(".") : folder_)
                                       : (folder_.empty() ? root_ : root_ + "/" + folder_);
      // Links on the way are followed, as fstatat of the whole path does.
      fd_ = ::open(full.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    const char* name = path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
    // An empty name (the source folder itself) finds nothing: listed again.
    return fd_ >= 0 && ::fstatat(fd_, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

 private:
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string root_, folder_;
  bool opened_ = false;
  int fd_ = -1;
};

// The same file, unchanged, as far as lstat can tell.
bool same_stat(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
         a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// The blob git's index vouches for, given the file's stat before and after
// its bytes were read: clean then, and not written meanwhile.
GitBlobId vouched_blob(const GitIndex* git, const std::string& path, const struct stat& before,
                       const struct stat& after) {
  const GitBlobId* blob = git && !git->empty() ? git->clean_blob(path, before) : nullptr;
  return blob && same_stat(before, after) ? *blob : GitBlobId{};
}

// A file by its bytes: Pagefind and the time zone database are installed
// again in each CI run (new inode, new mtime) but rarely change.
std::string file_identity(const std::string& path) {
  std::string bytes;
  int fd = path.empty() ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return path;
  char buf[1 << 16];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) bytes.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return path + " " + hex(hash_content(bytes));
}

// The GNU build-id note of a loaded object (the linker's hash of its
// contents, -Wl,--build-id), in hex; "" when it has none.
std::string build_id_note(const dl_phdr_info& info) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info.dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info.dlpi_addr + ph.p_vaddr);
    size_t left = ph.p_memsz;
    while (left >= sizeof(ElfW(Nhdr))) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      size_t name = (note->n_namesz + 3) & ~size_t{3}, desc = (note->n_descsz + 3) & ~size_t{3};
      size_t total = sizeof(ElfW(Nhdr)) + name + desc;
      if (total > left) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(at + sizeof(ElfW(Nhdr)), "GNU", 4) == 0) {
        const auto* id = reinterpret_cast<const unsigned char*>(at + sizeof(ElfW(Nhdr)) + name);
        std::string out;
        for (size_t k = 0; k < note->n_descsz; ++k) {
          char two[3];
          std::snprintf(two, sizeof two, "%02x", id[k]);
          out += two;
        }
        return out;
      }
      at += total;
      left -= total;
    }
  }
  return {};
}

// cartable's executable and the libraries it runs with (cmark-gfm, yaml-cpp,
// ...), by their build-ids: CI compiles cartable again in every run, which
// gives a new file (inode, mtime) but the same build-id when the code is the
// same. An object without one is hashed. The kernel's vDSO is left out.
std::string program_identity() {
  std::string identity;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto& out = *static_cast<std::string*>(data);
        bool main_program = out.empty();
        std::string name = main_program ? "/proc/self/exe" : std::string(info->dlpi_name ? info->dlpi_name : "");
        if (name.empty() || name.find("linux-vdso") != std::string::npos || name.find("linux-gate") != std::string::npos) {
          return 0;
        }
        std::string id = build_id_note(*info);
        out += (main_program ? std::string("cartable") : name) + " " + (id.empty() ? file_identity(name) : id) + "\n";
        return 0;
      },
      &identity);
  return identity;
}

}  // namespace

FileResult RecordingFileSystem::read(const std::string& path, std::string* contents, uint64_t max_bytes) const {
  InputRecord rec;
  rec.kind = 'F';
  rec.path = path;
  rec.max_bytes = max_bytes;
  // The stamp comes from the descriptor the bytes were read from, before
  // reading them: a change while reading shows next time.
  struct stat st, after {};
  bool git = git_ && !git_->empty();
  FileResult r = disk_->read_stamped(path, contents, max_bytes, &st, git ? &after : nullptr);
  if (st.st_ino != 0) stamp_from(st, rec);
  rec.hash = outcome_hash(r, r ? std::string_view(*contents) : std::string_view());
  if (r && git && rec.mtime_ns != 0) rec.blob = vouched_blob(git_.get(), path, st, after);
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(rec));
  return r;
}

FileResult RecordingFileSystem::list(const std::string& path, std::vector<FolderEntry>* entries) const {
  InputRecord rec;
  rec.kind = 'D';
  rec.path = path;
  {
    // Before listing: a change while listing shows next time.
    struct stat st {};
    std::string full = disk_->root().empty() ? path : disk_->root() + "/" + path;
    if (!path.empty() && ::fstatat(AT_FDCWD, full.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) folder_stamp_from(st, rec);
  }
  FileResult r = disk_->list(path, entries);
  rec.hash = listing_hash(r, r ? *entries : std::vector<FolderEntry>{});
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(rec));
  return r;
}

FileResult RecordingFileSystem::stat(const std::string& path, FileInfo* info) const {
  FileResult r = disk_->stat(path, info);
  InputRecord rec;
  rec.kind = 'S';
  rec.path = path;
  rec.hash = stat_hash(r, r ? *info : FileInfo{});
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(rec));
  return r;
}

std::vector<InputRecord> RecordingFileSystem::records() const {
  std::lock_guard lock(mutex_);
  std::vector<InputRecord> all = records_;
  std::sort(all.begin(), all.end(), [](const InputRecord& a, const InputRecord& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.path < b.path;
  });
  // A file read twice (an entry's text at load and at render) is one input;
  // keep the more cautious stamp.
  std::vector<InputRecord> unique;
  for (InputRecord& r : all) {
    if (!unique.empty() && unique.back().kind == r.kind && unique.back().path == r.path) {
      InputRecord& first = unique.back();
      if (r.mtime_ns == 0 || r.hash != first.hash) first.mtime_ns = 0;
      // The blob git vouched for at either reading, if both read the same bytes.
      if (r.hash != first.hash) first.blob = {};
      else if (first.blob == GitBlobId{}) first.blob = r.blob;
      continue;
    }
    unique.push_back(std::move(r));
  }
  return unique;
}

std::string build_key(const std::string& audience, bool search, const std::string& pagefind) {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  // The time zone database (date/tz reads the system's) makes the feeds' VTIMEZONE.
  std::string key = program_identity() + "tz " + file_identity("/usr/share/zoneinfo/tzdata.zi") +
                    "\naudience " + audience + "\nsearch " + (search ? file_identity(pagefind) : "") +
                    "\nepoch " + (epoch ? epoch : "") + "\n";
  // The experts' readiness counts the sessions held by the build's today
  // (index/readiness.h): a new day is a new build for them.
  if (audience == "experts") key += "today " + today() + "\n";
  return hex(hash_content(key));
}

// A record is replayed against the disk: true when it reads the same. A
// file read again with the same bytes, or a folder listed again with the
// same names, gets the stamp it has now, taken before reading: kept by
// carry_over, it spares the next build the reading. After a fresh checkout
// (new inodes and times, as in every CI run) git's index vouches for most
// files, and any other source is read once, not in every build that follows
// in that checkout.
struct ReplayCounts {
  size_t read_again = 0, vouched = 0;
};

static bool still_the_same(InputRecord& rec, const DiskFileSystem& disk, const GitIndex* git, FolderStamper& stamper,
                           ReplayCounts& counts) {
  if (rec.kind == 'F') {
    InputRecord now;
    struct stat st;
    stamper.stamp(rec.path, now, st);
    if (rec.mtime_ns != 0 && now.mtime_ns == rec.mtime_ns && now.size == rec.size && now.inode == rec.inode) return true;
    auto adopt_stamp = [&] {
      rec.size = now.size;
      rec.mtime_ns = now.mtime_ns;  // 0 (never trusted) when changed in the last second
      rec.inode = now.inode;
    };
    const GitBlobId* blob = git && rec.blob != GitBlobId{} && now.mtime_ns != 0 ? git->clean_blob(rec.path, st) : nullptr;
    if (blob && *blob == rec.blob) {
      adopt_stamp();
      ++counts.vouched;
      return true;
    }
    ++counts.read_again;
    std::string bytes;
    FileResult r = disk.read(rec.path, &bytes, rec.max_bytes);
    if (outcome_hash(r, r ? std::string_view(bytes) : std::string_view()) != rec.hash) return false;
    // The stamp is trusted only if the bytes read are the file's at that
    // stamp: a file that changed meanwhile shows a later time next build.
    if (r && now.size == bytes.size()) {
      adopt_stamp();
      rec.blob = {};
      if (git && !git->empty() && now.mtime_ns != 0) {  // without an index, no second look
        struct stat after {};
        stamper.look(rec.path, after);
        rec.blob = vouched_blob(git, rec.path, st, after);
      }
    }
    return true;
  }
  if (rec.kind == 'D') {
    InputRecord now;
    stamper.stamp_folder(rec.path, now);
    if (rec.mtime_ns != 0 && now.mtime_ns == rec.mtime_ns && now.ctime_ns == rec.ctime_ns && now.inode == rec.inode) {
      return true;
    }
    std::vector<FolderEntry> entries;
    FileResult r = disk.list(rec.path, &entries);
    if (listing_hash(r, r ? entries : std::vector<FolderEntry>{}) != rec.hash) return false;
    rec.inode = now.inode;
    rec.mtime_ns = now.mtime_ns;
    rec.ctime_ns = now.ctime_ns;
    return true;
  }
  FileInfo info;
  FileResult r = disk.stat(rec.path, &info);
  return stat_hash(r, r ? info : FileInfo{}) == rec.hash;
}

constexpr unsigned kLookers = 16;

PreviousBuild replay_inputs(const std::string& state_dir, const std::string& tree, const std::string& key,
                            const DiskFileSystem& disk, const GitIndexFor& git_for) {
  PreviousBuild previous;
  MappedFile file;
  if (!file.open(state_dir + "/inputs")) return previous;
  std::string_view bytes = file.bytes();
  if (bytes.size() < kInputsHeader.size() + 8 ||
      bytes.compare(0, kInputsHeader.size(), kInputsHeader) != 0) {
    return previous;
  }
  // Its seal is checked once the key and the tree match: the record of
  // another build is not hashed for nothing.
  std::string_view body(bytes.data(), bytes.size() - 8);
  BinaryReader r(body.substr(kInputsHeader.size()));
  std::string_view line = r.line();
  // "key <key>", then " feed <hash>" when the build compared with a feed.
  if (line.substr(0, 4 + key.size()) != "key " + key) return previous;
  previous.feed = std::string(line.substr(4 + key.size()));
  // The output must be the tree that build published, as it published it.
  if (tree.empty() || r.line() != "out " + tree) return previous;
  std::string_view git_line = r.line();  // "git <stamp of its checkout's index>"
  std::string_view warnings = r.line();
  if (!r.ok() || git_line.substr(0, 4) != "git " || !unseal(bytes, SealHash::Xxh3_64)) return previous;
  std::vector<InputRecord> records;
  uint64_t count = r.u64();
  records.reserve(std::min<uint64_t>(count, r.left() / 24));  // no larger than the bytes left could hold
  std::string path;  // each path shares a prefix with the one before (sorted)
  while (r.ok() && !r.done()) {
    InputRecord rec;
    rec.kind = static_cast<char>(r.u8());
    rec.hash.high = r.u64();
    rec.hash.low = r.u64();
    if (rec.kind == 'F') {
      rec.max_bytes = r.u64();
      rec.size = r.u64();
      rec.mtime_ns = r.u64();
      rec.inode = r.u64();
      std::string_view blob = r.varint_text();
      if (blob.size() == rec.blob.size()) std::memcpy(rec.blob.data(), blob.data(), blob.size());
      else if (!blob.empty()) return previous;
    } else if (rec.kind == 'D') {
      rec.inode = r.u64();
      rec.mtime_ns = r.u64();
      rec.ctime_ns = r.u64();
    } else if (rec.kind != 'S') {
      return previous;
    }
    uint32_t shared = r.u32();
    std::string_view rest = r.text();
    if (shared > path.size()) return previous;
    path.resize(shared);
    path.append(rest);
    rec.path = path;
    records.push_back(std::move(rec));
  }
  if (!r.ok()) return previous;
  nlohmann::json shown = nlohmann::json::parse(warnings, nullptr, false);
  if (!shown.is_array()) return previous;
  for (const auto& w : shown) {
    Diagnostic d;
    d.severity = Severity::Warning;
    d.pos = {w.value("path", ""), w.value("line", 0), w.value("col", 0)};
    d.message = w.value("message", "");
    d.hint = w.value("hint", "");
    if (w.contains("text")) d.message_text = text_from_json(w["text"]);
    if (w.contains("hint_text")) d.hint_text = text_from_json(w["hint_text"]);
    previous.warnings.push_back(std::move(d));
  }
  const GitIndex* git = git_for ? git_for(git_line.substr(4)) : nullptr;
  // At 500,000 entries this is half a million system calls: spread over the cores.
  std::mutex mutex;
  std::atomic<size_t> next{0};
  auto check = [&] {
    FolderStamper stamper(disk.root());
    ReplayCounts counts;
    for (size_t i; (i = next.fetch_add(256)) < records.size();) {
      for (size_t j = i; j < std::min(i + 256, records.size()); ++j) {
        if (still_the_same(records[j], disk, git, stamper, counts)) continue;
        std::lock_guard lock(mutex);
        previous.changed.push_back(records[j].path);
      }
    }
    std::lock_guard lock(mutex);
    previous.read_again += counts.read_again;
    previous.vouched += counts.vouched;
  };
  std::vector<std::thread> threads;
  // More threads than cores: after a CI cache restore, or when the sources
  // are no longer in memory, each look may wait for the disk (3.1 s with
  // two threads against 0.7 s warm, at 500,000 entries).
  unsigned n = std::max(kLookers, std::thread::hardware_concurrency());
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(check);
  check();
  for (auto& t : threads) t.join();
  std::sort(previous.changed.begin(), previous.changed.end());
  previous.changed.erase(std::unique(previous.changed.begin(), previous.changed.end()), previous.changed.end());
  previous.records = std::move(records);
  previous.usable = true;
  return previous;
}

std::vector<InputRecord> carry_over(std::vector<InputRecord> current, const PreviousBuild& previous,
                                   const DiskFileSystem& disk) {
  auto before = [](const InputRecord& a, const InputRecord& b) { return a.kind != b.kind ? a.kind < b.kind : a.path < b.path; };
  std::sort(current.begin(), current.end(), before);
  size_t read_now = current.size();
  current.reserve(read_now + previous.records.size());
  for (const InputRecord& rec : previous.records) {
    if (std::binary_search(current.begin(), current.begin() + read_now, rec, before)) continue;
    InputRecord kept = rec;
    if (std::binary_search(previous.changed.begin(), previous.changed.end(), rec.path)) {
      FileInfo info;
      if (rec.kind == 'F' && disk.stat(rec.path, &info).status == FileStatus::Missing) continue;
      kept.mtime_ns = 0;  // never trusted by its stamp
      kept.hash = ContentHash{};  // matches no outcome
    }
    current.push_back(std::move(kept));
  }
  // Both halves sorted (the previous records were), no path in both: a
  // merge, not a sort of half a million records.
  std::inplace_merge(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(read_now), current.end(), before);
  return current;
}

const InputRecord* find_file_record(const std::vector<InputRecord>& records, std::string_view path) {
  // The loader asks for the entries of a folder in order, which the
  // records hold side by side: the record after the last one found first
  // (a binary search over half a million paths costs a microsecond).
  thread_local const std::vector<InputRecord>* last_of = nullptr;
  thread_local size_t last = 0;
  if (last_of == &records && last + 1 < records.size() && records[last + 1].kind == 'F' && records[last + 1].path == path) {
    return &records[++last];
  }
  auto it = std::lower_bound(records.begin(), records.end(), path, [](const InputRecord& r, std::string_view p) {
    return r.kind != 'F' ? r.kind < 'F' : std::string_view(r.path) < p;
  });
  if (it == records.end() || it->kind != 'F' || it->path != path) return nullptr;
  last_of = &records;
  last = static_cast<size_t>(it - records.begin());
  return &*it;
}

const InputRecord* find_record(const std::vector<InputRecord>& records, char kind, std::string_view path) {
  if (kind == 'F') return find_file_record(records, path);
  auto it = std::lower_bound(records.begin(), records.end(), path, [kind](const InputRecord& r, std::string_view p) {
    return r.kind != kind ? r.kind < kind : std::string_view(r.path) < p;
  });
  return it != records.end() && it->kind == kind && it->path == path ? &*it : nullptr;
}

void save_inputs(const std::string& state_dir, const std::string& key, const std::string& tree_id,
                 const std::string& git_stamp, const std::vector<InputRecord>& records, const Diagnostics& diags) {
  std::string path = state_dir + "/inputs";
  ::unlink(path.c_str());  // no record is better than a stale one
  nlohmann::json warnings = nlohmann::json::array();
  for (const Diagnostic& d : diags.sorted()) {
    if (d.severity != Severity::Warning) return;
    nlohmann::json w = {{"path", d.pos.path.str()}, {"line", d.pos.line}, {"col", d.pos.col}, {"message", d.message},
                        {"hint", d.hint}};
    if (!d.message_text.empty()) w["text"] = text_json(d.message_text);
    if (!d.hint_text.empty()) w["hint_text"] = text_json(d.hint_text);
    warnings.push_back(std::move(w));
  }
  std::string text = std::string(kInputsHeader) + "key " + key + "\nout " + tree_id + "\ngit " + git_stamp + "\n" +
                     warnings.dump() + "\n";
  size_t size = text.size() + 8;
  for (const InputRecord& r : records) size += 78 + r.path.size();
  text.reserve(size);
  BinaryWriter w(text);
  w.u64(records.size());
  const std::string* before = nullptr;
  for (const InputRecord& r : records) {
    w.u8(static_cast<uint8_t>(r.kind));
    w.u64(r.hash.high);
    w.u64(r.hash.low);
    if (r.kind == 'F') {
      for (uint64_t v : {r.max_bytes, r.size, r.mtime_ns, r.inode}) w.u64(v);
      bool vouched = r.blob != GitBlobId{};
      w.varint_text(vouched ? std::string_view(reinterpret_cast<const char*>(r.blob.data()), r.blob.size()) : "");
    } else if (r.kind == 'D') {
      for (uint64_t v : {r.inode, r.mtime_ns, r.ctime_ns}) w.u64(v);
    }
    size_t shared = 0;
    if (before) {
      size_t most = std::min(before->size(), r.path.size());
      while (shared < most && (*before)[shared] == r.path[shared]) ++shared;
    }
    w.u32(static_cast<uint32_t>(shared));
    w.text(std::string_view(r.path).substr(shared));
    before = &r.path;
  }
  seal(text, SealHash::Xxh3_64);
  replace_own_file(path, text);
}



}  // namespace cartable
