// The names of the model's enums, as the sources write them (model.h).
#include <array>
#include <utility>

#include "model/model.h"

namespace cartable {

namespace {
// One table per enum: the name is the only place a word is spelled.
template <typename E, size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "";
}

template <typename E, size_t N>
bool parse_in(const std::array<std::pair<E, const char*>, N>& table, std::string_view text, E& out) {
  for (const auto& [e, name] : table) {
    if (*name && text == name) {
      out = e;
      return true;
    }
  }
  return false;
}

template <typename E, size_t N>
std::vector<std::string> names_in(const std::array<std::pair<E, const char*>, N>& table) {
  std::vector<std::string> out;
  for (const auto& [e, name] : table) {
    if (*name) out.emplace_back(name);
  }
  return out;
}

constexpr std::array<std::pair<SessionStatus, const char*>, 3> kSessionStatuses = {{
    {SessionStatus::Confirmed, "confirmed"},
    {SessionStatus::Tentative, "tentative"},
    {SessionStatus::Cancelled, "cancelled"},
}};
constexpr std::array<std::pair<ModuleKind, const char*>, 2> kModuleKinds = {{
    {ModuleKind::Module, "module"},
    {ModuleKind::CertifyingWork, "certifying-work"},
}};
constexpr std::array<std::pair<DefenceOutcome, const char*>, 3> kDefenceOutcomes = {{
    {DefenceOutcome::None, ""},
    {DefenceOutcome::Passed, "passed"},
    {DefenceOutcome::Failed, "failed"},
}};
constexpr std::array<std::pair<LinkKind, const char*>, 7> kLinkKindNames = {{
    {LinkKind::Module, "module"},
    {LinkKind::Competency, "competency"},
    {LinkKind::Framework, "framework"},
    {LinkKind::Page, "page"},
    {LinkKind::Session, "session"},
    {LinkKind::Portfolio, "portfolio"},
    {LinkKind::Entry, "entry"},
}};
}  // namespace

const char* session_status_name(SessionStatus s) { return name_of(kSessionStatuses, s); }
bool parse_session_status(std::string_view text, SessionStatus& out) { return parse_in(kSessionStatuses, text, out); }
const std::vector<std::string>& session_status_names() {
  static const std::vector<std::string> names = names_in(kSessionStatuses);
  return names;
}

const char* module_kind_name(ModuleKind k) { return name_of(kModuleKinds, k); }
bool parse_module_kind(std::string_view text, ModuleKind& out) { return parse_in(kModuleKinds, text, out); }
const std::vector<std::string>& module_kind_names() {
  static const std::vector<std::string> names = names_in(kModuleKinds);
  return names;
}

const char* defence_outcome_name(DefenceOutcome o) { return name_of(kDefenceOutcomes, o); }
bool parse_defence_outcome(std::string_view text, DefenceOutcome& out) { return parse_in(kDefenceOutcomes, text, out); }

const char* link_kind_name(LinkKind k) { return name_of(kLinkKindNames, k); }
bool parse_link_kind(std::string_view text, LinkKind& out) { return parse_in(kLinkKindNames, text, out); }
const std::vector<std::string>& link_kind_names() {
  static const std::vector<std::string> names = names_in(kLinkKindNames);
  return names;
}

}  // namespace cartable
