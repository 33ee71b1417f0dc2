// Hints for a reference that names the right thing the wrong way: the label
// the site shows (`RC Num SO/3.1`, « Module 4 », a module's title) instead
// of its id (`rc-num-so/3.1`, `m4`). Participants copy what they read on
// the pages; the hint gives the exact id to write.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/messages.h"
#include "model/model.h"

namespace cartable {

// `hint` when it says something, else `fallback`.
inline Text hint_or(Text hint, Text fallback) { return hint.empty() ? std::move(fallback) : std::move(hint); }

// "did you mean m4?" for a module written as its number, label or title,
// or a near spelling of an id; empty when nothing is close.
Text module_hint(const Site& site, const std::string& written);

// "did you mean rc-num-so/3.1?" for a competency written with its
// framework's short title or title (`RC Num SO/3.1`, `RC Num SO 3.1`), or
// a near spelling; empty when nothing is close.
Text competency_hint(const Site& site, const std::string& written);

// "m1, m2, m3": ids for a hint that lists them all.
std::string join_ids(const std::vector<std::string>& ids);

// Letters and digits only, ASCII lowercased: "RC Num SO" and "rc-num-so"
// both give "rcnumso".
std::string loose_key(std::string_view s);

}  // namespace cartable
