// The model: plain data for one site, as loaded from its sources. Every value
// a user typed keeps the position it came from, so later stages can point at
// it. Stages after load read the model and never change it.
#pragma once

#include <algorithm>
#include <string_view>

#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/filesystem.h"

namespace cartable {

// A reference typed by a user (module id, competency ref, ...) and where.
struct Ref {
  std::string id;
  SourcePos pos;
};

// Markdown text and where its first line sits in its file, so a diagnostic
// about line N of the Markdown points at line N + first_line - 1 of the file.
// Where each front-matter key was, for diagnostics. Keys are string
// literals and every position is in the same file: 16 bytes a key (a
// std::map of SourcePos cost a kilobyte per entry, half a gigabyte at scale).
class FieldPositions {
 public:
  void set(const char* key, const SourcePos& pos) {
    if (items_.empty()) path_ = pos.path;
    items_.push_back({key, pos.line, pos.col});
  }
  std::optional<SourcePos> find(std::string_view key) const {
    for (const Item& i : items_) {
      if (key == i.key) return SourcePos{path_, i.line, i.col};
    }
    return std::nullopt;
  }
  bool has(std::string_view key) const { return find(key).has_value(); }
  SourcePos at_or(std::string_view key, const SourcePos& fallback) const { return find(key).value_or(fallback); }

 private:
  struct Item {
    const char* key;
    int line;
    int col;
  };
  SharedPath path_;
  std::vector<Item> items_;
};

struct Markdown {
  std::string text;
  SourcePos start;
};

struct Institution {
  std::string name;
  std::string unit;
  std::vector<std::string> address;
  std::string phone;
  std::string email;
  std::string url;
};

// Who may write what in the site's repository (site.yaml `publishing:`);
// generator/access/ turns it, with the portfolios' owners, into the
// publishing gate's rules and the forges' CODEOWNERS / gitolite files.
struct Publishing {
  std::vector<std::string> staff;          // HEP staff: may write everything
  std::vector<std::string> trainers;       // may write trainer_paths
  std::vector<std::string> trainer_paths;  // folders, e.g. content/assessments/
};

// The folders of the site's pages whose names are words of the site's
// language (site.yaml `urls:`); each is one segment, a-z, 0-9 and '-'.
// Defaults: the CAS CNE's French ones.
struct UrlSegments {
  std::string calendar = "calendrier";     // /calendrier/, /calendrier.ics
  std::string changes = "modifications";   // /calendrier/modifications/
  std::string sessions = "seances";        // /seances/<id>/
  std::string frameworks = "referentiels"; // /referentiels/<id>/
  std::string search = "recherche";        // /recherche/
  std::string print = "impression";        // /portfolios/<slug>/impression/
  std::string ready = "prets";             // /experts/prets/
  std::string incomplete = "a-completer";  // /experts/a-completer/
};

struct SiteConfig {
  std::string title;
  std::string base_url;   // absolute, ends with '/'
  std::string base_path;  // path part of base_url, ends with '/'
  std::string language = "fr";
  std::string timezone = "Europe/Zurich";
  std::string theme = "default";
  Institution institution;
  std::string experts_htpasswd = "/etc/cartable/experts.htpasswd";  // basic auth users of the experts' site
  // Whether the public site says which entries trainers validated (never
  // who, when or with what feedback). Off by default.
  bool public_validation = false;
  // A portfolio-only repository: the programme comes from a saved
  // /api/catalogue.json instead of content/.
  std::string catalogue;
  // Folders directly under the source folder that may hold a build's output
  // (out_guard.h): public/ and those named by `outputs:`.
  std::vector<std::string> outputs = {"public"};
  // The largest attachment published (site.yaml `max_attachment_mb`).
  uint64_t max_attachment_bytes = 20 * 1024 * 1024;
  Publishing publishing;
  // The framework whose coverage portfolios and the experts' matrix show,
  // and the one experts fill in at the defence (site.yaml
  // `coverage_framework`, `certification_grid`). An empty id: none. Named
  // in site.yaml, the framework must exist (check/).
  Ref coverage_framework = {"rc-num-so", {}};
  Ref certification_grid = {"inspe-grille", {}};
  // A task's anchor on its module's page is this prefix and its id
  // (site.yaml `task_anchor`): /modules/m1/#tache-<id>.
  std::string task_anchor = "tache-";
  UrlSegments urls;
  SourcePos pos;
};

struct Place {
  std::string id;
  std::string name;
  std::string short_name;
  std::string address;
  bool online = false;
  SourcePos pos;
};

struct Person {
  std::string id;
  std::string name;
  std::vector<std::string> roles;  // as printed in the programme
  bool trainer = false;            // may assess entries (content/assessments/)
  std::string organisation;
  SourcePos pos;
};

// The closed sets of words the sources may use, read into enums once by
// load (which reports an unknown word) and written back only where output
// shows them (model/kinds.cpp has the names).
enum class SessionStatus { Confirmed, Tentative, Cancelled };
enum class ModuleKind { Module, CertifyingWork };
enum class DefenceOutcome { None, Passed, Failed };  // None: not held yet
// Internal Markdown links, `[text](kind:id)`.
enum class LinkKind { Module, Competency, Framework, Page, Session, Portfolio, Entry };

const char* session_status_name(SessionStatus s);  // "confirmed", "tentative", "cancelled"
bool parse_session_status(std::string_view text, SessionStatus& out);
const std::vector<std::string>& session_status_names();
const char* module_kind_name(ModuleKind k);  // "module", "certifying-work"
bool parse_module_kind(std::string_view text, ModuleKind& out);
const std::vector<std::string>& module_kind_names();
const char* defence_outcome_name(DefenceOutcome o);  // "", "passed", "failed"
bool parse_defence_outcome(std::string_view text, DefenceOutcome& out);
const char* link_kind_name(LinkKind k);  // "module", "competency", ...
bool parse_link_kind(std::string_view text, LinkKind& out);
const std::vector<std::string>& link_kind_names();

struct Task {
  std::string id;
  std::string title;
  std::string kind;
  std::string description;
  SourcePos pos;
};

// A module of the programme, or the certifying work (kind "certifying-work").
struct Module {
  std::string id;
  ModuleKind kind = ModuleKind::Module;
  int number = 0;                  // 0 for the certifying work
  std::string title;               // as in the detailed programme (section 8)
  std::string ects_title;          // as in the ECTS table (section 6)
  double ects = 0;
  int periods = 0;
  std::string periods_note;        // "dont 56 à choisir parmi l'offre de la FCP"
  int self_study_hours = 0;
  double days = 0;
  int training_moments = 0;
  int elective_periods = 0;        // periods chosen from the FCP offer (ECTS table)
  int a_la_carte_min_periods = 0;  // "Minimum 48 périodes" (detailed programme)
  std::string a_la_carte;          // the à-la-carte line, as printed
  std::vector<std::string> outcomes;
  std::vector<Ref> competencies;   // refs into frameworks, e.g. rc-num-so/3.1
  std::vector<Task> tasks;
  Markdown body;
  SourcePos pos;
  FieldPositions field_pos;  // where each front-matter key was
};

struct Competency {
  std::string code;
  std::string title;
  std::string description;
  std::vector<std::string> criteria;
  SourcePos pos;
};

struct Domain {
  std::string code;
  std::string title;
  std::string description;
  std::vector<Competency> competencies;
  SourcePos pos;
};

struct Framework {
  std::string id;
  std::string title;
  std::string short_title;
  std::string source;       // the document it comes from
  std::string source_url;
  std::string domain_label;      // what its top level is called: "Domaine", "Phase"
  std::string competency_label;  // and its second level: "Sous-domaine", "Item"
  std::vector<std::string> levels;
  Markdown body;
  std::vector<Domain> domains;
  SourcePos pos;
};

// A Markdown page of content/ (the programme is the page with id "programme").
struct Page {
  std::string id;
  std::string title;
  std::string subtitle;
  std::string description;
  Markdown body;
  SourcePos pos;
};

// Totals the programme states in prose; compared with the sums of the modules.
struct DeclaredTotal {
  double value = 0;
  SourcePos pos;
};

struct Programme {
  std::string title;
  std::string kind;        // "Certificate of Advanced Studies"
  std::string short_title; // "CAS CNE"
  std::string cohort;      // "2026-2028"
  std::string start;       // "2026-11"
  int semesters = 0;
  std::string credential;
  std::map<std::string, DeclaredTotal> declared_totals;  // ects, periods, self_study_hours
};

// A wall-clock time in the site's time zone, as typed ("2027-03-13 09:00").
struct LocalTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  auto operator<=>(const LocalTime&) const = default;
  bool operator==(const LocalTime&) const = default;
};

// Where and when a session was before a change (`from:` of a history entry),
// so pages can say « déplacée du … au … » without anyone retyping it.
struct FormerSlot {
  bool has_time = false;
  LocalTime start, end;
  Ref place;  // empty id: the place did not change
  bool filled = false;  // filled in by the build from the previous feed
  SourcePos pos;
};

struct HistoryEntry {
  LocalTime date;  // when the change was made (time optional, 00:00)
  std::string note;
  std::optional<FormerSlot> from;
  SourcePos pos;
  SourcePos date_pos;
};

// A dated session of the calendar. `id` is stable: it makes the event's UID,
// so a session keeps its identity in subscribers' calendars when it moves.
struct Session {
  std::string id;
  Ref module;
  std::string title;
  std::string description;
  LocalTime start;
  LocalTime end;
  Ref place;
  std::vector<Ref> speakers;
  SessionStatus status = SessionStatus::Confirmed;
  // Marked parallel (an option among others): may overlap other sessions.
  // Base sessions may not, since one cohort attends them all.
  bool parallel = false;
  std::vector<HistoryEntry> history;
  SourcePos pos;
  SourcePos start_pos, end_pos, status_pos;
};

struct CalendarConfig {
  LocalTime created;       // when the calendar was first published (DTSTAMP floor)
  LocalTime period_start;  // the programme's period; sessions outside are errors
  LocalTime period_end;
  bool has_period = false;
  std::string refresh = "PT12H";  // REFRESH-INTERVAL and X-PUBLISHED-TTL
  SourcePos pos;
};

// A file attached to a portfolio entry, checked and measured by load.
struct Attachment {
  std::string file;   // as typed, relative to the portfolio's folder
  std::string alt;    // required for images
  std::string title;  // link text for documents
  SourcePos pos;
  std::string source_path;  // relative to the source folder (Site::files), checked at load
  uintmax_t size = 0;
  std::string type;   // "image/png", "application/pdf", ...
  bool image = false;
  int width = 0, height = 0;
};

// Who may see a portfolio or an entry. Ordered: a larger value is more
// restricted, and an entry is never more visible than its portfolio.
enum class Visibility { Public = 0, Experts = 1, Private = 2 };

// A course « à la carte » (module 1: « Minimum 48 périodes ») as the
// participant declares it.
struct AlaCarteCourse {
  std::string id;     // unique in the portfolio; the HEP confirms it by this id
  std::string title;
  LocalTime date;
  int periods = 0;
  Ref module;         // defaults to the module with a_la_carte_min_periods
  Attachment attestation;
  SourcePos pos;
};

struct Entry {
  std::string slug;       // file name without .md: the URL segment
  std::string portfolio;  // slug of the owner
  std::string title;
  LocalTime date;
  Ref module;
  Ref task;
  std::string kind;
  std::vector<Ref> competencies;
  std::string status;  // "submitted" or empty: decisions are trainers' (Assessment)
  std::vector<Ref> coauthors;
  std::vector<Attachment> attachments;
  bool draft = false;
  Visibility visibility = Visibility::Public;
  std::string file;  // the source file, as loaded
  Markdown body;
  // One-shot builds drop the text after loading and read it again when the
  // page is rendered: half a million bodies need not sit in memory at once.
  bool body_on_disk = false;
  // The low half of its file's content hash in the build cache's input
  // record, when the entry was taken from the previous build's record
  // (load/entry_cache.h) rather than read: what a rebuild compares. 0: read.
  uint64_t recorded_hash = 0;
  SourcePos pos;
  FieldPositions field_pos;
};

struct Portfolio {
  std::string slug;
  std::string name;
  std::string school;
  std::string cohort;
  std::vector<std::string> owners;  // the names the server knows its writers by
  Visibility visibility = Visibility::Public;
  Markdown bio;
  std::string dir;     // the folder, as shown to users (with the source folder)
  std::string folder;  // the folder relative to the source folder: portfolios/<name>
  std::vector<Entry> entries;  // by date, then slug
  // Courses « à la carte » the participant declares (portfolio.yaml); they
  // count only once the HEP confirms them (ParticipantRecord). Experts only.
  std::vector<AlaCarteCourse> a_la_carte;
  // Coauthored entries of others this participant agrees to share
  // ("<portfolio>/<entry>"): without it, being named coauthor gives nothing.
  std::vector<Ref> coauthored;
  SourcePos pos;
};

// Equivalences between two frameworks: an entry tagged on one side also
// evidences the other side.
struct Crosswalk {
  std::string id;
  std::vector<std::pair<Ref, std::vector<Ref>>> pairs;
  SourcePos pos;
};

// The programme's certification conditions (seed 000, section 7), as data.
struct CertificationRules {
  bool present = false;
  double max_absence_percent = 20;  // of the calendar's sessions, justified
  std::vector<Ref> task_modules;    // modules whose every task must be acquired
  Ref portfolio_task;               // "<module>/<task>": the portfolio itself
  std::map<std::string, std::string> labels;  // rule id -> text as printed
  SourcePos pos;
};

struct Absence {
  Ref session;
  bool justified = false;  // required in the file: no default is safe
  SourcePos pos;
};

enum class DefenceState { None, Planned, Held };

// The HEP's confirmation of a declared à-la-carte course.
struct AlaCarteConfirmation {
  Ref course;       // AlaCarteCourse::id in the participant's portfolio
  int periods = 0;  // as attested; 0: as declared
  SourcePos pos;
};

// What the HEP records about one participant: absences, the defence,
// confirmed à-la-carte courses. Personal data: experts' build only.
struct ParticipantRecord {
  Ref participant;  // portfolio slug
  std::vector<Absence> absences;
  LocalTime defence;
  bool has_defence = false;
  DefenceState defence_state = DefenceState::None;  // planned until recorded as held
  DefenceOutcome defence_outcome = DefenceOutcome::None;  // held: passed or failed
  std::vector<AlaCarteConfirmation> a_la_carte;
  SourcePos pos;
};

enum class AssessmentStatus { Acquired, NotAcquired, ToRedo };

// A trainer's decision on one entry (content/assessments/<module>.yaml),
// kept by the HEP. `fingerprint` is the SHA-256 of the entry file and its
// attachments as validated (load/fingerprint.h): if the entry changes
// afterwards, the decision no longer holds.
struct Assessment {
  Ref participant;               // the entry's portfolio
  Ref entry;                     // entry slug in that portfolio
  Ref task;                      // the task it was assessed for
  std::string module;            // from the file name
  AssessmentStatus status = AssessmentStatus::NotAcquired;
  LocalTime date;
  Ref assessor;                  // a person with `trainer: true`
  std::vector<Ref> coauthors;    // coauthors this decision also counts for
  std::string fingerprint;       // "sha256:<hex>"
  Markdown feedback;
  SourcePos pos;
  SourcePos status_pos;
};

// Where a competency ref points: indexes into Site::frameworks.
struct CompetencyLocation {
  size_t framework = 0;
  size_t domain = 0;
  std::optional<size_t> competency;  // none: the ref names the domain itself
};

struct Site {
  std::string source_dir;
  // Every read of the sources goes through it (base/filesystem.h): no
  // symbolic link is followed, no path leaves the source folder.
  std::shared_ptr<const FileSystem> files;
  SiteConfig config;
  Programme programme;
  std::vector<Page> pages;  // pages[0] is the programme
  std::vector<Module> modules;
  std::vector<Place> places;
  std::vector<Person> people;
  std::vector<Framework> frameworks;
  std::vector<Session> sessions;  // in chronological order
  CalendarConfig calendar;
  std::vector<Portfolio> portfolios;  // by slug
  std::vector<Crosswalk> crosswalks;
  CertificationRules certification;
  std::vector<ParticipantRecord> records;  // content/attendance.yaml
  std::vector<Assessment> assessments;     // content/assessments/*.yaml, by file then order
  // The current fingerprint of every assessed entry ("portfolio/entry"),
  // computed at load: compared with the assessment's.
  std::map<std::string, std::string> entry_fingerprints;
  Visibility audience = Visibility::Public;  // set by restrict_to_audience

  // Look-ups, filled by load after everything is read.
  std::map<std::string, size_t> module_by_id;
  std::map<std::string, size_t> page_by_id;
  std::map<std::string, size_t> place_by_id;
  std::map<std::string, size_t> person_by_id;
  std::map<std::string, size_t> framework_by_id;
  std::map<std::string, CompetencyLocation> competency_by_ref;
  std::map<std::string, size_t> session_by_id;
  std::map<std::string, size_t> portfolio_by_slug;
  std::map<std::string, size_t> record_by_slug;
  // "portfolio/entry" -> indexes into assessments, in file order.
  std::map<std::string, std::vector<size_t>> assessments_by_entry;
  // Links that exist in the sources but not for this build's audience
  // ("portfolio:x", "entry:x/y"): rendered as plain text, never as errors.
  std::set<std::string> withheld;

  const Module* find_module(const std::string& id) const;
  const Framework* find_framework(const std::string& id) const;
  const CompetencyLocation* find_competency(const std::string& ref) const;
  const Session* find_session(const std::string& id) const;
  const Place* find_place(const std::string& id) const;
  const Person* find_person(const std::string& id) const;
  const Portfolio* find_portfolio(const std::string& slug) const;
  const Entry* find_entry(const std::string& portfolio, const std::string& entry) const;
  const ParticipantRecord* find_record(const std::string& slug) const;
  std::vector<std::string> module_ids() const;
  std::vector<std::string> competency_refs() const;
  std::vector<std::string> session_ids() const;
  std::vector<std::string> place_ids() const;
  std::vector<std::string> person_ids() const;
  std::vector<std::string> portfolio_slugs() const;
  void build_lookups();
};

// Keeps only what `audience` may see: drafts go, private content goes, and
// experts-only content goes unless the audience is experts. Done once, before
// the index is built, so no later stage can leak what it never receives.
void restrict_to_audience(Site& site, Visibility audience, bool keep_drafts = false);
// Whether restrict_to_audience keeps this entry of this portfolio.
bool visible_to(const Portfolio& p, const Entry& e, Visibility audience, bool keep_drafts);

bool parse_visibility(const std::string& text, Visibility& out);

// The framework site.yaml names for a role (SiteConfig::coverage_framework,
// certification_grid); none when the id is empty or names nothing.
const Framework* configured_framework(const Site& site, const Ref& ref);

// Title of a competency or domain a ref points at.
const std::string& competency_title(const Site& site, const CompetencyLocation& loc);
const std::string& competency_code(const Site& site, const CompetencyLocation& loc);

}  // namespace cartable
