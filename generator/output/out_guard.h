// The output guard: where a build (or `serve --out`) may write. A build
// replaces its output folder wholesale, so a mistyped `--out` (`.`, `..`,
// `content`, a home folder) would swap the sources or a user's files away.
// The guard runs before anything is written and refuses, with a diagnostic:
//
//  - `/`, and any user's home folder;
//  - the source folder, or a folder that contains it;
//  - a folder inside the source folder, unless it is, or lies inside, one of
//    its declared output folders: `public/` (the default) or one named in
//    site.yaml (`outputs: [experts, build]`), directly under the source;
//  - an existing, non-empty folder that is not a previous cartable output.
//
// Paths are compared after resolving symbolic links, so a symlinked `--out`
// is judged by its target, which is what the output stage updates (it never
// replaces the link itself).
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

// The file every cartable output holds (build/build.cpp writes it before commit), so
// that the next build knows the folder is its own to replace.
constexpr const char* kOutputMarker = ".cartable-output";
constexpr const char* kOutputMarkerText = "This folder is a site built by cartable: every build replaces it.\n";

// True when `out` may be written; false after a diagnostic. `outputs`: the
// folder names directly under `source` that are, or hold, outputs (public/
// and site.yaml's `outputs`).
bool check_output_folder(const std::string& source, const std::string& out, const std::vector<std::string>& outputs,
                         Diagnostics& diags);

}  // namespace cartable
