// Markdown to HTML through cmark-gfm with the GFM extensions (tables,
// strikethrough, autolinks, task lists, tag filter, footnotes).
//
// Internal links are ordinary Markdown links whose target is `<kind>:<id>`:
//   [le module 1](module:m1)   [](competency:rc-num-so/3.1)
//   [RC Num SO](framework:rc-num-so)   [accueil](page:programme)
// An empty text takes the target's title. An unknown id is an error at the
// link's line and column, with the closest id as a hint. In a portfolio-only
// repository, links to other participants' portfolios and entries are kept
// as plain text, with a warning (they live in the HEP's repository).
//
// A target with a space (`[Photo](photo atelier.png)`, `[](module: m4)`) is
// not a link for CommonMark, which prints it as written: an error. Relative
// targets are compared percent-decoded (`photo%20atelier.png`, as editors
// insert them). In an entry, an image with an empty alt takes its
// attachment's `alt:`; without one, it is an error.
//
// Trusted content (the programme, not portfolios) may use directives: a
// fenced block with the info string `cartable`, whose single line names a
// generated block, e.g. "ects-table". The caller renders them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "index/index.h"
#include "model/model.h"

namespace cartable {

struct Heading {
  int level = 0;
  std::string text;
  std::string id;  // the anchor given to the heading in the HTML
};

// Returns the HTML of a directive, or reports a diagnostic and returns "".
using DirectiveRenderer =
    std::function<std::string(const std::string& name, const std::string& argument, const SourcePos& pos)>;

struct MarkdownOptions {
  const Index* index = nullptr;       // resolves internal links
  DirectiveRenderer directives;       // null: directives are not allowed
  std::string footnote_back_label;    // replaces cmark-gfm's English "Back to content"
  // Accessible names of task-list checkboxes, which cmark-gfm leaves unlabelled.
  std::string task_done_label;
  std::string task_todo_label;
  // Portfolio entries: a relative link or image must name one of these
  // files (the entry's attachments, published beside its page).
  bool restrict_relative = false;
  // Prepended to heading anchors, so a participant's "## Compétences" cannot
  // clash with the page's own ids, nor two entries on one print page.
  std::string heading_prefix;
  std::vector<std::string> local_files;
  // The alt text of each of local_files (front matter's `alt:`), which an
  // image written `![](photo.png)` takes.
  std::vector<std::string> local_alts;
};

struct RenderedMarkdown {
  std::string html;
  std::vector<Heading> headings;  // levels 2 and 3, in order
};

RenderedMarkdown render_markdown(const Markdown& md, const MarkdownOptions& options, Diagnostics& diags);

}  // namespace cartable
