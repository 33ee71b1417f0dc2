// The floor of a build: cmark-gfm alone parsing and rendering the same
// Markdown files, with the same extensions, on as many threads as cartable
// uses. No front matter handling, templates or writes: what no generator
// built on cmark-gfm can beat.
//
// usage: cmark_floor DIR   (every .md file under DIR)
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[1])) {
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path().string());
  }
  cmark_gfm_core_extensions_ensure_registered();
  std::atomic<size_t> next{0}, bytes{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      std::ifstream in(files[i]);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      cmark_parser* parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
      for (const char* name : {"table", "strikethrough", "autolink", "tasklist", "tagfilter"}) {
        cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name));
      }
      cmark_parser_feed(parser, text.data(), text.size());
      cmark_node* doc = cmark_parser_finish(parser);
      char* html = cmark_render_html(doc, CMARK_OPT_FOOTNOTES, cmark_parser_get_syntax_extensions(parser));
      bytes += std::string(html).size();
      free(html);
      cmark_node_free(doc);
      cmark_parser_free(parser);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::thread::hardware_concurrency(); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  std::printf("%zu files, %zu bytes of HTML\n", files.size(), bytes.load());
  return 0;
}
