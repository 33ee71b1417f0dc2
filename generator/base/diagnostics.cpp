#include "base/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace cartable {

void Diagnostics::error(const SourcePos& pos, std::string message, std::string hint) {
  add({Severity::Error, pos, std::move(message), std::move(hint)});
}

void Diagnostics::warning(const SourcePos& pos, std::string message, std::string hint) {
  add({Severity::Warning, pos, std::move(message), std::move(hint)});
}

void Diagnostics::add(Diagnostic d) {
  std::lock_guard lock(mutex_);
  items_.push_back(std::move(d));
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  std::lock_guard lock(mutex_);
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t Diagnostics::warning_count() const {
  std::lock_guard lock(mutex_);
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> copy;
  {
    std::lock_guard lock(mutex_);
    copy = items_;
  }
  std::stable_sort(copy.begin(), copy.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.path, a.pos.line, a.pos.col, a.message) <
           std::tie(b.pos.path, b.pos.line, b.pos.col, b.message);
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
  std::string s = d.pos.path.empty() ? std::string("cartable") : d.pos.path;
  if (d.pos.line > 0) {
    s += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col > 0 ? d.pos.col : 1);
  }
  s += d.severity == Severity::Error ? ": error: " : ": warning: ";
  s += d.message;
  if (!d.hint.empty()) s += "\n  hint: " + d.hint;
  return s;
}

void print_diagnostics(const Diagnostics& diags, std::ostream& out) {
  for (const auto& d : diags.sorted()) out << format_diagnostic(d) << '\n';
}

}  // namespace cartable
