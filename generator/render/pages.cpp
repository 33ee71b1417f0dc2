// Renders the whole site (or the pages an edit affects): runs the route
// table's jobs in parallel, then writes the sitemap, server files, the
// catalogue, the theme's static files and the attachments.
#include "base/parallel.h"
#include "render/page_builder.h"

namespace cartable {

using pages::Job;
using pages::PageMeta;
using pages::PageBuilder;

namespace {

// Attachments are read again through the site's file system (no link
// followed), not copied by path: the file checked at load is the file copied.
// Where a declared course's attestation is copied, relative to the output.
std::string attestation_path(const Index& index, const Portfolio& p, const AlaCarteCourse& c) {
  return index.portfolio_url(p.slug).substr(index.site().config.base_path.size()) + "attestations/" + c.attestation.file;
}

void copy_attachment(const Site& site, const Attachment& a, const std::string& to, OutputSink& sink, Diagnostics& diags) {
  std::string bytes;
  FileResult r = site.files->read(a.source_path, &bytes);
  if (!r) {
    report_file_error(r, a.file, a.pos, diags);
    return;
  }
  sink.write(to, bytes);
}

// The order the jobs start in: each moved `lead` places ahead of where the
// route table has it (Job::lead). The table's own order stays that of the
// sitemap and the page log.
void start_early(std::vector<Job*>& jobs) {
  std::vector<std::pair<ptrdiff_t, Job*>> order;
  order.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    order.emplace_back(static_cast<ptrdiff_t>(i) - static_cast<ptrdiff_t>(jobs[i]->lead), jobs[i]);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i] = order[i].second;
}

// The experts' site is never indexed: no sitemap entries, robots say no.
// The files are listed as produced: a numbered sitemap no longer needed is
// removed by a rebuild like any page gone.
size_t write_sitemaps(const Index& index, std::vector<std::string> urls, OutputSink& sink,
                      std::vector<std::string>* produced) {
  if (index.site().audience == Visibility::Experts) urls.clear();
  auto files = sitemap_files(index, urls);
  for (auto& [path, bytes] : files) {
    sink.write(path, bytes);
    if (produced) produced->push_back(path);
  }
  return files.size();
}

}  // namespace

RenderStats render_site(const Index& index, const Theme& theme, OutputSink& sink, Diagnostics& diags,
                        const RenderOptions& options) {
  PageBuilder builder(index, theme, diags, options);
  std::vector<Job> all = builder.jobs();
  std::vector<Job*> jobs;
  for (Job& job : all) {
    if (!options.only || options.only(job.meta.path)) jobs.push_back(&job);
  }
  start_early(jobs);
  std::vector<DepRecorder> recorders(options.keys ? jobs.size() : 0);
  std::vector<std::vector<uint32_t>> read(recorders.size());

  std::unique_ptr<TemplateUsage> usage;
  // A miss is a typo wherever it happens (theme.h), so the pages a rebuild
  // renders are enough: the others rendered without one last time, and an
  // edit of the theme renders them all again.
  if (options.strict_templates) usage = std::make_unique<TemplateUsage>(TemplateSet(theme));
  parallel_for(
      jobs.size(), options.threads,
      [&] {
        TemplateSet tmpl(theme);
        tmpl.record_usage(usage.get());
        return tmpl;
      },
      [&](TemplateSet& tmpl, size_t i) {
        Job& job = *jobs[i];
        if (job.complete) job.complete(job.meta);
        {
          RecordingScope scope(options.keys ? &recorders[i] : nullptr);
          std::string body = job.body(tmpl);
          sink.write(job.meta.path, job.is_page ? builder.layout(tmpl, job.meta, body) : body);
        }
        // What the page showed is not needed again: 550,000 of them were
        // hundreds of megabytes at the peak.
        PageMeta written;
        written.path = std::move(job.meta.path);
        written.url = std::move(job.meta.url);
        job.meta = std::move(written);
        job.body = nullptr;
        job.complete = nullptr;
        // Deduplicated as soon as the page is written: a page reads the same
        // key many times, and 550,000 pages' raw lists were gigabytes.
        // Moved out, so that its buffers are freed here: assigning an empty
        // recorder would keep the text's (550,000 of them, half a gigabyte).
        if (options.keys) {
          DepRecorder done = std::move(recorders[i]);
          done.finish();
          read[i] = options.keys->table->intern_all(done);
          std::sort(read[i].begin(), read[i].end());
        }
      });
  for (size_t i = 0; i < read.size(); ++i) options.keys->pages[jobs[i]->meta.path] = std::move(read[i]);
  // The jobs are done: their paths and URLs move out (550,000 of each).
  std::vector<std::string> urls;
  urls.reserve(all.size());
  if (options.produced) options.produced->reserve(options.produced->size() + all.size());
  for (Job& job : all) {
    if (job.is_page) urls.push_back(std::move(job.meta.url));
    if (options.produced) options.produced->push_back(std::move(job.meta.path));
  }
  if (options.produced) {
    for (const Portfolio& p : index.site().portfolios) {
      for (const Entry& e : p.entries) {
        if (e.attachments.empty()) continue;
        std::string dir = index.entry_url(e).substr(index.site().config.base_path.size());
        for (const Attachment& a : e.attachments) options.produced->push_back(dir + a.file);
      }
      std::set<std::string> attestations;
      for (const AlaCarteCourse& c : p.a_la_carte) {
        if (c.attestation.source_path.empty() || !attestations.insert(c.attestation.file).second) continue;
        options.produced->push_back(attestation_path(index, p, c));
      }
    }
  }

  size_t pages = std::count_if(jobs.begin(), jobs.end(), [](const Job* j) { return j->is_page; });
  const Site& site = index.site();
  bool experts = site.audience == Visibility::Experts;
  if (options.only) {
    // An incremental pass: the pages above, the sitemap (a page may have
    // come or gone), the catalogue (a module or session may have changed)
    // and the attachments of the entries rendered.
    size_t sitemaps = write_sitemaps(index, std::move(urls), sink, options.produced);
    sink.write("api/catalogue.json", catalogue_json(index));
    size_t copied = 0;
    for (const Portfolio& p : site.portfolios) {
      for (const Entry& e : p.entries) {
        if (e.attachments.empty() || !options.only(pages::path_of(index.entry_url(e), site.config.base_path))) continue;
        for (const Attachment& a : e.attachments) {
          copy_attachment(site, a, index.entry_url(e).substr(site.config.base_path.size()) + a.file, sink, diags);
          ++copied;
        }
      }
      // The attestations go with the portfolio's page (experts only).
      if (p.a_la_carte.empty() || !options.only(pages::path_of(index.portfolio_url(p.slug), site.config.base_path))) continue;
      std::set<std::string> attestations;
      for (const AlaCarteCourse& c : p.a_la_carte) {
        if (c.attestation.source_path.empty() || !attestations.insert(c.attestation.file).second) continue;
        copy_attachment(site, c.attestation, attestation_path(index, p, c), sink, diags);
        ++copied;
      }
    }
    // Any entry may change a readiness: the jury's table is rewritten.
    if (experts) sink.write("experts/certification.csv", certification_csv(index, theme));
    if (usage) usage->report(theme, diags);
    return {pages, jobs.size() + sitemaps + 1 + (experts ? 1 : 0) + copied};
  }
  size_t sitemaps = write_sitemaps(index, std::move(urls), sink, options.produced);
  TemplateSet files(theme);
  files.record_usage(usage.get());
  Data config;
  config.set("sitemap", index.absolute(index.asset_url("sitemap.xml")));
  config.set("experts", experts);
  config.set("root", site.config.base_path);
  config.set("htpasswd", site.config.experts_htpasswd);
  config.set("realm", site.config.title);
  sink.write("robots.txt", files.render("file-robots", config));
  // Media types of the feeds (and, for the experts' site, access control):
  // Apache reads .htaccess; the nginx snippets are included from the server
  // block (README, "Serving the site").
  sink.write(".htaccess", files.render("file-htaccess", config));
  sink.write("nginx-types.conf", files.render("file-nginx-types", config));
  if (experts) sink.write("nginx-experts.conf", files.render("file-nginx", config));
  if (experts) sink.write("experts/certification.csv", certification_csv(index, theme));
  sink.write("api/catalogue.json", catalogue_json(index));
  for (const std::string& file : theme.static_files) {
    std::string bytes;
    if (read_static_file(theme, file, bytes, diags)) sink.write(file, bytes);
  }
  size_t attachments = 0;
  for (const Portfolio& p : index.site().portfolios) {
    for (const Entry& e : p.entries) {
      for (const Attachment& a : e.attachments) {
        copy_attachment(site, a, index.entry_url(e).substr(site.config.base_path.size()) + a.file, sink, diags);
        ++attachments;
      }
    }
    // À-la-carte attestations: for the jury's dossier only (the public
    // build has no à-la-carte record at all).
    std::set<std::string> attestations;
    for (const AlaCarteCourse& c : p.a_la_carte) {
      if (c.attestation.source_path.empty() || !attestations.insert(c.attestation.file).second) continue;
      copy_attachment(site, c.attestation, attestation_path(index, p, c), sink, diags);
      ++attachments;
    }
  }

  if (usage) usage->report(theme, diags);
  RenderStats stats;
  stats.pages = pages;
  stats.files = jobs.size() + sitemaps + 4 + (experts ? 2 : 0) + theme.static_files.size() + attachments;
  return stats;
}

}  // namespace cartable
