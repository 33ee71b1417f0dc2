#include "load/load.h"
#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <map>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.h"
#include "load/hep_records.h"
#include "load/yaml_util.h"

#include <nlohmann/json.hpp>

#include "load/loader.h"

namespace fs = std::filesystem;

namespace cartable {

using loading::Loader;
using loading::display_path;

namespace {

// Digits at exactly these places: "2027-03-13", then " 09:00" (or "T09:00").
// sscanf would also take "2027-3-5", "+2027-03-13" or " 2027-03-13".
bool read_digits(const std::string& text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

bool iso_date_time(const std::string& text, bool time_optional, LocalTime& t) {
  bool date = read_digits(text, 0, 4, t.year) && text.size() >= 10 && text[4] == '-' && read_digits(text, 5, 2, t.month) &&
              text[7] == '-' && read_digits(text, 8, 2, t.day);
  if (!date) return false;
  if (text.size() == 10) return time_optional;
  return text.size() == 16 && (text[10] == ' ' || text[10] == 'T') && read_digits(text, 11, 2, t.hour) &&
         text[13] == ':' && read_digits(text, 14, 2, t.minute);
}

}  // namespace

bool parse_local_time(const std::string& text, bool time_optional, LocalTime& out, const SourcePos& pos,
                      Diagnostics& diags) {
  LocalTime t;
  if (!iso_date_time(text, time_optional, t)) {
    diags.error(pos, time_optional ? tr("'{1}' is not a date", text) : tr("'{1}' is not a date and time", text),
                time_optional ? tr("write it as 2027-03-13 or 2027-03-13 09:00") : tr("write it as 2027-03-13 09:00"));
    return false;
  }
  // Calendars and date arithmetic go wrong far from now; a typo is likelier.
  if (t.year < 1900 || t.year > 2200) {
    diags.error(pos, tr("'{1}': the year {2} is outside 1900-2200", text, t.year),
                tr("check the year: four digits, e.g. 2027"));
    return false;
  }
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (t.year % 4 == 0 && t.year % 100 != 0) || t.year % 400 == 0;
  bool valid_day = t.month >= 1 && t.month <= 12 && t.day >= 1 &&
                   t.day <= (t.month == 2 && !leap ? 28 : days[t.month - 1]);
  if (!valid_day || t.hour > 23 || t.minute > 59 || t.hour < 0 || t.minute < 0) {
    diags.error(pos, tr("'{1}' is not a real date and time", text), tr("check the day, the month and the hour"));
    return false;
  }
  out = t;
  return true;
}

std::optional<Entry> load_entry_file(const Site& site, const Portfolio& portfolio, const std::string& file,
                                     Diagnostics& diags) {
  Loader loader{site.source_dir, diags, {}, true, 1, site.files, {}, nullptr};
  loader.site.config = site.config;  // the attachment size limit
  return loader.load_entry(portfolio.folder, fs::path(file).filename(), portfolio);
}

SiteConfig load_site_config(const std::string& source_dir, Diagnostics& diags) {
  Loader loader{source_dir, diags, {}, true, 1, std::make_shared<DiskFileSystem>(source_dir), {}, nullptr};
  loader.load_config();
  return loader.site.config;
}

Site load_site(const std::string& source_dir, Diagnostics& diags, bool keep_entry_bodies, unsigned threads) {
  return load_site(std::make_shared<DiskFileSystem>(source_dir), source_dir, diags, keep_entry_bodies, threads);
}

Site load_site(std::shared_ptr<const FileSystem> files, const std::string& source_dir, Diagnostics& diags,
               bool keep_entry_bodies, unsigned threads, EntryCache* entry_cache) {
  Loader loader{source_dir, diags, {}, keep_entry_bodies, threads, files, {}, keep_entry_bodies ? nullptr : entry_cache};
  loader.site.source_dir = source_dir;
  loader.site.files = std::move(files);
  if (!loader.load_config()) return std::move(loader.site);
  if (loader.site.config.catalogue.empty()) {
    loader.load_pages();
    loader.load_places();
    loader.load_people();
    loader.load_modules();
    loader.load_frameworks();
    loader.load_sessions();
    loader.load_crosswalks();
  }
  loader.load_portfolios();
  loader.load_certification();
  load_attendance(loader.site, source_dir, diags);
  load_assessments(loader.site, source_dir, diags);
  loader.site.build_lookups();
  return std::move(loader.site);
}

}  // namespace cartable
