#include "base/messages.h"

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>

#include "base/diagnostics.h"

namespace cartable {

// The catalogues msgfmt compiled at build time (po/*.po), embedded by
// generator/base/embed_catalogues.cmake so that a copied or installed binary
// never prints in a language other than the one it was asked for.
struct EmbeddedCatalogue {
  const char* language;
  const unsigned char* data;
  size_t size;
};
extern const EmbeddedCatalogue embedded_catalogues[];
extern const size_t embedded_catalogue_count;

namespace detail {
std::string message_arg(const SharedPath& p) { return p.str(); }
}  // namespace detail

namespace {

uint32_t read_u32(std::string_view bytes, size_t at, bool swap) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + at, 4);
  return swap ? __builtin_bswap32(v) : v;
}

std::string& current_language() {
  static std::string lang = "en";
  return lang;
}

const std::map<std::string, std::vector<MoEntry>, std::less<>>& catalogues() {
  static const auto all = [] {
    std::map<std::string, std::vector<MoEntry>, std::less<>> m;
    for (size_t i = 0; i < embedded_catalogue_count; ++i) {
      const auto& c = embedded_catalogues[i];
      std::vector<MoEntry> entries;
      if (parse_mo({reinterpret_cast<const char*>(c.data), c.size}, entries)) m[c.language] = std::move(entries);
    }
    return m;
  }();
  return all;
}

// Plural forms, as po/<lang>.po's Plural-Forms header says: French uses the
// singular for 0 and 1.
size_t plural_form(std::string_view lang, long long n) {
  if (lang == "fr") return n > 1 ? 1 : 0;
  return n != 1 ? 1 : 0;
}

std::string nth_form(std::string_view forms, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t nul = forms.find('\0', start);
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  size_t end = forms.find('\0', start);
  return std::string(forms.substr(start, end == std::string_view::npos ? forms.size() - start : end - start));
}

std::string fill(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(pattern.size() + 32);
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (c == '{') {
      size_t close = pattern.find('}', i);
      std::string_view digits = close == std::string_view::npos ? std::string_view() : pattern.substr(i + 1, close - i - 1);
      bool number = !digits.empty() && digits.size() <= 2 &&
                    std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; });
      if (number) {
        size_t n = std::stoul(std::string(digits));
        if (n >= 1 && n <= args.size()) out += args[n - 1];
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

const MoEntry* find_entry(const std::vector<MoEntry>& entries, const std::string& key) {
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const MoEntry& e, const std::string& k) { return e.id < k; });
  return it != entries.end() && it->id == key ? &*it : nullptr;
}

std::string language_of_locale(std::string_view value) {
  // "fr_CH.UTF-8" -> "fr"; "en:fr" (LANGUAGE) -> "en"
  size_t end = value.find_first_of("_.@:-");
  std::string lang(value.substr(0, end));
  for (char& c : lang) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lang;
}

}  // namespace

bool parse_mo(std::string_view bytes, std::vector<MoEntry>& out) {
  if (bytes.size() < 28) return false;
  uint32_t magic;
  std::memcpy(&magic, bytes.data(), 4);
  bool swap;
  if (magic == 0x950412deu) swap = false;
  else if (magic == 0xde120495u) swap = true;
  else return false;
  uint32_t count = read_u32(bytes, 8, swap);
  uint32_t originals = read_u32(bytes, 12, swap);
  uint32_t translations = read_u32(bytes, 16, swap);
  auto string_at = [&](uint32_t table, uint32_t i, std::string& s) {
    uint64_t at = uint64_t(table) + uint64_t(i) * 8;
    if (at + 8 > bytes.size()) return false;
    uint32_t length = read_u32(bytes, at, swap);
    uint32_t offset = read_u32(bytes, at + 4, swap);
    if (uint64_t(offset) + length > bytes.size()) return false;
    s.assign(bytes.data() + offset, length);
    return true;
  };
  std::vector<MoEntry> entries;
  entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    MoEntry e;
    if (!string_at(originals, i, e.id) || !string_at(translations, i, e.translated)) return false;
    if (e.id.empty()) continue;  // the header
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const MoEntry& a, const MoEntry& b) { return a.id < b.id; });
  out = std::move(entries);
  return true;
}

const std::vector<MoEntry>& catalogue_entries(std::string_view lang) {
  static const std::vector<MoEntry> none;
  auto it = catalogues().find(lang);
  return it == catalogues().end() ? none : it->second;
}

void set_language(std::string_view lang) { current_language() = std::string(lang); }
const std::string& language() { return current_language(); }

std::vector<std::string> translated_languages() {
  std::vector<std::string> out;
  for (const auto& [lang, entries] : catalogues()) out.push_back(lang);
  return out;
}

std::string english(const Text& text) {
  const std::string& pattern = !text.plural_id.empty() && plural_form("en", text.count) == 1 ? text.plural_id : text.id;
  return fill(pattern, text.args);
}

std::string translate(const Text& text, std::string_view lang) {
  if (lang == "en" || text.id.empty()) return english(text);
  const auto& entries = catalogue_entries(lang);
  std::string key = text.plural_id.empty() ? text.id : text.id + '\0' + text.plural_id;
  const MoEntry* e = find_entry(entries, key);
  if (!e || e->translated.empty()) return english(text);
  std::vector<std::string> args = text.args;
  for (size_t i = 0; i < args.size() && i < 32; ++i) {
    if (!(text.term_args & (1u << i))) continue;
    // A list of terms ("time, place") is translated term by term.
    std::string list;
    for (size_t start = 0; start <= args[i].size();) {
      size_t end = std::min(args[i].find(", ", start), args[i].size());
      std::string one = args[i].substr(start, end - start);
      const MoEntry* word = find_entry(entries, one);
      list += (list.empty() ? "" : ", ") + (word && !word->translated.empty() ? word->translated : one);
      start = end + 2;
    }
    args[i] = list;
  }
  if (text.plural_id.empty()) return fill(e->translated, args);
  return fill(nth_form(e->translated, plural_form(lang, text.count)), args);
}

std::string translate(const Text& text) { return translate(text, language()); }

std::string choose_language(std::string_view flag, std::string_view site_language) {
  std::string lang;
  const char* forced = std::getenv("CARTABLE_LANG");
  if (!flag.empty()) {
    lang = language_of_locale(flag);
  } else if (forced && *forced) {
    lang = language_of_locale(forced);
  } else {
    for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
      const char* v = std::getenv(name);
      if (v && *v) {
        if (language_of_locale(v) == "en") lang = "en";
        break;
      }
    }
    if (lang.empty()) lang = language_of_locale(site_language);
  }
  if (lang != "en" && catalogue_entries(lang).empty()) lang = "en";
  return lang;
}

}  // namespace cartable
