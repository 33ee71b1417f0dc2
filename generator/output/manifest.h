// The manifest of a published tree (output.h): path -> XXH3-128, size and
// modification time of each file, for a build that keeps the files it does not render again
// (cache/page_log.h). Implemented in manifest.cpp.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "output/output.h"

namespace cartable {

// False when the tree in `out_dir` has no manifest (not published by a
// build, or a copy restored from elsewhere).
bool published_manifest(const std::string& out_dir, OutputFiles& files);

// For output.cpp, whose StagingDir reads the idle copy's manifest and
// writes it again once the copy is up to date.

// Reads the manifest at `path` into `files`; false when absent or not
// exactly what manifest_bytes() makes.
bool load_manifest(const std::string& path, OutputFiles& files);
// The manifest of a tree holding `files`, sealed (base/binary_record.h).
std::string manifest_bytes(const OutputFiles& files);
// published_fingerprint() of `tree`, whose manifest is in the state folder
// `state`: also asked of the idle copy before it is published.
std::string fingerprint_of(const std::string& tree, const std::string& state);
// A file's modification time, as a manifest records it.
int64_t mtime_ns_of(const struct stat& st);
// The file `st` describes is as the manifest recorded it once written:
// by this, a restored tree is adopted and `--no-cache` believes a file.
bool same_stamp(const struct stat& st, const OutputFile& file);

// The `count` files at(i) names (path, as recorded), looked at in the tree
// open at `tree_fd` on several threads: `unlike(i)` (from any thread) for
// each one not there with the size and time recorded. Returns how many;
// with `stop_at_first`, at least one when there is one.
using RecordedAt = std::function<std::pair<std::string_view, const OutputFile*>(size_t)>;
size_t look_at_recorded(int tree_fd, size_t count, const RecordedAt& at, const std::function<void(size_t)>& unlike,
                        bool stop_at_first);
// `unchecked-<tree identity>`, in the state folder: the tree's manifest was
// adopted after a restore (adopt_restored_tree()) by the files that tell it
// apart; every other file is looked at before a build writes into it.
inline constexpr std::string_view kUncheckedMark = "unchecked-";

// In output.cpp: a path that would leave the tree. A manifest naming one is
// not the tree's, as a page writing one is a bug.
bool leaves_output(std::string_view path);

}  // namespace cartable
