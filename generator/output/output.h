// Output: where rendered files go. A build writes into a fresh staging folder
// beside the output folder and, only if everything succeeded, swaps it in
// with one atomic rename, so readers see the old site or the new one, never
// a mix, and a failed build leaves the previous site byte-for-byte intact.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <unordered_set>
#include <string>
#include <string_view>

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

class StagingDir : public OutputSink {
 public:
  // Creates the staging folder next to `out_dir`; nullptr and a diagnostic
  // if that is impossible.
  static std::unique_ptr<StagingDir> open(const std::string& out_dir, Diagnostics& diags);
  ~StagingDir() override;  // removes the staging folder unless committed

  void write(const std::string& path, std::string_view content) override;
  void copy_file(const std::string& path, const std::string& from) override;

  // Puts the staged site in place of `out_dir`; false and a diagnostic when
  // a write failed earlier or the swap failed (the old site is then intact).
  bool commit(Diagnostics& diags);
  const std::string& staging_path() const { return staging_; }

 private:
  StagingDir(std::string out, std::string staging) : out_(std::move(out)), staging_(std::move(staging)) {}
  std::string prepare(const std::string& path);
  void make_parents(const std::string& full, size_t end);  // with mutex_ held

  std::string out_;
  std::string staging_;
  bool committed_ = false;
  std::mutex mutex_;
  std::unordered_set<std::string> made_dirs_;
  std::string first_error_;
};

}  // namespace cartable
