#include "load/entry_cache.h"
#include "base/filesystem.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace cartable {

namespace {

// Then "key <key>\n", the records, and the XXH3-64 of all that before:
// a damaged record is no record (a flipped byte in a title would be a
// wrong page, not a crash).
constexpr std::string_view kHeader = "cartable-entries 2\n";

// The front-matter keys whose positions an entry keeps (load/portfolios.cpp,
// read_entry), in the order it sets them.
constexpr const char* kFieldKeys[] = {"title", "date",      "module", "task",  "kind",
                                      "competencies", "status", "coauthors", "draft", "visibility"};

// Integers as LEB128 varints, strings length first: a compact, exact copy.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void number(uint64_t n) {
    while (n >= 0x80) {
      out_ += static_cast<char>((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out_ += static_cast<char>(n);
  }
  void text(std::string_view s) {
    number(s.size());
    out_.append(s);
  }
  void pos(const SourcePos& p, const std::string& file) {
    if (p.path.str() == file) {
      number(0);
    } else {
      number(1);
      text(p.path.str());
    }
    number(static_cast<uint64_t>(p.line));
    number(static_cast<uint64_t>(p.col));
  }
  void ref(const Ref& r, const std::string& file) {
    text(r.id);
    pos(r.pos, file);
  }
  void refs(const std::vector<Ref>& list, const std::string& file) {
    number(list.size());
    for (const Ref& r : list) ref(r, file);
  }
  void message(const Text& t) {
    text(t.id);
    text(t.plural_id);
    number(static_cast<uint64_t>(t.count));
    number(t.args.size());
    for (const std::string& a : t.args) text(a);
    number(t.term_args);
  }

 private:
  std::string& out_;
};

// Reads what Writer wrote; any inconsistency makes ok() false for good.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  uint64_t number() {
    uint64_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return fail();
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      n |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return n;
    }
    return fail();
  }
  int small() {
    uint64_t n = number();
    return n > 1u << 30 ? static_cast<int>(fail()) : static_cast<int>(n);
  }
  std::string_view view() {
    uint64_t n = number();
    if (n > in_.size()) return fail(), std::string_view();
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string text() { return std::string(view()); }
  uint64_t raw64() {
    if (in_.size() < 8) return fail();
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = n << 8 | static_cast<unsigned char>(in_[i]);
    in_.remove_prefix(8);
    return n;
  }
  SourcePos pos(const SharedPath& file) {
    SourcePos p;
    p.path = number() == 0 ? file : SharedPath(text());
    p.line = small();
    p.col = small();
    return p;
  }
  Ref ref(const SharedPath& file) {
    Ref r;
    r.id = text();
    r.pos = pos(file);
    return r;
  }
  std::vector<Ref> refs(const SharedPath& file) {
    std::vector<Ref> list(std::min<uint64_t>(number(), in_.size()));
    for (Ref& r : list) r = ref(file);
    return list;
  }
  Text message() {
    Text t;
    t.id = text();
    t.plural_id = text();
    t.count = static_cast<long long>(number());
    t.args.resize(std::min<uint64_t>(number(), in_.size()));
    for (std::string& a : t.args) a = text();
    t.term_args = static_cast<unsigned>(number());
    return t;
  }

 private:
  uint64_t fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

uint64_t checksum(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

void raw64(std::string& out, uint64_t n) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>(n >> (8 * i) & 0xff);
}

// The entry as the loader made it, its text left on disk.
std::string write_entry(const Entry& e) {
  std::string out;
  Writer w(out);
  const std::string& file = e.pos.path.str();
  w.text(file);
  w.text(e.slug);
  w.text(e.portfolio);
  w.text(e.title);
  for (int n : {e.date.year, e.date.month, e.date.day, e.date.hour, e.date.minute}) w.number(static_cast<uint64_t>(n));
  w.ref(e.module, file);
  w.ref(e.task, file);
  w.text(e.kind);
  w.refs(e.competencies, file);
  w.text(e.status);
  w.refs(e.coauthors, file);
  w.number(e.draft);
  w.number(static_cast<uint64_t>(e.visibility));
  w.text(e.file);
  w.pos(e.body.start, file);
  w.pos(e.pos, file);
  for (const char* key : kFieldKeys) {
    std::optional<SourcePos> at = e.field_pos.find(key);
    w.number(at.has_value());
    if (at) w.pos(*at, file);
  }
  return out;
}

std::optional<Entry> read_entry(std::string_view bytes) {
  Reader r(bytes);
  Entry e;
  SharedPath file(r.text());
  e.slug = r.text();
  e.portfolio = r.text();
  e.title = r.text();
  for (int* n : {&e.date.year, &e.date.month, &e.date.day, &e.date.hour, &e.date.minute}) *n = r.small();
  e.module = r.ref(file);
  e.task = r.ref(file);
  e.kind = r.text();
  e.competencies = r.refs(file);
  e.status = r.text();
  e.coauthors = r.refs(file);
  e.draft = r.number() != 0;
  uint64_t visibility = r.number();
  if (visibility > static_cast<uint64_t>(Visibility::Private)) return std::nullopt;
  e.visibility = static_cast<Visibility>(visibility);
  e.file = r.text();
  e.body.start = r.pos(file);
  e.body_on_disk = true;
  e.pos = r.pos(file);
  for (const char* key : kFieldKeys) {
    if (r.number() != 0) e.field_pos.set(key, r.pos(file));
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return e;
}

std::string write_diagnostics(const std::vector<const Diagnostic*>& list, const std::string& file) {
  std::string out;
  Writer w(out);
  w.number(list.size());
  for (const Diagnostic* d : list) {
    w.number(d->severity == Severity::Error);
    w.pos(d->pos, file);
    w.text(d->message);
    w.text(d->hint);
    w.message(d->message_text);
    w.message(d->hint_text);
  }
  return out;
}

std::optional<std::vector<Diagnostic>> read_diagnostics(std::string_view bytes, const SharedPath& file) {
  Reader r(bytes);
  std::vector<Diagnostic> list(std::min<uint64_t>(r.number(), bytes.size()));
  for (Diagnostic& d : list) {
    d.severity = r.number() != 0 ? Severity::Error : Severity::Warning;
    d.pos = r.pos(file);
    d.message = r.text();
    d.hint = r.text();
    d.message_text = r.message();
    d.hint_text = r.message();
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return list;
}

}  // namespace

EntryCache::EntryCache(const std::string& state_dir, const std::string& key, Unchanged unchanged)
    : unchanged_(std::move(unchanged)) {
  std::string head = std::string(kHeader) + "key " + key + "\n";
  if (!read_own_file(state_dir + "/entries", buffer_) || buffer_.size() < head.size() + 8 ||
      buffer_.compare(0, head.size(), head) != 0) {
    buffer_.clear();
    return;
  }
  std::string_view body(buffer_.data(), buffer_.size() - 8);
  if (Reader(std::string_view(buffer_).substr(body.size())).raw64() != checksum(body)) {
    buffer_.clear();
    return;
  }
  // Whether each file is unchanged is asked by reuse(), on the loader's
  // threads: here only the index, half a million string views.
  Reader r(body.substr(head.size()));
  std::vector<Record> records;
  records.reserve(std::min<size_t>(r.small(), body.size() / 64));
  while (r.ok() && !r.done()) {
    Record rec;
    rec.path = r.view();
    rec.hash.high = r.raw64();
    rec.hash.low = r.raw64();
    rec.portfolio = r.view();
    rec.folder = r.view();
    rec.entry = r.view();
    rec.diags = r.view();
    // Sorted by path, each once (serialise): found by a search, no index.
    if (!records.empty() && !(records.back().path < rec.path)) return;
    if (r.ok()) records.push_back(rec);
  }
  if (r.ok()) records_ = std::move(records);
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
  if (!unchanged_(path, rec->hash)) return std::nullopt;
  std::optional<Entry> e = read_entry(rec->entry);
  if (!e || e->portfolio != p.slug) return std::nullopt;
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

size_t EntryCache::reused() const {
  std::lock_guard lock(mutex_);
  return reused_list_.size();
}

std::string EntryCache::serialise(const std::string& key,
                                  const std::function<std::optional<SourceHash>(const std::string&)>& hash_of,
                                  const std::vector<Diagnostic>& diags) const {
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
  Writer w(out);
  w.number(reused.size() + parsed.size());  // for the reader's reserve
  std::string none;  // the diagnostics of an entry without any
  Writer(none).number(0);
  auto record = [&](std::string_view path, const SourceHash& hash, std::string_view portfolio, std::string_view folder,
                    std::string_view entry, std::string_view shown) {
    auto reported = at.find(shown);
    w.text(path);
    raw64(out, hash.high);
    raw64(out, hash.low);
    w.text(portfolio);
    w.text(folder);
    w.text(entry);
    w.text(reported == at.end() ? none : write_diagnostics(reported->second, std::string(shown)));
  };
  // An entry taken from the record was parsed from the bytes its hash
  // names, which the input record still has for it (build.cpp,
  // unchanged_since): the record's hash, not the one of a later read.
  auto write_reused = [&](const Record* rec) {
    record(rec->path, rec->hash, rec->portfolio, rec->folder, rec->entry, Reader(rec->entry).view());
  };
  auto write_parsed = [&](const Parsed* e) {
    std::optional<SourceHash> hash = hash_of(e->path);
    if (hash) record(e->path, *hash, e->portfolio, e->folder, e->bytes, e->shown);
  };
  // A path is in one list at most (the loader reads each file once); a
  // duplicate would make the next build ignore the whole record, not err.
  size_t i = 0, j = 0;
  while (i < reused.size() || j < parsed.size()) {
    if (j == parsed.size() || (i < reused.size() && reused[i]->path < parsed[j]->path)) {
      write_reused(reused[i++]);
    } else {
      write_parsed(parsed[j++]);
    }
  }
  raw64(out, checksum(out));
  return out;
}

}  // namespace cartable
