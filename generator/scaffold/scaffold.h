// `cartable new`: starts a portfolio or an entry with its front matter filled
// in from the programme (the module's task, its kind, its competencies) and a
// body that follows the INSPÉ grid's phases. The text comes from the theme's
// scaffold templates, so the French lives with the other UI strings.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

struct NewPortfolio {
  std::string source = ".";
  std::string name;
  std::string school;
  std::string visibility = "public";
  // Set up a portfolio-only repository in `source`: site.yaml pointing at a
  // copy of this saved /api/catalogue.json, and a copy of `theme`.
  std::string catalogue;
  std::string theme;  // default: cartable's own (render/theme.h, bundled_themes_dir())
  // Logins that may push to this portfolio (portfolio.yaml `owners:`, the
  // publishing gate's rule); none: the line is left out.
  std::vector<std::string> owners;
};

struct NewEntry {
  std::string source = ".";
  std::string module;
  std::string task;
  std::string portfolio;  // empty: the only one, or the one the cwd is in
  std::string title;      // empty: the task's title
  std::string date;       // empty: today (or SOURCE_DATE_EPOCH)
};

// Each returns the path of the created file, or "" after a diagnostic.
std::string new_portfolio(const NewPortfolio& options, Diagnostics& diags);
std::string new_entry(const NewEntry& options, Diagnostics& diags);

}  // namespace cartable
