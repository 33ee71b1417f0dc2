// Small text helpers shared by the stages: closest-match hints, HTML and XML
// escaping, number formatting in French.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cartable {

// Damerau-free Levenshtein distance, in bytes.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `wanted`, or "" when none is close enough to be a
// plausible typo (distance at most a third of the length, minimum 2).
std::string closest_match(std::string_view wanted, const std::vector<std::string>& candidates);

// "did you mean X?" or "" when no candidate is close.
std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates);

std::string html_escape(std::string_view s);

// A number as French readers write it: 3.5 -> "3,5", 4 -> "4".
std::string format_number_fr(double v);

bool starts_with(std::string_view s, std::string_view prefix);

}  // namespace cartable

namespace cartable {
// An ASCII anchor for a heading: "Crédits ECTS et volume" -> "credits-ects-et-volume".
std::string slugify(std::string_view text);
}  // namespace cartable
