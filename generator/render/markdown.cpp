#include "render/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "base/text.h"
#include "model/near_miss.h"

namespace cartable {

namespace {

constexpr int kOptions = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_GITHUB_PRE_LANG;
const char* const kExtensions[] = {"table", "strikethrough", "autolink", "tasklist", "tagfilter"};

// URL schemes left as they are; anything else that looks like "word:" is a
// mistyped internal link kind.
const char* const kExternalSchemes[] = {"http", "https", "mailto", "tel", "webcal", "ftp"};

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

std::string text_of(cmark_node* node) {
  std::string out;
  cmark_iter* it = cmark_iter_new(node);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(n) == CMARK_NODE_TEXT || cmark_node_get_type(n) == CMARK_NODE_CODE)) {
      if (const char* lit = cmark_node_get_literal(n)) out += lit;
    }
  }
  cmark_iter_free(it);
  return out;
}

// File position of a node: cmark counts from the Markdown's first line.
SourcePos node_pos(const Markdown& md, cmark_node* node) {
  int line = cmark_node_get_start_line(node);
  int col = cmark_node_get_start_column(node);
  for (cmark_node* p = node; line <= 0 && p; p = cmark_node_parent(p)) {
    line = cmark_node_get_start_line(p);
    col = cmark_node_get_start_column(p);
  }
  return {md.start.path, md.start.line + std::max(line, 1) - 1, std::max(col, 1) + (line == 1 ? md.start.col - 1 : 0)};
}

// cmark-gfm gives inline nodes no position of their own; find the link's
// target text in its paragraph's lines instead.
SourcePos link_pos(const Markdown& md, cmark_node* link, const std::string& url) {
  SourcePos block = node_pos(md, link);
  int first = cmark_node_get_start_line(link);
  if (first > 0) return block;
  cmark_node* para = cmark_node_parent(link);
  while (para && cmark_node_get_start_line(para) <= 0) para = cmark_node_parent(para);
  if (!para) return block;
  int from = cmark_node_get_start_line(para), to = cmark_node_get_end_line(para);
  size_t start = 0;
  for (int line = 1; line < from && start != std::string::npos; ++line) {
    start = md.text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  for (int line = from; line <= to && start != std::string::npos && start < md.text.size(); ++line) {
    size_t end = md.text.find('\n', start);
    std::string_view l(md.text.data() + start, (end == std::string::npos ? md.text.size() : end) - start);
    size_t at = l.find("(" + url);
    if (at == std::string_view::npos) at = l.find(url);
    else ++at;
    if (at != std::string_view::npos) return {md.start.path, md.start.line + line - 1, static_cast<int>(at) + 1};
    start = end == std::string::npos ? end : end + 1;
  }
  return block;
}

// "photo%20atelier.png" -> "photo atelier.png"; a malformed escape stays.
std::string percent_decode(const std::string& s) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The message for a link to something that does not exist, per kind: the
// kind is part of the sentence, and French nouns have genders.
Text unresolved_link(LinkKind kind, const std::string& id) {
  switch (kind) {
    case LinkKind::Module: return tr("unresolved link: no module '{1}'", id);
    case LinkKind::Competency: return tr("unresolved link: no competency '{1}'", id);
    case LinkKind::Framework: return tr("unresolved link: no framework '{1}'", id);
    case LinkKind::Page: return tr("unresolved link: no page '{1}'", id);
    case LinkKind::Session: return tr("unresolved link: no session '{1}'", id);
    case LinkKind::Portfolio: return tr("unresolved link: no portfolio '{1}'", id);
    case LinkKind::Entry: return tr("unresolved link: no entry '{1}'", id);
  }
  return tr("unresolved link: no {1} '{2}'", link_kind_name(kind), id);
}

// A Markdown link or image whose target has a space is no link for
// CommonMark: `[Photo](photo atelier.png)` and `[](module: m4)` are printed
// as written. Found in the source text, outside code.
void report_spaced_targets(const Markdown& md, const Index* index, Diagnostics& diags) {
  bool fenced = false;
  size_t start = 0;
  for (int line_no = 0; start < md.text.size(); ++line_no) {
    size_t end = md.text.find('\n', start);
    if (end == std::string::npos) end = md.text.size();
    std::string_view line(md.text.data() + start, end - start);
    start = end + 1;
    std::string_view trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (trimmed.rfind("```", 0) == 0 || trimmed.rfind("~~~", 0) == 0) fenced = !fenced;
    if (fenced) continue;
    for (size_t at = line.find("]("); at != std::string_view::npos; at = line.find("](", at + 2)) {
      if (std::count(line.begin(), line.begin() + at, '`') % 2 == 1) continue;  // inside `code`
      size_t close = line.find(')', at + 2);
      if (close == std::string_view::npos) break;
      std::string target(line.substr(at + 2, close - at - 2));
      size_t space = target.find(' ');
      if (space == std::string::npos || target[0] == '<') continue;
      std::string after = target.substr(target.find_first_not_of(' ', space) == std::string::npos ? space : target.find_first_not_of(' ', space));
      if (!after.empty() && (after[0] == '"' || after[0] == '\'' || after[0] == '(')) continue;  // a title
      size_t open = line.rfind('[', at);
      std::string text = open == std::string_view::npos ? std::string() : std::string(line.substr(open + 1, at - open - 1));
      bool image = open != std::string_view::npos && open > 0 && line[open - 1] == '!';
      SourcePos pos{md.start.path, md.start.line + line_no, static_cast<int>(at) + 3 + (line_no == 0 ? md.start.col - 1 : 0)};
      std::string kind = target.substr(0, target.find(':'));
      LinkKind link_kind = LinkKind::Module;
      bool internal = target.find(':') != std::string::npos && target.find(':') < space && parse_link_kind(kind, link_kind);
      if (internal) {
        std::string id = target.substr(kind.size() + 1);
        id.erase(0, id.find_first_not_of(' '));
        std::string joined;
        for (char c : id) {
          if (c != ' ') joined += c;
        }
        // A label the site shows (`competency:RC Num SO/3.1`): the exact id.
        Text hint;
        if (index && link_kind == LinkKind::Module && !index->site().find_module(joined)) hint = module_hint(index->site(), id);
        if (index && link_kind == LinkKind::Competency && !index->site().find_competency(joined)) {
          hint = competency_hint(index->site(), id);
        }
        if (hint.empty()) hint = tr("write the target without spaces: [{1}]({2}:{3})", text, kind, joined);
        diags.error(pos, tr("a space in the link target '{1}': it is printed as written, not linked", target), hint);
      } else if (image) {
        diags.error(pos, tr("a space in the image's file name '{1}': it is printed as written, not shown", target),
                    tr("write the name between < and >: ![{1}](<{2}>), or rename the file without spaces", text, target));
      } else {
        diags.error(pos, tr("a space in the link target '{1}': it is printed as written, not linked", target),
                    tr("write the target between < and >: [{1}](<{2}>), or remove the spaces", text, target));
      }
    }
  }
}

struct Walk {
  const Markdown& md;
  const MarkdownOptions& options;
  Diagnostics& diags;
  std::vector<Heading> headings;
  std::vector<cmark_node*> directive_blocks;
  std::vector<cmark_node*> withheld_links;

  // A relative target in an entry must be one of its attachments: anything
  // else would be a broken link, or a way out of the portfolio's folder.
  void visit_relative(cmark_node* node, const std::string& url) {
    if (!options.restrict_relative || url.empty() || url[0] == '#' || url[0] == '/' || url[0] == '?') return;
    std::string path = percent_decode(url.substr(0, url.find_first_of("?#")));
    if (path.rfind("./", 0) == 0) path.erase(0, 2);
    auto file = std::find(options.local_files.begin(), options.local_files.end(), path);
    if (file != options.local_files.end()) {
      if (cmark_node_get_type(node) == CMARK_NODE_IMAGE) give_alt(node, file - options.local_files.begin(), path);
      return;
    }
    Text hint = did_you_mean(path, options.local_files);
    diags.error(link_pos(md, node, url), tr("'{1}' is not an attachment of this entry", path),
                hint.empty() ? tr("list the file under 'attachments:' in the front matter, or link to a web address")
                             : hint);
  }

  // An image written `![](photo.png)` takes the attachment's `alt:`: an
  // empty alt would hide the image from people who cannot see it.
  void give_alt(cmark_node* image, size_t file, const std::string& path) {
    if (!text_of(image).empty()) return;
    const std::string alt = file < options.local_alts.size() ? options.local_alts[file] : std::string();
    if (alt.empty()) {
      diags.error(node_pos(md, image), tr("image '{1}' has no alt text", path),
                  tr("describe the image between the brackets: ![what it shows]({1})", path));
      return;
    }
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, alt.c_str());
    cmark_node_append_child(image, text);
  }

  // In a portfolio-only repository, other participants' portfolios are in
  // the HEP's repository: a link to them is kept as text.
  bool elsewhere(LinkKind kind, const std::string& id) const {
    if (!options.index || options.index->site().config.catalogue.empty()) return false;
    if (kind != LinkKind::Portfolio && kind != LinkKind::Entry) return false;
    std::string slug = id.substr(0, id.find('/'));
    return !options.index->site().find_portfolio(slug);
  }

  void visit_link(cmark_node* link) {
    const char* raw = cmark_node_get_url(link);
    std::string url = raw ? raw : "";
    auto colon = url.find(':');
    if (colon == std::string::npos || colon == 0 || url.find_first_of("/?#") < colon) {
      visit_relative(link, url);
      return;
    }
    std::string kind = url.substr(0, colon);
    for (const char* s : kExternalSchemes) {
      if (kind == s) return;
    }
    std::string id = url.substr(colon + 1);
    std::string fragment;
    if (auto hash = id.find('#'); hash != std::string::npos) {
      fragment = id.substr(hash);
      id.erase(hash);
    }
    LinkKind link_kind = LinkKind::Module;
    if (!parse_link_kind(kind, link_kind)) {
      if (kind == "javascript" || kind == "data" || kind == "vbscript" || kind == "file") {
        return;  // cmark's safe mode already empties these
      }
      Text hint = did_you_mean(kind, link_kind_names());
      diags.error(link_pos(md, link, url), tr("unknown kind of link '{1}:'", kind),
                  hint.empty() ? tr("internal links are module:, competency:, framework: or page:") : hint);
      return;
    }
    Text hint;
    auto target = options.index ? options.index->resolve(link_kind, id, hint) : std::nullopt;
    if (!target && elsewhere(link_kind, id)) {
      diags.warning(link_pos(md, link, url),
                    tr("link to '{1}', whose portfolio is not in this repository: shown as plain text", id),
                    tr("nothing to do if the spelling is right: the link works on the HEP's site"));
      if (!cmark_node_first_child(link)) {
        cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node_set_literal(text, id.c_str());
        cmark_node_append_child(link, text);
      }
      withheld_links.push_back(link);
      return;
    }
    if (!target) {
      diags.error(link_pos(md, link, url), unresolved_link(link_kind, id), hint);
      return;
    }
    if (target->url.empty()) {
      withheld_links.push_back(link);  // kept as text, without its target
      return;
    }
    cmark_node_set_url(link, (target->url + fragment).c_str());
    if (!cmark_node_first_child(link)) {
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(text, target->title.c_str());
      cmark_node_append_child(link, text);
    }
  }

  void visit_heading(cmark_node* h) {
    int level = cmark_node_get_heading_level(h);
    if (level < 2 || level > 3) return;
    Heading heading{level, text_of(h), ""};
    std::string base = options.heading_prefix + slugify(heading.text);
    heading.id = base;
    for (int n = 2; std::any_of(headings.begin(), headings.end(), [&](const Heading& o) { return o.id == heading.id; }); ++n) {
      heading.id = base + "-" + std::to_string(n);
    }
    headings.push_back(heading);
  }

  void visit_code_block(cmark_node* block) {
    const char* info = cmark_node_get_fence_info(block);
    if (!info || std::string_view(info) != "cartable") return;
    directive_blocks.push_back(block);
  }

  void replace_directive(cmark_node* block) {
    SourcePos pos = node_pos(md, block);
    pos.line += 1;  // the directive is on the line after the fence
    if (!options.directives) {
      diags.error(pos, tr("directives are not allowed here"), tr("only programme pages can use ```cartable blocks"));
      return;
    }
    std::string line = cmark_node_get_literal(block) ? cmark_node_get_literal(block) : "";
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    auto space = line.find(' ');
    std::string name = line.substr(0, space);
    std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
    std::string html = options.directives(name, arg, pos);
    cmark_node* custom = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(custom, html.c_str());
    cmark_node_replace(block, custom);
    cmark_node_free(block);
  }
};

// Gives each h2/h3 its anchor. Safe mode escapes every '<' that is not
// markup, so the n-th "<hN>" in the output is the n-th heading of level N.
std::string add_heading_ids(const std::string& html, const std::vector<Heading>& headings) {
  std::string out;
  out.reserve(html.size() + headings.size() * 24);
  size_t pos = 0;
  size_t next[4] = {0, 0, 0, 0};
  while (pos < html.size()) {
    size_t at = html.find("<h", pos);
    if (at == std::string::npos || at + 3 >= html.size()) break;
    char level = html[at + 2];
    if ((level != '2' && level != '3') || html[at + 3] != '>') {
      out.append(html, pos, at + 2 - pos);
      pos = at + 2;
      continue;
    }
    int lv = level - '0';
    size_t k = next[lv];
    while (k < headings.size() && headings[k].level != lv) ++k;
    out.append(html, pos, at - pos);
    if (k < headings.size()) {
      out += "<h" + std::string(1, level) + " id=\"" + headings[k].id + "\">";
      next[lv] = k + 1;
    } else {
      out.append(html, at, 4);
    }
    pos = at + 4;
  }
  out.append(html, pos, std::string::npos);
  return out;
}

}  // namespace

RenderedMarkdown render_markdown(const Markdown& md, const MarkdownOptions& options, Diagnostics& diags) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  // cmark-gfm 0.29's inline parsing is not thread-safe with extensions: it
  // keeps their special characters ('~') in a process-wide table that parsers
  // change as they come and go, and under load "~~barré~~" sometimes came out
  // as plain text (tested in markdown_test.cpp). So parsing holds a lock, and
  // each thread keeps one parser, never freed (cmark_parser_finish() resets it
  // for the next document and keeps its extensions). Rendering to HTML, most
  // of the work, stays parallel.
  static std::mutex parse_lock;
  thread_local cmark_parser* parser = [] {
    cmark_parser* p = cmark_parser_new(kOptions);
    for (const char* name : kExtensions) {
      if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(p, ext);
    }
    return p;
  }();
  std::unique_ptr<cmark_node, NodeDeleter> doc;
  {
    std::lock_guard lock(parse_lock);
    cmark_parser_feed(parser, md.text.data(), md.text.size());
    doc.reset(cmark_parser_finish(parser));
  }

  report_spaced_targets(md, options.index, diags);
  Walk walk{md, options, diags, {}, {}, {}};
  cmark_iter* it = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(it);
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_LINK: walk.visit_link(node); break;
      case CMARK_NODE_IMAGE: {
        const char* url = cmark_node_get_url(node);
        std::string u = url ? url : "";
        if (u.find(':') == std::string::npos || u.find_first_of("/?#") < u.find(':')) {
          walk.visit_relative(node, u);
        } else if (options.restrict_relative && text_of(node).empty()) {
          diags.error(node_pos(md, node), tr("image '{1}' has no alt text", u),
                      tr("describe the image between the brackets: ![what it shows]({1})", u));
        }
        break;
      }
      case CMARK_NODE_HEADING: walk.visit_heading(node); break;
      case CMARK_NODE_CODE_BLOCK: walk.visit_code_block(node); break;
      default: break;
    }
  }
  cmark_iter_free(it);
  // Replaced after the walk: changing the tree while iterating it is unsafe.
  for (cmark_node* block : walk.directive_blocks) walk.replace_directive(block);
  for (cmark_node* link : walk.withheld_links) {
    while (cmark_node* child = cmark_node_first_child(link)) cmark_node_insert_before(link, child);
    cmark_node_free(link);
  }

  char* html = cmark_render_html(doc.get(), kOptions, cmark_parser_get_syntax_extensions(parser));
  RenderedMarkdown out;
  out.html = walk.headings.empty() ? std::string(html) : add_heading_ids(html, walk.headings);
  out.headings = std::move(walk.headings);
  std::free(html);
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t at = out.html.find(from); at != std::string::npos; at = out.html.find(from, at + to.size())) {
      out.html.replace(at, from.size(), to);
    }
  };
  if (!options.task_done_label.empty()) {
    replace_all("<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
                "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"" + html_escape(options.task_done_label) + "\" />");
    replace_all("<input type=\"checkbox\" disabled=\"\" />",
                "<input type=\"checkbox\" disabled=\"\" aria-label=\"" + html_escape(options.task_todo_label) + "\" />");
  }
  if (!options.footnote_back_label.empty()) {
    static const std::string english = "aria-label=\"Back to content\"";
    const std::string label = "aria-label=\"" + html_escape(options.footnote_back_label) + "\"";
    for (size_t at = out.html.find(english); at != std::string::npos; at = out.html.find(english, at + label.size())) {
      out.html.replace(at, english.size(), label);
    }
  }
  return out;
}

}  // namespace cartable
