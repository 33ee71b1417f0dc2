#include "serve/serve.h"

#include <httplib.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "build.h"
#include "render/theme.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* content_type(const fs::path& p) {
  static const std::map<std::string, const char*> types = {
      {".html", "text/html; charset=utf-8"}, {".css", "text/css"}, {".js", "text/javascript"},
      {".json", "application/json"},         {".xml", "application/xml"}, {".ics", "text/calendar; charset=utf-8"},
      {".png", "image/png"},                 {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},                 {".pdf", "application/pdf"}, {".svg", "image/svg+xml"},
      {".txt", "text/plain; charset=utf-8"}, {".wasm", "application/wasm"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

// What the server shows: the output folder, or the last build's errors.
struct Status {
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t generation = 0;  // bumped after every rebuild, good or bad
  bool ok = false;
  std::string errors;  // the diagnostics, as text
};

class Watcher {
 public:
  explicit Watcher(const std::string& source) : source_(source), fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    for (const char* dir : {"", "content", "portfolios", "themes"}) add_tree(fs::path(source) / dir, *dir == '\0');
  }
  ~Watcher() { close(fd_); }

  // Blocks until something changed, then returns the changed paths after a
  // short quiet period (editors write a file in several steps).
  std::vector<std::string> wait(const std::atomic<bool>& stop) {
    std::set<std::string> changed;
    while (!stop) {
      pollfd pfd{fd_, POLLIN, 0};
      int timeout = changed.empty() ? 200 : 8;
      int n = poll(&pfd, 1, timeout);
      if (n == 0 && !changed.empty()) break;
      if (n <= 0) continue;
      alignas(inotify_event) char buf[16384];
      ssize_t len;
      while ((len = read(fd_, buf, sizeof buf)) > 0) {
        for (char* p = buf; p < buf + len;) {
          auto* ev = reinterpret_cast<inotify_event*>(p);
          p += sizeof(inotify_event) + ev->len;
          auto dir = dirs_.find(ev->wd);
          if (dir == dirs_.end() || ev->len == 0) continue;
          std::string name = ev->name;
          if (name.empty() || name[0] == '.' || name.back() == '~' || name.find(".swp") != std::string::npos) continue;
          fs::path full = dir->second / name;
          if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(full, false);
          changed.insert(full.lexically_normal().string());
        }
      }
    }
    return {changed.begin(), changed.end()};
  }

 private:
  void add_tree(const fs::path& dir, bool top_only) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    add(dir);
    if (top_only) return;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) add(it->path());
    }
  }
  void add(const fs::path& dir) {
    int wd = inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE);
    if (wd >= 0) dirs_[wd] = dir;
  }

  std::string source_;
  int fd_;
  std::map<int, fs::path> dirs_;
};

std::atomic<bool> g_stop{false};
httplib::Server* g_server = nullptr;

void on_signal(int) {
  g_stop = true;
  if (g_server) g_server->stop();
}

// Only files that matter to the site: not the output, not editor droppings.
std::vector<std::string> relevant(const std::vector<std::string>& paths, const std::string& source, const std::string& out) {
  std::vector<std::string> keep;
  fs::path out_abs = fs::absolute(out).lexically_normal();
  for (const std::string& p : paths) {
    fs::path abs = fs::absolute(p).lexically_normal();
    auto m = std::mismatch(out_abs.begin(), out_abs.end(), abs.begin(), abs.end());
    if (m.first == out_abs.end()) continue;
    std::string name = abs.filename().string();
    if (abs.parent_path() == fs::absolute(source).lexically_normal() && name != "site.yaml") continue;
    keep.push_back(fs::relative(abs, fs::absolute(source)).generic_string());
  }
  return keep;
}

}  // namespace

int serve(const ServeOptions& options) {
  std::string out = options.out;
  if (out.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "cartable-serve-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::cerr << "cartable: cannot create a temporary folder\n";
      return 1;
    }
    out = tmpl + "/site";
  }
  BuildOptions build;
  build.source = options.source;
  build.out = out;
  build.audience = "private";  // the owner's preview: everything, marked
  build.search = false;
  Workspace workspace(build, /*keep_drafts=*/true);
  Status status;

  auto rebuild = [&](const std::vector<std::string>* changed) {
    Diagnostics diags;
    auto start = std::chrono::steady_clock::now();
    bool incremental = false;
    size_t pages = 0;
    bool ok = changed ? workspace.update(*changed, diags, &incremental, &pages) : workspace.build(diags);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream text;
    print_diagnostics(diags, text);
    std::cerr << text.str();
    if (ok) {
      std::cerr << "cartable: " << (changed ? (incremental ? "updated " + std::to_string(pages) + " pages" : "rebuilt") : "built")
                << " in " << ms << " ms\n";
    } else {
      std::cerr << "cartable: " << diags.error_count() << " error(s); the browser shows them\n";
    }
    {
      std::lock_guard lock(status.mutex);
      status.ok = ok;
      status.errors = text.str();
      ++status.generation;
    }
    status.changed.notify_all();
  };
  rebuild(nullptr);

  httplib::Server server;
  g_server = &server;
  std::string theme_dir = (fs::path(options.source) / "themes/default").string();

  server.Get("/__cartable/live.js", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(slurp(fs::path(options.source) / "themes/default/serve/live.js"), "text/javascript");
    res.set_header("Cache-Control", "no-store");
  });
  server.Get("/__cartable/events", [&](const httplib::Request&, httplib::Response& res) {
    uint64_t seen;
    {
      std::lock_guard lock(status.mutex);
      seen = status.generation;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider("text/event-stream", [&status, seen](size_t, httplib::DataSink& sink) mutable {
      std::unique_lock lock(status.mutex);
      bool moved = status.changed.wait_for(lock, std::chrono::seconds(10), [&] { return status.generation != seen || g_stop; });
      if (g_stop) return false;
      std::string msg = moved ? "data: " + std::to_string(status.generation) + "\n\n" : ": keep-alive\n\n";
      seen = status.generation;
      lock.unlock();
      return sink.write(msg.data(), msg.size());
    });
  });
  server.Get(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    bool ok;
    std::string errors;
    {
      std::lock_guard lock(status.mutex);
      ok = status.ok;
      errors = status.errors;
    }
    fs::path rel = fs::path(req.path).relative_path().lexically_normal();
    if (rel.string().find("..") != std::string::npos) {
      res.status = 403;
      return;
    }
    fs::path file = fs::path(out) / rel;
    std::error_code ec;
    if (fs::is_directory(file, ec)) file /= "index.html";
    bool html = file.extension() == ".html";
    if (!ok && (html || !fs::exists(file, ec))) {
      // The error page: the diagnostics, and the live-reload script.
      Diagnostics none;
      Theme theme = load_theme(theme_dir, "fr", none);
      TemplateSet tmpl(theme);
      Data d;
      d.set("t", theme.strings);
      d.set("errors", errors);
      std::string page = tmpl.has("serve-error") ? tmpl.render("serve-error", d) : "<pre>" + html_escape(errors) + "</pre>";
      res.status = 500;
      res.set_content(page, "text/html; charset=utf-8");
      return;
    }
    if (!fs::exists(file, ec)) {
      res.status = 404;
      res.set_content("404", "text/plain");
      return;
    }
    std::string body = slurp(file);
    if (html) {
      auto at = body.rfind("</body>");
      if (at != std::string::npos) body.insert(at, "<script src=\"/__cartable/live.js\"></script>\n");
    }
    res.set_content(body, content_type(file));
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << "cartable: cannot listen on " << options.host << ":" << options.port
              << "\n  hint: is another server using it? try --port " << options.port + 1 << "\n";
    return 1;
  }
  std::cout << "cartable: serving http://" << options.host << ":" << port << "/ (Ctrl-C to stop)" << std::endl;

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::thread watcher([&] {
    Watcher w(options.source);
    while (!g_stop) {
      std::vector<std::string> changed = relevant(w.wait(g_stop), options.source, out);
      if (!changed.empty() && !g_stop) rebuild(&changed);
    }
  });
  server.listen_after_bind();
  g_stop = true;
  status.changed.notify_all();
  watcher.join();
  return 0;
}

}  // namespace cartable
