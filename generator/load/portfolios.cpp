// Loading participants' portfolios, in parallel: portfolio.yaml, entries'
// front matter and bodies, attachments checked against their declared type.
#include "base/parallel.h"
#include "load/front_matter.h"
#include "load/loader.h"

#include <stb/stb_image.h>

namespace cartable::loading {

namespace {

// Reads only the header: stb_image (Debian libstb) knows PNG, JPEG and GIF.
bool image_size(const std::string& bytes, int& width, int& height) {
  int components = 0;
  return stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()), &width,
                               &height, &components) == 1 &&
         width > 0 && height > 0;
}

// The file's magic bytes agree with its MIME type.
bool content_matches(const std::string& type, const std::string& bytes) {
  if (type == "application/pdf") {
    // "%PDF-" may follow some junk, within the first 1024 bytes (ISO 32000-1, 7.5.2 and readers' habits).
    size_t at = bytes.find("%PDF-");
    return at != std::string::npos && at < 1024;
  }
  if (type == "image/png") return starts_with(bytes, "\x89PNG\r\n\x1A\n");
  if (type == "image/jpeg") return starts_with(bytes, "\xFF\xD8\xFF");
  if (type == "image/gif") return starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a");
  return false;
}

std::string trim(const std::string& s) {
  size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// An entry's body that holds nothing but the scaffold's headings and its
// prompts (HTML comments, never published): `cartable new entry` untouched.
bool only_scaffold(std::string_view body) {
  bool in_comment = false, prompts = false;
  size_t at = 0;
  while (at < body.size()) {
    if (in_comment) {
      size_t close = body.find("-->", at);
      if (close == std::string_view::npos) return prompts;
      in_comment = false;
      at = close + 3;
      continue;
    }
    char c = body[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++at;
    } else if (body.compare(at, 4, "<!--") == 0) {
      in_comment = prompts = true;
      at += 4;
    } else if (c == '#' && (at == 0 || body[at - 1] == '\n' || body[at - 1] == ' ')) {
      at = std::min(body.find('\n', at), body.size());  // a heading line
    } else {
      return false;
    }
  }
  return prompts;
}

Text attachment_form_hint() {
  return tr("write each attachment as '- file: photo.png' with, on the next line under 'file', 'alt: what the image "
            "shows' (an image needs it)");
}

}  // namespace

// The bio of the theme's scaffold-portfolio.mustache (`bio: |` and its
// indented lines), which a participant is meant to replace; "" if the
// theme has none.
std::string Loader::read_placeholder_bio() {
  std::string text;
  if (!files->read(join_path("themes/" + site.config.theme + "/templates", "scaffold-portfolio.mustache"), &text,
                   kMaxSourceBytes)) {
    return {};
  }
  size_t at = text.find("\nbio: |\n");
  if (at == std::string::npos) return {};
  std::istringstream lines(text.substr(at + 8));  // after "\nbio: |\n"
  std::string line, bio;
  while (std::getline(lines, line) && line.rfind("  ", 0) == 0) bio += line.substr(2) + "\n";
  return trim(bio);
}

void Loader::load_portfolios() {
  placeholder_bio = read_placeholder_bio();
  std::vector<FolderEntry> entries;
  FileResult listed = files->list("portfolios", &entries);
  if (listed.status == FileStatus::Link) report_file_error(listed, shown(listed.at), {shown(listed.at), 0, 0}, diags);
  std::vector<fs::path> dirs;
  for (const FolderEntry& e : entries) {
    if (e.name[0] == '.') continue;
    if (e.kind == FileKind::Link) {
      // A linked portfolio folder would publish whatever it points at.
      std::string path = shown(fs::path("portfolios") / e.name);
      report_file_error({FileStatus::Link, ""}, path, {path, 0, 0}, diags);
    } else if (e.kind == FileKind::Folder) {
      dirs.push_back(e.name);
    }
  }
  // Reading and parsing thousands of front matters is most of loading, and
  // portfolios are independent: one thread per core, results kept in order.
  // Diagnostics are thread-safe and sorted when printed.
  std::vector<std::optional<Portfolio>> loaded(dirs.size());
  parallel_for(dirs.size(), threads, [&](size_t i) { loaded[i] = load_portfolio(fs::path("portfolios") / dirs[i]); });
  for (auto& p : loaded) {
    if (p) site.portfolios.push_back(std::move(*p));
  }
  std::sort(site.portfolios.begin(), site.portfolios.end(),
            [](const Portfolio& a, const Portfolio& b) { return a.slug < b.slug; });
}

// Files that look like entries but are not read as such: Notepad saves
// `trace.md.txt`, other tools `Trace.MD` or `trace.markdown`, and a
// document from a word processor is no entry. Each is named, with the
// rename to do, instead of being ignored without a word.
void Loader::warn_look_alikes(const fs::path& dir, const std::vector<FolderEntry>& listing) {
  for (const FolderEntry& f : listing) {
    if (f.kind != FileKind::File || f.name[0] == '.') continue;
    const std::string lower = lowercase(f.name);
    if (!has_extension(lower, ".txt") && !has_extension(lower, ".md") && !has_extension(lower, ".markdown") &&
        !has_extension(lower, ".docx") && !has_extension(lower, ".odt") && !has_extension(lower, ".doc")) {
      continue;  // the common case, without making a path to show (a tenth of loading a portfolio)
    }
    if (has_extension(f.name, ".md")) continue;  // an entry
    SourcePos pos{shown(dir / f.name), 0, 0};
    auto stem_of = [&](size_t suffix) { return slugify(f.name.substr(0, f.name.size() - suffix)) + ".md"; };
    if (has_extension(lower, ".md.txt")) {
      diags.warning(pos, tr("'{1}' is not published: its name ends in .txt", f.name),
                    tr("rename it to {1} (Notepad adds .txt: when saving, choose the type « All files »)", stem_of(7)));
    } else if (has_extension(lower, ".md") && !has_extension(f.name, ".md")) {
      diags.warning(pos, tr("'{1}' is not published: entries end in .md, in lowercase", f.name),
                    tr("rename it to {1}", stem_of(3)));
    } else if (has_extension(lower, ".markdown")) {
      diags.warning(pos, tr("'{1}' is not published: entries end in .md", f.name), tr("rename it to {1}", stem_of(9)));
    } else if (has_extension(lower, ".docx") || has_extension(lower, ".odt") || has_extension(lower, ".doc")) {
      diags.warning(pos, tr("'{1}' is not published: a word processor's document is not an entry", f.name),
                    tr("copy its text into a file {1}; to attach it, export it as PDF and list the PDF under attachments:",
                       stem_of(lower.size() - lower.rfind('.'))));
    }
  }
}

// Runs on several threads at once: reads `site` only.
std::optional<Portfolio> Loader::load_portfolio(const fs::path& rel) {
  Portfolio p;
  std::vector<FolderEntry> listing;
  // Unchanged since the last build: portfolio.yaml not read, the folder not listed.
  bool known = entry_cache && entry_cache->reuse_portfolio(rel.generic_string(), placeholder_bio, p, listing, diags);
  if (!known) {
    if (!read_portfolio(rel, p)) return std::nullopt;
    FileResult listed = files->list(rel.generic_string(), &listing);
    if (listed.status == FileStatus::Link) report_file_error(listed, shown(listed.at), {shown(listed.at), 0, 0}, diags);
    if (entry_cache && listed) entry_cache->portfolio_parsed(placeholder_bio, p, listing);
  }
  std::vector<fs::path> names = files_named(rel, ".md", listing);
  warn_look_alikes(rel, listing);
  std::vector<Entry> entries;
  entries.reserve(names.size());
  for (const auto& name : names) {
    if (auto e = load_entry(rel, name, p)) entries.push_back(std::move(*e));
  }
  // By date, then slug (unique in a folder): their places sorted, each
  // entry then moved once, not swapped about.
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Entry &x = entries[a], &y = entries[b];
    return x.date != y.date ? x.date < y.date : x.slug < y.slug;
  });
  p.entries.reserve(entries.size());
  for (size_t i : order) p.entries.push_back(std::move(entries[i]));
  return p;
}

// portfolio.yaml's fields; false after an error that leaves no portfolio.
bool Loader::read_portfolio(const fs::path& rel, Portfolio& p) {
  // Read without looking first whether it exists: one input fewer to
  // record and to look at again in the next build, 25,000 at scale.
  const fs::path yaml = rel / "portfolio.yaml";
  YamlSource src{shown(yaml), 1};
  std::string text;
  bool missing = false;
  if (!read_text(*files, source, yaml.generic_string(), text, diags, &missing)) {
    if (missing) {
      diags.error({shown(yaml), 0, 0}, tr("portfolio folder without portfolio.yaml"),
                  tr("create portfolios/{1}/portfolio.yaml with at least 'name:'", rel.filename().string()));
    }
    return false;
  }
  auto root = parse_yaml(text, src, diags);
  if (!root) return false;
  Fields f(*root, src, diags, term("portfolio"));
  if (!f.ok()) return false;
  p.pos = f.pos();
  p.dir = (fs::path(source) / rel).string();
  p.folder = rel.generic_string();
  p.slug = f.has("slug") ? f.str("slug") : rel.filename().string();
  if (p.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos || p.slug.empty()) {
    diags.error(f.has("slug") ? f.pos_of("slug") : p.pos, tr("portfolio slug '{1}' may only use a-z, 0-9 and '-'", p.slug),
                tr("it becomes the portfolio's URL, e.g. {1}", slugify(p.slug)));
  }
  p.name = f.str("name", true);
  p.school = f.str("school");
  p.cohort = f.str("cohort");
  p.owners = f.str_list("owners");
  std::string visibility = f.has("visibility") ? f.str("visibility") : "public";
  if (!parse_visibility(visibility, p.visibility)) {
    diags.error(f.pos_of("visibility"), tr("unknown visibility '{1}'", visibility),
                hint_or(did_you_mean(visibility, {"public", "experts", "private"}), tr("write public, experts or private")));
  }
  p.bio = {f.str("bio"), f.pos_of("bio")};
  if (!placeholder_bio.empty() && trim(p.bio.text) == placeholder_bio) {
    diags.warning(f.pos_of("bio"), tr("the bio is still the example of `cartable new portfolio`"),
                  tr("replace it with a few lines about you, or remove the bio"));
  }
  load_a_la_carte(f, p);
  for (auto& [ref, pos] : f.str_list_pos("coauthored")) p.coauthored.push_back({ref, pos});
  return true;
}

// Courses « à la carte » the participant declares: title, date, periods
// and the attestation, a file of the portfolio's folder like an attachment.
void Loader::load_a_la_carte(Fields& f, Portfolio& p) {
  f.for_each_item(
      "a_la_carte", term("course"), [&](Fields& cf) { p.a_la_carte.push_back(load_course(cf, p)); },
      {tr("portfolio: 'a_la_carte' must be a list of courses"),
       tr("write each course on a line starting with '- id:', then its other fields below, indented")});
}

AlaCarteCourse Loader::load_course(Fields& cf, const Portfolio& p) {
  AlaCarteCourse c;
  c.pos = cf.pos();
  c.id = cf.str("id", true);
  c.title = cf.str("title", true);
  std::string date = cf.str("date", true);
  if (!date.empty()) parse_local_time(date, true, c.date, cf.pos_of("date"), diags);
  c.periods = cf.integer("periods", true, 0);
  if (cf.has("periods") && c.periods <= 0) diags.error(cf.pos_of("periods"), tr("a course lasts at least one period"), tr("write the number of periods on the attestation"));
  c.module = {cf.str("module"), cf.pos_of("module")};
  c.attestation.file = cf.str("attestation", true);
  c.attestation.pos = cf.pos_of("attestation");
  c.attestation.title = c.title;
  if (!c.attestation.file.empty()) resolve_attachment(p, c.attestation);
  return c;
}

// The keys of an entry's front matter, read as read_entry reads them: a
// front matter holding only these, plainly, skips yaml-cpp's tree
// (load/front_matter.h; most of loading at 500,000 entries).
constexpr FlatKey kEntryKeys[] = {
    {"title", FlatShape::Text, true},        {"date", FlatShape::Text, true},
    {"module", FlatShape::Text, true},       {"task", FlatShape::Text, true},
    {"kind", FlatShape::Text, false},        {"competencies", FlatShape::List, true},
    {"status", FlatShape::Text, false},      {"coauthors", FlatShape::List, false},
    {"draft", FlatShape::Boolean, false},    {"visibility", FlatShape::Text, false}};

std::optional<Entry> Loader::load_entry(const fs::path& dir, const fs::path& name, const Portfolio& p) {
  if (entry_cache) {
    // Unchanged since the last build parsed it: not even opened.
    std::string path = dir.generic_string() + "/" + name.generic_string();  // dir / name, without parsing it again
    if (auto e = entry_cache->reuse(path, p, diags)) return e;
    std::optional<Entry> e = parse_entry(dir, name, p);
    if (e) entry_cache->parsed(path, p, *e);
    return e;
  }
  return parse_entry(dir, name, p);
}

std::optional<Entry> Loader::parse_entry(const fs::path& dir, const fs::path& name, const Portfolio& p) {
  YamlSource src;
  Entry e;
  std::string yaml;
  if (!read_markdown_text(dir / name, src, e.body, yaml)) return std::nullopt;
  const bool scaffold = only_scaffold(e.body.text);
  if (!keep_entry_bodies) {
    // Assigning an empty string would keep the text's buffer (its capacity):
    // a kilobyte or more per entry, most of the loaded site's memory.
    std::string().swap(e.body.text);
    e.body_on_disk = true;
  }
  if (auto flat = parse_flat_front_matter(yaml, kEntryKeys)) {
    FlatFields f(std::move(*flat), src);
    return read_entry(f, src, std::move(e), dir, name, p, scaffold);
  }
  auto root = parse_yaml(yaml, src, diags);
  if (!root) return std::nullopt;
  Fields f(*root, src, diags, term("entry"));
  if (!f.ok()) return std::nullopt;
  return read_entry(f, src, std::move(e), dir, name, p, scaffold);
}

template <class EntryFields>
std::optional<Entry> Loader::read_entry(EntryFields& f, const YamlSource& src, Entry e, const fs::path& dir,
                                        const fs::path& name, const Portfolio& p, bool scaffold) {
  e.pos = f.pos();
  e.portfolio = p.slug;
  e.slug = name.stem().string();
  e.file = (fs::path(source) / dir / name).lexically_normal().string();
  if (e.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    diags.error({shown(dir / name), 1, 1}, tr("entry file name '{1}' may only use a-z, 0-9 and '-'", name.string()),
                tr("rename it to {1}.md: the name becomes the entry's URL", slugify(e.slug)));
  }
  e.title = f.str("title", true);
  std::string date = f.str("date", true);
  if (!date.empty()) parse_local_time(date, true, e.date, f.pos_of("date"), diags);
  e.module = {f.str("module", true), f.pos_of("module")};
  e.task = {f.str("task", true), f.pos_of("task")};
  e.kind = f.str("kind");
  for (auto& [ref, pos] : f.str_list_pos("competencies")) e.competencies.push_back({ref, pos});
  if (!f.has("competencies")) diags.error(f.pos(), tr("entry: missing required field 'competencies'"),
                                          tr("list the competencies this entry evidences, e.g. rc-num-so/3.1"));
  e.status = f.str("status");  // optional: "submitted"; decisions are trainers' (assessments)
  for (auto& [slug, pos] : f.str_list_pos("coauthors")) e.coauthors.push_back({slug, pos});
  e.draft = f.boolean("draft");
  std::string visibility = f.has("visibility") ? f.str("visibility") : "public";
  if (!parse_visibility(visibility, e.visibility)) {
    diags.error(f.pos_of("visibility"), tr("unknown visibility '{1}'", visibility),
                hint_or(did_you_mean(visibility, {"public", "experts", "private"}), tr("write public, experts or private")));
  }
  YAML::Node atts = f.node("attachments");
  if (atts.IsDefined() && !atts.IsNull()) {
    if (!atts.IsSequence()) {
      diags.error(yaml_pos(src, atts), tr("entry: 'attachments' must be a list"), attachment_form_hint());
    } else {
      for (const auto& a : atts) {
        if (a.IsScalar()) {
          // `attachments: [photo.png]`: a name alone, without file: and alt:.
          diags.error(yaml_pos(src, a), tr("attachment '{1}' is written as a name alone", a.Scalar()),
                      attachment_form_hint());
          continue;
        }
        Fields af(a, src, diags, term("attachment"));
        if (!af.ok()) continue;
        Attachment att;
        att.pos = af.pos_of("file");
        att.file = af.str("file", true);
        att.alt = af.str("alt");
        att.title = af.str("title");
        if (!att.file.empty() && resolve_attachment(p, att)) e.attachments.push_back(std::move(att));
      }
    }
  }
  e.field_pos = f.positions();
  if (!e.draft && scaffold) {
    diags.warning(e.body.start, tr("this entry holds only the headings and prompts of `cartable new entry`"),
                  tr("write your text under each heading, or keep draft: true until it is ready"));
  }
  return e;
}

// Checks that an attachment is a real file inside its portfolio's folder
// (no '..', no absolute path, no symbolic link) and measures it.
bool Loader::resolve_attachment(const Portfolio& p, Attachment& att) {
  std::vector<std::string> parts;
  if (!split_relative_path(att.file, &parts) || parts.empty()) {
    diags.error(att.pos, tr("attachment '{1}' is outside the portfolio's folder", att.file),
                tr("put the file in {1}/ and write its name only", shown(p.folder)));
    return false;
  }
  std::string rel = join_path(p.folder, att.file);
  FileInfo info;
  FileResult r = files->stat(rel, &info);
  if (r.status == FileStatus::Missing) {
    std::vector<FolderEntry> entries;
    files->list(p.folder, &entries);
    std::vector<std::string> names;
    for (const FolderEntry& e : entries) names.push_back(e.name);
    diags.error(att.pos, tr("attachment '{1}' not found", att.file),
                hint_or(did_you_mean(att.file, names), tr("check the file name: it must sit in the portfolio's folder")));
    return false;
  }
  if (r.status == FileStatus::Link) {
    diags.error(att.pos, tr("attachment '{1}' is a symbolic link", att.file),
                tr("copy the file itself into the portfolio's folder: links are never followed"));
    return false;
  }
  if (!r || info.kind != FileKind::File) {
    diags.error(att.pos, tr("attachment '{1}' is not a file", att.file), tr("name a file of the portfolio's folder, not a folder"));
    return false;
  }
  std::string ext = fs::path(att.file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::map<std::string, std::string> types = {
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".pdf", "application/pdf"}};
  auto type = types.find(ext);
  if (type == types.end()) {
    diags.error(att.pos, tr("attachment '{1}': files of type '{2}' cannot be published", att.file, ext),
                tr("use PNG, JPEG, GIF images or PDF documents"));
    return false;
  }
  att.type = type->second;
  att.image = att.type.rfind("image/", 0) == 0;
  att.size = info.size;
  att.source_path = rel;
  const uint64_t limit = site.config.max_attachment_bytes;
  if (info.size > limit) {
    diags.error(att.pos,
                tr("attachment '{1}' is too large ({2} MB; the limit is {3} MB)", att.file, info.size / (1024 * 1024),
                   limit / (1024 * 1024)),
                tr("make it smaller (export the PDF for screen, resize the image), or raise max_attachment_mb in site.yaml"));
    return false;
  }
  std::string bytes;
  if (!files->read(rel, &bytes, limit)) {
    diags.error(att.pos, tr("cannot read attachment '{1}'", att.file), tr("check that the file is not open in another program"));
    return false;
  }
  // The type is what the bytes are, not what the name says: a page served
  // as application/pdf or image/png must be one.
  if (!content_matches(att.type, bytes)) {
    diags.error(att.pos, tr("attachment '{1}' is not a {2} file (its content says otherwise)", att.file, ext.substr(1)),
                tr("export it again in that format, or give it the extension of what it is"));
    return false;
  }
  if (att.image) {
    if (!image_size(bytes, att.width, att.height)) {
      diags.error(att.pos, tr("attachment '{1}' is not a readable {2} image", att.file, ext.substr(1)),
                  tr("open it in an image editor and export it again"));
      return false;
    }
    if (att.alt.empty()) {
      diags.error(att.pos, tr("image '{1}' has no alt text", att.file),
                  tr("add 'alt:' describing the image for people who cannot see it"));
      return false;
    }
  }
  return true;
}

}  // namespace cartable::loading
