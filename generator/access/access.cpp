#include "access/access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <istream>
#include <ostream>
#include <sstream>

#include "load/yaml_util.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

// The rules decide who may publish: never read them through a link, which
// could point into a folder the pusher controls.
std::optional<std::string> read_regular_file(const fs::path& path, const std::string& shown, Diagnostics& diags) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    if (errno == ENOENT) return std::nullopt;
    diags.error({shown, 0, 0}, tr("cannot read the publishing rules: not a regular file"),
                tr("symbolic links are refused; commit the file itself"));
    return std::nullopt;
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  ssize_t got = text.empty() ? 0 : ::read(fd, text.data(), text.size());
  ::close(fd);
  if (got != static_cast<ssize_t>(text.size())) {
    diags.error({shown, 0, 0}, tr("cannot read the publishing rules"), tr("check that the file exists and may be read"));
    return std::nullopt;
  }
  return text;
}

// Names as gitolite accepts them (and forges' logins are a subset): they end
// up in generated configuration, so nothing else gets through.
bool valid_name(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' || c == '_' || c == '+' || c == '-';
  });
}

bool valid_folder(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find("//") != std::string::npos) return false;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part == "." || part == "..") return false;
  }
  return std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/';
  });
}

std::vector<std::string> names(Fields& f, const char* key, Diagnostics& diags) {
  std::vector<std::string> out;
  for (auto& [name, pos] : f.str_list_pos(key)) {
    if (!valid_name(name)) {
      diags.error(pos, tr("'{1}' is not a user name the server can know", name),
                  tr("write the login as the server knows it: letters, digits, '.', '_', '+', '-', '@'"));
      continue;
    }
    out.push_back(name);
  }
  return out;
}

void load_publishing(const fs::path& source, AccessRules& rules, Diagnostics& diags) {
  YamlSource src{SharedPath("site.yaml"), 1};
  auto text = read_regular_file(source / "site.yaml", "site.yaml", diags);
  if (!text) return;
  auto root = parse_yaml(*text, src, diags);
  if (!root || !root->IsMap()) return;
  YAML::Node node = (*root)["publishing"];
  if (!node.IsDefined() || node.IsNull()) return;
  Fields f(node, src, diags, "publishing");
  f.ignore_other_keys();  // load/ warns about them
  rules.staff = names(f, "staff", diags);
  rules.trainers = names(f, "trainers", diags);
  for (auto& [folder, pos] : f.str_list_pos("trainer_paths")) {
    std::string prefix = folder.empty() || folder.back() == '/' ? folder : folder + "/";
    if (!valid_folder(prefix)) {
      diags.error(pos, tr("'{1}' is not a folder of the repository", folder),
                  tr("write a relative folder such as content/assessments/"));
      continue;
    }
    rules.trainer_paths.push_back(prefix);
  }
}

void load_owners(const fs::path& source, AccessRules& rules, Diagnostics& diags) {
  struct stat st {};
  fs::path root = source / "portfolios";
  if (::lstat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string folder = e.path().filename().string();
    if (folder[0] == '.' || e.is_symlink() || !e.is_directory()) continue;
    std::string shown = "portfolios/" + folder + "/portfolio.yaml";
    auto text = read_regular_file(e.path() / "portfolio.yaml", shown, diags);
    auto& owners = rules.owners[folder];  // a folder without owners is still a portfolio
    if (!text) continue;
    YamlSource src{SharedPath(shown), 1};
    auto doc = parse_yaml(*text, src, diags);
    if (!doc || !doc->IsMap()) continue;
    Fields f(*doc, src, diags, "portfolio");
    f.ignore_other_keys();  // load/ reads the rest
    owners = names(f, "owners", diags);
  }
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// The portfolio folder a path lies in ("" when it is not inside one).
std::string portfolio_folder(const std::string& path) {
  if (!starts_with(path, "portfolios/")) return {};
  auto slash = path.find('/', 11);
  return slash == std::string::npos ? std::string() : path.substr(11, slash - 11);
}

// gitolite refexes are Perl regular expressions.
std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '-' && c != '_') out += '\\';
    out += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& names, const std::string& prefix = "") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + prefix + n;
  return out;
}

}  // namespace

AccessRules load_access_rules(const std::string& source, Diagnostics& diags) {
  AccessRules rules;
  load_publishing(source, rules, diags);
  load_owners(source, rules, diags);
  return rules;
}

AccessDecision decide(const AccessRules& published, const AccessRules& pushed, const std::string& user,
                      const std::string& path) {
  if (contains(published.staff, user)) return {true, AccessRule::Staff, "", published.staff};
  for (const auto& prefix : published.trainer_paths) {
    if (starts_with(path, prefix)) return {contains(published.trainers, user), AccessRule::Trainers, prefix, published.trainers};
  }
  std::string folder = portfolio_folder(path);
  if (folder.empty()) return {false, AccessRule::Staff, "", published.staff};
  std::string scope = "portfolios/" + folder + "/";
  if (auto it = published.owners.find(folder); it != published.owners.end()) {
    return {contains(it->second, user), AccessRule::Owners, scope, it->second};
  }
  // A folder the push creates belongs to whoever its new portfolio.yaml names.
  auto it = pushed.owners.find(folder);
  std::vector<std::string> owners = it == pushed.owners.end() ? std::vector<std::string>() : it->second;
  return {contains(owners, user), AccessRule::NewPortfolio, scope, owners};
}

const char* rule_name(AccessRule rule) {
  switch (rule) {
    case AccessRule::Staff: return "staff";
    case AccessRule::Trainers: return "trainers";
    case AccessRule::Owners: return "owners";
    case AccessRule::NewPortfolio: return "new-portfolio";
  }
  return "staff";
}

std::string codeowners(const AccessRules& rules) {
  std::string staff = joined(rules.staff, "@");
  std::ostringstream out;
  out << "# Generated by `cartable access --format codeowners`: regenerate it, do not edit it.\n"
      << "# The last matching line wins.\n";
  if (!staff.empty()) out << "* " << staff << '\n';
  for (const auto& prefix : rules.trainer_paths) {
    std::string who = joined(rules.trainers, "@") + (staff.empty() ? "" : " " + staff);
    if (!who.empty() && who[0] == ' ') who.erase(0, 1);
    out << '/' << prefix << ' ' << who << '\n';
  }
  for (const auto& [folder, owners] : rules.owners) {
    std::string who = joined(owners, "@") + (staff.empty() ? "" : " " + staff);
    if (!who.empty() && who[0] == ' ') who.erase(0, 1);
    if (!who.empty()) out << "/portfolios/" << folder << "/ " << who << '\n';
  }
  return out.str();
}

std::string gitolite_conf(const AccessRules& rules, const std::string& repo) {
  std::vector<std::string> writers = rules.staff;
  writers.insert(writers.end(), rules.trainers.begin(), rules.trainers.end());
  for (const auto& [folder, owners] : rules.owners) writers.insert(writers.end(), owners.begin(), owners.end());
  std::sort(writers.begin(), writers.end());
  writers.erase(std::unique(writers.begin(), writers.end()), writers.end());

  std::ostringstream out;
  out << "# Generated by `cartable access --format gitolite`: regenerate it, do not edit it.\n"
      << "# Gitolite checks each file a push changes as VREF/NAME/<path>; the first\n"
      << "# matching line decides and the last one refuses everything else.\n";
  if (!rules.staff.empty()) out << "@cartable-staff = " << joined(rules.staff) << '\n';
  if (!rules.trainers.empty()) out << "@cartable-trainers = " << joined(rules.trainers) << '\n';
  out << "repo " << repo << '\n';
  if (!rules.staff.empty()) out << "    RW+ = @cartable-staff\n";
  if (!writers.empty()) out << "    RW = " << joined(writers) << '\n';
  if (!rules.staff.empty()) out << "    RW VREF/NAME/ = @cartable-staff\n";
  for (const auto& prefix : rules.trainer_paths) {
    if (rules.trainers.empty()) continue;
    out << "    RW VREF/NAME/" << regex_escape(prefix) << " = @cartable-trainers\n";
  }
  for (const auto& prefix : rules.trainer_paths) {
    out << "    - VREF/NAME/" << regex_escape(prefix) << " = @all\n";
  }
  for (const auto& [folder, owners] : rules.owners) {
    if (!owners.empty()) out << "    RW VREF/NAME/portfolios/" << regex_escape(folder) << "/ = " << joined(owners) << '\n';
  }
  out << "    - VREF/NAME/ = @all\n";
  return out.str();
}

}  // namespace cartable

namespace cartable {

size_t check_paths(const AccessRules& published, const AccessRules& pushed, const std::string& user, std::istream& paths,
                   std::ostream& refusals) {
  size_t refused = 0;
  std::string path;
  while (std::getline(paths, path)) {
    if (path.empty()) continue;
    AccessDecision d = decide(published, pushed, user, path);
    if (d.allowed) continue;
    ++refused;
    refusals << "refused\t" << path << '\t' << rule_name(d.rule) << '\t' << d.scope << '\t' << joined(d.who) << '\n';
  }
  return refused;
}

}  // namespace cartable
