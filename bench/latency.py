#!/usr/bin/python3
"""Save-to-written latency of `cartable serve`: edit one entry of a generated
site and time until its page in the output holds the new text.

usage: bench/latency.py SITE_DIR [EDITS]   (SITE_DIR from bench/generate.py: its cartable/)
"""
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    site = pathlib.Path(sys.argv[1])
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    out = pathlib.Path(tempfile.mkdtemp()) / "site"
    entries = sum(1 for _ in (site / "portfolios").glob("*/*.md"))
    server = subprocess.Popen([str(ROOT / "build/cartable"), "serve", "--source", str(site), "--port", "0",
                               "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        if "serving" not in line:
            sys.exit("serve did not start: " + line)
        target = sorted((site / "portfolios").glob("*/*.md"))[len(list((site / "portfolios").glob("*/*.md"))) // 2]
        page = out / "portfolios" / target.parent.name / target.stem / "index.html"
        times = []
        original = target.read_text()
        for i in range(edits):
            marker = f"Modification numéro {i} {time.time_ns()}"
            time.sleep(0.3)  # let the previous rebuild settle
            start = time.perf_counter()
            target.write_text(original + f"\n{marker}\n")
            while True:
                try:
                    if marker in page.read_text():
                        break
                except FileNotFoundError:
                    pass
                if time.perf_counter() - start > 10:
                    sys.exit("timed out waiting for the page")
                time.sleep(0.0005)
            times.append((time.perf_counter() - start) * 1000)
        target.write_text(original)
        print(f"{entries} entries, {edits} edits: save-to-written median {statistics.median(times):.1f} ms, "
              f"min {min(times):.1f} ms, max {max(times):.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
