// Messages in the reader's language: every diagnostic and every line the CLI
// prints is written in English in the code and translated through a GNU
// gettext catalogue (po/fr.po, compiled by msgfmt at build time and embedded
// in the binary).
//
// At a call site, wrap the English text in tr() and give the values as
// positional arguments {1}, {2}... (never build the sentence by
// concatenation: a translator must see the whole sentence and may reorder
// the values):
//
//   diags.error(pos, tr("unknown competency '{1}'", ref),
//               tr("did you mean {1}?", best));
//   diags.warning(pos, trn("{1} draft not published", "{1} drafts not published", n, n));
//
// Arguments may be strings, string_views, SharedPaths or integers. "{{" is a
// literal "{". The text stays untranslated (Text) until it is printed, so
// the language can be chosen after the site's configuration is read:
// set_language() once, before printing, from `--lang`, $CARTABLE_LANG, an
// English $LANG, or the site's `language:`.
//
// Why not glibc's gettext(): it only translates when the process runs under
// a generated fr_* locale, which servers and containers often lack (only
// C.UTF-8), so the same push would be reported in French on one machine and
// English on another. Why not Boost.Locale: its format() treats apostrophes
// as quoting, and French messages are full of them. Reading a .mo file is
// a hash-free binary search over two tables (msgfmt sorts them).
//
// xgettext finds the messages with `--keyword=tr:1 --keyword=trn:1,2`
// (scripts/update-po); tests check that po/fr.po has them all, translated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cartable {

class SharedPath;

// A word or phrase passed to tr() as a value and translated with the message
// (what a field belongs to: "entry", "portfolio"...):
//   tr("{1}: missing required field '{2}'", term("entry"), key)
// xgettext extracts term("...") literals (--keyword=term:1). Built from a
// plain string, it is still looked up in the catalogue.
struct Term {
  std::string english;
  Term() = default;
  Term(const char* s) : english(s) {}
  Term(std::string s) : english(std::move(s)) {}
};
inline Term term(const char* english) { return Term(english); }

// A message not yet translated: its English source and the values to put in
// its {1}, {2}... A plain string converts to a Text without arguments (it is
// looked up as it is, so an unconverted English sentence stays English).
struct Text {
  std::string id;         // English source, with {1}, {2}...
  std::string plural_id;  // for trn(): English plural form
  long long count = 0;    // for trn(): chooses the form
  std::vector<std::string> args;
  unsigned term_args = 0;  // bit i set: args[i] is a Term, translated too

  Text() = default;
  Text(std::string literal) : id(std::move(literal)) {}
  Text(const char* literal) : id(literal) {}
  bool empty() const { return id.empty(); }
  // For code written before the catalogue (`std::string hint =
  // did_you_mean(...)`): the English text, which is then never translated.
  operator std::string() const;
};

namespace detail {
inline std::string message_arg(std::string_view s) { return std::string(s); }
inline std::string message_arg(const std::string& s) { return s; }
inline std::string message_arg(const char* s) { return s; }
std::string message_arg(const SharedPath& p);
inline std::string message_arg(const Term& t) { return t.english; }
template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
std::string message_arg(T n) {
  return std::to_string(n);
}
// Which of the arguments are Terms, as a bit mask.
template <class... Args>
unsigned term_mask() {
  unsigned mask = 0, i = 0;
  ((mask |= (std::is_same_v<std::decay_t<Args>, Term> ? 1u << i : 0u), ++i), ...);
  return mask;
}
}  // namespace detail

template <class... Args>
Text tr(const char* english, const Args&... args) {
  Text t;
  t.id = english;
  t.args = {detail::message_arg(args)...};
  t.term_args = detail::term_mask<Args...>();
  return t;
}

// A message whose wording depends on a number (plural forms of the target
// language); `n` chooses the form, and is not an argument by itself.
template <class... Args>
Text trn(const char* singular, const char* plural, long long n, const Args&... args) {
  Text t;
  t.id = singular;
  t.plural_id = plural;
  t.count = n;
  t.args = {detail::message_arg(args)...};
  t.term_args = detail::term_mask<Args...>();
  return t;
}

// The language messages are printed in ("en": the English source). Set once
// by the CLI before anything is printed; defaults to "en".
void set_language(std::string_view lang);
const std::string& language();
// Languages that have a catalogue, besides English.
std::vector<std::string> translated_languages();

// `text` in the current language, or in `lang`.
std::string translate(const Text& text);
std::string translate(const Text& text, std::string_view lang);
// `text` in its English source, arguments filled in.
std::string english(const Text& text);
inline Text::operator std::string() const { return english(*this); }

// The language to print in: `flag` (from --lang) when set, else
// $CARTABLE_LANG, else English when the user's locale ($LANGUAGE, $LC_ALL,
// $LC_MESSAGES, $LANG, first set) is English, else `site_language`.
// Languages without a catalogue fall back to English.
std::string choose_language(std::string_view flag, std::string_view site_language);

// A catalogue read from a compiled .mo file's bytes. Exposed for tests and
// for `cartable messages` (the guide's table).
struct MoEntry {
  std::string id;         // msgid (singular, or "singular\0plural")
  std::string translated; // msgstr ("form0\0form1..." for plurals)
};
bool parse_mo(std::string_view bytes, std::vector<MoEntry>& out);
// Every translated message of `lang`'s catalogue, in msgid order.
const std::vector<MoEntry>& catalogue_entries(std::string_view lang);

}  // namespace cartable
