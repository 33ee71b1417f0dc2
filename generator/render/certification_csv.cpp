// /experts/certification.csv: the jury's table, one row per participant.
// For spreadsheets as the jury opens them (Excel and LibreOffice in French):
// UTF-8 with a byte-order mark (without it Excel reads the accents as
// Windows-1252), ';' between fields and a decimal comma (the French
// locale's list separator), CRLF line ends, RFC 4180 quoting.
#include <algorithm>
#include <cstdio>

#include "calendar/timezone.h"
#include "index/readiness.h"
#include "render/render.h"

namespace cartable {

namespace {

// Participants type their names: a cell starting with = + - @ would be a
// formula in a spreadsheet (CSV injection), so it is prefixed with '.
std::string csv_field(const std::string& text) {
  std::string value = text;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' || value[0] == '\t')) {
    value.insert(0, "'");
  }
  if (value.find_first_of(";\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void add_row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ';';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

std::string decimal_comma(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string iso_date(const LocalTime& t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

}  // namespace

std::string certification_csv(const Index& index, const Theme& theme) {
  const Site& site = index.site();
  auto t = [&](const std::string& key) { return ui(theme, "csv." + key); };
  std::vector<std::string> header = {t("participant"), t("slug"), t("school")};
  std::vector<const Module*> modules;
  for (const Ref& ref : site.certification.task_modules) {
    if (const Module* m = site.find_module(ref.id)) {
      modules.push_back(m);
      header.push_back(t("module") + " " + std::to_string(m->number) + " (/" + std::to_string(m->tasks.size()) + ")");
    }
  }
  for (const char* key : {"portfolio", "absence_percent", "missed_time", "total_time", "unjustified", "a_la_carte",
                                 "defence", "ready"}) {
    header.push_back(t(key));
  }
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark
  add_row(out, header);
  auto hours = [](long minutes) { return decimal_comma(static_cast<double>(minutes) / 60.0) + " h"; };
  auto tz = TimeZone::find(site.config.timezone);
  const LocalTime today = build_today(tz ? &*tz : nullptr);  // sessions after it have not happened
  for (const Portfolio& p : site.portfolios) {
    Readiness r = readiness(index, p, today);
    std::vector<std::string> row = {p.name, p.slug, p.school};
    for (const Module* m : modules) {
      int done = 0;
      for (const TaskProgress& tp : r.tasks) done += tp.module == m && tp.state == TaskState::Acquired;
      row.push_back(std::to_string(done));
    }
    row.push_back(r.portfolio_ok ? t("yes") : t("no"));
    row.push_back(r.has_record ? decimal_comma(r.absence_percent) : ui(theme, "experts.missing_data"));
    row.push_back(r.has_record ? hours(r.missed_minutes) : "");
    row.push_back(hours(r.total_minutes));
    row.push_back(r.has_record ? std::to_string(r.unjustified_absences) : "");
    std::string carte;
    for (const ModuleAlaCarte& mc : r.a_la_carte) {
      carte += (carte.empty() ? "" : " ; ") + std::to_string(mc.confirmed_periods) + " / " + std::to_string(mc.required_periods);
    }
    row.push_back(carte);
    std::string defence = ui(theme, "experts.no_defence");
    if (r.defence_state != DefenceState::None) {
      std::string state = r.defence_state == DefenceState::Held ? std::string("defence_") + defence_outcome_name(r.defence_outcome) : "defence_planned";
      defence = iso_date(r.defence) + " (" + ui(theme, "experts." + state) + ")";
    }
    row.push_back(defence);
    row.push_back(r.ready ? t("yes") : t("no"));
    add_row(out, row);
  }
  return out;
}

}  // namespace cartable
