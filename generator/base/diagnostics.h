// Diagnostics: what every stage reports about the sources, with a position a
// user can jump to (`path:line:col: error: message`) and an optional hint.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "base/messages.h"

namespace cartable {

// A file name shared by every position in that file: a portfolio entry keeps
// a dozen positions (its fields, its references), and at 500,000 entries
// a copy of the path in each was a gigabyte.
class SharedPath {
 public:
  SharedPath() = default;
  SharedPath(std::string path) : path_(std::make_shared<const std::string>(std::move(path))) {}
  SharedPath(const char* path) : SharedPath(std::string(path)) {}
  const std::string& str() const { return path_ ? *path_ : empty_string(); }
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }
  friend bool operator==(const SharedPath& a, const SharedPath& b) { return a.str() == b.str(); }
  friend bool operator<(const SharedPath& a, const SharedPath& b) { return a.str() < b.str(); }
  friend std::string operator+(const SharedPath& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const std::string& a, const SharedPath& b) { return a + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const SharedPath& p) { return out << p.str(); }

 private:
  static const std::string& empty_string() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> path_;
};

// A place in a source file. Lines and columns count from 1; 0 means unknown.
struct SourcePos {
  SharedPath path;
  int line = 0;
  int col = 0;
};

enum class Severity { Warning, Error };

// `message` and `hint` are in English (tests and logs compare them); the
// Texts keep what is needed to print them in the reader's language
// (base/messages.h). A Diagnostic built by hand, without Texts, prints its
// English strings.
struct Diagnostic {
  Diagnostic() = default;
  Diagnostic(Severity severity, SourcePos pos, std::string message, std::string hint = {})
      : severity(severity), pos(std::move(pos)), message(std::move(message)), hint(std::move(hint)) {}

  Severity severity = Severity::Error;
  SourcePos pos;
  std::string message;
  std::string hint;  // e.g. "did you mean rc-num-so/3.1?"; may be empty
  Text message_text;
  Text hint_text;
};

// The message and hint in the current language (set_language()).
std::string localized_message(const Diagnostic& d);
std::string localized_hint(const Diagnostic& d);

// Collects diagnostics from any thread. Write messages with tr() (see
// base/messages.h): `diags.error(pos, tr("unknown module '{1}'", id),
// tr("did you mean {1}?", best))`; a plain string still works and stays
// English. Rendering runs in parallel, so
// every method locks.
class Diagnostics {
 public:
  void error(const SourcePos& pos, Text message, Text hint = {});
  void warning(const SourcePos& pos, Text message, Text hint = {});
  void add(Diagnostic d);

  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  // Sorted by path, line, column, so output does not depend on thread timing;
  // portfolios' first: what a participant building can fix comes first.
  std::vector<Diagnostic> sorted() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Diagnostic> items_;
};

// Whether a diagnostic is about a participant's portfolio (portfolios/...)
// rather than the HEP's programme.
bool about_a_portfolio(const Diagnostic& d);

// `path:line:col: error: message` then `  hint: ...` on its own line, in
// the current language, labels included (« erreur : », « conseil : »); the
// JSON and annotation formats below keep `error`/`warning` for machines.
// print_diagnostics holds back the programme's warnings, in one line,
// while a portfolio has errors.
std::string format_diagnostic(const Diagnostic& d);
void print_diagnostics(const Diagnostics& diags, std::ostream& out);

// For editors: a JSON array of {severity, file, line, column, message, hint}.
std::string diagnostics_json(const Diagnostics& diags);

// A GitHub Actions workflow command, which shows as an annotation on the
// file and line of the pull request: ::error file=F,line=L,col=C::message
std::string github_annotation(const Diagnostic& d);

}  // namespace cartable
