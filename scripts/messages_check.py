"""Fail when the Simplified Chinese catalogue has an untranslated, fuzzy or malformed entry.

    python scripts/messages_check.py            # extract the source strings first, then check
    python scripts/messages_check.py --no-extract [FILE.po ...]

By default the project is copied to a temporary directory and `manage.py makemessages` runs there,
so strings added to the code since the catalogue was last updated count as untranslated, and the
working tree is never modified. That step needs GNU gettext (Debian package `gettext`).
With --no-extract only the catalogues as they are on disk are checked.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE_DIR = Path("locale") / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django.po", "djangojs.po")
# Not part of the project's sources; never copied or scanned.
SKIP = {".venv", ".git", "node_modules", "staticfiles", "media", "test-results", ".ruff_cache"}
MAKEMESSAGES_IGNORES = [".venv", "node_modules", "staticfiles", "media", "static/vendor", "bench"]


def catalogue_problems(path):
    """Every entry of one .po file that would not show in Chinese, as printable lines."""
    with open(path, "rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    problems = []
    if catalog.fuzzy:
        problems.append(f"{path}: the header is marked fuzzy, so the catalogue is not compiled")
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        where = f"{path}:{message.lineno}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"{where}: untranslated: {msgid!r}")
    # Placeholders (%(name)s, {name}) must match between the English and the Chinese text.
    for message, errors in catalog.check():
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if message.fuzzy or not message.string:
            continue
        problems += [f"{path}:{message.lineno}: {error}: {msgid!r}" for error in errors]
    return problems


def extracted_catalogues():
    """Copy the project, run makemessages in the copy, and return the copy's catalogue paths."""
    if shutil.which("xgettext") is None:
        sys.exit("messages check: GNU gettext is not installed (apt-get install gettext)")
    workdir = Path(tempfile.mkdtemp(prefix="civport-messages-"))
    copy = workdir / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=lambda directory, names: [
            n for n in names if n in SKIP or n.endswith((".sqlite3", ".pyc", ".mo"))
        ],
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civport.settings"}
    # The check reads no database or broker; keep a CI environment's services out of it.
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    ignores = [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    for domain in ("django", "djangojs"):
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-l", "zh_Hans", *ignores],
            cwd=copy,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return workdir, [copy / LANGUAGE_DIR / name for name in DOMAINS]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="catalogues to check")
    parser.add_argument(
        "--no-extract", action="store_true", help="check the catalogues on disk as they are"
    )
    args = parser.parse_args(argv)

    workdir = None
    if args.files:
        paths = args.files
    elif args.no_extract:
        paths = [BASE_DIR / LANGUAGE_DIR / name for name in DOMAINS]
    else:
        workdir, paths = extracted_catalogues()
    try:
        required = args.files or [paths[0]]
        missing = [path for path in required if not path.exists()]
        if missing:
            print(f"messages check: no catalogue at {', '.join(map(str, missing))}")
            return 1
        problems = []
        checked = 0
        for path in paths:
            if path.exists():
                checked += 1
                problems += catalogue_problems(path)
        if workdir is not None:
            # Report positions in the project's own file, not in the temporary copy.
            problems = [p.replace(str(workdir / "project") + os.sep, "") for p in problems]
        for problem in problems:
            print(problem)
        print(
            f"messages check: {len(problems)} problem(s) in {checked} zh_Hans catalogue(s)"
            + (" (after extracting the current source strings)" if workdir else "")
        )
        return 1 if problems else 0
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
