// The manifest of a published tree (output.h): path -> XXH3-128, size and
// modification time of each file, for a build that keeps the files it does not render again
// (cache/page_log.h). Implemented in output.cpp.
#pragma once

#include <string>
#include <unordered_map>

#include "output/output.h"

namespace cartable {

// False when the tree in `out_dir` has no manifest (not published by a
// build, or a copy restored from elsewhere).
bool published_manifest(const std::string& out_dir, OutputFiles& files);

}  // namespace cartable
