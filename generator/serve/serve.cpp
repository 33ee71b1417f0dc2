#include "serve/serve.h"

#include <httplib.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
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
#include "build/build.h"
#include "base/filesystem.h"
#include "load/load.h"
#include "output/out_guard.h"
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

// DNS rebinding: a web page whose name resolves to 127.0.0.1 could read the
// preview (drafts, private entries) from the browser. Only requests that
// name this machine are answered.
bool allowed_host(const std::string& host, int port) {
  std::string p = ":" + std::to_string(port);
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == name || host == name + p) return true;
  }
  return false;
}

// One thread per connection, created when needed: a live-reload stream
// keeps its connection, and in cpp-httplib its worker, for as long as the
// tab is open, so with a fixed pool of 8 workers, 8 tabs blocked every
// other request. At most kMaxConnections at once; more wait.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  static constexpr size_t kMaxConnections = 256;
  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return running_ < kMaxConnections || shutdown_; });
    if (shutdown_) return;
    ++running_;
    std::thread([this, fn = std::move(fn)] {
      fn();
      std::lock_guard done(mutex_);
      --running_;
      changed_.notify_all();
    }).detach();
  }
  void shutdown() override {
    std::unique_lock lock(mutex_);
    shutdown_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return running_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t running_ = 0;
  bool shutdown_ = false;
};

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

// Only an atomic store: the watcher thread stops the server (a signal handler
// may not call into httplib, and a stop() sent before the server listens is
// lost, which left serve waiting for connections forever).
void on_signal(int) { g_stop = true; }

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

// The temporary folder of a preview, removed however serve ends (return,
// Ctrl-C, SIGTERM: both stop the server and return through here).
struct TempFolder {
  std::string path;
  ~TempFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

int serve(const ServeOptions& options) {
  std::string out = options.out;
  TempFolder temp;
  if (out.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "cartable-serve-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::cerr << "cartable: " << translate(tr("cannot create a temporary folder")) << "\n";
      return 1;
    }
    temp.path = tmpl;
    out = tmpl + "/site";
  }
  // The theme and language of the error page and the reload script: the
  // site's, resolved once (the defaults while site.yaml has an error).
  Diagnostics config_diags;
  const SiteConfig config = load_site_config(options.source, config_diags);
  // Refused before anything runs (`serve --out .` once replaced the sources).
  if (!options.out.empty() && !config_diags.has_errors() &&
      !check_output_folder(options.source, out, config.outputs, config_diags)) {
    print_diagnostics(config_diags, std::cerr);
    return 1;
  }
  BuildOptions build;
  build.source = options.source;
  build.out = out;
  // The owner's preview shows everything, marked; --audience experts shows
  // exactly the jury's site (no drafts, no private content).
  bool jury = options.audience == "experts";
  build.audience = jury ? "experts" : "private";
  build.search = false;
  Workspace workspace(build, /*keep_drafts=*/!jury);
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
      Text done = !changed      ? tr("built in {1} ms", ms)
                  : incremental ? trn("updated {1} page in {2} ms", "updated {1} pages in {2} ms", pages, pages, ms)
                                : tr("rebuilt in {1} ms", ms);
      std::cerr << "cartable: " << translate(done) << "\n";
    } else {
      size_t n = diags.error_count();
      std::cerr << "cartable: " << translate(trn("{1} error; the browser shows it", "{1} errors; the browser shows them", n, n))
                << "\n";
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
  server.new_task_queue = [] { return new ConnectionThreads(); };
  // Not SO_REUSEPORT (cpp-httplib's default): with it a second serve on the
  // same port started, and requests alternated between the two sites.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  int port = options.port;
  server.set_pre_routing_handler([&port](const httplib::Request& req, httplib::Response& res) {
    if (!allowed_host(req.get_header_value("Host"), port)) {
      res.status = 403;
      res.set_content(translate(tr("403: this preview answers only to 127.0.0.1, localhost and [::1]")) + "\n",
                      "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.find('\0') != std::string::npos) {
      res.status = 400;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // The theme's files are read like every source: no link followed.
  auto sources = std::make_shared<DiskFileSystem>(options.source);

  server.Get("/__cartable/live.js", [&](const httplib::Request&, httplib::Response& res) {
    Diagnostics none;
    Theme theme = load_configured_theme(sources, options.source, config, none);
    std::string script;
    theme.files->read(join_path(theme.folder, "serve/live.js"), &script);
    res.set_content(script, "text/javascript");
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
      // Wakes every second to notice a stop; a comment every ten keeps the stream open.
      bool moved = false;
      for (int i = 0; i < 10 && !moved && !g_stop; ++i) {
        moved = status.changed.wait_for(lock, std::chrono::seconds(1), [&] { return status.generation != seen || g_stop; });
      }
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
    std::string wanted = req.path.substr(req.path.find_first_not_of('/') == std::string::npos ? req.path.size()
                                                                                               : req.path.find_first_not_of('/'));
    if (!wanted.empty() && wanted.back() == '/') wanted.pop_back();
    std::vector<std::string> parts;
    if (!split_relative_path(wanted, &parts)) {  // '..', '//', NUL
      res.status = 403;
      res.set_content(translate(tr("403: this address leads out of the site")) + "\n", "text/plain; charset=utf-8");
      return;
    }
    fs::path file = fs::path(out) / wanted;
    std::error_code ec;
    if (fs::is_directory(file, ec)) file /= "index.html";
    bool html = file.extension() == ".html";
    if (!ok && (html || !fs::exists(file, ec))) {
      // The error page: the diagnostics, and the live-reload script.
      Diagnostics none;
      Theme theme = load_configured_theme(sources, options.source, config, none);
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
      res.set_content(translate(tr("404: no page '{1}' in this preview", req.path)) + "\n" +
                          translate(tr("check the address, or start again from the home page")) + "\n",
                      "text/plain; charset=utf-8");
      return;
    }
    std::string body = slurp(file);
    if (html) {
      auto at = body.rfind("</body>");
      if (at != std::string::npos) body.insert(at, "<script src=\"/__cartable/live.js\"></script>\n");
    }
    res.set_content(body, content_type(file));
  });

  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    Diagnostics diags;
    diags.error({"", 0, 0}, tr("cannot listen on {1}:{2}", options.host, options.port),
                tr("is another server using it? try --port {1}", options.port + 1));
    print_diagnostics(diags, std::cerr);
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::string url = "http://" + options.host + ":" + std::to_string(port) + "/";
  std::cout << "cartable: " << translate(tr("serving {1} (Ctrl-C to stop)", url)) << std::endl;

  std::atomic<bool> listening_ended{false};
  std::thread watcher([&] {
    Watcher w(options.source);
    while (!g_stop) {
      std::vector<std::string> changed = relevant(w.wait(g_stop), options.source, out);
      if (!changed.empty() && !g_stop) rebuild(&changed);
    }
    // Repeated until listen_after_bind() returns: a stop() that comes before
    // the server runs does nothing.
    while (!listening_ended) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  server.listen_after_bind();
  listening_ended = true;
  g_stop = true;
  status.changed.notify_all();
  watcher.join();
  return 0;
}

}  // namespace cartable
