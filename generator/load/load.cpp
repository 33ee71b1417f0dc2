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
using loading::kMaxSourceBytes;

namespace {

// The position of the first byte that is not valid UTF-8, or npos.
size_t invalid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += n;
  }
  return std::string::npos;
}

}  // namespace

namespace {

SourcePos position_of(const std::string& path, const std::string& text, size_t at) {
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  size_t line_start = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
  int col = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {path, line, col};
}

// What every source text must be: UTF-8 without control characters. A BOM
// (Windows editors save one) is dropped: it is not content.
bool check_text(const std::string& path, std::string& out, Diagnostics& diags) {
  if (starts_with(out, "\xEF\xBB\xBF")) out.erase(0, 3);
  char byte[8];
  if (size_t bad = invalid_utf8(out); bad != std::string::npos) {
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(out[bad]));
    diags.error(position_of(path, out, bad), std::string("invalid UTF-8 (byte ") + byte + ")",
                "save the file as UTF-8 (in most editors: Save as, then Encoding: UTF-8)");
    return false;
  }
  if (size_t bad = find_control_character(out); bad != std::string::npos) {
    diags.error(position_of(path, out, bad), "control character " + control_character_name(out, bad) + " in the text",
                "delete it: it is invisible, and usually comes from a copy and paste");
    return false;
  }
  return true;
}

void report_too_large(const std::string& path, uint64_t size, Diagnostics& diags) {
  diags.error({path, 0, 0}, "file too large (" + std::to_string(size / (1024 * 1024)) + " MB; the limit is 8 MB)",
              "put long documents in a PDF attachment");
}

}  // namespace

bool read_file(const std::string& file, std::string& out, Diagnostics& diags) {
  const std::string path = fs::path(file).lexically_normal().generic_string();
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxSourceBytes) {
    report_too_large(path, size, diags);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, "cannot read file");
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return check_text(path, out, diags);
}

bool read_text(const FileSystem& files, const std::string& display_root, const std::string& rel, std::string& out,
               Diagnostics& diags) {
  auto shown = [&](const std::string& p) { return display_path(display_root, p); };
  FileResult r = files.read(rel, &out, kMaxSourceBytes);
  if (r.status == FileStatus::TooLarge) {
    FileInfo info;
    files.stat(rel, &info);
    report_too_large(shown(rel), info.size, diags);
    return false;
  }
  if (!r) {
    std::string at = r.at.empty() ? rel : r.at;
    report_file_error(r, shown(at), {shown(rel), 0, 0}, diags);
    return false;
  }
  return check_text(shown(rel), out, diags);
}

FrontMatter split_front_matter(std::string_view text, const std::string& path, Diagnostics& diags) {
  FrontMatter fm;
  auto line_end = [&](size_t from) {
    size_t e = text.find('\n', from);
    return e == std::string_view::npos ? text.size() : e;
  };
  auto is_fence = [&](size_t from, size_t to) {
    std::string_view line = text.substr(from, to - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line == "---";
  };
  size_t first_end = line_end(0);
  if (!is_fence(0, first_end)) {
    fm.body = std::string(text);
    return fm;
  }
  fm.present = true;
  size_t pos = first_end + 1;
  int line = 2;
  while (pos <= text.size()) {
    size_t end = line_end(pos);
    if (is_fence(pos, end)) {
      fm.yaml = std::string(text.substr(first_end + 1, pos - first_end - 1));
      size_t body_start = std::min(end + 1, text.size());
      fm.body = std::string(text.substr(body_start));
      fm.body_first_line = line + 1;
      return fm;
    }
    if (end >= text.size()) break;
    pos = end + 1;
    ++line;
  }
  diags.error({path, 1, 1}, "front matter is not closed",
              "add a line '---' after the last field, before the text");
  fm.present = false;
  return fm;
}

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
    diags.error(pos, "'" + text + "' is not a " + (time_optional ? "date" : "date and time"),
                time_optional ? "write it as 2027-03-13 or 2027-03-13 09:00" : "write it as 2027-03-13 09:00");
    return false;
  }
  // Calendars and date arithmetic go wrong far from now; a typo is likelier.
  if (t.year < 1900 || t.year > 2200) {
    diags.error(pos, "'" + text + "': the year " + std::to_string(t.year) + " is outside 1900-2200",
                "check the year: four digits, e.g. 2027");
    return false;
  }
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (t.year % 4 == 0 && t.year % 100 != 0) || t.year % 400 == 0;
  bool valid_day = t.month >= 1 && t.month <= 12 && t.day >= 1 &&
                   t.day <= (t.month == 2 && !leap ? 28 : days[t.month - 1]);
  if (!valid_day || t.hour > 23 || t.minute > 59 || t.hour < 0 || t.minute < 0) {
    diags.error(pos, "'" + text + "' is not a real date and time", "check the day, the month and the hour");
    return false;
  }
  out = t;
  return true;
}

std::optional<Entry> load_entry_file(const Site& site, const Portfolio& portfolio, const std::string& file,
                                     Diagnostics& diags) {
  Loader loader{site.source_dir, diags, {}, true, 1, site.files};
  loader.site.config = site.config;  // the attachment size limit
  return loader.load_entry(portfolio.folder, fs::path(file).filename(), portfolio);
}

Markdown entry_body(const Site& site, const Entry& e, Diagnostics& diags) {
  if (!e.body_on_disk) return e.body;
  auto p = std::lower_bound(site.portfolios.begin(), site.portfolios.end(), e.portfolio,
                            [](const Portfolio& a, const std::string& slug) { return a.slug < slug; });
  if (p == site.portfolios.end() || p->slug != e.portfolio) {
    // Entries leave the site with their portfolio (restrict_to_audience).
    diags.error(e.body.start, "internal error: the portfolio '" + e.portfolio + "' of this entry is not loaded");
    return {"", e.body.start};
  }
  std::string text;
  if (!read_text(*site.files, site.source_dir, join_path(p->folder, e.slug + ".md"), text, diags)) {
    return {"", e.body.start};
  }
  return {split_front_matter(text, e.body.start.path, diags).body, e.body.start};
}

SiteConfig load_site_config(const std::string& source_dir, Diagnostics& diags) {
  Loader loader{source_dir, diags, {}, true, 1, std::make_shared<DiskFileSystem>(source_dir)};
  loader.load_config();
  return loader.site.config;
}

Site load_site(const std::string& source_dir, Diagnostics& diags, bool keep_entry_bodies, unsigned threads) {
  return load_site(std::make_shared<DiskFileSystem>(source_dir), source_dir, diags, keep_entry_bodies, threads);
}

Site load_site(std::shared_ptr<const FileSystem> files, const std::string& source_dir, Diagnostics& diags,
               bool keep_entry_bodies, unsigned threads) {
  Loader loader{source_dir, diags, {}, keep_entry_bodies, threads, files};
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
