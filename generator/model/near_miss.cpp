#include "model/near_miss.h"

#include <cctype>

#include "base/text.h"

namespace cartable {

std::string loose_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

Text module_hint(const Site& site, const std::string& written) {
  const std::string key = loose_key(written);
  for (const Module& m : site.modules) {
    std::string number = std::to_string(m.number);
    bool named = key == loose_key(m.title) || (!m.ects_title.empty() && key == loose_key(m.ects_title)) ||
                 (m.number > 0 && (key == number || key == "module" + number || key == "m" + number));
    if (named && key != loose_key(m.id)) return tr("did you mean {1}? (a module is named by its id)", m.id);
  }
  return did_you_mean(written, site.module_ids());
}

Text competency_hint(const Site& site, const std::string& written) {
  // The framework's part and the code: "RC Num SO/3.1" or "RC Num SO 3.1".
  size_t cut = written.find_last_of("/ ");
  if (cut != std::string::npos && cut > 0) {
    std::string framework = loose_key(written.substr(0, cut));
    std::string code = written.substr(cut + 1);
    for (const Framework& fw : site.frameworks) {
      if (framework != loose_key(fw.id) && framework != loose_key(fw.short_title) && framework != loose_key(fw.title)) continue;
      std::string ref = fw.id + "/" + code;
      if (site.find_competency(ref) && ref != written) return tr("did you mean {1}? (a competency is named by its id)", ref);
    }
  }
  return did_you_mean(written, site.competency_refs());
}

}  // namespace cartable
