// Small text helpers shared by the stages: closest-match hints, HTML and XML
// escaping, number formatting in French.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/messages.h"

namespace cartable {

// Damerau-free Levenshtein distance, in bytes.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `wanted`, or "" when none is close enough to be a
// plausible typo (distance at most a third of the length, minimum 2).
std::string closest_match(std::string_view wanted, const std::vector<std::string>& candidates);

// "did you mean X?" (to be translated) or an empty Text when no candidate is
// close.
Text did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates);

std::string html_escape(std::string_view s);

// A number as French readers write it: 3.5 -> "3,5", 4 -> "4".
std::string format_number_fr(double v);

bool starts_with(std::string_view s, std::string_view prefix);

// The offset of the first control character other than tab, CR and LF (C0,
// DEL, and C1 as UTF-8), or npos. Sources refuse them: they are invisible,
// a NUL cuts C strings short, and they break the feeds and the search index.
size_t find_control_character(std::string_view s);
// "U+0001": the character at `at` (as found by find_control_character).
std::string control_character_name(std::string_view s, size_t at);

// A relative URL path with every byte outside A-Z a-z 0-9 - . _ ~ / written
// as %XX: a file name with a space, '#' or '?' still links to itself.
std::string url_path_escape(std::string_view path);

}  // namespace cartable

namespace cartable {
// An ASCII name for a URL, a folder or an anchor, from any text:
// "Crédits ECTS et volume" -> "credits-ects-et-volume", "Straße" -> "strasse",
// "Иван Петров" -> "ivan-petrov" (letters of other scripts transliterated by
// ICU). Never empty: text with no letter or digit at all ("", "!!!", an
// emoji) gets "x-" and 8 hex digits of a hash of the text, stable from one
// build to the next.
std::string slugify(std::string_view text);

// Today's date as YYYY-MM-DD in local time, or SOURCE_DATE_EPOCH's when it is
// set (reproducible scaffolds and assessments in tests and CI).
std::string today();
}  // namespace cartable
