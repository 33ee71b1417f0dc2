#include "assess/assess.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/filesystem.h"
#include "base/text.h"
#include "check/check.h"
#include "load/fingerprint.h"
#include "load/hep_records.h"
#include "load/load.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

// "portfolios/camille-rochat/veille.md", "camille-rochat/veille": the
// portfolio folder's name and the entry's slug.
bool split_entry_path(const std::string& text, std::string& folder, std::string& slug) {
  fs::path p = fs::path(text).lexically_normal();
  if (p.extension() == ".md") p.replace_extension();
  slug = p.filename().string();
  folder = p.parent_path().filename().string();
  return !slug.empty() && !folder.empty();
}

// One list item, emitted by yaml-cpp (quoting, block scalar indentation)
// and indented under `assessments:`.
std::string assessment_item(const AssessOptions& o, const std::string& portfolio, const std::string& entry,
                            const std::string& task, const std::string& date, const std::string& fingerprint,
                            const std::string& feedback) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "participant" << YAML::Value << portfolio;
  out << YAML::Key << "entry" << YAML::Value << entry;
  out << YAML::Key << "task" << YAML::Value << task;
  out << YAML::Key << "status" << YAML::Value << o.status;
  out << YAML::Key << "date" << YAML::Value << date;
  out << YAML::Key << "assessor" << YAML::Value << o.by;
  if (!o.coauthors.empty()) out << YAML::Key << "coauthors" << YAML::Value << YAML::Flow << o.coauthors;
  out << YAML::Key << "fingerprint" << YAML::Value << fingerprint;
  if (!feedback.empty()) out << YAML::Key << "feedback" << YAML::Value << YAML::Literal << feedback;
  out << YAML::EndMap;
  std::istringstream lines(out.c_str());
  std::string line, item;
  bool first = true;
  while (std::getline(lines, line)) {
    item += (first ? "  - " : (line.empty() ? "" : "    ")) + line + "\n";
    first = false;
  }
  return item;
}

size_t assessment_count(const std::string& text) {
  try {
    YAML::Node doc = YAML::Load(text);
    return doc["assessments"].IsSequence() ? doc["assessments"].size() : 0;
  } catch (const YAML::Exception&) {
    return 0;
  }
}

}  // namespace

std::string assess(const AssessOptions& o, Diagnostics& diags) {
  SourcePos cli{"cartable assess", 0, 0};
  AssessmentStatus status;
  if (!parse_assessment_status(o.status, status)) {
    diags.error(cli, tr("unknown status '{1}'", o.status), tr("write --status acquired, not-acquired or to-redo"));
    return "";
  }
  Site site = load_site(o.source, diags);
  check_site(site, diags);
  if (diags.has_errors()) return "";  // an assessment of a site that does not build would not hold
  std::string folder, slug;
  if (!split_entry_path(o.entry, folder, slug)) {
    diags.error(cli, tr("'{1}' does not name an entry", o.entry), tr("write portfolios/<participant>/<entry>.md"));
    return "";
  }
  const Portfolio* portfolio = nullptr;
  for (const Portfolio& p : site.portfolios) {
    if (p.folder == "portfolios/" + folder) portfolio = &p;
  }
  const Entry* entry = portfolio ? site.find_entry(portfolio->slug, slug) : nullptr;
  if (!entry) {
    diags.error(cli, tr("no entry '{1}'", o.entry), tr("write portfolios/<participant>/<entry>.md, a file of the site"));
    return "";
  }
  const Person* who = site.find_person(o.by);
  if (!who || !who->trainer) {
    diags.error(cli, tr("'{1}' is not a trainer", o.by),
                tr("--by takes the id of a person with trainer: true in content/people.yaml"));
    return "";
  }
  std::string feedback;
  if (!o.feedback_file.empty() && !read_file(o.feedback_file, feedback, diags)) return "";
  std::string date = o.date.empty() ? today() : o.date;
  LocalTime parsed;
  if (!parse_local_time(date, true, parsed, cli, diags)) return "";
  std::optional<std::string> fingerprint = entry_fingerprint(*site.files, *portfolio, *entry);
  if (!fingerprint) {
    diags.error(entry->pos, tr("cannot read the entry or one of its attachments"),
                tr("check that the entry and its attachments are files of the portfolio, not links"));
    return "";
  }
  std::string rel = "content/assessments/" + entry->module.id + ".yaml";
  FileInfo info;
  FileResult r = site.files->stat(rel, &info);
  std::string text;
  if (r) {
    if (!read_text(*site.files, o.source, rel, text, diags)) return "";
  } else if (r.status == FileStatus::Missing) {
    text = "# Trainers' assessments of module " + entry->module.id +
           ", kept by the HEP (personal data: experts' build only).\n# Written by `cartable assess`; see README.\nassessments:\n";
  } else {
    report_file_error(r, rel, {rel, 0, 0}, diags);
    return "";
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  size_t before = assessment_count(text);
  text += assessment_item(o, portfolio->slug, entry->slug, entry->task.id, date, *fingerprint, feedback);
  fs::path path = fs::path(o.source) / rel;
  if (assessment_count(text) != before + 1) {
    diags.error({path.generic_string(), 1, 1}, tr("cannot append to this file: 'assessments:' is not a block list at its end"),
                tr("keep assessments: as the last key, one '- participant: …' item per assessment"));
    return "";
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  fs::remove(tmp, ec);  // a link planted there would redirect the write
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      diags.error({path.generic_string(), 0, 0}, tr("cannot write the file"), tr("check that you may write in this folder"));
      return "";
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    fs::remove(tmp, ec);
    diags.error({path.generic_string(), 0, 0}, tr("cannot write the file"), tr("check that you may write in this folder"));
    return "";
  }
  return path.lexically_normal().generic_string();
}

}  // namespace cartable
