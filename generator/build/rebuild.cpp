#include "build/rebuild.h"

#include <algorithm>
#include <filesystem>

// The state of a streaming hash on the stack, not allocated.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "base/parallel.h"
#include "model/site_facts.h"
#include "output/output.h"

namespace cartable {

namespace {

// Fields hashed as they come, each followed by a separator no source text
// holds (control characters are refused at load): no string is built, as
// the evidence lists of 500,000 entries made megabytes of one per build.
class Digest {
 public:
  Digest() { XXH3_64bits_reset(&state_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  Digest& add(std::string_view text) {
    XXH3_64bits_update(&state_, text.data(), text.size());
    XXH3_64bits_update(&state_, "\x1f", 1);
    return *this;
  }
  Digest& add(const std::string& text) { return add(std::string_view(text)); }
  Digest& add(const char* text) { return add(std::string_view(text)); }
  Digest& add(long long n) { return add(std::to_string(n)); }
  Digest& add(int n) { return add(static_cast<long long>(n)); }
  Digest& add(uintmax_t n) { return add(std::to_string(n)); }
  Digest& add(bool b) { return add(b ? "1" : "0"); }
  Digest& add(double d) { return add(std::to_string(d)); }
  Digest& add(const LocalTime& t) {
    return add(t.year).add(t.month).add(t.day).add(t.hour).add(t.minute);
  }
  Digest& add(const Ref& r) { return add(r.id); }
  Digest& add(const std::vector<Ref>& refs) {
    add(static_cast<long long>(refs.size()));
    for (const Ref& r : refs) add(r);
    return *this;
  }
  Digest& add(const std::vector<std::string>& list) {
    add(static_cast<long long>(list.size()));
    for (const std::string& s : list) add(s);
    return *this;
  }
  Digest& add(const Attachment& a) {
    return add(a.file).add(a.alt).add(a.title).add(a.source_path).add(a.size).add(a.type).add(a.image).add(a.width).add(a.height);
  }
  uint64_t value() const { return XXH3_64bits_digest(&state_); }

 private:
  XXH3_state_t state_;
};

uint64_t entry_digest(const Site& site, const Entry& e, std::string& key) {
  Digest d;
  d.add(e.title).add(e.date).add(e.module).add(e.task).add(e.kind).add(e.competencies).add(e.status).add(e.coauthors);
  d.add(static_cast<long long>(e.attachments.size()));
  for (const Attachment& a : e.attachments) d.add(a);
  d.add(e.draft).add(static_cast<int>(e.visibility)).add(e.file);
  // Whether it is still what its trainer validated (experts, public_validation).
  key.assign(e.portfolio).append(1, '/').append(e.slug);
  auto fp = site.entry_fingerprints.find(key);
  d.add(fp == site.entry_fingerprints.end() ? std::string("-") : fp->second);
  return d.value();
}

uint64_t portfolio_digest(const Portfolio& p) {
  Digest d;
  d.add(p.name).add(p.school).add(p.cohort).add(p.owners).add(static_cast<int>(p.visibility)).add(p.bio.text);
  d.add(p.dir).add(p.folder).add(p.coauthored);
  for (const AlaCarteCourse& c : p.a_la_carte) d.add(c.id).add(c.title).add(c.date).add(c.periods).add(c.module).add(c.attestation);
  return d.value();
}

uint64_t module_digest(const Module& m) {
  Digest d;
  d.add(m.id).add(module_kind_name(m.kind)).add(m.number).add(m.title).add(m.ects_title).add(m.ects).add(m.periods).add(m.periods_note);
  d.add(m.self_study_hours).add(m.days).add(m.training_moments).add(m.elective_periods).add(m.a_la_carte_min_periods);
  d.add(m.a_la_carte).add(m.outcomes).add(m.competencies).add(m.body.text);
  for (const Task& t : m.tasks) d.add(t.id).add(t.title).add(t.kind).add(t.description);
  return d.value();
}

uint64_t session_digest(const Session& s) {
  Digest d;
  d.add(s.id).add(s.module).add(s.title).add(s.description).add(s.start).add(s.end).add(s.place).add(s.speakers);
  d.add(session_status_name(s.status)).add(s.parallel);
  for (const HistoryEntry& h : s.history) {
    d.add(h.date).add(h.note).add(h.from.has_value());
    if (h.from) d.add(h.from->has_time).add(h.from->start).add(h.from->end).add(h.from->place).add(h.from->filled);
  }
  return d.value();
}

uint64_t framework_digest(const Framework& f) {
  Digest d;
  d.add(f.id).add(f.title).add(f.short_title).add(f.source).add(f.source_url).add(f.domain_label).add(f.competency_label);
  d.add(f.levels).add(f.body.text);
  for (const Domain& dom : f.domains) {
    d.add(dom.code).add(dom.title).add(dom.description);
    for (const Competency& c : dom.competencies) d.add(c.code).add(c.title).add(c.description).add(c.criteria);
  }
  return d.value();
}

uint64_t page_digest(const Page& p) {
  return Digest().add(p.id).add(p.title).add(p.subtitle).add(p.description).add(p.body.text).value();
}

// An entry's key ("p/e") hashed on its own, without building it: lists of
// entries are digested as arrays of these, one hash call per list rather
// than three per entry (the evidence lists of 500,000 entries were most of
// a one-entry rebuild's digest).
uint64_t entry_identity(const Entry& e) {
  return XXH3_64bits_withSeed(e.slug.data(), e.slug.size(), XXH3_64bits(e.portfolio.data(), e.portfolio.size()));
}

uint64_t hash_array(const std::vector<uint64_t>& values) {
  return XXH3_64bits(values.data(), values.size() * sizeof(uint64_t));
}

uint64_t entries_digest(const std::vector<const Entry*>& list) {
  std::vector<uint64_t> ids;
  ids.reserve(list.size());
  for (const Entry* e : list) ids.push_back(entry_identity(*e));
  return hash_array(ids);
}

// The digests noted, their keys recorded as a page records what it reads
// (index/deps.h), then interned into the table together: a million keys a
// build.
class DigestSink {
 public:
  explicit DigestSink(KeyTable& keys) : keys_(keys) {}
  // "kind:id", or "kind" alone when `id` is empty.
  void operator()(std::string_view kind, std::string_view id, uint64_t digest) {
    names_.add(kind, id);
    digests_.push_back(digest);
  }
  // "kind:a/b".
  void operator()(std::string_view kind, std::string_view a, std::string_view b, uint64_t digest) {
    names_.add(kind, a, b);
    digests_.push_back(digest);
  }
  KeyTable& keys() { return keys_; }
  std::vector<std::pair<uint32_t, uint64_t>> take() {
    std::vector<uint32_t> ids = keys_.intern_all(names_);
    std::vector<std::pair<uint32_t, uint64_t>> out;
    out.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) out.emplace_back(ids[i], digests_[i]);
    return out;
  }

 private:
  KeyTable& keys_;
  DepRecorder names_;  // in the order noted, not finished
  std::vector<uint64_t> digests_;
};

// work(sink, i) for each i in [0, count) on every core (base/parallel.h),
// the digests noted set in `out`.
template <typename Work>
void digest_each(size_t count, KeyTable& keys, SiteDigests& out, Work work) {
  std::vector<std::vector<std::pair<uint32_t, uint64_t>>> noted(count);
  parallel_for(count, 0, [&](size_t i) {
    DigestSink sink(keys);
    work(sink, i);
    noted[i] = sink.take();
  });
  for (const auto& list : noted) {
    for (const auto& [id, digest] : list) out.set(id, digest);
  }
}

// Lists the index answers, keyed as its queries record them.
void digest_lists(const Index& index, SiteDigests& digests, DigestSink& out) {
  const Site& site = index.site();
  std::vector<const std::string*> refs;
  for (const auto& [ref, loc] : site.competency_by_ref) refs.push_back(&ref);
  digest_each(refs.size(), out.keys(), digests, [&](DigestSink& sink, size_t i) {
    const std::string& ref = *refs[i];
    std::vector<uint64_t> evidence;
    const std::vector<Evidence>& list = index.evidence_for(ref);
    evidence.reserve(list.size());
    // An equivalent's identity differs from a direct one's (golden ratio bits).
    for (const Evidence& ev : list) evidence.push_back(entry_identity(*ev.entry) ^ (ev.equivalent ? 0x9e3779b97f4a7c15ull : 0));
    sink("evidence", ref, hash_array(evidence));
    sink("equivalents", ref, Digest().add(index.equivalents(ref)).value());
  });
  for (const Module& m : site.modules) {
    for (const Task& t : m.tasks) out("task", m.id, t.id, entries_digest(index.entries_for_task(m.id, t.id)));
    Digest sessions;
    for (const Session* s : index.sessions_of(m.id)) sessions.add(s->id);
    out("sessions-of", m.id, sessions.value());
  }
  Digest portfolios;
  for (const Portfolio& p : site.portfolios) {
    portfolios.add(p.slug);
    out("entries-of", p.slug, entries_digest(index.entries_of(p.slug)));
  }
  out("portfolios", "", portfolios.value());
}

}  // namespace

SiteDigests digest_site(const Index& index, KeyTable& keys, const BodyDigest& body_on_disk) {
  const Site& site = index.site();
  SiteDigests digests;
  digest_each(site.portfolios.size(), keys, digests, [&](DigestSink& sink, size_t i) {
    const Portfolio& p = site.portfolios[i];
    sink("portfolio", p.slug, portfolio_digest(p));
    std::string key;
    for (const Entry& e : p.entries) {
      sink("entry", e.portfolio, e.slug, entry_digest(site, e, key));
      sink("body", e.portfolio, e.slug, e.body_on_disk && body_on_disk ? body_on_disk(e) : hash_content(e.body.text).low);
    }
  });
  DigestSink out(keys);
  Digest structure, competency_modules, sessions;
  structure.add(static_cast<int>(site.audience));
  for (const Module& m : site.modules) {
    out("module", m.id, module_digest(m));
    competency_modules.add(m.id).add(m.competencies);
    structure.add(m.id);
  }
  out("competency-modules", "", competency_modules.value());
  Totals totals = compute_totals(site);
  out("totals", "", Digest().add(totals.ects).add(totals.periods).add(totals.self_study_hours).value());
  for (const Session& s : site.sessions) {
    uint64_t d = session_digest(s);
    out("session", s.id, d);
    sessions.add(static_cast<uintmax_t>(d));
  }
  out("sessions", "", sessions.value());
  for (const Framework& f : site.frameworks) {
    out("framework", f.id, framework_digest(f));
    structure.add(f.id);
  }
  for (const Page& p : site.pages) {
    out("page", p.id, page_digest(p));
    structure.add(p.id);
  }
  out("structure", "", structure.value());
  digest_lists(index, digests, out);
  for (const auto& [id, digest] : out.take()) digests.set(id, digest);
  return digests;
}

ChangedKeys changed_keys(const SiteDigests& before, const SiteDigests& after) {
  size_t n = std::max(before.known.size(), after.known.size());
  ChangedKeys changed(n, 0);
  for (uint32_t id = 0; id < n; ++id) {
    bool was = before.has(id), is = after.has(id);
    changed[id] = was != is || (is && before.digest[id] != after.digest[id]);
  }
  return changed;
}

bool is_changed(const ChangedKeys& changed, uint32_t id) { return id < changed.size() && changed[id]; }

void mark_changed(KeyTable& keys, ChangedKeys& changed, std::string_view name) {
  uint32_t id = keys.intern(name);
  if (id >= changed.size()) changed.resize(id + 1, 0);
  changed[id] = 1;
}

bool any_changed(const ChangedKeys& changed) { return std::find(changed.begin(), changed.end(), 1) != changed.end(); }

std::set<std::string> changed_names(const KeyTable& keys, const ChangedKeys& changed) {
  std::set<std::string> names;
  for (uint32_t id = 0; id < changed.size(); ++id) {
    if (changed[id]) names.insert(keys.name(id));
  }
  return names;
}

SourceChange classify(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  std::vector<std::string> parts;
  for (const auto& part : p) parts.push_back(part.string());
  std::string ext = p.extension().string();
  std::string stem = p.stem().string();
  SourceChange c;
  if (parts.size() == 1 && parts[0] == "portfolios") {
    c.kind = SourceKind::Portfolio;  // the list of portfolios: one came or went
    return c;
  }
  if (parts.size() >= 2 && parts[0] == "portfolios") {
    c.folder = parts[1];
    if (parts.size() == 2) {
      c.kind = SourceKind::Portfolio;  // the folder itself: created or removed
    } else if (parts.size() == 3 && parts[2] == "portfolio.yaml") {
      c.kind = SourceKind::Portfolio;
    } else if (parts.size() == 3 && ext == ".md") {
      c.kind = SourceKind::Entry;
      c.id = stem;
    } else {
      c.kind = SourceKind::Attachment;
    }
    return c;
  }
  if (parts.size() == 3 && parts[0] == "content") {
    if (parts[1] == "modules" && ext == ".md") c = {SourceKind::Module, "", stem};
    if (parts[1] == "frameworks" && ext == ".yaml") c = {SourceKind::Framework, "", stem};
    if (parts[1] == "crosswalks" && ext == ".yaml") c = {SourceKind::Crosswalk, "", stem};
    return c;
  }
  if (parts.size() == 2 && parts[0] == "content") {
    if (parts[1] == "calendar.yaml") c.kind = SourceKind::Calendar;
    if (ext == ".md" && stem != "programme") c = {SourceKind::Page, "", stem};
  }
  return c;
}

bool needs_render(const std::string& path, const PageKeys& recorded, const ChangedKeys& changed) {
  auto it = recorded.pages.find(path);
  if (it == recorded.pages.end()) return true;
  for (uint32_t id : it->second) {
    if (is_changed(changed, id)) return true;
  }
  return false;
}

}  // namespace cartable
