#include "load/entry_cache.h"
#include "base/binary_record.h"
#include "base/filesystem.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace cartable {

namespace {

// Then "key <key>\n", the records, and their seal (XXH3-64 of all that):
// a damaged record is no record (a flipped byte in a title would be a
// wrong page, not a crash).
constexpr std::string_view kHeader = "cartable-entries 3\n";

// The front-matter keys whose positions an entry keeps (load/portfolios.cpp,
// read_entry), in the order it sets them.
constexpr const char* kFieldKeys[] = {"title", "date",      "module", "task",  "kind",
                                      "competencies", "status", "coauthors", "draft", "visibility"};

// Integers as LEB128 varints, strings length first (base/binary_record.h):
// a compact, exact copy. A position in the entry's own file names no file.
class EntryWriter : public BinaryWriter {
 public:
  using BinaryWriter::BinaryWriter;
  void pos(const SourcePos& p, const std::string& file) {
    if (p.path.str() == file) {
      varint(0);
    } else {
      varint(1);
      varint_text(p.path.str());
    }
    varint(static_cast<uint64_t>(p.line));
    varint(static_cast<uint64_t>(p.col));
  }
  void ref(const Ref& r, const std::string& file) {
    varint_text(r.id);
    pos(r.pos, file);
  }
  void refs(const std::vector<Ref>& list, const std::string& file) {
    varint(list.size());
    for (const Ref& r : list) ref(r, file);
  }
  void message(const Text& t) {
    varint_text(t.id);
    varint_text(t.plural_id);
    varint(static_cast<uint64_t>(t.count));
    varint(t.args.size());
    for (const std::string& a : t.args) varint_text(a);
    varint(t.term_args);
  }
};

// Reads what EntryWriter wrote; any inconsistency makes ok() false for good.
class EntryReader : public BinaryReader {
 public:
  using BinaryReader::BinaryReader;
  int small() {
    uint64_t n = varint();
    if (n > 1u << 30) return fail(), 0;
    return static_cast<int>(n);
  }
  SourcePos pos(const SharedPath& file) {
    SourcePos p;
    p.path = varint() == 0 ? file : SharedPath(std::string(varint_text()));
    p.line = small();
    p.col = small();
    return p;
  }
  Ref ref(const SharedPath& file) {
    Ref r;
    r.id = varint_text();
    r.pos = pos(file);
    return r;
  }
  std::vector<Ref> refs(const SharedPath& file) {
    std::vector<Ref> list(std::min<uint64_t>(varint(), left()));
    for (Ref& r : list) r = ref(file);
    return list;
  }
  Text message() {
    Text t;
    t.id = varint_text();
    t.plural_id = varint_text();
    t.count = static_cast<long long>(varint());
    t.args.resize(std::min<uint64_t>(varint(), left()));
    for (std::string& a : t.args) a = varint_text();
    t.term_args = static_cast<unsigned>(varint());
    return t;
  }
};

// The entry as the loader made it, its text left on disk.
std::string write_entry(const Entry& e) {
  std::string out;
  EntryWriter w(out);
  const std::string& file = e.pos.path.str();
  w.varint_text(file);
  w.varint_text(e.slug);
  w.varint_text(e.portfolio);
  w.varint_text(e.title);
  for (int n : {e.date.year, e.date.month, e.date.day, e.date.hour, e.date.minute}) w.varint(static_cast<uint64_t>(n));
  w.ref(e.module, file);
  w.ref(e.task, file);
  w.varint_text(e.kind);
  w.refs(e.competencies, file);
  w.varint_text(e.status);
  w.refs(e.coauthors, file);
  w.varint(e.draft);
  w.varint(static_cast<uint64_t>(e.visibility));
  w.varint_text(e.file);
  w.pos(e.body.start, file);
  w.pos(e.pos, file);
  for (const char* key : kFieldKeys) {
    std::optional<SourcePos> at = e.field_pos.find(key);
    w.varint(at.has_value());
    if (at) w.pos(*at, file);
  }
  return out;
}

std::optional<Entry> read_entry(std::string_view bytes) {
  EntryReader r(bytes);
  Entry e;
  SharedPath file(std::string(r.varint_text()));
  e.slug = r.varint_text();
  e.portfolio = r.varint_text();
  e.title = r.varint_text();
  for (int* n : {&e.date.year, &e.date.month, &e.date.day, &e.date.hour, &e.date.minute}) *n = r.small();
  e.module = r.ref(file);
  e.task = r.ref(file);
  e.kind = r.varint_text();
  e.competencies = r.refs(file);
  e.status = r.varint_text();
  e.coauthors = r.refs(file);
  e.draft = r.varint() != 0;
  uint64_t visibility = r.varint();
  if (visibility > static_cast<uint64_t>(Visibility::Private)) return std::nullopt;
  e.visibility = static_cast<Visibility>(visibility);
  e.file = r.varint_text();
  e.body.start = r.pos(file);
  e.body_on_disk = true;
  e.pos = r.pos(file);
  for (const char* key : kFieldKeys) {
    if (r.varint() != 0) e.field_pos.set(key, r.pos(file));
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return e;
}

std::string write_diagnostics(const std::vector<const Diagnostic*>& list, const std::string& file) {
  std::string out;
  EntryWriter w(out);
  w.varint(list.size());
  for (const Diagnostic* d : list) {
    w.varint(d->severity == Severity::Error);
    w.pos(d->pos, file);
    w.varint_text(d->message);
    w.varint_text(d->hint);
    w.message(d->message_text);
    w.message(d->hint_text);
  }
  return out;
}

std::optional<std::vector<Diagnostic>> read_diagnostics(std::string_view bytes, const SharedPath& file) {
  EntryReader r(bytes);
  std::vector<Diagnostic> list(std::min<uint64_t>(r.varint(), bytes.size()));
  for (Diagnostic& d : list) {
    d.severity = r.varint() != 0 ? Severity::Error : Severity::Warning;
    d.pos = r.pos(file);
    d.message = r.varint_text();
    d.hint = r.varint_text();
    d.message_text = r.message();
    d.hint_text = r.message();
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return list;
}

// A portfolio's own part, as load_portfolio made it: no entries, no
// courses à la carte.
std::string write_portfolio(const Portfolio& p) {
  std::string out;
  EntryWriter w(out);
  const std::string& file = p.pos.path.str();
  w.varint_text(file);
  for (const std::string* t : {&p.slug, &p.name, &p.school, &p.cohort}) w.varint_text(*t);
  w.varint(p.owners.size());
  for (const std::string& o : p.owners) w.varint_text(o);
  w.varint(static_cast<uint64_t>(p.visibility));
  w.varint_text(p.bio.text);
  w.pos(p.bio.start, file);
  w.varint_text(p.dir);
  w.varint_text(p.folder);
  w.refs(p.coauthored, file);
  w.pos(p.pos, file);
  return out;
}

std::optional<Portfolio> read_portfolio(std::string_view bytes) {
  EntryReader r(bytes);
  Portfolio p;
  SharedPath file(std::string(r.varint_text()));
  for (std::string* t : {&p.slug, &p.name, &p.school, &p.cohort}) *t = r.varint_text();
  p.owners.resize(std::min<uint64_t>(r.varint(), bytes.size()));
  for (std::string& o : p.owners) o = r.varint_text();
  uint64_t visibility = r.varint();
  if (visibility > static_cast<uint64_t>(Visibility::Private)) return std::nullopt;
  p.visibility = static_cast<Visibility>(visibility);
  p.bio.text = r.varint_text();
  p.bio.start = r.pos(file);
  p.dir = r.varint_text();
  p.folder = r.varint_text();
  p.coauthored = r.refs(file);
  p.pos = r.pos(file);
  if (!r.ok() || !r.done()) return std::nullopt;
  return p;
}

std::string write_listing(const std::vector<FolderEntry>& listing) {
  std::string out;
  EntryWriter w(out);
  w.varint(listing.size());
  for (const FolderEntry& e : listing) {
    w.varint_text(e.name);
    w.varint(static_cast<uint64_t>(e.kind));
  }
  return out;
}

bool read_listing(std::string_view bytes, std::vector<FolderEntry>& listing) {
  EntryReader r(bytes);
  listing.resize(std::min<uint64_t>(r.varint(), bytes.size()));
  for (FolderEntry& e : listing) {
    e.name = r.varint_text();
    uint64_t kind = r.varint();
    if (kind > static_cast<uint64_t>(FileKind::Other)) return false;
    e.kind = static_cast<FileKind>(kind);
  }
  return r.ok() && r.done();
}

}  // namespace

EntryCache::EntryCache(const std::string& state_dir, const std::string& key, Unchanged unchanged)
    : unchanged_(std::move(unchanged)) {
  std::string head = std::string(kHeader) + "key " + key + "\n";
  if (!buffer_.open(state_dir + "/entries") || buffer_.bytes().size() < head.size() + 8 ||
      buffer_.bytes().compare(0, head.size(), head) != 0) {
    buffer_.clear();
    return;
  }
  std::optional<std::string_view> body = unseal(buffer_.bytes(), SealHash::Xxh3_64);
  if (!body) {
    buffer_.clear();
    return;
  }
  if (!read_records(body->substr(head.size()))) {
    records_.clear();
    portfolios_.clear();
  }
}

// Whether each file is unchanged is asked by reuse(), on the loader's
// threads: here only the index, half a million string views.
bool EntryCache::read_records(std::string_view body) {
  EntryReader r(body);
  size_t count = r.varint();
  records_.reserve(std::min<size_t>(count, body.size() / 64));
  for (size_t i = 0; i < count && r.ok(); ++i) {
    Record rec;
    rec.path = r.varint_text();
    rec.hash.high = r.u64();
    rec.hash.low = r.u64();
    rec.portfolio = r.varint_text();
    rec.folder = r.varint_text();
    rec.entry = r.varint_text();
    rec.diags = r.varint_text();
    // Sorted by path, each once (serialise): found by a search, no index.
    if (!records_.empty() && !(records_.back().path < rec.path)) return false;
    records_.push_back(rec);
  }
  count = r.varint();
  portfolios_.reserve(std::min<size_t>(count, body.size() / 64));
  for (size_t i = 0; i < count && r.ok(); ++i) {
    PortfolioRecord rec;
    rec.folder = r.varint_text();
    for (SourceHash* h : {&rec.yaml, &rec.listing}) {
      h->high = r.u64();
      h->low = r.u64();
    }
    rec.bio = r.varint_text();
    rec.portfolio = r.varint_text();
    rec.names = r.varint_text();
    rec.diags = r.varint_text();
    if (!portfolios_.empty() && !(portfolios_.back().folder < rec.folder)) return false;
    portfolios_.push_back(rec);
  }
  return r.ok() && r.done();
}

const EntryCache::Record* EntryCache::find(std::string_view path) const {
  // The loader asks for a folder's entries in order, side by side here.
  thread_local const EntryCache* last_of = nullptr;
  thread_local size_t last = 0;
  if (last_of == this && last + 1 < records_.size() && records_[last + 1].path == path) return &records_[++last];
  auto it = std::lower_bound(records_.begin(), records_.end(), path,
                             [](const Record& r, std::string_view p) { return r.path < p; });
  if (it == records_.end() || it->path != path) return nullptr;
  last_of = this;
  last = static_cast<size_t>(it - records_.begin());
  return &*it;
}

std::optional<Entry> EntryCache::reuse(const std::string& path, const Portfolio& p, Diagnostics& diags) const {
  const Record* rec = find(path);
  if (!rec || rec->portfolio != p.slug || rec->folder != p.folder) return std::nullopt;
  if (!unchanged_('F', path, rec->hash)) return std::nullopt;
  std::optional<Entry> e = read_entry(rec->entry);
  if (!e || e->portfolio != p.slug) return std::nullopt;
  e->recorded_hash = rec->hash.low;
  std::optional<std::vector<Diagnostic>> reported = read_diagnostics(rec->diags, e->pos.path);
  if (!reported) return std::nullopt;
  for (Diagnostic& d : *reported) diags.add(std::move(d));
  std::lock_guard lock(mutex_);
  reused_list_.push_back(rec);
  return e;
}

void EntryCache::parsed(const std::string& path, const Portfolio& p, const Entry& e) {
  if (!e.attachments.empty() || !e.body_on_disk || e.portfolio != p.slug || e.pos.path.empty()) return;
  std::string bytes = write_entry(e);
  std::lock_guard lock(mutex_);
  parsed_.push_back({path, p.slug, p.folder, e.pos.path.str(), std::move(bytes)});
}

bool EntryCache::reuse_portfolio(const std::string& folder, const std::string& placeholder_bio, Portfolio& p,
                                 std::vector<FolderEntry>& listing, Diagnostics& diags) const {
  auto it = std::lower_bound(portfolios_.begin(), portfolios_.end(), folder,
                             [](const PortfolioRecord& r, std::string_view f) { return r.folder < f; });
  if (it == portfolios_.end() || it->folder != folder || it->bio != placeholder_bio) return false;
  if (!unchanged_('F', folder + "/portfolio.yaml", it->yaml) || !unchanged_('D', folder, it->listing)) return false;
  std::optional<Portfolio> known = read_portfolio(it->portfolio);
  if (!known || known->folder != folder || !read_listing(it->names, listing)) return false;
  std::optional<std::vector<Diagnostic>> reported = read_diagnostics(it->diags, known->pos.path);
  if (!reported) return false;
  for (Diagnostic& d : *reported) diags.add(std::move(d));
  p = std::move(*known);
  std::lock_guard lock(mutex_);
  reused_portfolios_.push_back(&*it);
  return true;
}

void EntryCache::portfolio_parsed(const std::string& placeholder_bio, const Portfolio& p,
                                  const std::vector<FolderEntry>& listing) {
  if (!p.a_la_carte.empty() || p.pos.path.empty()) return;
  ParsedPortfolio parsed{p.folder, placeholder_bio, p.pos.path.str(), write_portfolio(p), write_listing(listing)};
  std::lock_guard lock(mutex_);
  parsed_portfolios_.push_back(std::move(parsed));
}

size_t EntryCache::reused() const {
  std::lock_guard lock(mutex_);
  return reused_list_.size() + reused_portfolios_.size();
}

// The portfolios' part of the record, sorted by folder, as the entries'.
void EntryCache::write_portfolios(std::string& out, const HashOf& hash_of,
                                  const std::unordered_map<std::string_view, std::vector<const Diagnostic*>>& at) const {
  struct Item {
    std::string_view folder, bio, shown, portfolio, names;
    SourceHash yaml, listing;
  };
  std::vector<Item> items;
  for (const PortfolioRecord* rec : reused_portfolios_) {
    std::string_view shown = BinaryReader(rec->portfolio).varint_text();  // its file, first in the record
    // As for entries: the hashes it was made from, which the input record keeps.
    items.push_back({rec->folder, rec->bio, shown, rec->portfolio, rec->names, rec->yaml, rec->listing});
  }
  for (const ParsedPortfolio& p : parsed_portfolios_) {
    std::optional<SourceHash> yaml = hash_of('F', p.folder + "/portfolio.yaml"), listing = hash_of('D', p.folder);
    if (yaml && listing) items.push_back({p.folder, p.bio, p.shown, p.portfolio, p.names, *yaml, *listing});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.folder < b.folder; });
  items.erase(std::unique(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.folder == b.folder; }),
              items.end());
  EntryWriter w(out);
  w.varint(items.size());
  for (const Item& item : items) {
    w.varint_text(item.folder);
    for (const SourceHash& h : {item.yaml, item.listing}) {
      w.u64(h.high);
      w.u64(h.low);
    }
    w.varint_text(item.bio);
    w.varint_text(item.portfolio);
    w.varint_text(item.names);
    auto reported = at.find(item.shown);
    static const std::vector<const Diagnostic*> none;
    w.varint_text(write_diagnostics(reported == at.end() ? none : reported->second, std::string(item.shown)));
  }
}

std::string EntryCache::serialise(const std::string& key, const HashOf& hash_of, const std::vector<Diagnostic>& diags) const {
  // What loading reported, by file: an entry's diagnostics all point into it.
  std::unordered_map<std::string_view, std::vector<const Diagnostic*>> at;
  for (const Diagnostic& d : diags) at[d.pos.path.str()].push_back(&d);
  std::lock_guard lock(mutex_);
  std::string out = std::string(kHeader) + "key " + key + "\n";
  size_t size = out.size() + 16;
  // Sorted by path for the reader: those taken from the record by their
  // place in it (sorted already), those parsed by their path.
  std::vector<const Record*> reused = reused_list_;
  std::sort(reused.begin(), reused.end());
  std::vector<const Parsed*> parsed;
  for (const Parsed& e : parsed_) parsed.push_back(&e);
  std::sort(parsed.begin(), parsed.end(), [](const Parsed* a, const Parsed* b) { return a->path < b->path; });
  for (const Record* rec : reused) size += rec->path.size() + rec->entry.size() + 64 + rec->portfolio.size() * 2;
  for (const Parsed& e : parsed_) size += e.path.size() + e.bytes.size() + 64 + e.portfolio.size() + e.folder.size();
  out.reserve(size);
  // How many follow: an entry parsed but without a hash is left out.
  size_t count = reused.size();
  std::vector<std::optional<SourceHash>> hashes;
  for (const Parsed* e : parsed) {
    hashes.push_back(hash_of('F', e->path));
    count += hashes.back().has_value();
  }
  EntryWriter w(out);
  w.varint(count);
  std::string none;  // the diagnostics of an entry without any
  BinaryWriter(none).varint(0);
  auto record = [&](std::string_view path, const SourceHash& hash, std::string_view portfolio, std::string_view folder,
                    std::string_view entry, std::string_view shown) {
    auto reported = at.find(shown);
    w.varint_text(path);
    w.u64(hash.high);
    w.u64(hash.low);
    w.varint_text(portfolio);
    w.varint_text(folder);
    w.varint_text(entry);
    w.varint_text(reported == at.end() ? none : write_diagnostics(reported->second, std::string(shown)));
  };
  // An entry taken from the record was parsed from the bytes its hash
  // names, which the input record still has for it (build.cpp,
  // unchanged_since): the record's hash, not the one of a later read.
  auto write_reused = [&](const Record* rec) {
    record(rec->path, rec->hash, rec->portfolio, rec->folder, rec->entry, BinaryReader(rec->entry).varint_text());
  };
  auto write_parsed = [&](size_t j) {
    const Parsed* e = parsed[j];
    if (hashes[j]) record(e->path, *hashes[j], e->portfolio, e->folder, e->bytes, e->shown);
  };
  // A path is in one list at most (the loader reads each file once); a
  // duplicate would make the next build ignore the whole record, not err.
  size_t i = 0, j = 0;
  while (i < reused.size() || j < parsed.size()) {
    if (j == parsed.size() || (i < reused.size() && reused[i]->path < parsed[j]->path)) {
      write_reused(reused[i++]);
    } else {
      write_parsed(j++);
    }
  }
  write_portfolios(out, hash_of, at);
  seal(out, SealHash::Xxh3_64);
  return out;
}

}  // namespace cartable
