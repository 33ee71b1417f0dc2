#include "base/diagnostics.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace cartable {

namespace {
Diagnostic make(Severity severity, const SourcePos& pos, Text message, Text hint) {
  Diagnostic d(severity, pos, english(message), english(hint));
  d.message_text = std::move(message);
  d.hint_text = std::move(hint);
  return d;
}
}  // namespace

void Diagnostics::error(const SourcePos& pos, Text message, Text hint) {
  add(make(Severity::Error, pos, std::move(message), std::move(hint)));
}

void Diagnostics::warning(const SourcePos& pos, Text message, Text hint) {
  add(make(Severity::Warning, pos, std::move(message), std::move(hint)));
}

std::string localized_message(const Diagnostic& d) {
  return d.message_text.empty() ? d.message : translate(d.message_text);
}

std::string localized_hint(const Diagnostic& d) { return d.hint_text.empty() ? d.hint : translate(d.hint_text); }

void Diagnostics::add(Diagnostic d) {
  std::lock_guard lock(mutex_);
  items_.push_back(std::move(d));
}

bool Diagnostics::has_errors() const {
  std::lock_guard lock(mutex_);
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

// Counted as listed (sorted()): a diagnostic reported twice, as two threads
// may (two pages reading one broken link), is shown once and counted once.
static size_t count_shown(const Diagnostics& diags, Severity severity) {
  std::vector<Diagnostic> shown = diags.sorted();
  return std::count_if(shown.begin(), shown.end(), [&](const Diagnostic& d) { return d.severity == severity; });
}

size_t Diagnostics::error_count() const { return count_shown(*this, Severity::Error); }

size_t Diagnostics::warning_count() const { return count_shown(*this, Severity::Warning); }

bool about_a_portfolio(const Diagnostic& d) {
  const std::string& path = d.pos.path.str();
  return path.rfind("portfolios/", 0) == 0 || path.find("/portfolios/") != std::string::npos;
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> copy;
  {
    std::lock_guard lock(mutex_);
    copy = items_;
  }
  std::stable_sort(copy.begin(), copy.end(), [](const Diagnostic& a, const Diagnostic& b) {
    bool pa = about_a_portfolio(a), pb = about_a_portfolio(b);
    return std::tie(pb, a.pos.path, a.pos.line, a.pos.col, a.message) <
           std::tie(pa, b.pos.path, b.pos.line, b.pos.col, b.message);
  });
  copy.erase(std::unique(copy.begin(), copy.end(),
                         [](const Diagnostic& a, const Diagnostic& b) {
                           return a.pos.path == b.pos.path && a.pos.line == b.pos.line &&
                                  a.pos.col == b.pos.col && a.message == b.message;
                         }),
             copy.end());
  return copy;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string s = d.pos.path.empty() ? std::string("cartable") : d.pos.path.str();
  if (d.pos.line > 0) {
    s += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col > 0 ? d.pos.col : 1);
  }
  // The label in the reader's language: French output reads « erreur ».
  // Machines read diagnostics_json() or github_annotation(), which keep
  // the English words.
  s += ": " + translate(d.severity == Severity::Error ? tr("error:") : tr("warning:")) + " ";
  s += localized_message(d);
  std::string hint = localized_hint(d);
  if (!hint.empty()) s += "\n  " + translate(tr("hint:")) + " " + hint;
  return s;
}

void print_diagnostics(const Diagnostics& diags, std::ostream& out) {
  std::vector<Diagnostic> all = diags.sorted();
  bool portfolio_errors = std::any_of(all.begin(), all.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error && about_a_portfolio(d);
  });
  size_t held_back = 0;
  for (const auto& d : all) {
    // While a portfolio has errors, the programme's warnings (the HEP's
    // business) would only bury them: one line says they exist.
    if (portfolio_errors && d.severity == Severity::Warning && !about_a_portfolio(d)) {
      ++held_back;
      continue;
    }
    out << format_diagnostic(d) << '\n';
  }
  if (held_back > 0) {
    out << "cartable: "
        << translate(trn("{1} warning about the programme is not shown while a portfolio has errors",
                         "{1} warnings about the programme are not shown while a portfolio has errors",
                         static_cast<long long>(held_back), held_back))
        << '\n';
  }
}

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// Workflow commands escape %, CR and LF everywhere, and ':' and ',' in
// property values.
std::string github_escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

std::string diagnostics_json(const Diagnostics& diags) {
  std::string out = "[";
  bool first = true;
  for (const auto& d : diags.sorted()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += "{\"severity\": " + json_string(d.severity == Severity::Error ? "error" : "warning") +
           ", \"file\": " + json_string(d.pos.path) + ", \"line\": " + std::to_string(d.pos.line) +
           ", \"column\": " + std::to_string(d.pos.col) + ", \"message\": " + json_string(localized_message(d)) +
           ", \"hint\": " + json_string(localized_hint(d)) + "}";
  }
  return out + (first ? "]\n" : "\n]\n");
}

std::string github_annotation(const Diagnostic& d) {
  std::string hint = localized_hint(d);
  std::string out = d.severity == Severity::Error ? "::error " : "::warning ";
  out += "file=" + github_escape(d.pos.path, true);
  if (d.pos.line > 0) {
    out += ",line=" + std::to_string(d.pos.line);
    if (d.pos.col > 0) out += ",col=" + std::to_string(d.pos.col);
  }
  out += ",title=cartable::" + github_escape(localized_message(d) + (hint.empty() ? "" : " (" + hint + ")"), false);
  return out;
}

}  // namespace cartable
