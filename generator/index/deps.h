// Dependencies recorded while a page renders, as Hugo's `identity` package
// does: the index's queries and the page builder's accessors note the
// identity key of each piece of data they hand to a page ("entry:x/y",
// "evidence:rc-num-so/3.1", ...) into the recorder of the page being
// rendered. After an edit, the keys whose data changed (build/rebuild.h) select
// exactly the pages to render again; nobody keeps a list of what a page
// shows by hand.
//
// Keys:
//   entry:<p>/<e>      an entry's front matter (title, date, tags, ...) and
//                      validation state       body:<p>/<e>  its text
//   portfolio:<p>      portfolio.yaml         entries-of:<p> its entries list
//   task:<m>/<t>       entries of a task      evidence:<ref> entries of a competency
//   equivalents:<ref>  crosswalk equivalents  module:<m>, session:<s>,
//   framework:<f>, page:<id>                  one item of the programme
//   sessions-of:<m>    a module's sessions    sessions, portfolios: the whole list
//   competency-modules which modules develop which competencies
//   totals             the programme's totals (ECTS, periods, hours)
// Anything else a page reads (site.yaml, places, people, the theme, HEP
// records) is global: a change to it renders everything.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace cartable {

// The keys one page read. Recording appends; finish() sorts and dedups.
struct DepRecorder {
  std::vector<std::string> keys;
  void finish() {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
};

namespace deps_detail {
inline thread_local DepRecorder* current = nullptr;
}

// Notes "kind:id" for the page rendering on this thread; nothing when no
// page records (a one-shot build without cache pays one test).
inline void record_dep(std::string_view kind, std::string_view id = {}) {
  DepRecorder* r = deps_detail::current;
  if (!r) return;
  std::string key(kind);
  if (!id.empty()) {
    key += ':';
    key += id;
  }
  r->keys.push_back(std::move(key));
}

inline bool recording_deps() { return deps_detail::current != nullptr; }

// Makes `recorder` the current one for this thread until the end of scope.
class RecordingScope {
 public:
  explicit RecordingScope(DepRecorder* recorder) : previous_(deps_detail::current) { deps_detail::current = recorder; }
  ~RecordingScope() { deps_detail::current = previous_; }
  RecordingScope(const RecordingScope&) = delete;
  RecordingScope& operator=(const RecordingScope&) = delete;

 private:
  DepRecorder* previous_;
};

}  // namespace cartable
