// Access: who may write which file of a site's repository. The rules are
// data in the sources: site.yaml's `publishing:` (staff, trainers and the
// folders trainers write) and each portfolio.yaml's `owners:`. The publishing
// gate (scripts/pre-receive, the CI templates) asks `decide` about every file
// a push touches; `codeowners` and `gitolite_conf` give the forges the same
// rules in their own formats, so a forge and the gate never disagree.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "base/diagnostics.h"

namespace cartable {

struct AccessRules {
  std::vector<std::string> staff;          // may write everything
  std::vector<std::string> trainers;       // may write trainer_paths
  std::vector<std::string> trainer_paths;  // folder prefixes, each ending in '/'
  std::map<std::string, std::vector<std::string>> owners;  // portfolio folder name -> owners
};

// Reads only site.yaml's `publishing:` and portfolios/*/portfolio.yaml's
// `owners:`, so it works on the gate's partial copy of the published tree.
// Symbolic links are refused; a malformed name is an error at its position.
AccessRules load_access_rules(const std::string& source, Diagnostics& diags);

// Why a path is writable or not; `scope` is the folder the rule is about and
// `who` the names it allows (for the refusal message).
enum class AccessRule { Staff, Trainers, Owners, NewPortfolio };

struct AccessDecision {
  bool allowed = false;
  AccessRule rule = AccessRule::Staff;
  std::string scope;
  std::vector<std::string> who;
};

// May `user` write `path` (relative, '/'-separated, as git names it)?
// `published` are the rules of the tree the push replaces: a participant
// cannot grant themself a portfolio by editing its owners. `pushed` are the
// new tree's rules, used only for a portfolio folder the push creates.
AccessDecision decide(const AccessRules& published, const AccessRules& pushed, const std::string& user,
                      const std::string& path);

const char* rule_name(AccessRule rule);  // "staff", "trainers", "owners", "new-portfolio"

// A CODEOWNERS file (GitHub, GitLab, Forgejo): later lines win, so the
// catch-all staff line comes first.
std::string codeowners(const AccessRules& rules);

// A gitolite conf fragment for `repo` with VREF/NAME rules that grant
// exactly what `decide` grants (tests/gitolite_oracle_test.sh checks it).
std::string gitolite_conf(const AccessRules& rules, const std::string& repo);

}  // namespace cartable

namespace cartable {

// The gate's question for a whole push: reads the changed paths, one a line,
// and writes one line per refused path for scripts/cartable-hook.sh to word:
// "refused<TAB>path<TAB>rule<TAB>scope<TAB>who, space-separated". Returns
// how many were refused.
size_t check_paths(const AccessRules& published, const AccessRules& pushed, const std::string& user, std::istream& paths,
                   std::ostream& refusals);

}  // namespace cartable
