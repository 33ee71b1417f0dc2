#include "build.h"

#include <filesystem>

#include "check/check.h"
#include "index/index.h"
#include "load/load.h"
#include "output/output.h"
#include "render/theme.h"
#include "search/pagefind.h"

namespace cartable {

BuildResult build_site(const BuildOptions& options, Diagnostics& diags) {
  BuildResult result;
  Site site = load_site(options.source, diags);
  if (site.config.base_url.empty() && diags.has_errors()) return result;  // not a site at all
  check_site(site, diags);
  if (!options.previous_ics.empty()) {
    std::string ics;
    if (read_file(options.previous_ics, ics, diags)) check_against_previous_feed(site, ics, options.previous_ics, diags);
  }
  if (diags.has_errors()) return result;

  // From here on the site holds only what this audience may see.
  Visibility audience = Visibility::Public;
  parse_visibility(options.audience, audience);
  restrict_to_audience(site, audience);

  Index index(site);
  std::string theme_dir = (std::filesystem::path(options.source) / "themes" / site.config.theme).lexically_normal().string();
  Theme theme = load_theme(theme_dir, site.config.language, diags);
  TemplateSet validate(theme, &diags);
  if (diags.has_errors()) return result;

  if (!options.write) {
    NullSink sink;
    result.stats = render_site(index, theme, sink, diags, {options.threads, false});
    result.ok = !diags.has_errors();
    return result;
  }
  std::unique_ptr<StagingDir> staging = StagingDir::open(options.out, diags);
  if (!staging) return result;
  std::string pagefind = options.search ? find_pagefind(options.source, options.pagefind) : std::string();
  result.stats = render_site(index, theme, *staging, diags, {options.threads, !pagefind.empty()});
  if (diags.has_errors()) return result;  // the staging folder is removed, the old site stays
  if (!pagefind.empty()) run_pagefind(pagefind, staging->staging_path(), site.config.language, diags);
  result.ok = staging->commit(diags);
  return result;
}

}  // namespace cartable
