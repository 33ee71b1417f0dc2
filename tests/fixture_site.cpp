#include "fixture_site.h"

#include "load/load.h"

using namespace cartable;

namespace cartable_test {

namespace {

std::string module(const std::string& number, const std::string& title, const std::string& ects,
                   const std::string& periods, const std::string& hours, const std::string& competencies,
                   const std::string& task, const std::string& extra = "") {
  return "---\nnumber: " + number + "\ntitle: " + title + "\nects: " + ects + "\nperiods: " + periods +
         "\nself_study_hours: " + hours + "\ncompetencies: [" + competencies + "]\n" + extra + "tasks:\n  - id: " + task +
         "\n    title: Tâche " + task + "\n    kind: reflexive-text\n---\nLe module " + title + ".\n";
}

std::string entry(const std::string& title, const std::string& date, const std::string& module, const std::string& task,
                  const std::string& competencies, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: " + date + "\nmodule: " + module + "\ntask: " + task + "\ncompetencies: [" +
         competencies + "]\n" + extra + "---\nLe texte de " + title + ".\n";
}

}  // namespace

FixtureSite::FixtureSite() {
  add("site.yaml",
      "title: CAS fixture\nbase_url: https://example.org/cas/\nlanguage: fr\ntimezone: Europe/Zurich\n"
      "institution:\n  name: HEP fixture\n  address:\n    - Rue du Test 1\n    - 2500 Bienne\n"
      "calendar:\n  created: 2026-09-01\n");
  add("content/programme.md", "---\ntitle: Programme fixture\nprogramme:\n  kind: CAS\n  short_title: CAS FX\n---\nTexte.\n");
  add("content/places.yaml", "places:\n  - id: salle\n    name: Salle de test\n    short_name: ST\n");
  add("content/people.yaml", "people:\n  - id: tina\n    name: Tina Formatrice\n    trainer: true\n");
  add("content/certification.yaml", "max_absence_percent: 20\ntask_modules: [m1, m2]\nportfolio_task: tc/portfolio\n");
  add("content/frameworks/a.yaml",
      "id: a\ntitle: Référentiel A\ndomains:\n"
      "  - code: \"1\"\n    title: Domaine 1\n    competencies:\n"
      "      - code: \"1.1\"\n        title: Compétence 1.1\n      - code: \"1.2\"\n        title: Compétence 1.2\n"
      "  - code: \"2\"\n    title: Domaine 2\n    competencies:\n      - code: \"2.1\"\n        title: Compétence 2.1\n");
  add("content/frameworks/b.yaml",
      "id: b\ntitle: Référentiel B\ndomains:\n  - code: X\n    title: Domaine X\n    competencies:\n"
      "      - code: X.1\n        title: Compétence X.1\n      - code: X.2\n        title: Compétence X.2\n");
  add("content/crosswalks/a-b.yaml", "title: A ↔ B\nequivalences:\n  a/1.1: [b/X.1]\n");
  add("content/modules/m1.md", module("1", "Un", "4", "30", "40", "a/1.1, a/1.2", "t1"));
  add("content/modules/m2.md", module("2", "Deux", "6", "45", "60", "a/1.1, b/X.2", "t2"));
  add("content/modules/tc.md", module("3", "Travail certificatif", "2", "0", "50", "", "portfolio", "kind: certifying-work\n"));
  add("content/calendar.yaml",
      "sessions:\n"
      "  - id: s1\n    module: m1\n    title: Séance un\n    start: 2027-03-06 09:00\n    end: 2027-03-06 12:00\n    place: salle\n"
      "  - id: s2\n    module: m2\n    title: Séance deux\n    start: 2027-03-13 09:00\n    end: 2027-03-13 16:00\n    place: salle\n"
      "    history:\n      - date: 2026-10-01\n        note: Déplacée d'une journée.\n"
      "        from: {start: 2027-03-12 09:00, end: 2027-03-12 16:00, place: salle}\n"
      "  - id: s3\n    module: m2\n    title: Séance trois\n    start: 2027-03-20 09:00\n    end: 2027-03-20 12:00\n    place: salle\n"
      "    status: cancelled\n    history:\n      - date: 2026-10-15\n        note: Annulée.\n");
  add("portfolios/ana/portfolio.yaml", "name: Ana Exemple\n");
  add("portfolios/ana/a1.md", entry("Entrée a1", "2027-03-02", "m1", "t1", "a/1.1"));
  add("portfolios/ana/a2.md", entry("Entrée a2", "2027-03-05", "m2", "t2", "b/X.2"));
  add("portfolios/bob/portfolio.yaml", "name: Bob Exemple\n");
  add("portfolios/bob/b1.md", entry("Entrée b1", "2027-03-03", "m2", "t2", "b/X.1", "coauthors: [ana]\n"));
}

Site FixtureSite::load(Diagnostics& diags) const { return load_site(files, "site", diags); }

void IndexedFixture::load() {
  site = fixture.load(diags);
  EXPECT_FALSE(diags.has_errors()) << all_diagnostics(diags);
  index = std::make_unique<Index>(site);
}

std::string all_diagnostics(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.sorted()) out += format_diagnostic(d) + "\n";
  return out;
}

}  // namespace cartable_test
