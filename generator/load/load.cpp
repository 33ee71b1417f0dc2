#include "load/load.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <map>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.h"
#include "load/yaml_util.h"

#include <nlohmann/json.hpp>

#include <stb/stb_image.h>

namespace fs = std::filesystem;

namespace cartable {

namespace {

// The path shown to users: relative to the source directory's parent as the
// user typed it ("content/modules/m1.md" when building ".").
std::string hint_or(const std::string& hint, const std::string& fallback) { return hint.empty() ? fallback : hint; }

// Reads only the header: stb_image (Debian libstb) knows PNG, JPEG and GIF.
bool image_size(const std::string& path, int& width, int& height) {
  int components = 0;
  return stbi_info(path.c_str(), &width, &height, &components) == 1 && width > 0 && height > 0;
}

std::string display_path(const std::string& source_dir, const fs::path& rel) {
  fs::path p = fs::path(source_dir) / rel;
  return p.lexically_normal().generic_string();
}

std::vector<fs::path> files_with_extension(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ext &&
        entry.path().filename().string()[0] != '.') {
      out.push_back(entry.path().filename());
    }
  }
  std::sort(out.begin(), out.end());  // directory order is not stable across machines
  return out;
}

struct Loader {
  std::string source;
  Diagnostics& diags;
  Site site;
  bool keep_entry_bodies = true;
  unsigned threads = 0;  // 0: one per core

  std::string shown(const fs::path& rel) const { return display_path(source, rel); }

  std::optional<YAML::Node> read_yaml_file(const fs::path& rel, YamlSource& src) {
    src = {shown(rel), 1};
    std::string text;
    if (!read_file((fs::path(source) / rel).string(), text, diags)) return std::nullopt;
    return parse_yaml(text, src, diags);
  }

  // A portfolio-only repository builds against the programme as the HEP
  // publishes it (/api/catalogue.json, render/catalogue.cpp): modules, tasks,
  // frameworks, crosswalks, sessions, places, people.
  void load_catalogue(const std::string& file, const SourcePos& pos) {
    fs::path path = fs::path(source) / file;
    std::string text;
    if (!read_file(path.string(), text, diags)) return;
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || j.value("format", "") != "cartable-catalogue") {
      diags.error(pos, "'" + file + "' is not a cartable catalogue", "save it from the programme's site: /api/catalogue.json");
      return;
    }
    SourcePos at{shown(file), 1, 1};
    auto str = [](const nlohmann::json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
    auto num = [](const nlohmann::json& o, const char* k) { return o.contains(k) && o[k].is_number() ? o[k].get<double>() : 0.0; };
    auto strings = [](const nlohmann::json& o, const char* k) {
      std::vector<std::string> out;
      if (o.contains(k) && o[k].is_array()) {
        for (const auto& v : o[k]) if (v.is_string()) out.push_back(v.get<std::string>());
      }
      return out;
    };
    SiteConfig& c = site.config;
    const auto& js = j["site"];
    if (c.title.empty()) c.title = str(js, "title");
    if (c.base_url.empty()) c.base_url = str(js, "base_url");
    if (js.contains("language")) c.language = str(js, "language");
    if (js.contains("timezone")) c.timezone = str(js, "timezone");
    if (js.contains("institution")) {
      const auto& ji = js["institution"];
      c.institution = {str(ji, "name"), str(ji, "unit"), strings(ji, "address"), str(ji, "phone"), str(ji, "email"), str(ji, "url")};
    }
    const auto& jp = j["programme"];
    site.programme.title = str(jp, "title");
    site.programme.kind = str(jp, "kind");
    site.programme.short_title = str(jp, "short_title");
    site.programme.cohort = str(jp, "cohort");
    site.pages.push_back({"programme", str(jp, "title"), str(jp, "subtitle"), str(jp, "description"), {"", at}, at});
    for (const auto& jm : j["modules"]) {
      Module m;
      m.pos = at;
      m.id = str(jm, "id");
      m.kind = str(jm, "kind");
      m.number = static_cast<int>(num(jm, "number"));
      m.title = str(jm, "title");
      m.ects_title = str(jm, "ects_title");
      m.ects = num(jm, "ects");
      m.periods = static_cast<int>(num(jm, "periods"));
      m.periods_note = str(jm, "periods_note");
      m.self_study_hours = static_cast<int>(num(jm, "self_study_hours"));
      m.days = num(jm, "days");
      m.training_moments = static_cast<int>(num(jm, "training_moments"));
      m.elective_periods = static_cast<int>(num(jm, "elective_periods"));
      m.a_la_carte_min_periods = static_cast<int>(num(jm, "a_la_carte_min_periods"));
      m.outcomes = strings(jm, "outcomes");
      for (const auto& r : strings(jm, "competencies")) m.competencies.push_back({r, at});
      for (const auto& jt : jm["tasks"]) m.tasks.push_back({str(jt, "id"), str(jt, "title"), str(jt, "kind"), str(jt, "description"), at});
      m.body = {"", at};
      site.modules.push_back(std::move(m));
    }
    for (const auto& jf : j["frameworks"]) {
      Framework fw;
      fw.pos = at;
      fw.id = str(jf, "id");
      fw.title = str(jf, "title");
      fw.short_title = str(jf, "short_title");
      fw.source = str(jf, "source");
      fw.source_url = str(jf, "source_url");
      fw.domain_label = str(jf, "domain_label");
      fw.competency_label = str(jf, "competency_label");
      fw.levels = strings(jf, "levels");
      fw.body = {str(jf, "description"), at};
      for (const auto& jd : jf["domains"]) {
        Domain d{str(jd, "code"), str(jd, "title"), str(jd, "description"), {}, at};
        for (const auto& jc : jd["competencies"]) {
          d.competencies.push_back({str(jc, "code"), str(jc, "title"), str(jc, "description"), strings(jc, "criteria"), at});
        }
        fw.domains.push_back(std::move(d));
      }
      site.frameworks.push_back(std::move(fw));
    }
    for (const auto& jl : j["places"]) {
      site.places.push_back({str(jl, "id"), str(jl, "name"), str(jl, "short_name"), str(jl, "address"),
                             jl.value("online", false), at});
    }
    for (const auto& jpp : j["people"]) site.people.push_back({str(jpp, "id"), str(jpp, "name"), strings(jpp, "roles"), "", at});
    if (j.contains("sessions")) {
      for (const auto& jss : j["sessions"]) {
        Session s;
        s.pos = s.start_pos = s.end_pos = s.status_pos = at;
        s.id = str(jss, "id");
        s.module = {str(jss, "module"), at};
        s.title = str(jss, "title");
        s.place = {str(jss, "place"), at};
        s.status = str(jss, "status");
        if (parse_local_time(str(jss, "start"), false, s.start, at, diags) &&
            parse_local_time(str(jss, "end"), false, s.end, at, diags)) {
          site.sessions.push_back(std::move(s));
        }
      }
    }
    if (j.contains("crosswalks")) {
      for (const auto& jc : j["crosswalks"]) {
        Crosswalk cw;
        cw.id = str(jc, "id");
        cw.pos = at;
        for (const auto& [from, to] : jc["equivalences"].items()) {
          std::vector<Ref> refs;
          for (const auto& t : to) refs.push_back({t.get<std::string>(), at});
          cw.pairs.emplace_back(Ref{from, at}, std::move(refs));
        }
        site.crosswalks.push_back(std::move(cw));
      }
    }
  }

  bool load_config() {
    YamlSource src;
    fs::path rel = "site.yaml";
    if (!fs::exists(fs::path(source) / rel)) {
      diags.error({shown(rel), 0, 0}, "no site.yaml here: this folder is not a cartable site",
                  "run cartable in the site's folder, or pass --source DIR");
      return false;
    }
    auto root = read_yaml_file(rel, src);
    if (!root) return true;
    Fields f(*root, src, diags, "site.yaml");
    SiteConfig& c = site.config;
    c.pos = f.pos();
    c.catalogue = f.str("catalogue");
    c.title = f.str("title", c.catalogue.empty());
    c.base_url = f.str("base_url", c.catalogue.empty());
    if (!c.base_url.empty() && c.base_url.back() != '/') c.base_url += '/';
    if (!c.catalogue.empty()) {
      load_catalogue(c.catalogue, f.pos_of("catalogue"));
      if (!c.base_url.empty() && c.base_url.back() != '/') c.base_url += '/';
    }
    c.base_path = "/";
    if (auto scheme = c.base_url.find("://"); scheme != std::string::npos) {
      auto slash = c.base_url.find('/', scheme + 3);
      if (slash != std::string::npos) c.base_path = c.base_url.substr(slash);
    } else if (!c.base_url.empty()) {
      diags.error(f.pos_of("base_url"), "base_url must be an absolute URL",
                  "write it like https://example.org/");
    }
    if (f.has("language")) c.language = f.str("language");
    if (f.has("timezone")) c.timezone = f.str("timezone");
    if (f.has("theme")) c.theme = f.str("theme");
    YAML::Node inst = f.node("institution");
    if (inst.IsDefined()) {
      Fields i(inst, src, diags, "institution");
      c.institution.name = i.str("name", true);
      c.institution.unit = i.str("unit");
      c.institution.address = i.str_list("address");
      c.institution.phone = i.str("phone");
      c.institution.email = i.str("email");
      c.institution.url = i.str("url");
      i.warn_unknown_keys();
    }
    YAML::Node experts = f.node("experts");
    if (experts.IsDefined() && !experts.IsNull()) {
      Fields e(experts, src, diags, "experts");
      if (e.has("htpasswd")) c.experts_htpasswd = e.str("htpasswd");
      e.warn_unknown_keys();
    }
    YAML::Node cal = f.node("calendar");
    if (cal.IsDefined() && !cal.IsNull()) load_calendar_config(cal, src);
    f.warn_unknown_keys();
    return true;
  }

  void load_calendar_config(const YAML::Node& node, const YamlSource& src) {
    Fields f(node, src, diags, "calendar");
    CalendarConfig& c = site.calendar;
    c.pos = f.pos();
    if (f.has("created")) parse_local_time(f.str("created"), true, c.created, f.pos_of("created"), diags);
    if (f.has("refresh")) c.refresh = f.str("refresh");
    YAML::Node period = f.node("period");
    if (period.IsDefined()) {
      Fields p(period, src, diags, "calendar period");
      c.has_period = parse_local_time(p.str("start", true), true, c.period_start, p.pos_of("start"), diags) &&
                     parse_local_time(p.str("end", true), true, c.period_end, p.pos_of("end"), diags);
      c.period_end.hour = 23;
      c.period_end.minute = 59;
      p.warn_unknown_keys();
    }
    f.warn_unknown_keys();
  }

  void load_portfolios() {
    fs::path root = fs::path(source) / "portfolios";
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (e.is_directory() && !e.is_symlink() && e.path().filename().string()[0] != '.') dirs.push_back(e.path().filename());
    }
    std::sort(dirs.begin(), dirs.end());
    // Reading and parsing thousands of front matters is most of loading, and
    // portfolios are independent: one thread per core, results kept in order.
    // Diagnostics are thread-safe and sorted when printed.
    std::vector<std::optional<Portfolio>> loaded(dirs.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < dirs.size(); i = next++) {
        fs::path rel = fs::path("portfolios") / dirs[i];
        if (!fs::exists(fs::path(source) / rel / "portfolio.yaml")) {
          diags.error({shown(rel / "portfolio.yaml"), 0, 0}, "portfolio folder without portfolio.yaml",
                      "create portfolios/" + dirs[i].string() + "/portfolio.yaml with at least 'name:'");
          continue;
        }
        loaded[i] = load_portfolio(rel);
      }
    };
    unsigned wanted = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    unsigned workers = std::min<size_t>(wanted, std::max<size_t>(1, dirs.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < workers; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    for (auto& p : loaded) {
      if (p) site.portfolios.push_back(std::move(*p));
    }
    std::sort(site.portfolios.begin(), site.portfolios.end(),
              [](const Portfolio& a, const Portfolio& b) { return a.slug < b.slug; });
  }

  // Runs on several threads at once: reads `site` only.
  std::optional<Portfolio> load_portfolio(const fs::path& rel) {
    YamlSource src;
    auto root = read_yaml_file(rel / "portfolio.yaml", src);
    if (!root) return std::nullopt;
    Fields f(*root, src, diags, "portfolio");
    if (!f.ok()) return std::nullopt;
    Portfolio p;
    p.pos = f.pos();
    p.dir = (fs::path(source) / rel).string();
    p.slug = f.has("slug") ? f.str("slug") : rel.filename().string();
    if (p.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos || p.slug.empty()) {
      diags.error(f.has("slug") ? f.pos_of("slug") : p.pos, "portfolio slug '" + p.slug + "' may only use a-z, 0-9 and '-'",
                  "it becomes the portfolio's URL, e.g. " + slugify(p.slug));
    }
    p.name = f.str("name", true);
    p.school = f.str("school");
    p.cohort = f.str("cohort");
    std::string visibility = f.has("visibility") ? f.str("visibility") : "public";
    if (!parse_visibility(visibility, p.visibility)) {
      diags.error(f.pos_of("visibility"), "unknown visibility '" + visibility + "'",
                  hint_or(did_you_mean(visibility, {"public", "experts", "private"}), "write public, experts or private"));
    }
    p.bio = {f.str("bio"), f.pos_of("bio")};
    f.warn_unknown_keys();
    std::vector<fs::path> names = files_with_extension(fs::path(source) / rel, ".md");
    p.entries.reserve(names.size());
    for (const auto& name : names) {
      if (auto e = load_entry(rel, name, p)) p.entries.push_back(std::move(*e));
    }
    std::sort(p.entries.begin(), p.entries.end(), [](const Entry& a, const Entry& b) {
      return a.date != b.date ? a.date < b.date : a.slug < b.slug;
    });
    return p;
  }

  std::optional<Entry> load_entry(const fs::path& dir, const fs::path& name, const Portfolio& p) {
    YamlSource src;
    Entry e;
    auto root = read_markdown(dir / name, src, e.body);
    if (!root) return std::nullopt;
    if (!keep_entry_bodies) {
      e.body.text = std::string();
      e.body_on_disk = true;
    }
    Fields f(*root, src, diags, "entry");
    if (!f.ok()) return std::nullopt;
    e.pos = f.pos();
    e.portfolio = p.slug;
    e.slug = name.stem().string();
    e.file = (fs::path(source) / dir / name).lexically_normal().string();
    if (e.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      diags.error({shown(dir / name), 1, 1}, "entry file name '" + name.string() + "' may only use a-z, 0-9 and '-'",
                  "rename it to " + slugify(e.slug) + ".md: the name becomes the entry's URL");
    }
    e.title = f.str("title", true);
    std::string date = f.str("date", true);
    if (!date.empty()) parse_local_time(date, true, e.date, f.pos_of("date"), diags);
    e.module = {f.str("module", true), f.pos_of("module")};
    e.task = {f.str("task", true), f.pos_of("task")};
    e.kind = f.str("kind");
    for (auto& [ref, pos] : f.str_list_pos("competencies")) e.competencies.push_back({ref, pos});
    if (!f.has("competencies")) diags.error(f.pos(), "entry: missing required field 'competencies'",
                                            "list the competencies this entry evidences, e.g. rc-num-so/3.1");
    e.status = f.str("status", true);
    for (auto& [slug, pos] : f.str_list_pos("coauthors")) e.coauthors.push_back({slug, pos});
    e.draft = f.boolean("draft");
    std::string visibility = f.has("visibility") ? f.str("visibility") : "public";
    if (!parse_visibility(visibility, e.visibility)) {
      diags.error(f.pos_of("visibility"), "unknown visibility '" + visibility + "'",
                  hint_or(did_you_mean(visibility, {"public", "experts", "private"}), "write public, experts or private"));
    }
    YAML::Node atts = f.node("attachments");
    if (atts.IsDefined() && !atts.IsNull()) {
      if (!atts.IsSequence()) {
        diags.error(yaml_pos(src, atts), "entry: 'attachments' must be a list");
      } else {
        for (const auto& a : atts) {
          Fields af(a, src, diags, "attachment");
          if (!af.ok()) continue;
          Attachment att;
          att.pos = af.pos_of("file");
          att.file = af.str("file", true);
          att.alt = af.str("alt");
          att.title = af.str("title");
          af.warn_unknown_keys();
          if (!att.file.empty() && resolve_attachment(p, att)) e.attachments.push_back(std::move(att));
        }
      }
    }
    for (const char* key : {"title", "date", "module", "task", "kind", "competencies", "status", "coauthors", "draft", "visibility"}) {
      if (f.has(key)) e.field_pos.set(key, f.pos_of(key));
    }
    f.warn_unknown_keys();
    return e;
  }

  // Checks that an attachment is a real file inside its portfolio's folder
  // (no '..', no absolute path, no symbolic link out) and measures it.
  bool resolve_attachment(const Portfolio& p, Attachment& att) {
    fs::path rel(att.file);
    bool escapes = rel.is_absolute() || rel.has_root_name();
    for (const auto& part : rel) escapes |= (part == "..");
    if (escapes) {
      diags.error(att.pos, "attachment '" + att.file + "' is outside the portfolio's folder",
                  "put the file in " + shown(fs::relative(p.dir, source)) + "/ and write its name only");
      return false;
    }
    fs::path full = fs::path(p.dir) / rel;
    std::error_code ec;
    if (!fs::exists(full, ec)) {
      std::vector<std::string> names;
      for (const auto& e : fs::directory_iterator(p.dir, ec)) names.push_back(e.path().filename().string());
      diags.error(att.pos, "attachment '" + att.file + "' not found",
                  hint_or(did_you_mean(att.file, names), "check the file name: it must sit in the portfolio's folder"));
      return false;
    }
    fs::path canonical_dir = fs::canonical(p.dir, ec);
    fs::path canonical = fs::canonical(full, ec);
    auto mismatch = std::mismatch(canonical_dir.begin(), canonical_dir.end(), canonical.begin(), canonical.end());
    if (ec || mismatch.first != canonical_dir.end() || fs::is_symlink(full)) {
      diags.error(att.pos, "attachment '" + att.file + "' is a link to a file outside the portfolio's folder",
                  "copy the file itself into the portfolio's folder");
      return false;
    }
    if (!fs::is_regular_file(canonical, ec)) {
      diags.error(att.pos, "attachment '" + att.file + "' is not a file");
      return false;
    }
    std::string ext = rel.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::map<std::string, std::string> types = {
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".pdf", "application/pdf"}};
    auto type = types.find(ext);
    if (type == types.end()) {
      diags.error(att.pos, "attachment '" + att.file + "': files of type '" + ext + "' cannot be published",
                  "use PNG, JPEG, GIF images or PDF documents");
      return false;
    }
    att.type = type->second;
    att.image = att.type.rfind("image/", 0) == 0;
    att.size = fs::file_size(canonical, ec);
    att.source_path = canonical.string();
    if (att.image) {
      if (!image_size(att.source_path, att.width, att.height)) {
        diags.error(att.pos, "attachment '" + att.file + "' is not a readable " + ext.substr(1) + " image");
        return false;
      }
      if (att.alt.empty()) {
        diags.error(att.pos, "image '" + att.file + "' has no alt text",
                    "add 'alt:' describing the image for people who cannot see it");
        return false;
      }
    }
    return true;
  }

  void load_crosswalks() {
    for (const auto& name : files_with_extension(fs::path(source) / "content/crosswalks", ".yaml")) {
      YamlSource src;
      auto root = read_yaml_file(fs::path("content/crosswalks") / name, src);
      if (!root) continue;
      Fields f(*root, src, diags, "crosswalk");
      if (!f.ok()) continue;
      Crosswalk c;
      c.id = name.stem().string();
      c.pos = f.pos();
      f.str("title");
      f.str("source");
      YAML::Node map = f.node("equivalences");
      if (!map.IsMap()) {
        diags.error(f.pos_of("equivalences"), "crosswalk: 'equivalences' must map a competency to a list of competencies");
      } else {
        for (const auto& kv : map) {
          Ref from{kv.first.Scalar(), yaml_pos(src, kv.first)};
          std::vector<Ref> to;
          if (kv.second.IsSequence()) {
            for (const auto& t : kv.second) to.push_back({t.Scalar(), yaml_pos(src, t)});
          } else {
            diags.error(yaml_pos(src, kv.second), "crosswalk: the equivalents of '" + from.id + "' must be a list");
          }
          c.pairs.emplace_back(std::move(from), std::move(to));
        }
      }
      f.warn_unknown_keys();
      site.crosswalks.push_back(std::move(c));
    }
  }

  void load_certification() {
    YamlSource src;
    fs::path rel = "content/certification.yaml";
    if (!fs::exists(fs::path(source) / rel)) return;
    auto root = read_yaml_file(rel, src);
    if (!root) return;
    Fields f(*root, src, diags, "certification.yaml");
    if (!f.ok()) return;
    CertificationRules& c = site.certification;
    c.present = true;
    c.pos = f.pos();
    c.max_absence_percent = f.number("max_absence_percent").value_or(20);
    for (auto& [id, pos] : f.str_list_pos("task_modules")) c.task_modules.push_back({id, pos});
    c.portfolio_task = {f.str("portfolio_task"), f.pos_of("portfolio_task")};
    YAML::Node labels = f.node("labels");
    if (labels.IsMap()) {
      for (const auto& kv : labels) c.labels[kv.first.Scalar()] = kv.second.Scalar();
    }
    f.warn_unknown_keys();
  }

  void load_attendance() {
    YamlSource src;
    fs::path rel = "content/attendance.yaml";
    if (!fs::exists(fs::path(source) / rel)) return;
    auto root = read_yaml_file(rel, src);
    if (!root) return;
    Fields f(*root, src, diags, "attendance.yaml");
    YAML::Node list = f.node("participants");
    f.warn_unknown_keys();
    if (!list.IsSequence()) {
      diags.error(f.pos_of("participants"), "attendance.yaml: 'participants' must be a list");
      return;
    }
    for (const auto& n : list) {
      Fields pf(n, src, diags, "participant");
      if (!pf.ok()) continue;
      ParticipantRecord r;
      r.pos = pf.pos();
      r.participant = {pf.str("participant", true), pf.pos_of("participant")};
      if (pf.has("defence")) {
        r.has_defence = parse_local_time(pf.str("defence"), true, r.defence, pf.pos_of("defence"), diags);
      }
      YAML::Node absences = pf.node("absences");
      if (absences.IsSequence()) {
        for (const auto& a : absences) {
          Fields af(a, src, diags, "absence");
          if (!af.ok()) continue;
          Absence abs;
          abs.pos = af.pos();
          abs.session = {af.str("session", true), af.pos_of("session")};
          abs.justified = af.boolean("justified", true);
          af.warn_unknown_keys();
          r.absences.push_back(std::move(abs));
        }
      } else if (absences.IsDefined() && !absences.IsNull()) {
        diags.error(yaml_pos(src, absences), "participant: 'absences' must be a list");
      }
      pf.warn_unknown_keys();
      site.records.push_back(std::move(r));
    }
  }

  void load_sessions() {
    YamlSource src;
    fs::path rel = "content/calendar.yaml";
    if (!fs::exists(fs::path(source) / rel)) return;
    auto root = read_yaml_file(rel, src);
    if (!root) return;
    Fields top(*root, src, diags, "calendar.yaml");
    YAML::Node list = top.node("sessions");
    top.warn_unknown_keys();
    if (!list.IsSequence()) {
      diags.error(top.pos_of("sessions"), "calendar.yaml: 'sessions' must be a list of sessions");
      return;
    }
    for (const auto& n : list) {
      Fields f(n, src, diags, "session");
      if (!f.ok()) continue;
      Session s;
      s.pos = f.pos();
      s.id = f.str("id", true);
      s.module = {f.str("module", true), f.pos_of("module")};
      s.title = f.str("title", true);
      s.description = f.str("description");
      s.start_pos = f.pos_of("start");
      s.end_pos = f.pos_of("end");
      bool ok = parse_local_time(f.str("start", true), false, s.start, s.start_pos, diags);
      ok = parse_local_time(f.str("end", true), false, s.end, s.end_pos, diags) && ok;
      s.place = {f.str("place", true), f.pos_of("place")};
      for (auto& [id, pos] : f.str_list_pos("speakers")) s.speakers.push_back({id, pos});
      if (f.has("status")) s.status = f.str("status");
      s.status_pos = f.pos_of("status");
      if (s.status != "confirmed" && s.status != "tentative" && s.status != "cancelled") {
        diags.error(s.status_pos, "unknown session status '" + s.status + "'",
                    did_you_mean(s.status, {"confirmed", "tentative", "cancelled"}).empty()
                        ? "write confirmed, tentative or cancelled"
                        : did_you_mean(s.status, {"confirmed", "tentative", "cancelled"}));
      }
      YAML::Node history = f.node("history");
      if (history.IsDefined() && !history.IsNull()) {
        if (!history.IsSequence()) {
          diags.error(yaml_pos(src, history), "session: 'history' must be a list of dated notes");
        } else {
          for (const auto& h : history) {
            Fields hf(h, src, diags, "history entry");
            if (!hf.ok()) continue;
            HistoryEntry e;
            e.pos = hf.pos();
            parse_local_time(hf.str("date", true), true, e.date, hf.pos_of("date"), diags);
            e.note = hf.str("note", true);
            hf.warn_unknown_keys();
            s.history.push_back(std::move(e));
          }
        }
      }
      f.warn_unknown_keys();
      if (ok) site.sessions.push_back(std::move(s));
    }
    std::stable_sort(site.sessions.begin(), site.sessions.end(),
                     [](const Session& a, const Session& b) {
                       // By id on ties, so the order in the file never shows in the output.
                       return a.start != b.start ? a.start < b.start : a.id < b.id;
                     });
  }

  void load_places() {
    YamlSource src;
    fs::path rel = "content/places.yaml";
    if (!fs::exists(fs::path(source) / rel)) return;
    auto root = read_yaml_file(rel, src);
    if (!root) return;
    Fields top(*root, src, diags, "places.yaml");
    YAML::Node list = top.node("places");
    top.warn_unknown_keys();
    if (!list.IsSequence()) return;
    for (const auto& n : list) {
      Fields f(n, src, diags, "place");
      Place p;
      p.pos = f.pos();
      p.id = f.str("id", true);
      p.name = f.str("name", true);
      p.short_name = f.str("short_name");
      p.address = f.str("address");
      p.online = f.boolean("online");
      f.warn_unknown_keys();
      site.places.push_back(std::move(p));
    }
  }

  void load_people() {
    YamlSource src;
    fs::path rel = "content/people.yaml";
    if (!fs::exists(fs::path(source) / rel)) return;
    auto root = read_yaml_file(rel, src);
    if (!root) return;
    Fields top(*root, src, diags, "people.yaml");
    YAML::Node list = top.node("people");
    top.warn_unknown_keys();
    if (!list.IsSequence()) return;
    for (const auto& n : list) {
      Fields f(n, src, diags, "person");
      Person p;
      p.pos = f.pos();
      p.id = f.str("id", true);
      p.name = f.str("name", true);
      p.roles = f.str_list("roles");
      p.organisation = f.str("organisation");
      f.warn_unknown_keys();
      site.people.push_back(std::move(p));
    }
  }

  // A Markdown file with front matter: returns its fields' YAML and body.
  std::optional<YAML::Node> read_markdown(const fs::path& rel, YamlSource& src, Markdown& body) {
    std::string text;
    SharedPath path = shown(rel);
    if (!read_file((fs::path(source) / rel).string(), text, diags)) return std::nullopt;
    FrontMatter fm = split_front_matter(text, path, diags);
    body = {std::move(fm.body), {path, fm.body_first_line, 1}};
    src = {path, fm.yaml_first_line};
    if (!fm.present) {
      diags.error({path, 1, 1}, "missing front matter",
                  "start the file with a line '---', the fields, then another '---'");
      return std::nullopt;
    }
    return parse_yaml(fm.yaml, src, diags);
  }

  void load_pages() {
    for (const auto& name : files_with_extension(fs::path(source) / "content", ".md")) {
      YamlSource src;
      Page page;
      auto root = read_markdown(fs::path("content") / name, src, page.body);
      if (!root) continue;
      Fields f(*root, src, diags, "page");
      page.pos = f.pos();
      page.id = name.stem().string();
      page.title = f.str("title", true);
      page.subtitle = f.str("subtitle");
      page.description = f.str("description");
      if (page.id == "programme") load_programme(f, src);
      f.warn_unknown_keys();
      site.pages.push_back(std::move(page));
    }
    // The programme is the home page and comes first.
    std::stable_partition(site.pages.begin(), site.pages.end(),
                          [](const Page& p) { return p.id == "programme"; });
    if (site.pages.empty() || site.pages[0].id != "programme") {
      diags.error({shown("content/programme.md"), 0, 0}, "the programme page is missing",
                  "create content/programme.md: it is the site's home page");
    }
  }

  void load_programme(Fields& page, const YamlSource& src) {
    Programme& p = site.programme;
    p.title = page.str("title");
    YAML::Node n = page.node("programme");
    if (!n.IsDefined()) return;
    Fields f(n, src, diags, "programme");
    p.kind = f.str("kind");
    p.short_title = f.str("short_title");
    p.cohort = f.str("cohort");
    p.start = f.str("start");
    p.semesters = f.integer("semesters");
    p.credential = f.str("credential");
    YAML::Node totals = f.node("declared_totals");
    if (totals.IsDefined()) {
      Fields t(totals, src, diags, "declared_totals");
      for (const char* key : {"ects", "periods", "self_study_hours"}) {
        if (auto v = t.number(key)) p.declared_totals[key] = {*v, t.pos_of(key)};
      }
      t.warn_unknown_keys();
    }
    f.warn_unknown_keys();
  }

  void load_modules() {
    for (const auto& name : files_with_extension(fs::path(source) / "content/modules", ".md")) {
      YamlSource src;
      Module m;
      auto root = read_markdown(fs::path("content/modules") / name, src, m.body);
      if (!root) continue;
      Fields f(*root, src, diags, "module");
      if (!f.ok()) continue;
      m.pos = f.pos();
      m.id = f.has("id") ? f.str("id") : name.stem().string();
      if (m.id != name.stem().string()) {
        diags.error(f.pos_of("id"), "module id '" + m.id + "' differs from its file name '" + name.string() + "'",
                    "rename the file to " + m.id + ".md or remove the 'id' line");
      }
      if (f.has("kind")) m.kind = f.str("kind");
      if (m.kind != "module" && m.kind != "certifying-work") {
        diags.error(f.pos_of("kind"), "unknown module kind '" + m.kind + "'",
                    did_you_mean(m.kind, {"module", "certifying-work"}));
      }
      m.number = f.integer("number", m.kind == "module");
      m.title = f.str("title", true);
      m.ects_title = f.str("ects_title");
      m.ects = f.number("ects", true).value_or(0);
      m.periods = f.integer("periods");
      m.periods_note = f.str("periods_note");
      m.self_study_hours = f.integer("self_study_hours", true);
      m.days = f.number("days").value_or(0);
      m.training_moments = f.integer("training_moments");
      m.elective_periods = f.integer("elective_periods");
      m.a_la_carte_min_periods = f.integer("a_la_carte_min_periods");
      m.a_la_carte = f.str("a_la_carte");
      m.outcomes = f.str_list("outcomes");
      for (auto& [ref, pos] : f.str_list_pos("competencies")) m.competencies.push_back({ref, pos});
      YAML::Node tasks = f.node("tasks");
      if (tasks.IsDefined() && !tasks.IsNull()) {
        if (!tasks.IsSequence()) {
          diags.error(yaml_pos(src, tasks), "module: 'tasks' must be a list");
        } else {
          for (const auto& t : tasks) {
            Fields tf(t, src, diags, "task");
            if (!tf.ok()) continue;
            Task task;
            task.pos = tf.pos();
            task.id = tf.str("id", true);
            task.title = tf.str("title", true);
            task.kind = tf.str("kind");
            task.description = tf.str("description");
            tf.warn_unknown_keys();
            m.tasks.push_back(std::move(task));
          }
        }
      }
      for (const char* key : {"id", "kind", "number", "title", "ects_title", "ects", "periods", "periods_note",
                              "self_study_hours", "days", "training_moments", "elective_periods",
                              "a_la_carte_min_periods", "a_la_carte", "outcomes", "competencies", "tasks"}) {
        if (f.has(key)) m.field_pos.set(key, f.pos_of(key));
      }
      f.warn_unknown_keys();
      site.modules.push_back(std::move(m));
    }
    // Modules in programme order; the certifying work (number 0) last.
    std::stable_sort(site.modules.begin(), site.modules.end(), [](const Module& a, const Module& b) {
      auto key = [](const Module& m) { return m.number == 0 ? 1000 : m.number; };
      return key(a) < key(b);
    });
  }

  void load_frameworks() {
    for (const auto& name : files_with_extension(fs::path(source) / "content/frameworks", ".yaml")) {
      YamlSource src;
      fs::path rel = fs::path("content/frameworks") / name;
      auto root = read_yaml_file(rel, src);
      if (!root) continue;
      Fields f(*root, src, diags, "framework");
      if (!f.ok()) continue;
      Framework fw;
      fw.pos = f.pos();
      fw.id = f.has("id") ? f.str("id") : name.stem().string();
      if (fw.id != name.stem().string()) {
        diags.error(f.pos_of("id"), "framework id '" + fw.id + "' differs from its file name '" + name.string() + "'",
                    "rename the file to " + fw.id + ".yaml");
      }
      fw.title = f.str("title", true);
      fw.short_title = f.str("short_title");
      fw.source = f.str("source");
      fw.source_url = f.str("source_url");
      fw.domain_label = f.str("domain_label");
      fw.competency_label = f.str("competency_label");
      fw.levels = f.str_list("levels");
      fw.body = {f.str("description"), f.pos_of("description")};
      YAML::Node domains = f.node("domains");
      if (!domains.IsSequence()) {
        diags.error(f.pos_of("domains"), "framework: 'domains' must be a list of domains");
      } else {
        for (const auto& d : domains) fw.domains.push_back(load_domain(d, src));
      }
      f.warn_unknown_keys();
      site.frameworks.push_back(std::move(fw));
    }
  }

  Domain load_domain(const YAML::Node& n, const YamlSource& src) {
    Fields f(n, src, diags, "domain");
    Domain d;
    if (!f.ok()) return d;
    d.pos = f.pos();
    d.code = f.str("code", true);
    d.title = f.str("title", true);
    d.description = f.str("description");
    YAML::Node comps = f.node("competencies");
    if (comps.IsDefined() && !comps.IsNull()) {
      if (!comps.IsSequence()) {
        diags.error(yaml_pos(src, comps), "domain: 'competencies' must be a list");
      } else {
        for (const auto& c : comps) {
          Fields cf(c, src, diags, "competency");
          if (!cf.ok()) continue;
          Competency comp;
          comp.pos = cf.pos();
          comp.code = cf.str("code", true);
          comp.title = cf.str("title", true);
          comp.description = cf.str("description");
          comp.criteria = cf.str_list("criteria");
          cf.warn_unknown_keys();
          d.competencies.push_back(std::move(comp));
        }
      }
    }
    f.warn_unknown_keys();
    return d;
  }
};

}  // namespace

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

bool read_file(const std::string& file, std::string& out, Diagnostics& diags) {
  const std::string path = fs::path(file).lexically_normal().generic_string();
  // Sources are text written by people: a page of any length fits in 8 MB.
  constexpr uintmax_t kMaxBytes = 8 * 1024 * 1024;
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxBytes) {
    diags.error({path, 0, 0}, "file too large (" + std::to_string(size / (1024 * 1024)) + " MB; the limit is 8 MB)",
                "put long documents in a PDF attachment");
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
  // Editors on Windows save a byte-order mark; it is not content.
  if (starts_with(out, "\xEF\xBB\xBF")) out.erase(0, 3);
  if (size_t bad = invalid_utf8(out); bad != std::string::npos) {
    int line = 1 + static_cast<int>(std::count(out.begin(), out.begin() + bad, '\n'));
    size_t line_start = out.rfind('\n', bad == 0 ? 0 : bad - 1);
    int col = static_cast<int>(bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1)) + 1;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(out[bad]));
    diags.error({path, line, col}, std::string("invalid UTF-8 (byte ") + byte + ")",
                "save the file as UTF-8 (in most editors: Save as, then Encoding: UTF-8)");
    return false;
  }
  return true;
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

bool parse_local_time(const std::string& text, bool time_optional, LocalTime& out, const SourcePos& pos,
                      Diagnostics& diags) {
  LocalTime t;
  int consumed = 0;
  bool ok = false;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d%n", &t.year, &t.month, &t.day, &t.hour, &t.minute, &consumed) == 5 &&
      consumed == static_cast<int>(text.size())) {
    ok = true;
  } else if (time_optional && std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &t.year, &t.month, &t.day, &consumed) == 3 &&
             consumed == static_cast<int>(text.size())) {
    ok = true;
  }
  if (!ok) {
    diags.error(pos, "'" + text + "' is not a " + (time_optional ? "date" : "date and time"),
                time_optional ? "write it as 2027-03-13 or 2027-03-13 09:00" : "write it as 2027-03-13 09:00");
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
  Loader loader{site.source_dir, diags, {}};
  fs::path rel = fs::relative(fs::path(portfolio.dir), site.source_dir);
  return loader.load_entry(rel, fs::path(file).filename(), portfolio);
}

Markdown entry_body(const Entry& e, Diagnostics& diags) {
  if (!e.body_on_disk) return e.body;
  std::string text;
  if (!read_file(e.file, text, diags)) return {"", e.body.start};
  return {split_front_matter(text, e.body.start.path, diags).body, e.body.start};
}

Site load_site(const std::string& source_dir, Diagnostics& diags, bool keep_entry_bodies, unsigned threads) {
  Loader loader{source_dir, diags, {}, keep_entry_bodies, threads};
  loader.site.source_dir = source_dir;
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
  loader.load_attendance();
  loader.site.build_lookups();
  return std::move(loader.site);
}

}  // namespace cartable
