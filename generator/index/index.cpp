#include "index/index.h"

#include <algorithm>
#include <unordered_map>

#include "base/parallel.h"
#include "base/text.h"
#include "index/deps.h"

namespace cartable {

namespace {
// What a page reads when a query hands it entries (index/deps.h).
void record_entries(const std::vector<const Entry*>& list) {
  if (!recording_deps()) return;
  for (const Entry* e : list) record_dep("entry", e->portfolio, e->slug);
}

bool by_date(const Entry* a, const Entry* b) {
  if (a->date != b->date) return a->date < b->date;
  if (a->portfolio != b->portfolio) return a->portfolio < b->portfolio;
  return a->slug < b->slug;
}
// Every entry, with its portfolio, in by_date order. The portfolio and the
// name break ties: both are numbered first (25,000 portfolios sorted by
// slug, and each one's entries by name), so the big sort compares two
// integers, not dates and names reached through pointers (a quarter of a
// second at 500,000).
std::vector<std::pair<const Entry*, const Portfolio*>> in_date_order(const Site& site) {
  std::vector<const Portfolio*> portfolios;
  for (const Portfolio& p : site.portfolios) portfolios.push_back(&p);
  std::sort(portfolios.begin(), portfolios.end(), [](const Portfolio* a, const Portfolio* b) { return a->slug < b->slug; });
  std::vector<std::pair<const Entry*, const Portfolio*>> named;  // by portfolio, then name
  size_t count = 0;
  for (const Portfolio* p : portfolios) count += p->entries.size();
  named.reserve(count);
  for (const Portfolio* p : portfolios) {
    size_t first = named.size();
    for (const Entry& e : p->entries) named.emplace_back(&e, p);
    std::sort(named.begin() + static_cast<std::ptrdiff_t>(first), named.end(),
              [](const auto& a, const auto& b) { return a.first->slug < b.first->slug; });
  }
  auto packed = [](const LocalTime& t) {
    auto field = [](int v, int bits) { return static_cast<uint64_t>(std::clamp(v, 0, (1 << bits) - 1)); };
    return field(t.year, 16) << 32 | field(t.month, 8) << 24 | field(t.day, 8) << 16 | field(t.hour, 8) << 8 |
           field(t.minute, 8);
  };
  std::vector<std::pair<uint64_t, uint32_t>> keyed;  // date, place in `named`
  keyed.reserve(named.size());
  for (size_t i = 0; i < named.size(); ++i) keyed.emplace_back(packed(named[i].first->date), static_cast<uint32_t>(i));
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::pair<const Entry*, const Portfolio*>> order;
  order.reserve(keyed.size());
  for (const auto& [date, i] : keyed) order.push_back(named[i]);
  return order;
}
}  // namespace

// One entry in the lists of its task, of its authors and of the
// competencies it shows, directly or through a crosswalk (`equivalent`).
void Index::list_entry(const Entry& e, const Portfolio& p, EntryLists& by_task, EntryLists& by_author,
                       EvidenceLists& direct, EvidenceLists& equivalent) const {
  thread_local std::string task;  // "module/task", made without a new string for each entry
  task.assign(e.module.id).append(1, '/').append(e.task.id);
  by_task[task].push_back(&e);
  const Portfolio* owner = e.portfolio == p.slug ? &p : site_.find_portfolio(e.portfolio);
  if (owner) by_author[owner->slug].push_back(&e);
  for (const Ref& c : e.coauthors) {
    if (const Portfolio* author = site_.find_portfolio(c.id)) by_author[author->slug].push_back(&e);
  }
  auto shown = [&](const std::string& ref) {
    return std::any_of(e.competencies.begin(), e.competencies.end(), [&](const Ref& r) { return r.id == ref; });
  };
  for (const Ref& r : e.competencies) direct[r.id].push_back({&e, false});
  std::vector<const std::string*> added;  // an entry counts once per equivalent
  for (const Ref& r : e.competencies) {
    auto eqs = equivalents_.find(r.id);
    if (eqs == equivalents_.end()) continue;
    for (const std::string& eq : eqs->second) {
      if (shown(eq)) continue;
      if (std::any_of(added.begin(), added.end(), [&](const std::string* a) { return *a == eq; })) continue;
      added.push_back(&eq);
      equivalent[eq].push_back({&e, true});
    }
  }
}

Index::Index(const Site& site, bool backlinks) : site_(site) {
  if (!backlinks) return;
  for (const Module& m : site.modules) {
    for (const Ref& r : m.competencies) {
      auto& list = modules_by_competency_[r.id];
      if (list.empty() || list.back() != &m) list.push_back(&m);
    }
  }
  for (const Session& s : site.sessions) sessions_by_module_[s.module.id].push_back(&s);

  for (const Crosswalk& c : site.crosswalks) {
    for (const auto& [from, to] : c.pairs) {
      for (const Ref& t : to) {
        equivalents_[from.id].push_back(t.id);
        equivalents_[t.id].push_back(from.id);
      }
    }
  }
  for (auto& [ref, list] : equivalents_) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }

  // Every list in date order: the entries taken in that order, a stretch
  // of it per task, each stretch's lists appended to the one's before. At
  // 500,000 entries, sorting the lists afterwards was half a second.
  const auto order = in_date_order(site);
  struct Lists {
    EntryLists by_task, by_author;
    EvidenceLists direct, equivalent;
  };
  const size_t shares = std::clamp<size_t>(order.size() / 4096, 1, 16);
  std::vector<Lists> lists_of(shares);
  parallel_for(shares, 0, [&](size_t share) {
    Lists& out = lists_of[share];
    for (size_t i = order.size() * share / shares; i < order.size() * (share + 1) / shares; ++i) {
      list_entry(*order[i].first, *order[i].second, out.by_task, out.by_author, out.direct, out.equivalent);
    }
  });
  auto append = [](auto& into, auto& from) {
    for (auto& [key, list] : from) {
      auto& dest = into[key];
      if (dest.empty()) {
        dest = std::move(list);
      } else {
        dest.insert(dest.end(), list.begin(), list.end());
      }
    }
  };
  for (Lists& l : lists_of) {
    append(entries_by_task_, l.by_task);
    append(entries_by_author_, l.by_author);
    append(evidence_, l.direct);
  }
  for (Lists& l : lists_of) append(evidence_, l.equivalent);  // direct evidence first
}

std::string Index::portfolios_url() const { return site_.config.base_path + "portfolios/"; }
std::string Index::portfolio_url(const std::string& slug) const { return portfolios_url() + slug + "/"; }
std::string Index::entry_url(const Entry& e) const { return portfolio_url(e.portfolio) + e.slug + "/"; }
std::string Index::print_url(const std::string& slug) const { return portfolio_url(slug) + urls().print + "/"; }
std::string Index::search_url() const { return site_.config.base_path + urls().search + "/"; }
std::string Index::experts_url(int filter) const {
  const std::string views[] = {"", urls().ready + "/", urls().incomplete + "/"};
  return site_.config.base_path + "experts/" + views[filter];
}

const std::vector<std::string>& Index::equivalents(const std::string& ref) const {
  static const std::vector<std::string> none;
  record_dep("equivalents", ref);
  auto it = equivalents_.find(ref);
  return it == equivalents_.end() ? none : it->second;
}

const std::vector<Evidence>& Index::evidence_for(const std::string& ref) const {
  static const std::vector<Evidence> none;
  record_dep("evidence", ref);
  auto it = evidence_.find(ref);
  if (it == evidence_.end()) return none;
  if (recording_deps()) {
    for (const Evidence& ev : it->second) record_dep("entry", ev.entry->portfolio, ev.entry->slug);
  }
  return it->second;
}

std::map<std::string, std::vector<Evidence>> Index::evidence_of(const std::string& slug) const {
  std::map<std::string, std::vector<Evidence>> out;
  for (const Entry* e : entries_of(slug)) {
    std::vector<std::string> direct;
    for (const Ref& r : e->competencies) direct.push_back(r.id);
    for (const std::string& ref : direct) out[ref].push_back({e, false});
    for (const std::string& ref : direct) {
      for (const std::string& eq : equivalents(ref)) {
        if (std::find(direct.begin(), direct.end(), eq) != direct.end()) continue;
        auto& list = out[eq];
        if (std::none_of(list.begin(), list.end(), [&](const Evidence& ev) { return ev.entry == e; })) list.push_back({e, true});
      }
    }
  }
  for (auto& [k, list] : out) {
    std::sort(list.begin(), list.end(), [](const Evidence& a, const Evidence& b) {
      return a.equivalent != b.equivalent ? !a.equivalent : by_date(a.entry, b.entry);
    });
  }
  return out;
}

const std::vector<const Entry*>& Index::entries_for_task(const std::string& module, const std::string& task) const {
  static const std::vector<const Entry*> none;
  record_dep("task", module, task);
  auto it = entries_by_task_.find(module + "/" + task);
  if (it == entries_by_task_.end()) return none;
  record_entries(it->second);
  return it->second;
}

const std::vector<const Entry*>& Index::entries_of(const std::string& slug) const {
  static const std::vector<const Entry*> none;
  record_dep("entries-of", slug);
  auto it = entries_by_author_.find(slug);
  if (it == entries_by_author_.end()) return none;
  record_entries(it->second);
  return it->second;
}

size_t Index::entry_count(const std::string& slug) const {
  record_dep("entries-of", slug);
  auto it = entries_by_author_.find(slug);
  return it == entries_by_author_.end() ? 0 : it->second.size();
}

std::vector<const Portfolio*> Index::authors(const Entry& e) const {
  std::vector<const Portfolio*> out;
  record_dep("portfolio", e.portfolio);
  for (const Ref& c : e.coauthors) record_dep("portfolio", c.id);
  if (const Portfolio* owner = site_.find_portfolio(e.portfolio)) out.push_back(owner);
  for (const Ref& c : e.coauthors) {
    if (const Portfolio* p = site_.find_portfolio(c.id)) out.push_back(p);
  }
  return out;
}

const Task* Index::task_of(const Entry& e) const {
  record_dep("module", e.module.id);
  const Module* m = site_.find_module(e.module.id);
  if (!m) return nullptr;
  for (const Task& t : m->tasks) {
    if (t.id == e.task.id) return &t;
  }
  return nullptr;
}

std::string Index::entry_kind(const Entry& e) const {
  if (!e.kind.empty()) return e.kind;
  const Task* t = task_of(e);
  return t ? t->kind : std::string();
}

std::string Index::calendar_url() const { return site_.config.base_path + urls().calendar + "/"; }
std::string Index::calendar_feed_url() const { return site_.config.base_path + urls().calendar + ".ics"; }
std::string Index::changes_url() const { return calendar_url() + urls().changes + "/"; }
std::string Index::changes_feed_url() const { return changes_url() + "atom.xml"; }
std::string Index::module_feed_url(const std::string& id) const { return module_url(id) + urls().calendar + ".ics"; }
std::string Index::session_url(const std::string& id) const { return site_.config.base_path + urls().sessions + "/" + id + "/"; }
std::string Index::session_ics_url(const std::string& id) const { return session_url(id) + id + ".ics"; }

std::string Index::webcal(const std::string& site_url) const {
  std::string abs = absolute(site_url);
  auto scheme = abs.find("://");
  return scheme == std::string::npos ? abs : "webcal" + abs.substr(scheme);
}

const std::vector<const Session*>& Index::sessions_of(const std::string& module_id) const {
  static const std::vector<const Session*> none;
  // The list, not each session: a page that shows one records it (a
  // session's page reads its module's list for its neighbours alone).
  record_dep("sessions-of", module_id);
  auto it = sessions_by_module_.find(module_id);
  return it == sessions_by_module_.end() ? none : it->second;
}

std::vector<const Session*> Index::sessions_developing(const std::string& ref) const {
  std::vector<const Session*> out;
  for (const Module* m : modules_developing(ref)) {
    const auto& list = sessions_of(m->id);
    out.insert(out.end(), list.begin(), list.end());
  }
  std::stable_sort(out.begin(), out.end(), [](const Session* a, const Session* b) { return a->start < b->start; });
  return out;
}

std::string Index::home_url() const { return site_.config.base_path; }
std::string Index::modules_url() const { return site_.config.base_path + "modules/"; }
std::string Index::module_url(const std::string& id) const { return modules_url() + id + "/"; }
std::string Index::task_anchor(const std::string& task) const { return site_.config.task_anchor + task; }
std::string Index::task_url(const std::string& module, const std::string& task) const {
  return module_url(module) + "#" + task_anchor(task);
}
std::string Index::frameworks_url() const { return site_.config.base_path + urls().frameworks + "/"; }
std::string Index::framework_url(const std::string& id) const { return frameworks_url() + id + "/"; }
std::string Index::competency_url(const std::string& ref) const { return frameworks_url() + ref + "/"; }
std::string Index::page_url(const std::string& id) const {
  return id == "programme" ? home_url() : site_.config.base_path + id + "/";
}
std::string Index::asset_url(const std::string& path) const { return site_.config.base_path + path; }

std::string Index::absolute(const std::string& site_url) const {
  // base_url ends with base_path; site URLs start with it.
  const std::string& base = site_.config.base_url;
  return base.substr(0, base.size() - site_.config.base_path.size()) + site_url;
}

const std::vector<const Module*>& Index::modules_developing(const std::string& ref) const {
  static const std::vector<const Module*> none;
  // Which modules name which competencies; a page that shows a module
  // records it (framework pages only count them).
  record_dep("competency-modules");
  auto it = modules_by_competency_.find(ref);
  return it == modules_by_competency_.end() ? none : it->second;
}

std::optional<LinkTarget> Index::resolve(LinkKind kind, const std::string& id, Text& hint) const {
  const std::string name = link_kind_name(kind);
  // A competency's title lives in its framework.
  if (kind == LinkKind::Competency || kind == LinkKind::Framework) record_dep("framework", id.substr(0, id.find('/')));
  else record_dep(name, id);
  if (site_.withheld.count(name + ":" + id)) return LinkTarget{};
  switch (kind) {
    case LinkKind::Module:
      if (const Module* m = site_.find_module(id)) return LinkTarget{module_url(id), m->title};
      hint = did_you_mean(id, site_.module_ids());
      break;
    case LinkKind::Competency:
      if (const CompetencyLocation* loc = site_.find_competency(id)) {
        return LinkTarget{competency_url(id), competency_code(site_, *loc) + " " + competency_title(site_, *loc)};
      }
      hint = did_you_mean(id, site_.competency_refs());
      break;
    case LinkKind::Framework: {
      if (const Framework* f = site_.find_framework(id)) return LinkTarget{framework_url(id), f->title};
      std::vector<std::string> ids;
      for (const auto& [k, v] : site_.framework_by_id) ids.push_back(k);
      hint = did_you_mean(id, ids);
      break;
    }
    case LinkKind::Session:
      if (const Session* s = site_.find_session(id)) return LinkTarget{session_url(id), s->title};
      hint = did_you_mean(id, site_.session_ids());
      break;
    case LinkKind::Portfolio:
      if (const Portfolio* p = site_.find_portfolio(id)) return LinkTarget{portfolio_url(id), p->name};
      hint = did_you_mean(id, site_.portfolio_slugs());
      break;
    case LinkKind::Entry: return resolve_entry(id, hint);
    case LinkKind::Page: {
      auto it = site_.page_by_id.find(id);
      if (it != site_.page_by_id.end()) return LinkTarget{page_url(id), site_.pages[it->second].title};
      std::vector<std::string> ids;
      for (const auto& [k, v] : site_.page_by_id) ids.push_back(k);
      hint = did_you_mean(id, ids);
      break;
    }
  }
  return std::nullopt;
}

std::optional<LinkTarget> Index::resolve_entry(const std::string& id, Text& hint) const {
  auto slash = id.find('/');
  if (slash != std::string::npos) {
    if (const Entry* e = site_.find_entry(id.substr(0, slash), id.substr(slash + 1))) return LinkTarget{entry_url(*e), e->title};
  }
  std::vector<std::string> ids;
  for (const Portfolio& p : site_.portfolios) {
    for (const Entry& e : p.entries) ids.push_back(p.slug + "/" + e.slug);
  }
  hint = did_you_mean(id, ids);
  if (hint.empty() && slash == std::string::npos) hint = tr("write entry:<portfolio>/<entry>");
  return std::nullopt;
}

}  // namespace cartable
