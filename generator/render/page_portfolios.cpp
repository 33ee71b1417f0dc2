// Portfolios: their index, one page per portfolio, per entry and the print view; coverage of the coverage framework.
#include "render/page_builder.h"

namespace cartable::pages {

std::string PageBuilder::file_size(uintmax_t bytes) const {
  if (bytes < 1024) return std::to_string(bytes) + " " + ui(theme_, "size.bytes");
  if (bytes < 1024 * 1024) return format_number_fr(std::round(bytes / 102.4) / 10) + " " + ui(theme_, "size.kb");
  return format_number_fr(std::round(bytes / (1024 * 102.4)) / 10) + " " + ui(theme_, "size.mb");
}

Data PageBuilder::portfolio_summary(const Portfolio& p) const {
  record_dep("portfolio", p.slug);
  Data d;
  d.set("slug", p.slug);
  d.set("url", index_.portfolio_url(p.slug));
  d.set("name", p.name);
  set_opt(d, "school", p.school);
  set_opt(d, "cohort", p.cohort);
  d.set("experts_only", p.visibility == Visibility::Experts);
  return d;
}

Data PageBuilder::entry_brief(const Entry& e) const {
  record_dep("entry", e.portfolio, e.slug);
  Data d;
  d.set("url", index_.entry_url(e));
  d.set("title", e.title);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", e.date.year, e.date.month, e.date.day);
  d.set("date_iso", std::string(iso));
  d.set("date_label", std::to_string(e.date.day) + " " + ui(theme_, "months." + std::to_string(e.date.month)) + " " +
                          std::to_string(e.date.year));
  std::string kind = index_.entry_kind(e);
  set_opt(d, "kind", kind.empty() ? "" : ui(theme_, "task_kinds." + kind));
  d.set("equivalent", false);  // evidence lists say which entries count by equivalence
  d.set("status", false);
  if (shows_validation()) {
    EntryProgress ep = entry_validation(index_, e);
    d.set("status", std::string(task_state_name(ep.state)));
    d.set("status_label", ui(theme_, std::string("task_states.") + task_state_name(ep.state)));
    d.set("changed", ep.changed && ep.assessment && ep.assessment->status == AssessmentStatus::Acquired);
  }
  d.set("experts_only", e.visibility == Visibility::Experts);
  d.set("draft", e.draft);  // only `serve` keeps drafts: builds drop them before indexing
  std::vector<const Portfolio*> authors = index_.authors(e);
  d.set("is_group", authors.size() > 1);
  List names;
  for (const Portfolio* a : authors) {
    Data ad;
    ad.set("name", a->name);
    ad.set("url", index_.portfolio_url(a->slug));
    names.push_back(std::move(ad));
  }
  set(d, "authors", std::move(names));
  return d;
}

Data PageBuilder::entry_summary(const Entry& e) const {
  Data d = entry_brief(e);
  const Module* m = site_.find_module(e.module.id);
  d.set("module", m ? module_summary(*m) : Data(false));
  d.set("task", false);
  if (const Task* t = index_.task_of(e)) {
    d.set("task", t->title);
    d.set("task_url", index_.task_url(e.module.id, t->id));
  }
  // Only `serve` ever renders these: builds drop them before indexing.
  const Portfolio* owner = site_.find_portfolio(e.portfolio);
  d.set("private", owner && std::max(e.visibility, owner->visibility) == Visibility::Private);
  List comps;
  for (const Ref& r : e.competencies) {
    if (site_.find_competency(r.id)) comps.push_back(competency_item(r.id));
  }
  set(d, "competencies", std::move(comps));
  return d;
}

// Which sub-domains of the coverage framework a participant's entries
// evidence: an HTML table (the accessible form) and a heat map drawn as SVG
// by the theme from the geometry computed here.
Data PageBuilder::coverage(const Portfolio& p) const {
  Data d;
  const Ref& configured = site_.config.coverage_framework;
  const Framework* fw = configured_framework(site_, configured);
  // The default id names no framework of this site: its first one.
  if (!fw && !configured.id.empty() && !site_.frameworks.empty()) fw = &site_.frameworks[0];
  if (!fw) return Data(false);
  record_dep("framework", fw->id);
  std::map<std::string, std::vector<Evidence>> mine = index_.evidence_of(p.slug);
  constexpr int kLabel = 48, kCell = 92, kRow = 46, kGap = 4, kTop = 4;
  size_t widest = 0;
  for (const Domain& dom : fw->domains) widest = std::max(widest, dom.competencies.size());
  List rows, cells, domain_labels;
  int covered = 0, total = 0;
  for (size_t di = 0; di < fw->domains.size(); ++di) {
    const Domain& dom = fw->domains[di];
    Data label;
    label.set("x", std::to_string(kLabel - 10));
    label.set("y", std::to_string(kTop + di * kRow + kRow / 2 + 4));
    label.set("text", dom.code);
    domain_labels.push_back(std::move(label));
    for (size_t ci = 0; ci < dom.competencies.size(); ++ci) {
      const Competency& c = dom.competencies[ci];
      std::string ref = fw->id + "/" + c.code;
      List entries;
      int count = 0;
      for (const Evidence& ev : mine[ref]) {
        Data ed;
        ed.set("title", ev.entry->title);
        ed.set("url", index_.entry_url(*ev.entry));
        ed.set("equivalent", ev.equivalent);
        ed.set("draft", ev.entry->draft);  // only in the owner's preview
        entries.push_back(std::move(ed));
        ++count;
      }
      ++total;
      if (count > 0) ++covered;
      Data row;
      row.set("code", c.code);
      row.set("title", c.title);
      row.set("url", index_.competency_url(ref));
      row.set("count", std::to_string(count));
      row.set("covered", count > 0);
      set(row, "entries", std::move(entries));
      row.set("domain_start", ci == 0);
      row.set("domain", dom.code + " " + dom.title);
      rows.push_back(std::move(row));
      Data cell;
      cell.set("x", std::to_string(kLabel + ci * (kCell + kGap)));
      cell.set("y", std::to_string(kTop + di * kRow));
      cell.set("w", std::to_string(kCell));
      cell.set("h", std::to_string(kRow - kGap));
      cell.set("tx", std::to_string(kLabel + ci * (kCell + kGap) + kCell / 2));
      cell.set("ty", std::to_string(kTop + di * kRow + (kRow - kGap) / 2 + 5));
      cell.set("level", std::to_string(std::min(count, 3)));
      cell.set("code", c.code);
      cell.set("title", c.title);
      cell.set("count", std::to_string(count));
      cells.push_back(std::move(cell));
    }
  }
  d.set("framework", fw->short_title.empty() ? fw->title : fw->short_title);
  d.set("framework_url", index_.framework_url(fw->id));
  set(d, "rows", std::move(rows));
  set(d, "cells", std::move(cells));
  set(d, "domain_labels", std::move(domain_labels));
  d.set("width", std::to_string(kLabel + widest * (kCell + kGap)));
  d.set("height", std::to_string(kTop + fw->domains.size() * kRow));
  d.set("covered", std::to_string(covered));
  d.set("total", std::to_string(total));
  return d;
}

std::string PageBuilder::portfolios_index(TemplateSet& tmpl) const {
  Data d = base_data();
  record_dep("portfolios");
  List list;
  for (const Portfolio& p : site_.portfolios) {
    Data summary = portfolio_summary(p);
    summary.set("entry_count", std::to_string(index_.entry_count(p.slug)));  // here only: other lists do not show it
    // Only the owner's preview (audience private) keeps drafts; elsewhere,
    // reading the list would make this page depend on every entry's title.
    if (site_.audience == Visibility::Private) {
      set_draft_count(summary, index_.entries_of(p.slug));
    } else {
      summary.set("draft_count", false);
    }
    list.push_back(std::move(summary));
  }
  set(d, "portfolios", std::move(list));
  d.set("has_portfolios", !site_.portfolios.empty());
  return tmpl.render("portfolios", d);
}

std::string PageBuilder::portfolio_page(TemplateSet& tmpl, const Portfolio& p) const {
  Data d = base_data();
  d.set("portfolio", portfolio_summary(p));
  d.set("bio", p.bio.text.empty() ? Data(false) : Data(markdown(tmpl, p.bio, false, nullptr, nullptr, "bio-")));
  const auto& mine = index_.entries_of(p.slug);
  List modules;
  int acquired = 0, submitted = 0, not_acquired = 0;
  for (const Module& m : site_.modules) {
    List entries;
    for (const Entry* e : mine) {
      if (e->module.id != m.id) continue;
      Data ed = entry_brief(*e);
      entries.push_back(std::move(ed));
    }
    Data md = module_summary(m);
    md.set("has_entries", !entries.empty());
    set(md, "entries", std::move(entries));
    modules.push_back(std::move(md));
  }
  if (shows_validation()) {
    for (const Entry* e : mine) {
      TaskState state = entry_validation(index_, *e).state;
      acquired += state == TaskState::Acquired;
      submitted += state == TaskState::Submitted || state == TaskState::Revalidate;
      not_acquired += state == TaskState::NotAcquired || state == TaskState::ToRedo;
    }
  }
  d.set("show_status", shows_validation());
  set(d, "modules", std::move(modules));
  d.set("acquired", std::to_string(acquired));
  d.set("submitted", std::to_string(submitted));
  d.set("not_acquired", std::to_string(not_acquired));
  d.set("coverage", coverage(p));
  d.set("print_url", index_.print_url(p.slug));
  d.set("readiness", experts() ? readiness_data(p) : Data(false));
  return tmpl.render("portfolio", d);
}

std::optional<PageBuilder::RenderedBody> PageBuilder::take_body(const Entry& e) const {
  if (!share_bodies()) return std::nullopt;
  std::lock_guard lock(bodies_mutex_);
  auto it = bodies_.find(&e);
  if (it == bodies_.end()) {
    bodies_.emplace(&e, std::nullopt);  // rendered here: the print page need not keep it
    return std::nullopt;
  }
  std::optional<RenderedBody> body = std::move(it->second);
  bodies_.erase(it);
  return body;
}

void PageBuilder::offer_body(const Entry& e, RenderedBody body) const {
  if (!share_bodies()) return;
  std::lock_guard lock(bodies_mutex_);
  auto it = bodies_.find(&e);
  if (it != bodies_.end()) {
    bodies_.erase(it);  // its page was faster
  } else {
    bodies_.emplace(&e, std::move(body));
  }
}

// On a print page every entry's heading anchors carry the entry's name, as
// two entries may both have a "Contexte". Safe mode escapes any id="…" a
// participant types, so the only ones in the HTML are the headings'.
std::string prefix_heading_ids(const std::string& html, const std::string& from, const std::string& to) {
  const std::string needle = " id=\"" + from;
  std::string out;
  size_t pos = 0;
  for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, pos)) {
    out.append(html, pos, at - pos);
    out += " id=\"" + to;
    pos = at + needle.size();
  }
  if (pos == 0) return html;
  out.append(html, pos, std::string::npos);
  return out;
}

std::string PageBuilder::entry_page(TemplateSet& tmpl, const Entry& e) const {
  Data d = base_data();
  d.set("entry", entry_summary(e));
  d.set("anchor", false);  // the assessments' ids need none on an entry's own page
  if (experts()) set(d, "assessments", assessments_data(tmpl, e));
  record_dep("body", e.portfolio, e.slug);
  std::optional<RenderedBody> body = take_body(e);
  if (body) {
    record_deps(body->keys);
  }
  d.set("body", body ? std::move(body->html) : markdown(tmpl, entry_body(site_, e, diags_), false, nullptr, &e, "trace-"));
  List attachments;
  for (const Attachment& a : e.attachments) {
    Data ad;
    ad.set("url", index_.entry_url(e) + url_path_escape(a.file));
    ad.set("file", std::filesystem::path(a.file).filename().string());
    set_opt(ad, "alt", a.alt);
    ad.set("title", a.title.empty() ? (a.alt.empty() ? std::filesystem::path(a.file).filename().string() : a.alt) : a.title);
    ad.set("image", a.image);
    ad.set("width", std::to_string(a.width));
    ad.set("height", std::to_string(a.height));
    ad.set("size", file_size(a.size));
    ad.set("type", ui(theme_, "file_types." + a.type));
    attachments.push_back(std::move(ad));
  }
  set(d, "attachments", std::move(attachments));
  d.set("has_attachments", !e.attachments.empty());
  return tmpl.render("entry", d);
}

std::string PageBuilder::print_page(TemplateSet& tmpl, const Portfolio& p) const {
  Data d = base_data();
  d.set("portfolio", portfolio_summary(p));
  d.set("bio", p.bio.text.empty() ? Data(false) : Data(markdown(tmpl, p.bio, false, nullptr, nullptr, "bio-")));
  List entries;
  for (const Entry* e : index_.entries_of(p.slug)) {
    Data ed = entry_summary(*e);
    record_dep("body", e->portfolio, e->slug);
    // What the body's links read, kept for its entry page (offer_body).
    DepRecorder body_keys;
    std::string html;
    {
      RecordingScope scope(recording_deps() ? &body_keys : nullptr);
      html = markdown(tmpl, entry_body(site_, *e, diags_), false, nullptr, e, "trace-");
    }
    record_deps(body_keys);
    ed.set("body", prefix_heading_ids(html, "trace-", "trace-" + e->portfolio + "-" + e->slug + "-"));
    if (e->portfolio == p.slug) offer_body(*e, {std::move(html), std::move(body_keys)});
    ed.set("anchor", "trace-" + e->portfolio + "-" + e->slug);
    List attachments;
    for (const Attachment& a : e->attachments) {
      Data ad;
      ad.set("url", index_.entry_url(*e) + url_path_escape(a.file));
      ad.set("file", std::filesystem::path(a.file).filename().string());
      set_opt(ad, "alt", a.alt);
      ad.set("image", a.image);
      ad.set("width", std::to_string(a.width));
      ad.set("height", std::to_string(a.height));
      ad.set("type", ui(theme_, "file_types." + a.type));
      ad.set("size", file_size(a.size));
      attachments.push_back(std::move(ad));
    }
    set(ed, "attachments", std::move(attachments));
    if (experts()) set(ed, "assessments", assessments_data(tmpl, *e));
    entries.push_back(std::move(ed));
  }
  set(d, "entries", std::move(entries));
  d.set("readiness", experts() ? readiness_data(p) : Data(false));
  d.set("defence_form", experts() ? defence_form() : Data(false));
  return tmpl.render("print", d);
}

}  // namespace cartable::pages
