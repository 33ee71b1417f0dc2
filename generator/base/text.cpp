#include "base/text.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdio>

namespace cartable {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view wanted, const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(2, wanted.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  // Ties go to the longest common prefix: for "rc-num-so/3.2", "rc-num-so/3.1"
  // (same domain) is a likelier intent than "rc-num-so/1.2".
  auto common_prefix = [&](const std::string& c) {
    size_t n = 0;
    while (n < c.size() && n < wanted.size() && c[n] == wanted[n]) ++n;
    return n;
  };
  size_t best_prefix = 0;
  for (const auto& c : candidates) {
    size_t d = edit_distance(wanted, c);
    size_t prefix = common_prefix(c);
    bool better = d < best_distance ||
                  (d == best_distance && (prefix > best_prefix || (prefix == best_prefix && c < best)));
    if (better) {
      best = c;
      best_distance = d;
      best_prefix = prefix;
    }
  }
  return best;
}

Text did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates) {
  std::string best = closest_match(wanted, candidates);
  return best.empty() ? Text() : tr("did you mean {1}?", best);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number_fr(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace cartable

namespace cartable {

std::string slugify(std::string_view text) {
  // French letters with diacritics, as UTF-8, and their ASCII base letters.
  static const std::pair<std::string_view, std::string_view> folds[] = {
      {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"á", "a"}, {"ç", "c"}, {"é", "e"}, {"è", "e"}, {"ê", "e"},
      {"ë", "e"}, {"î", "i"}, {"ï", "i"}, {"í", "i"}, {"ô", "o"}, {"ö", "o"}, {"ó", "o"}, {"ù", "u"},
      {"û", "u"}, {"ü", "u"}, {"ú", "u"}, {"ÿ", "y"}, {"ñ", "n"}, {"À", "a"}, {"Â", "a"}, {"Ç", "c"},
      {"É", "e"}, {"È", "e"}, {"Ê", "e"}, {"Î", "i"}, {"Ô", "o"}, {"Ù", "u"}, {"Û", "u"}, {"œ", "oe"},
      {"Œ", "oe"}, {"æ", "ae"}};
  std::string out;
  bool dash = false;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::string_view ascii;
    char lower = 0;
    size_t len = 1;
    if (c < 0x80) {
      if (std::isalnum(c)) {
        lower = static_cast<char>(std::tolower(c));
        ascii = std::string_view(&lower, 1);
      }
    } else {
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      for (const auto& [from, to] : folds) {
        if (text.substr(i, from.size()) == from) {
          ascii = to;
          len = from.size();
          break;
        }
      }
    }
    if (!ascii.empty()) {
      if (dash && !out.empty()) out += '-';
      out += ascii;
      dash = false;
    } else {
      dash = true;
    }
    i += len;
  }
  return out.empty() ? std::string("section") : out;
}

size_t find_control_character(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string control_character_name(std::string_view s, size_t at) {
  unsigned code = static_cast<unsigned char>(s[at]);
  if (code == 0xC2 && at + 1 < s.size()) code = static_cast<unsigned char>(s[at + 1]);
  char name[8];
  std::snprintf(name, sizeof name, "U+%04X", code);
  return name;
}

std::string url_path_escape(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) ? c < 0x80 : (c == '-' || c == '.' || c == '_' || c == '~' || c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace cartable
