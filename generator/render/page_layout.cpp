// The layout every page shares, Markdown and generated blocks, the home page, other pages and the search page.
#include "render/page_builder.h"

namespace cartable::pages {

Data PageBuilder::base_data() const {
  Data d;
  // UI strings and partials are already in the templates (theme.cpp).
  d.set("root", site_.config.base_path);
  d.set("lang", site_.config.language);
  d.set("site_title", site_.config.title);
  d.set("experts", experts());
  return d;
}

std::string PageBuilder::layout(TemplateSet& tmpl, const PageMeta& meta, const std::string& body) const {
  Data d = base_data();
  d.set("title", meta.title);
  d.set("is_home", meta.url == index_.home_url());
  set_opt(d, "description", meta.description);
  d.set("canonical", index_.absolute(meta.url));
  d.set("css", index_.asset_url("css/style.css"));
  d.set("home_url", index_.home_url());
  List nav;
  auto nav_item = [&](const std::string& key, const std::string& url) {
    Data item;
    item.set("label", ui(theme_, "nav." + key));
    item.set("url", url);
    item.set("current", meta.section == key);
    nav.push_back(std::move(item));
  };
  nav_item("programme", index_.home_url());
  nav_item("modules", index_.modules_url());
  nav_item("calendar", index_.calendar_url());
  nav_item("frameworks", index_.frameworks_url());
  nav_item("portfolios", index_.portfolios_url());
  if (experts()) nav_item("experts", index_.experts_url());
  nav_item("search", index_.search_url());
  set(d, "nav", std::move(nav));
  if (!meta.crumbs.empty()) {
    List crumbs;
    for (const Crumb& c : meta.crumbs) {
      Data item;
      item.set("label", c.label);
      item.set("url", c.url);
      crumbs.push_back(std::move(item));
    }
    set(d, "crumbs", std::move(crumbs));
  }
  d.set("has_crumbs", !meta.crumbs.empty());
  set_opt(d, "json_ld", meta.json_ld.empty() ? "" : escape_json_for_script(meta.json_ld));
  if (meta.section == "calendar") {
    d.set("atom_feed", index_.changes_feed_url());
    d.set("ics_feed", index_.calendar_feed_url());
  } else {
    d.set("atom_feed", false);
  }
  const Institution& inst = site_.config.institution;
  Data in;
  in.set("name", inst.name);
  set_opt(in, "unit", inst.unit);
  List address;
  for (const auto& line : inst.address) address.push_back(Data(line));
  set(in, "address", std::move(address));
  set_opt(in, "phone", inst.phone);
  in.set("phone_uri", [&] {
    std::string uri = "tel:";
    for (char c : inst.phone) if (c == '+' || std::isdigit(static_cast<unsigned char>(c))) uri += c;
    return uri;
  }());
  set_opt(in, "email", inst.email);
  set(d, "institution", std::move(in));
  set(d, "content", std::move(body));
  d.set("noindex", experts());
  d.set("searchable", meta.searchable && options_.search);
  List scripts, styles;
  for (const auto& u : meta.scripts) scripts.push_back(Data(u));
  for (const auto& u : meta.styles) styles.push_back(Data(u));
  set(d, "scripts", std::move(scripts));
  set(d, "styles", std::move(styles));
  return tmpl.render("base", d);
}

std::string PageBuilder::markdown(TemplateSet& tmpl, const Markdown& md, bool trusted,
                                  std::vector<Heading>* headings, const Entry* entry, const std::string& prefix) const {
  MarkdownOptions options;
  options.heading_prefix = prefix;
  if (entry) {
    options.restrict_relative = true;
    for (const Attachment& a : entry->attachments) {
      options.local_files.push_back(a.file);
      options.local_alts.push_back(a.alt);
    }
  }
  options.index = &index_;
  options.footnote_back_label = ui(theme_, "footnote_back");
  options.task_done_label = ui(theme_, "task_done");
  options.task_todo_label = ui(theme_, "task_todo");
  if (trusted) {
    options.directives = [&](const std::string& name, const std::string& arg, const SourcePos& pos) {
      return directive(tmpl, name, arg, pos);
    };
  }
  RenderedMarkdown out = render_markdown(md, options, diags_);
  if (headings) *headings = std::move(out.headings);
  return std::move(out.html);
}

std::string PageBuilder::search_page(TemplateSet& tmpl) const {
  Data d = base_data();
  d.set("available", options_.search);
  return tmpl.render("search", d);
}

std::string PageBuilder::directive(TemplateSet& tmpl, const std::string& name, const std::string& arg,
                                   const SourcePos& pos) const {
  Data d = base_data();
  if (name == "ects-table" || name == "modules-list") {
    List modules;
    for (const Module& m : site_.modules) modules.push_back(module_summary(m));
    set(d, "modules", std::move(modules));
    d.set("totals", totals_data());
  } else if (name == "framework-table") {
    const Framework* fw = site_.find_framework(arg);
    if (!fw) {
      std::vector<std::string> ids;
      for (const auto& [k, v] : site_.framework_by_id) ids.push_back(k);
      diags_.error(pos, tr("framework-table: unknown framework '{1}'", arg), did_you_mean(arg, ids));
      return {};
    }
    d.set("framework", framework_data(*fw));
  } else {
    diags_.error(pos, tr("unknown directive '{1}'", name),
                 did_you_mean(name, {"ects-table", "modules-list", "framework-table"}));
    return {};
  }
  return tmpl.render("directive-" + name, d);
}

std::string PageBuilder::home(TemplateSet& tmpl) const {
  const Page& p = site_.pages[0];
  record_dep("page", p.id);
  std::vector<Heading> headings;
  std::string body = markdown(tmpl, p.body, true, &headings);
  Data d = base_data();
  d.set("title", p.title);
  set_opt(d, "subtitle", p.subtitle);
  set_opt(d, "kind", site_.programme.kind);
  set_opt(d, "short_title", site_.programme.short_title);
  set_opt(d, "cohort", site_.programme.cohort);
  List toc;
  for (const Heading& h : headings) {
    if (h.level != 2) continue;
    Data item;
    item.set("id", h.id);
    item.set("text", h.text);
    toc.push_back(std::move(item));
  }
  set(d, "toc", std::move(toc));
  set(d, "body", std::move(body));
  d.set("totals", totals_data());
  return tmpl.render("home", d);
}

std::string PageBuilder::page(TemplateSet& tmpl, const Page& p) const {
  record_dep("page", p.id);
  Data d = base_data();
  d.set("title", p.title);
  set_opt(d, "subtitle", p.subtitle);
  d.set("body", markdown(tmpl, p.body, true));
  return tmpl.render("page", d);
}

}  // namespace cartable::pages
