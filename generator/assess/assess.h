// `cartable assess`: a trainer's decision on one entry, appended to the
// HEP's content/assessments/<module>.yaml with the entry's fingerprint
// (load/fingerprint.h), so nobody computes hashes by hand and an entry
// edited afterwards shows as « modifiée après validation ».
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

struct AssessOptions {
  std::string source = ".";
  std::string entry;          // portfolios/<slug>/<entry>.md (or <slug>/<entry>)
  std::string status;         // acquired, not-acquired, to-redo
  std::string by;             // the assessor: a person id with trainer: true
  std::string feedback_file;  // Markdown, optional
  std::string date;           // empty: today (or SOURCE_DATE_EPOCH)
  std::vector<std::string> coauthors;  // coauthors this decision also counts for
};

// Returns the file written, or "" after a diagnostic (nothing written).
std::string assess(const AssessOptions& options, Diagnostics& diags);

}  // namespace cartable
