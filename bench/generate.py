#!/usr/bin/python3
"""Synthetic portfolios for benchmarks: N participants x M entries of French
Markdown (headings, lists, a table, links, 3 competency tags each), written
from the same text both as a cartable site and as a Hugo site with
equivalent templates (entry pages, portfolio lists, competency taxonomy).

usage: generate.py N M OUT_DIR   (writes OUT_DIR/cartable and OUT_DIR/hugo)
Deterministic: the same N and M give the same bytes.
"""
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIRST = ["Camille", "Luca", "Inès", "Noé", "Léa", "Hugo", "Chloé", "Mathis", "Zoé", "Nathan", "Manon", "Théo",
         "Jade", "Louis", "Emma", "Arthur", "Lina", "Jules", "Sarah", "Gabriel"]
LAST = ["Rochat", "Ferrari", "Maillard", "Bühler", "Girard", "Monnier", "Schaller", "Froidevaux", "Boillat",
        "Chapuis", "Jeanneret", "Perrin", "Vuilleumier", "Gerber", "Aubry", "Queloz"]
SENTENCES = [
    "Les élèves ont travaillé en binômes sur des tablettes partagées.",
    "La séquence articule les usages, les médias et la science informatique.",
    "J'ai observé une nette progression de l'autonomie au fil des séances.",
    "Le dispositif a été discuté avec la direction avant sa mise en œuvre.",
    "Les collègues ont testé l'activité dans trois classes de degrés différents.",
    "La protection des données a guidé le choix des outils.",
    "Un temps de régulation a permis d'ajuster les consignes.",
    "Les productions ont été publiées sur l'environnement numérique cantonal.",
    "Le retour des élèves montre l'intérêt d'un travail plus collaboratif.",
    "La différenciation passe par des défis de difficulté croissante.",
    "Nous avons documenté chaque étape pour pouvoir reproduire l'atelier.",
    "Le matériel a été préparé la veille et un plan de secours était prêt.",
]
TASKS = {
    "m1": ["identite-mandat", "environnements", "ressources-ednum"],
    "m2": ["strategie", "veille"],
    "m3": ["infrastructure", "communication", "prevention"],
    "m4": ["formation", "accompagnement"],
}
CODES = ["1.0", "1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "6.0", "6.1", "6.2", "6.3"]
# Participants only submit: decisions are the trainers' (content/assessments).
STATUSES = ["submitted"]


def body(rng, n):
    parts = [f"## Contexte\n\n{' '.join(rng.sample(SENTENCES, 3))}\n",
             "## Déroulement\n\n" + "\n".join(f"- {s}" for s in rng.sample(SENTENCES, 4)) + "\n",
             "| Étape | Durée | Matériel |\n|---|---|---|\n"
             + "\n".join(f"| Étape {i} | {rng.randint(10, 60)} min | {rng.choice(['tablettes', 'ordinateurs', 'robots', 'papier'])} |"
                         for i in range(1, 5)) + "\n",
             f"## Retour réflexif\n\n{' '.join(rng.sample(SENTENCES, 4))} Voir aussi "
             f"[le plan d'études](https://portail.ciip.ch/per/domains/8) et la trace n° {n}.\n"]
    return "\n".join(parts)


def main():
    n, m, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(n * 1000003 + m)
    cart, hugo = os.path.join(out, "cartable"), os.path.join(out, "hugo")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(cart)
    shutil.copy(os.path.join(ROOT, "site.yaml"), cart)
    for d in ("content", "themes"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(cart, d))
    os.remove(os.path.join(cart, "content", "attendance.yaml"))  # it names the example participants
    os.makedirs(os.path.join(hugo, "content", "portfolios"))
    shutil.copytree(os.path.join(ROOT, "bench", "hugo-site", "layouts"), os.path.join(hugo, "layouts"))
    shutil.copy(os.path.join(ROOT, "bench", "hugo-site", "config.toml"), hugo)

    for p in range(n):
        slug = f"p{p:05d}"
        name = f"{FIRST[p % len(FIRST)]} {LAST[(p // len(FIRST)) % len(LAST)]} {p}"
        pdir = os.path.join(cart, "portfolios", slug)
        hdir = os.path.join(hugo, "content", "portfolios", slug)
        os.makedirs(pdir)
        os.makedirs(hdir)
        with open(os.path.join(pdir, "portfolio.yaml"), "w") as f:
            f.write(f"name: {name}\nschool: École {p % 97}\ncohort: 2026-2028\n")
        with open(os.path.join(hdir, "_index.md"), "w") as f:
            f.write(f"---\ntitle: \"{name}\"\n---\n")
        for e in range(m):
            module = rng.choice(sorted(TASKS))
            task = rng.choice(TASKS[module])
            codes = rng.sample(CODES, 3)
            title = f"Trace {e + 1} : {rng.choice(SENTENCES)[:-1]}"
            date = f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            status = rng.choice(STATUSES)
            text = body(rng, e + 1)
            with open(os.path.join(pdir, f"e{e:03d}.md"), "w") as f:
                f.write(f"---\ntitle: \"{title}\"\ndate: {date}\nmodule: {module}\ntask: {task}\n"
                        f"competencies: [{', '.join('rc-num-so/' + c for c in codes)}]\nstatus: {status}\n---\n{text}")
            with open(os.path.join(hdir, f"e{e:03d}.md"), "w") as f:
                f.write(f"---\ntitle: \"{title}\"\ndate: {date}\nmodule: {module}\ntask: {task}\n"
                        f"competencies: [{', '.join(codes)}]\nstatus: {status}\n---\n{text}")


if __name__ == "__main__":
    main()
