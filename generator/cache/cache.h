// Build cache: what the last successful build read, so that a build whose
// inputs did not change costs a look at them, not a build (ninja's
// .ninja_log and .ninja_deps are the model).
//
// Every source is read through a FileSystem (base/filesystem.h); a
// RecordingFileSystem in front of the disk notes each file read (its bytes'
// XXH3-128 and, taken before reading, its size, mtime and inode), each folder
// listed and each path looked at, whether it existed or not. After a
// successful build that record is saved in the state folder beside the
// output (`.<out>.cartable/inputs`, output.h; binary, paths sharing their
// prefix with the one before, ended by a checksum), with a key for everything
// else that decides the output: cartable's own executable, the system's time
// zone database, the audience, search and Pagefind's executable,
// SOURCE_DATE_EPOCH. The next build
// replays the record: a file whose size, mtime and inode are unchanged is
// taken as unchanged (as ninja and git do; files modified within a second of
// being read are always re-read), any other is read and hashed again. A
// folder whose inode, mtime and ctime are unchanged is taken as listing the
// same names: creating, removing or renaming anything in it sets both times,
// and ctime cannot be set back from user space (a folder changed within a
// second of being listed is always listed again); any other is listed again,
// so a new entry or portfolio is seen. After a fresh checkout (each CI run)
// every stamp is new: a file that git's index vouches for (git_index.h), as
// holding the blob the last build read, is not read either. When nothing
// differs and the output is still the tree that build published, the build
// is skipped and its warnings are shown again. `--no-cache` never skips.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/filesystem.h"
#include "cache/git_index.h"
#include "output/output.h"

namespace cartable {

struct InputRecord {
  char kind = 'F';  // F: file read, D: folder listed, S: path looked at
  std::string path;
  ContentHash hash;  // of the outcome: status, and the bytes or the listing
  uint64_t max_bytes = kNoSizeLimit;  // F: the reader's size limit
  // F: taken before reading; mtime 0 means "do not trust, read again".
  // D: the folder's inode, mtime and ctime, taken before listing; mtime 0
  // means "list again".
  uint64_t size = 0, mtime_ns = 0, inode = 0, ctime_ns = 0;
  // F: the git blob of the bytes read, when git's index vouched for them
  // (its stat data was the file's before and after reading); zeros if not.
  GitBlobId blob{};
};

class RecordingFileSystem : public FileSystem {
 public:
  // `git`, if any, names the blobs of the files it vouches for.
  explicit RecordingFileSystem(std::shared_ptr<const DiskFileSystem> disk, std::shared_ptr<const GitIndex> git = nullptr)
      : disk_(std::move(disk)), git_(std::move(git)) {}
  FileResult read(const std::string& path, std::string* contents, uint64_t max_bytes = kNoSizeLimit) const override;
  FileResult list(const std::string& path, std::vector<FolderEntry>* entries) const override;
  FileResult stat(const std::string& path, FileInfo* info) const override;
  // Everything recorded, each path once per kind, sorted.
  std::vector<InputRecord> records() const;
  // Keeps only the part of git's index `drop` does not name (GitIndex::
  // without). Call it when no read is under way.
  void narrow_git_index(const std::function<bool(std::string_view path)>& drop) {
    if (git_) git_ = std::make_shared<const GitIndex>(git_->without(drop));
  }

 private:
  std::shared_ptr<const DiskFileSystem> disk_;
  std::shared_ptr<const GitIndex> git_;
  mutable std::mutex mutex_;
  mutable std::vector<InputRecord> records_;
};

// What decides the output besides the sources (see the top of this file).
std::string build_key(const std::string& audience, bool search, const std::string& pagefind);

// The last build into `out_dir`, replayed against the sources.
struct PreviousBuild {
  bool usable = false;               // its record has the same key and `out_dir` is the tree it published
  std::vector<std::string> changed;  // paths whose file, listing or status differ now
  std::vector<Diagnostic> warnings;  // what it reported
  std::vector<InputRecord> records;  // what it read, sorted by kind then path
  std::string feed;                  // what followed its key: the hash of `--previous-ics` (build.cpp)
  size_t read_again = 0;             // files whose stamp had changed, read to compare their bytes
  size_t vouched = 0;                // files whose stamp had changed, known unchanged from git's index
};
// The index of the checkout (null or empty if none), given the stamp of the
// index the last build saw (git_index_stamp): read only if it changed.
using GitIndexFor = std::function<const GitIndex*(std::string_view recorded_stamp)>;
// `state_dir` holds the record; `tree` names what the build it describes
// wrote (published_fingerprint(), output.h; kCheckTree for a check): the
// record is used only when it names the same.
PreviousBuild replay_inputs(const std::string& state_dir, const std::string& tree, const std::string& key,
                            const DiskFileSystem& disk, const GitIndexFor& git_for = {});
// What a check's records name instead of a published tree: it writes none.
inline constexpr const char* kCheckTree = "check";

// The record of file `path` in `records` (sorted by kind, then path, as
// PreviousBuild's and records() are), or null. Any thread.
const InputRecord* find_file_record(const std::vector<InputRecord>& records, std::string_view path);
// The same for a record of any kind (F, D or S).
const InputRecord* find_record(const std::vector<InputRecord>& records, char kind, std::string_view path);

// The record of a build that rendered only what changed: what it read, and
// what the previous build read that it did not (the files it kept, such as
// the theme's static files), as recorded then. Those that changed since are
// marked so that the next build sees them changed, except files gone since
// (their folder's listing says so): kept, they would read as changed forever.
std::vector<InputRecord> carry_over(std::vector<InputRecord> current, const PreviousBuild& previous,
                                   const DiskFileSystem& disk);

// Saves the record beside the output (`state_dir`) once the tree named by
// `tree_id` (published_fingerprint, output.h) is published; `git_stamp`:
// git_index_stamp() when the build started.
void save_inputs(const std::string& state_dir, const std::string& key, const std::string& tree_id,
                 const std::string& git_stamp, const std::vector<InputRecord>& records, const Diagnostics& diags);

}  // namespace cartable
