#!/usr/bin/env python3
"""Fails when a translation catalogue (locale/<lang>/LC_MESSAGES/django.po) is not complete:

1. `msgfmt --check --statistics` finds an untranslated or fuzzy entry, or a format error (a
   %(name)s placeholder lost or misspelt);
2. the strings marked in the code differ from the catalogue's: `makemessages` is run, with the
   options given on the command line, in a temporary copy of the sources (the checked-out
   catalogue is never touched), and its entries are compared with the catalogue's. A string
   marked but missing from the catalogue fails; so does an entry whose string left the code.

Usage (see the Makefile's i18n-check): python .ci/i18n_check.py makemessages --locale=ar ...
The fix, in both cases: `make messages`, then translate the new entries (no fuzzy, no empty msgstr).
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = "LC_MESSAGES/django.po"
# Not sources: never copied for the extraction (the options' --ignore still apply to the rest).
NOT_SOURCES = (
    ".git",
    ".venv",
    ".tools",
    "node_modules",
    "var",
    "media",
    "staticfiles",
    "test-results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "*.mo",
)
SHOWN = 20


def entries(path: Path) -> set[tuple[str | None, str, str | None]]:
    """The (msgctxt, msgid, msgid_plural) of the live entries of a .po file (not the header, not
    the obsolete #~ ones)."""
    found = set()
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            found.add((fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural")))
    return found


def label(entry: tuple[str | None, str, str | None]) -> str:
    context, msgid, _plural = entry
    text = msgid if len(msgid) <= 100 else msgid[:97] + "..."
    return f"[{context}] {text!r}" if context else repr(text)


def check_statistics(po: Path) -> list[str]:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],  # noqa: S607 - msgfmt from PATH
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    problems = []
    if result.returncode != 0:
        problems.append(f"msgfmt --check refuses {po.relative_to(ROOT)}:\n{output}")
    elif "untranslated" in output or "fuzzy" in output:
        problems.append(f"{po.relative_to(ROOT)}: {output}")
    return problems


def check_extraction(catalogues: list[Path], command: list[str]) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory(prefix="i18n-check-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCES), symlinks=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "expertise.settings.test"),
        }
        result = subprocess.run(  # noqa: S603 - the Makefile's makemessages options
            [sys.executable, "manage.py", *command], cwd=copy, capture_output=True, text=True, env=env, check=False
        )
        if result.returncode != 0:
            return [f"makemessages failed:\n{result.stdout}{result.stderr}"]
        for po in catalogues:
            fresh = copy / po.relative_to(ROOT)
            marked, catalogued = entries(fresh), entries(po)
            missing, stale = sorted(marked - catalogued, key=str), sorted(catalogued - marked, key=str)
            for kind, items in (
                ("marked in the code but missing from", missing),
                ("no longer in the code, still in", stale),
            ):
                if items:
                    shown = "\n".join(f"  {label(item)}" for item in items[:SHOWN])
                    more = f"\n  ... and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
                    problems.append(f"{len(items)} string(s) {kind} {po.relative_to(ROOT)}:\n{shown}{more}")
    return problems


def main(argv: list[str]) -> int:
    if shutil.which("msgfmt") is None:
        print("msgfmt is missing: install Debian's gettext (make system-test does).", file=sys.stderr)
        return 2
    catalogues = sorted((ROOT / "locale").glob(f"*/{CATALOGUE}"))
    if not catalogues:
        print("No catalogue under locale/.", file=sys.stderr)
        return 1
    problems = [problem for po in catalogues for problem in check_statistics(po)]
    if argv:
        problems += check_extraction(catalogues, argv)
    if problems:
        print("\n\n".join(problems), file=sys.stderr)
        print("\nRun `make messages`, then translate every new entry (no fuzzy, no empty msgstr).", file=sys.stderr)
        return 1
    print(f"Catalogues complete: {', '.join(str(po.relative_to(ROOT)) for po in catalogues)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
