#!/usr/bin/python3
"""The message catalogues against the code: every tr()/trn() message of
generator/ is in po/<lang>.po, translated and not fuzzy, with the same {1},
{2}... placeholders, and no English sentence was left in a translation;
each says who meets it (a translator comment `audience: ...`).
Usage: po_test.py SOURCE_DIR"""
import os
import re
import subprocess
import sys
import tempfile

import polib  # Debian python3-polib

source = sys.argv[1]
failures = []

sources = []
for root, _, files in os.walk(os.path.join(source, "generator")):
    sources += [os.path.relpath(os.path.join(root, f), source) for f in files
                if f.endswith(".cpp") and not f.endswith("_test.cpp")]
with tempfile.TemporaryDirectory() as tmp:
    pot_path = os.path.join(tmp, "cartable.pot")
    subprocess.run(["xgettext", "--language=C++", "--from-code=UTF-8", "--keyword=", "--keyword=tr:1",
                    "--keyword=trn:1,2", "--keyword=term:1", "--output=" + pot_path] + sorted(sources), cwd=source, check=True)
    code_ids = {(e.msgid, e.msgid_plural) for e in polib.pofile(pot_path)}

# Words of English sentences; French never uses them on their own. Text in
# quotes, backquotes or « » (field names, commands, values) is skipped.
ENGLISH = set("""the is are not must of with this that cannot unknown missing should write found file
has have does did you mean your which there only already here nothing written error errors warning hint
and to be it its at by for from as an no use add remove instead""".split())
QUOTED = re.compile(r"'[^']*'|`[^`]*`|«[^»]*»|\"[^\"]*\"|\{\d+\}|--[a-z-]+|\S+\.(?:md|yaml|json|png|txt)\b|[a-z-]+:|[A-Za-z]+(?:-[A-Za-z]+)+")

def placeholders(s):
    return sorted(set(re.findall(r"\{\d+\}", s)))

for po_path in sorted(p for p in os.listdir(os.path.join(source, "po")) if p.endswith(".po")):
    po = polib.pofile(os.path.join(source, "po", po_path))
    ids = {(e.msgid, e.msgid_plural): e for e in po if not e.obsolete}
    for key in sorted(code_ids - set(ids)):
        failures.append(f"{po_path}: missing {key[0]!r} (run scripts/update-po)")
    for key, e in sorted(ids.items()):
        if key not in code_ids:
            failures.append(f"{po_path}: {e.msgid!r} is no longer in the code (run scripts/update-po)")
        # Who meets it decides whether the participants' guide lists it
        # (scripts/guide-messages): a new message must be classified.
        if not re.search(r"^audience: (participant (message|hint)|hep (message|hint)|term)$", e.tcomment or "", re.M):
            failures.append(f"{po_path}: {e.msgid!r} has no translator comment 'audience: participant message', "
                            "'participant hint', 'hep message', 'hep hint' or 'term'")
        if "fuzzy" in e.flags or not e.translated():
            failures.append(f"{po_path}: {e.msgid!r} is not translated")
            continue
        forms = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for form in forms:
            if e.msgid_plural:
                wanted = placeholders(e.msgid) if placeholders(e.msgid) == placeholders(e.msgid_plural) else None
            else:
                wanted = placeholders(e.msgid)
            if wanted is not None and placeholders(form) != wanted:
                failures.append(f"{po_path}: {form!r} does not use the placeholders {wanted} of {e.msgid!r}")
            words = re.findall(r"[^\W\d_]+", QUOTED.sub(" ", form))  # whole words: "notée" is not "not"
            english = [w for w in words if w in ENGLISH]
            if english:
                failures.append(f"{po_path}: English left in {form!r}: {english}")

for f in failures:
    print(f)
print(f"{len(code_ids)} messages in the code, {len(failures)} problems")
sys.exit(1 if failures else 0)
