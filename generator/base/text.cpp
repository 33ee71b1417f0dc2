#include "base/text.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <xxhash.h>

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
    // The distance is at least the difference in length: at 25,000
    // portfolios, most names are never compared.
    size_t gap = c.size() > wanted.size() ? c.size() - wanted.size() : wanted.size() - c.size();
    if (gap > best_distance) continue;
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

namespace {

// The code point of the UTF-8 sequence at `s[i]` (`len` bytes), or -1.
UChar32 code_point_at(std::string_view s, size_t i) {
  int32_t offset = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), offset, static_cast<int32_t>(s.size()), c);
  return c;
}

// Lowercase ASCII letters and digits of `text` joined by single dashes.
// French letters are folded by a table (the common case, and what every
// published anchor was made with); `foreign` is set when a letter or digit
// of another kind was seen (and dropped).
std::string ascii_slug(std::string_view text, bool& foreign) {
  // French letters with diacritics, as UTF-8, and their ASCII base letters.
  static const std::pair<std::string_view, std::string_view> folds[] = {
      {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"á", "a"}, {"ç", "c"}, {"é", "e"}, {"è", "e"}, {"ê", "e"},
      {"ë", "e"}, {"î", "i"}, {"ï", "i"}, {"í", "i"}, {"ô", "o"}, {"ö", "o"}, {"ó", "o"}, {"ù", "u"},
      {"û", "u"}, {"ü", "u"}, {"ú", "u"}, {"ÿ", "y"}, {"ñ", "n"}, {"À", "a"}, {"Â", "a"}, {"Ç", "c"},
      {"É", "e"}, {"È", "e"}, {"Ê", "e"}, {"Î", "i"}, {"Ô", "o"}, {"Ù", "u"}, {"Û", "u"}, {"œ", "oe"},
      {"Œ", "oe"}, {"æ", "ae"}};
  std::string out;
  bool dash = false;
  foreign = false;
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
      if (ascii.empty()) {
        UChar32 cp = code_point_at(text, i);
        // Combining accents (a decomposed "é") also need ICU to join their letter.
        if (cp >= 0 && (u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK)) foreign = true;
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
  return out;
}

// Any script to Latin, then to ASCII (ICU's own transforms: "ß" -> "ss",
// "Иван" -> "Ivan", "東京" -> "dong jing"). One transliterator per thread:
// creating one costs milliseconds, and sharing one across threads is not
// documented as safe.
std::string to_ascii(std::string_view text) {
  thread_local std::unique_ptr<icu::Transliterator> latin = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "Any-Latin; NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(t) : nullptr;
  }();
  if (!latin) return std::string(text);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  latin->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

std::string slugify(std::string_view text) {
  bool foreign = false;
  std::string out = ascii_slug(text, foreign);
  if (foreign) out = ascii_slug(to_ascii(text), foreign);
  if (!out.empty()) return out;
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08llx", static_cast<unsigned long long>(XXH3_64bits(text.data(), text.size()) >> 32));
  return std::string("x-") + hash;
}

std::string today() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) now = static_cast<std::time_t>(std::atoll(epoch));
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::localtime(&now));
  return buf;
}

namespace {

// How many bytes from `s` on hold no control character, a block at a time:
// most of a text, including its tabs and line breaks, is passed over
// without looking at each byte. A block with a candidate (a control
// character, DEL or 0xC2, which may start a C1 control) stops it.
size_t clean_prefix(std::string_view s) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x1F), tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                cr = _mm_set1_epi8('\r'), del = _mm_set1_epi8(0x7F), c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, space), space);  // bytes up to 0x1F
    __m128i allowed = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
    __m128i bad = _mm_or_si128(_mm_andnot_si128(allowed, control),
                               _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, c2)));
    if (_mm_movemask_epi8(bad) != 0) break;
  }
#endif
  return i;
}

}  // namespace

size_t find_control_character(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    i += clean_prefix(s.substr(i));
    if (i >= s.size()) break;
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
