#include "load/entry_cache.h"

#include <fstream>
#include <iterator>

namespace cartable {

namespace {

constexpr std::string_view kHeader = "cartable-entries 1\n";
constexpr std::string_view kTrailer = "\nend of cartable-entries\n";

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

EntryCache::EntryCache(const std::string& state_dir, const std::string& key, Unchanged unchanged) {
  std::ifstream in(state_dir + "/entries", std::ios::binary);
  buffer_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::string head = std::string(kHeader) + "key " + key + "\n";
  if (buffer_.compare(0, head.size(), head) != 0 || buffer_.size() < head.size() + kTrailer.size() ||
      buffer_.compare(buffer_.size() - kTrailer.size(), kTrailer.size(), kTrailer) != 0) {
    buffer_.clear();
    return;
  }
  Reader r(std::string_view(buffer_).substr(head.size(), buffer_.size() - head.size() - kTrailer.size()));
  std::unordered_map<std::string_view, Record> records;
  while (r.ok() && !r.done()) {
    std::string_view path = r.view();
    Record rec;
    rec.hash.high = r.raw64();
    rec.hash.low = r.raw64();
    rec.portfolio = r.view();
    rec.folder = r.view();
    rec.entry = r.view();
    rec.diags = r.view();
    if (r.ok() && unchanged(std::string(path), rec.hash)) records.emplace(path, rec);
  }
  if (r.ok()) records_ = std::move(records);
}

std::optional<Entry> EntryCache::reuse(const std::string& path, const Portfolio& p, Diagnostics& diags) const {
  auto it = records_.find(path);
  if (it == records_.end() || it->second.portfolio != p.slug || it->second.folder != p.folder) return std::nullopt;
  std::optional<Entry> e = read_entry(it->second.entry);
  if (!e || e->portfolio != p.slug) return std::nullopt;
  std::optional<std::vector<Diagnostic>> reported = read_diagnostics(it->second.diags, e->pos.path);
  if (!reported) return std::nullopt;
  for (Diagnostic& d : *reported) diags.add(std::move(d));
  std::lock_guard lock(mutex_);
  ++reused_;
  loaded_[path] = {p.slug, p.folder, e->pos.path.str(), {}, it->second.entry};
  return e;
}

void EntryCache::parsed(const std::string& path, const Portfolio& p, const Entry& e) {
  if (!e.attachments.empty() || !e.body_on_disk || e.portfolio != p.slug || e.pos.path.empty()) return;
  std::string bytes = write_entry(e);
  std::lock_guard lock(mutex_);
  loaded_[path] = {p.slug, p.folder, e.pos.path.str(), std::move(bytes), {}};
}

size_t EntryCache::reused() const {
  std::lock_guard lock(mutex_);
  return reused_;
}

std::string EntryCache::serialise(const std::string& key,
                                  const std::function<std::optional<SourceHash>(const std::string&)>& hash_of,
                                  const std::vector<Diagnostic>& diags) const {
  // What loading reported, by file: an entry's diagnostics all point into it.
  std::unordered_map<std::string_view, std::vector<const Diagnostic*>> at;
  for (const Diagnostic& d : diags) at[d.pos.path.str()].push_back(&d);
  std::string out = std::string(kHeader) + "key " + key + "\n";
  Writer w(out);
  std::lock_guard lock(mutex_);
  for (const auto& [path, e] : loaded_) {
    std::optional<SourceHash> hash = hash_of(path);
    if (!hash) continue;
    auto reported = at.find(e.shown);
    w.text(path);
    raw64(out, hash->high);
    raw64(out, hash->low);
    w.text(e.portfolio);
    w.text(e.folder);
    w.text(e.fresh.empty() ? e.entry : std::string_view(e.fresh));
    w.text(write_diagnostics(reported == at.end() ? std::vector<const Diagnostic*>{} : reported->second, e.shown));
  }
  out += kTrailer;
  return out;
}

}  // namespace cartable
