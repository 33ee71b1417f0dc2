// `cartable serve`: a local preview server (cpp-httplib) on 127.0.0.1 that
// watches the sources (inotify), rebuilds what changed (build/build.h, Workspace),
// and reloads the browser through Server-Sent Events. While the sources have
// an error, every page shows it instead of a stale page. Drafts and private
// content are shown, marked as such: only the owner runs this server.
#pragma once

#include <string>

namespace cartable {

struct ServeOptions {
  std::string source = ".";
  std::string host = "127.0.0.1";
  int port = 1313;  // Hugo's; 0 picks a free one (printed on start)
  std::string out;  // default: a temporary folder
  std::string audience;  // empty: the owner's preview; "experts": the jury's site
};

// Runs until interrupted. Returns the exit status.
int serve(const ServeOptions& options);

}  // namespace cartable
