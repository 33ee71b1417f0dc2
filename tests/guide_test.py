#!/usr/bin/python3
"""docs/guide-participant.md against the message catalogue: its generated
table is what scripts/guide-messages writes from po/fr.po, and every message
its hand-written table quotes is one cartable prints (with values filled in,
or cut short by « … »).
Usage: guide_test.py SOURCE_DIR"""
import os
import re
import subprocess
import sys

import polib  # Debian python3-polib

source = sys.argv[1]
failures = []
check = subprocess.run(["/usr/bin/python3", os.path.join(source, "scripts", "guide-messages"), "--check"],
                       capture_output=True, text=True)
if check.returncode != 0:
    failures.append(check.stderr.strip() or "scripts/guide-messages --check failed")

po = polib.pofile(os.path.join(source, "po", "fr.po"))
forms = []
for e in po:
    if not e.obsolete:
        forms += list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]


def pattern(form):
    """A printed message as a regular expression: each {n} is some value."""
    parts = re.split(r"\{\d+\}", form.replace("{{", "{"))
    return ".+".join(re.escape(p) for p in parts)


def printed(text, cut_short):
    for form in forms:
        if re.fullmatch(pattern(form), text):
            return True
        if cut_short and any(re.fullmatch(pattern(form[:k]), text) for k in range(len(text) // 2, len(form))
                             if not re.search(r"\{\d*$", form[:k])):
            return True
    return False


with open(os.path.join(source, "docs", "guide-participant.md"), encoding="utf-8") as f:
    guide = f.read()
frequent = guide[guide.index("## 6."):guide.index("<!-- messages : début")]
quoted = 0
for line in frequent.splitlines():
    if not line.startswith("| `"):
        continue
    for text in re.findall(r"`([^`]+)`", line.split(" | ")[0]):
        text = text.removeprefix("conseil : ")
        quoted += 1
        if not printed(text.removesuffix(" …"), text.endswith(" …")):
            failures.append(f"docs/guide-participant.md quotes a message cartable does not print: {text!r}")

for f in failures:
    print(f)
print(f"{quoted} messages quoted by the guide, {len(failures)} problems")
sys.exit(1 if failures else 0)
