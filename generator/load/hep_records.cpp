#include "load/hep_records.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/filesystem.h"
#include "base/text.h"
#include "load/fingerprint.h"
#include "load/load.h"
#include "model/near_miss.h"
#include "load/yaml_util.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

std::string shown(const std::string& root, const std::string& rel) {
  return (fs::path(root) / rel).lexically_normal().generic_string();
}

std::optional<YAML::Node> read_yaml(const Site& site, const std::string& root, const std::string& rel,
                                    YamlSource& src, Diagnostics& diags) {
  src = {shown(root, rel), 1};
  std::string text;
  if (!read_text(*site.files, root, rel, text, diags)) return std::nullopt;
  return parse_yaml(text, src, diags);
}

const std::vector<std::string> kAssessmentStatuses = {"acquired", "not-acquired", "to-redo"};

void load_absences(Fields& pf, ParticipantRecord& r, Diagnostics& diags) {
  pf.for_each_item(
      "absences", term("absence"),
      [&](Fields& af) {
        Absence abs;
        abs.pos = af.pos();
        abs.session = {af.str("session", true), af.pos_of("session")};
        // « au maximum 20% d'absence justifiée »: an unjustified absence fails
        // the condition, so guessing either way would be wrong.
        if (!af.has("justified")) {
          diags.error(abs.pos, tr("absence from '{1}': missing required field 'justified'", abs.session.id),
                      tr("write justified: true or justified: false"));
        }
        abs.justified = af.boolean("justified", false);
        r.absences.push_back(std::move(abs));
      },
      {tr("participant: 'absences' must be a list"),
       tr("write each absence on a line starting with '- session:', then 'justified:' below, indented")});
}

void load_defence(Fields& pf, const YamlSource& src, ParticipantRecord& r, Diagnostics& diags) {
  YAML::Node d = pf.node("defence");
  if (!d.IsDefined() || d.IsNull()) return;
  if (d.IsScalar()) {  // a date alone: planned
    r.has_defence = parse_local_time(d.Scalar(), true, r.defence, yaml_pos(src, d), diags);
    r.defence_state = r.has_defence ? DefenceState::Planned : DefenceState::None;
    return;
  }
  Fields df(d, src, diags, term("defence"));
  if (!df.ok()) return;
  r.has_defence = parse_local_time(df.str("date", true), true, r.defence, df.pos_of("date"), diags);
  r.defence_state = DefenceState::Planned;
  if (df.boolean("held", false)) {
    r.defence_state = DefenceState::Held;
    std::string outcome = df.str("outcome");
    if (outcome.empty() || !parse_defence_outcome(outcome, r.defence_outcome)) {
      diags.error(df.pos_of(df.has("outcome") ? "outcome" : "held"),
                  outcome.empty() ? tr("a defence recorded as held needs its outcome")
                                  : tr("unknown defence outcome '{1}'", outcome),
                  tr("write outcome: passed or outcome: failed"));
    }
  } else if (df.has("outcome")) {
    df.str("outcome");
    diags.error(df.pos_of("outcome"), tr("a defence has an outcome only once it is held"), tr("add held: true"));
  }
}

void load_confirmations(Fields& pf, ParticipantRecord& r) {
  pf.for_each_item(
      "a_la_carte", term("confirmed course"),
      [&](Fields& cf) {
        AlaCarteConfirmation c;
        c.pos = cf.pos();
        c.course = {cf.str("course", true), cf.pos_of("course")};
        c.periods = cf.integer("periods", false, 0);
        r.a_la_carte.push_back(std::move(c));
      },
      {tr("participant: 'a_la_carte' must be a list of confirmed courses"),
       tr("write each course on a line starting with '- course:', then its other fields below, indented")});
}

Assessment load_assessment(Fields& f, const std::string& module, Diagnostics& diags) {
  Assessment a;
  a.module = module;
  a.pos = f.pos();
  a.participant = {f.str("participant", true), f.pos_of("participant")};
  a.entry = {f.str("entry", true), f.pos_of("entry")};
  a.task = {f.str("task", true), f.pos_of("task")};
  std::string status = f.str("status", true);
  a.status_pos = f.pos_of("status");
  if (!status.empty() && !parse_assessment_status(status, a.status)) {
    Text hint = did_you_mean(status, kAssessmentStatuses);
    diags.error(a.status_pos, tr("unknown assessment status '{1}'", status),
                hint.empty() ? tr("write acquired, not-acquired or to-redo") : hint);
  }
  std::string date = f.str("date", true);
  if (!date.empty()) parse_local_time(date, true, a.date, f.pos_of("date"), diags);
  a.assessor = {f.str("assessor", true), f.pos_of("assessor")};
  for (auto& [slug, pos] : f.str_list_pos("coauthors")) a.coauthors.push_back({slug, pos});
  a.fingerprint = f.str("fingerprint", true);
  if (!a.fingerprint.empty() && (a.fingerprint.rfind("sha256:", 0) != 0 || a.fingerprint.size() != 7 + 64)) {
    diags.error(f.pos_of("fingerprint"), tr("fingerprint must be sha256: and 64 hexadecimal digits"),
                tr("let `cartable assess` write it"));
  }
  a.feedback = {f.str("feedback"), f.pos_of("feedback")};
  return a;
}

void load_assessment_file(Site& site, const std::string& root, const std::string& rel, const std::string& module,
                          Diagnostics& diags) {
  YamlSource src;
  auto doc = read_yaml(site, root, rel, src, diags);
  if (!doc) return;
  Fields top(*doc, src, diags, term("assessments file"));
  if (!top.ok()) return;
  top.for_each_item(
      "assessments", term("assessment"), [&](Fields& f) { site.assessments.push_back(load_assessment(f, module, diags)); },
      {tr("'assessments' must be a list"), tr("let `cartable assess` write this file")});
}

std::string entry_key(const std::string& portfolio, const std::string& entry) { return portfolio + "/" + entry; }

}  // namespace

void load_attendance(Site& site, const std::string& root, Diagnostics& diags) {
  const std::string rel = "content/attendance.yaml";
  FileInfo info;
  if (site.files->stat(rel, &info).status == FileStatus::Missing) return;
  YamlSource src;
  auto doc = read_yaml(site, root, rel, src, diags);
  if (!doc) return;
  Fields f(*doc, src, diags, term("attendance.yaml"));
  if (f.node("participants").IsNull()) return;  // `participants:` and nobody recorded yet
  f.for_each_item(
      "participants", term("participant"),
      [&](Fields& pf) {
        ParticipantRecord r;
        r.pos = pf.pos();
        r.participant = {pf.str("participant", true), pf.pos_of("participant")};
        load_defence(pf, src, r, diags);
        load_absences(pf, r, diags);
        load_confirmations(pf, r);
        site.records.push_back(std::move(r));
      },
      {tr("attendance.yaml: 'participants' must be a list"),
       tr("write each participant on a line starting with '- participant:', then the other fields below, indented")},
      Presence::Required);
}

void load_assessments(Site& site, const std::string& root, Diagnostics& diags) {
  std::vector<FolderEntry> entries;
  FileResult listed = site.files->list("content/assessments", &entries);
  if (listed.status == FileStatus::Missing) return;
  if (!listed) {
    report_file_error(listed, shown(root, listed.at), {shown(root, listed.at), 0, 0}, diags);
    return;
  }
  for (const FolderEntry& e : entries) {
    if (e.name.empty() || e.name[0] == '.' || e.name.size() <= 5 || e.name.substr(e.name.size() - 5) != ".yaml") continue;
    std::string rel = "content/assessments/" + e.name;
    if (e.kind != FileKind::File) {
      report_file_error({FileStatus::Link, rel}, shown(root, rel), {shown(root, rel), 0, 0}, diags);
      continue;
    }
    load_assessment_file(site, root, rel, e.name.substr(0, e.name.size() - 5), diags);
  }
}

void fingerprint_assessed_entries(Site& site) {
  for (const Assessment& a : site.assessments) {
    std::string key = entry_key(a.participant.id, a.entry.id);
    if (site.entry_fingerprints.count(key)) continue;
    const Portfolio* p = site.find_portfolio(a.participant.id);
    const Entry* e = p ? site.find_entry(a.participant.id, a.entry.id) : nullptr;
    if (!e) continue;
    site.entry_fingerprints[key] = entry_fingerprint(*site.files, *p, *e).value_or("");
  }
}

void check_hep_records(const Site& site, Diagnostics& diags) {
  // An assessment outlives what it assessed: a participant may rename,
  // move or delete the entry. That must not stop the HEP's build, so those
  // are warnings (the decision no longer counts); the HEP's own mistakes
  // (unknown assessor, someone who is not a trainer) are errors.
  for (const Assessment& a : site.assessments) {
    const Person* who = site.find_person(a.assessor.id);
    if (!who) {
      diags.error(a.assessor.pos, tr("unknown person '{1}'", a.assessor.id),
                  hint_or(did_you_mean(a.assessor.id, site.person_ids()), tr("people are listed in content/people.yaml")));
    } else if (!who->trainer) {
      diags.error(a.assessor.pos, tr("{1} is not a trainer", who->name),
                  tr("only people with trainer: true in content/people.yaml validate entries"));
    }
    const Portfolio* p = site.find_portfolio(a.participant.id);
    if (!p) {
      diags.warning(a.participant.pos, tr("assessment of an unknown participant '{1}': it counts for nobody", a.participant.id),
                    hint_or(did_you_mean(a.participant.id, site.portfolio_slugs()),
                            tr("write the participant's portfolio folder name")));
      continue;
    }
    const Entry* e = site.find_entry(p->slug, a.entry.id);
    if (!e) {
      std::vector<std::string> slugs;
      for (const Entry& x : p->entries) slugs.push_back(x.slug);
      Text hint = did_you_mean(a.entry.id, slugs);
      diags.warning(a.entry.pos,
                    tr("portfolio {1} has no entry '{2}' any more: this assessment counts for nothing", p->slug, a.entry.id),
                    hint.empty() ? tr("if the participant renamed it, assess the new entry with `cartable assess`") : hint);
      continue;
    }
    if (e->module.id != a.module || e->task.id != a.task.id) {
      diags.warning(a.task.pos,
                    tr("entry {1} now answers {2}, not {3}: this assessment no longer counts", p->slug + "/" + e->slug,
                       e->module.id + "/" + e->task.id, a.module + "/" + a.task.id),
                    tr("assess it again with `cartable assess` (it goes in content/assessments/{1}.yaml)", e->module.id));
    }
    for (const Ref& c : a.coauthors) {
      bool named = std::any_of(e->coauthors.begin(), e->coauthors.end(), [&](const Ref& r) { return r.id == c.id; });
      if (!named) {
        diags.error(c.pos, tr("'{1}' is not a coauthor of {2}", c.id, p->slug + "/" + e->slug),
                    tr("name only people listed in the entry's coauthors:"));
      }
    }
  }
  for (const ParticipantRecord& r : site.records) {
    const Portfolio* p = site.find_portfolio(r.participant.id);
    for (const AlaCarteConfirmation& c : r.a_la_carte) {
      if (!p) break;
      bool declared = std::any_of(p->a_la_carte.begin(), p->a_la_carte.end(),
                                  [&](const AlaCarteCourse& d) { return d.id == c.course.id; });
      if (!declared) {
        std::vector<std::string> ids;
        for (const AlaCarteCourse& d : p->a_la_carte) ids.push_back(d.id);
        diags.warning(c.course.pos,
                      tr("{1} declares no à-la-carte course '{2}': this confirmation counts for nothing", p->slug, c.course.id),
                      hint_or(did_you_mean(c.course.id, ids), tr("the participant declares it under a_la_carte: in portfolio.yaml")));
      }
    }
  }
  for (const Portfolio& p : site.portfolios) {
    std::set<std::string> ids;
    for (const AlaCarteCourse& c : p.a_la_carte) {
      if (!c.id.empty() && !ids.insert(c.id).second) {
        diags.error(c.pos, tr("à-la-carte course '{1}' is declared twice", c.id), tr("give each course its own id"));
      }
      if (!c.module.id.empty() && !site.find_module(c.module.id)) {
        diags.error(c.module.pos, tr("unknown module '{1}'", c.module.id), module_hint(site, c.module.id));
      }
    }
    for (const Ref& ref : p.coauthored) {
      auto slash = ref.id.find('/');
      const Entry* e = slash == std::string::npos ? nullptr : site.find_entry(ref.id.substr(0, slash), ref.id.substr(slash + 1));
      bool names_me = e && std::any_of(e->coauthors.begin(), e->coauthors.end(), [&](const Ref& r) { return r.id == p.slug; });
      bool elsewhere = !site.config.catalogue.empty() && slash != std::string::npos &&
                       !site.find_portfolio(ref.id.substr(0, slash));
      if (elsewhere) {
        // A portfolio-only repository holds one portfolio: the HEP's build checks this one.
        diags.warning(ref.pos, tr("'{1}' is in a portfolio that is not in this repository: not checked here", ref.id),
                      tr("nothing to do if the spelling is right: the HEP's build checks it"));
      } else if (!names_me) {
        diags.error(ref.pos, tr("'{1}' is not an entry that names {2} as coauthor", ref.id, p.slug),
                    tr("write <portfolio>/<entry> of a group work whose coauthors: list you"));
      }
    }
  }
}

}  // namespace cartable
