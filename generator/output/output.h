// Output: where rendered files go, updated in place and still atomic.
//
// Beside the output folder `out` lives a state folder `.<out>.cartable/`
// (mode 0700) that holds a second, idle copy of the site. A build brings the
// idle copy up to date -- writing only the files whose bytes changed and
// removing only the files no longer produced -- and, only if everything
// succeeded, trades it with `out` in one renameat2(RENAME_EXCHANGE). Readers
// see the old site or the new one, never a mix; a failed build leaves `out`
// untouched. The previous site becomes the idle copy for the next build, so
// nothing is deleted wholesale and unchanged pages cost no inode: on ext4,
// creating and deleting a whole tree per build was most of a rebuild.
//
// Which bytes each tree holds is remembered in a manifest per tree (path ->
// XXH3-128 of the content), named after the tree's inode so that a manifest
// can never be applied to another tree, even after a crash between the swap
// and the bookkeeping. A tree without a trustworthy manifest (killed build,
// `--no-cache`) is compared file by file instead: slower, same result. A
// tree restored from a CI cache gets its manifest back when it holds, with
// the sizes and times recorded, the files that tell it from the other tree
// (adopt_restored_trees()); its other files are looked at before a build
// writes into it.
//
// The files a rebuild keeps are hard links to the live site's (keep_known),
// taken only while they have the size and time published (else copied if
// their bytes are still those published, else listed as damaged() for the
// build to render again), never written through: a file of the idle copy that another name shares is
// unlinked and made anew before it is written. Cost on disk: the site once,
// a second tree of folders, the files that differ between the two copies
// (those the last build changed), and the manifests (about 70 bytes a file).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // `path` is relative to the site root, with '/' separators. Thread-safe.
  virtual void write(const std::string& path, std::string_view content) = 0;
  virtual void copy_file(const std::string& path, const std::string& from) = 0;
};

// Discards everything: `cartable check` renders to validate, writes nothing.
class NullSink : public OutputSink {
 public:
  void write(const std::string&, std::string_view) override {}
  void copy_file(const std::string&, const std::string&) override {}
};

// Writes into an existing folder, each file through a temporary name and a
// rename, so a reader (the dev server) never sees half a file. For
// incremental rebuilds, where the rest of the site is already in place.
class DirectoryWriter : public OutputSink {
 public:
  explicit DirectoryWriter(std::string dir) : dir_(std::move(dir)) {}
  void write(const std::string& path, std::string_view content) override;
  void copy_file(const std::string& path, const std::string& from) override;
  void remove(const std::string& path);  // a file or a folder, if present

 private:
  std::string dir_;
};

struct ContentHash {
  unsigned long long low = 0, high = 0;
  bool operator==(const ContentHash& o) const { return low == o.low && high == o.high; }
  bool operator!=(const ContentHash& o) const { return !(*this == o); }
};
ContentHash hash_content(std::string_view bytes);
// The hash of `prefix` then `bytes`, as one text, without joining them.
ContentHash hash_content(std::string_view prefix, std::string_view bytes);

// A file of a published tree, as its manifest has it: the hash of its bytes,
// and the size and modification time it had once written, by which a tree
// restored from a CI cache is recognised (adopt_restored_trees()).
struct OutputFile {
  ContentHash hash;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};
using OutputFiles = std::unordered_map<std::string, OutputFile>;

// The folder a build into `out_dir` writes: absolute, a symbolic link to a
// folder resolved (it is updated through its target).
std::string resolved_output(const std::string& out_dir);
// The state folder beside it: `.<out>.cartable`.
std::string state_folder_of(const std::string& out_dir);
// Names a tree for the bookkeeping: device, inode and birth time, which
// survive renames. "" when it is not a folder.
std::string tree_identity(const std::string& tree);
// Names the tree in `out_dir` as published: its manifest's checksum (what
// it holds, whatever its inode) and its top-level listing (a file dropped
// there by hand changes it); "" when it has no manifest, i.e. is not a tree
// a build published. Cheap at any size: files added deeper are not seen, and
// are removed by the next build that writes.
std::string published_fingerprint(const std::string& out_dir);
// The live site and the idle copy of `out_dir` restored from a CI cache
// (actions/cache, GitLab's cache: archives) are new folders with new inodes:
// the manifests in the restored state folder are named after the old ones.
// A manifest is the tree's again when the tree holds, with the size and
// modification time it records (rsync's quick check; a time restored to the
// second, as tar's default format keeps it, counts when its seconds agree),
// every file where it differs from the other manifests and its 256 newest,
// and none of the files only the others record: the two trees share every
// other file. It is renamed after the tree's identity, so the build updates
// the site in place instead of comparing every byte, and the tree is marked
// unchecked: StagingDir looks at each of its files before writing into it
// (1.1 M lstat for both trees at 500,000 pages took 2-6 s, before the
// replay). Nothing else changes. Returns how many trees were recognised.
int adopt_restored_trees(const std::string& out_dir);
// The same for one of the two: a build needs the live one's manifest to
// replay its record, the idle copy's only once it opens it, so the second
// is checked on another thread while the sources load.
enum class RestoredTree { Live, Idle };
int adopt_restored_tree(const std::string& out_dir, RestoredTree which);
// Before a build says the site is up to date: a live site adopted after a
// restore and not looked at since has each of its files looked at. True
// when they are all as recorded (or there was nothing to look at); false,
// and its manifest is forgotten, when one is not, or another build holds
// the folder: the build then renders the site again.
bool check_adopted_live_tree(const std::string& out_dir);

// Two audiences published together (the deploy hook): `build --stage` leaves
// each one's idle copy complete, with its manifest and a `staged` mark in its
// state folder, and the live site untouched; publish_staged() then swaps
// them all in, or none: a swap that fails undoes those done before it, and
// a folder without a complete staged copy publishes none. A folder whose
// build had nothing to do is marked by stage_unchanged() and left as it is.
bool publish_staged(const std::vector<std::string>& out_dirs, Diagnostics& diags);
// Marks `out_dir` as staged with nothing to change: its live site is the new one.
void stage_unchanged(const std::string& out_dir);

// The idle copy of the site, being brought up to date (see the top of this file).
class StagingDir : public OutputSink {
 public:
  struct Options {
    // false (`--no-cache`): the idle copy's manifest counts only for the
    // files still there with the size and time it records (check_every_file).
    bool trust_manifest = true;
  };
  // Prepares the idle copy beside `out_dir` (creating what is missing, and
  // removing `.<out>.tmp-*` folders that killed builds of older versions
  // left). nullptr and a diagnostic if that is impossible or another build
  // is writing to the same folder.
  static std::unique_ptr<StagingDir> open(const std::string& out_dir, Diagnostics& diags);
  static std::unique_ptr<StagingDir> open(const std::string& out_dir, const Options& options, Diagnostics& diags);
  ~StagingDir() override;  // an uncommitted idle copy stays, marked as unknown

  void write(const std::string& path, std::string_view content) override;
  void copy_file(const std::string& path, const std::string& from) override;

  // Removes the files the previous contents of the idle copy had and this
  // build did not write, except those under `keep_prefix` (e.g. "pagefind/"
  // before the indexer runs). commit() does it for everything.
  void remove_stale(const std::string& keep_prefix = "");
  // Writes every file under `dir` at `prefix` + its relative path.
  void import_folder(const std::string& dir, const std::string& prefix);
  // copy_file() of a file whose bytes the caller knows hash to `hash`: when
  // the idle copy already holds them (by its manifest), `from` is not read.
  void copy_known(const std::string& path, const std::string& from, ContentHash hash);
  // copy_known() of each of `files` (path -> hash, taken from) under the
  // folder `from`, except those `skip` accepts and those this build wrote:
  // the files a rebuild did not render, in one pass.
  void keep_known(OutputFiles&& files, const std::string& from,
                  const std::function<bool(const std::string&)>& skip);
  // The files keep_known() found neither in the idle copy nor with the
  // bytes published at `from` (changed by hand, lost by a restore that
  // stopped half-way): not kept, to be made again by the caller.
  std::vector<std::string> damaged() const;

  // Puts the updated copy in place of `out_dir`; false and a diagnostic when
  // a write failed earlier or the swap failed (the old site is then intact).
  bool commit(Diagnostics& diags);
  // commit() without the swap: the copy is marked as staged, for
  // publish_staged(). false and a diagnostic when a write failed.
  bool stage(Diagnostics& diags);
  // What published_fingerprint() will say of the staged copy once it is live.
  std::string staged_fingerprint() const;
  const std::string& staging_path() const { return tree_; }  // the idle copy
  const std::string& state_path() const { return state_; }   // .<out>.cartable
  const std::string& out_path() const { return out_; }
  size_t files_written() const { return written_; }
  // Every file this build wrote so far (changed or not), with its hash. Not
  // thread-safe: for after rendering.
  const OutputFiles& files() const { return written_files_; }
  size_t files_removed() const { return removed_; }

 private:
  enum class Mode { Fresh, Known, Unknown };
  StagingDir() = default;
  bool prepare(const std::string& out_dir, const Options& options, Diagnostics& diags);
  bool write_file(const std::string& full, std::string_view content, int64_t* mtime_ns);
  bool link_known(const std::string& path, const std::string& from, const OutputFile& known);
  bool idle_holds(const std::string& path, ContentHash hash);
  void copy_kept(const std::string& path, const std::string& from, ContentHash hash);
  bool same_on_disk(const std::string& path, const std::string& full, std::string_view content, OutputFile& file);
  void make_parents(const std::string& full);
  void note_error(const std::string& what);
  void forget_manifest();
  void note_foreign_top_level();
  void check_every_file();
  void check_recorded_files();
  std::string unchecked_mark(const std::string& tree) const;
  void prune_known(const std::string& keep_prefix);
  void prune_unknown(const std::string& keep_prefix);
  std::string manifest_path(const std::string& tree) const;
  bool save_manifest(const std::string& tree);
  bool swap_in(Diagnostics& diags);
  bool finish(Diagnostics& diags);

  std::string out_;
  std::string state_;
  std::string tree_;
  Mode mode_ = Mode::Fresh;
  int lock_fd_ = -1;
  bool committed_ = false;
  std::once_flag forgotten_;
  OutputFiles previous_;  // the idle copy as it was (Mode::Known)
  std::vector<std::string> empty_dirs_;  // found by check_every_file(), removed with the stale files
  mutable std::mutex mutex_;  // guards everything below
  OutputFiles written_files_;
  std::vector<std::string> damaged_;
  std::string first_error_;
  size_t written_ = 0;
  size_t removed_ = 0;
};

}  // namespace cartable
