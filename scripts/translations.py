"""The translation catalogues under ``locale/<language>/LC_MESSAGES/django.po``.

    python scripts/translations.py messages [-l fr ...]   regenerate from the code (make messages)
    python scripts/translations.py compile                build the .mo files Django reads
    python scripts/translations.py check                  what is missing in each catalogue

``messages`` updates every catalogue already in ``locale/``; ``-l`` starts a new one. The
options never change, so a regenerated catalogue differs only where the code did. A
catalogue's presence is what offers its language (``LANGUAGES`` in the settings), and
``tests/i18n`` fails while an offered catalogue is not whole.
"""

import argparse
import contextlib
import fcntl
import gettext
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
# What makemessages reads: the project's code and templates, not its tests or benchmarks.
IGNORE = [".venv/*", "bench/*", "tests/*"]
MAKEMESSAGES_OPTIONS = {"no_obsolete": True, "add_location": "file", "ignore_patterns": IGNORE}

# How many plural forms each language has (gettext's and CLDR's counts; Spanish and Russian
# catalogues in use have either the classic or the CLDR count, and both are right).
PLURAL_FORMS = {
    "fr": {2, 3},
    "es": {2, 3},
    "de": {2},
    "ar": {6},
    "ru": {3, 4},
    "zh_Hans": {1},
}

PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifgeExXorcu%]")
BRACES = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _literal(quoted: str) -> str:
    # A PO string is a C string: decode its escapes, keep every other character as it is.
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), quoted.strip()[1:-1])


def parse(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """(header, entries) of a PO file; obsolete (``#~``) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target = ("msgid", 0)
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        # An entry starts at its msgctxt, or at a msgid that does not follow one.
        if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or entry.msgstr)):
            entry = Entry(msgid="", flags=flags)
            entries.append(entry)
            flags = set()
        if entry is None:
            raise ValueError(f"{path}: text before the first msgid: {line!r}")
        if keyword.startswith("msgstr"):
            target = ("msgstr", int(keyword[7:-1]) if "[" in keyword else 0)
            entry.msgstr[target[1]] = ""
        elif keyword:
            target = (keyword, 0)
            setattr(entry, keyword, "")
        text = _literal(rest)
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += text
        else:
            setattr(entry, target[0], getattr(entry, target[0]) + text)
    header_entry = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    header: dict[str, str] = {}
    if header_entry is not None:
        entries.remove(header_entry)
        for line in header_entry.msgstr.get(0, "").splitlines():
            name, _, value = line.partition(":")
            header[name.strip()] = value.strip()
    return header, entries


def placeholders(text: str, flags: set[str]) -> Counter:
    found: Counter = Counter()
    if "python-format" in flags:
        found.update(m.group(0) for m in PERCENT.finditer(text) if m.group(0) != "%%")
    if "python-brace-format" in flags:
        found.update(m.group(0) for m in BRACES.finditer(text))
    return found


def _plural_problems(header: dict[str, str], language: str) -> tuple[int, list[str]]:
    rule = header.get("Plural-Forms", "")
    match = re.match(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", rule)
    if not match:
        return 0, [f"Plural-Forms missing or unreadable: {rule!r}"]
    count, expression = int(match.group(1)), match.group(2)
    allowed = PLURAL_FORMS.get(language)
    problems = []
    if allowed is not None and count not in allowed:
        problems.append(f"Plural-Forms has {count} forms; {language} has {sorted(allowed)}")
    try:
        choose = gettext.c2py(expression)
    except ValueError:
        return count, [*problems, f"plural expression does not parse: {expression!r}"]
    used = {choose(n) for n in range(0, 1_000_001, 1) if n < 300 or n % 1000 == 0}
    if not used <= set(range(count)) or (count > 1 and len(used) < min(count, 3)):
        problems.append(f"plural expression gives forms {sorted(used)} of {count}")
    return count, problems


def problems(path: Path, *, language: str, expected: set[tuple[str | None, str]] | None = None):
    """Every reason the catalogue at ``path`` is not whole, one line each (an empty list
    when it is): untranslated, fuzzy, placeholders not kept, a plural form missing or the
    wrong number of them, and with ``expected`` each msgid the code has that it lacks."""
    header, entries = parse(path)
    count, found = _plural_problems(header, language)
    for entry in entries:
        label = repr(entry.msgid[:60])
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
        if entry.msgid_plural:
            forms = [entry.msgstr.get(i, "") for i in range(max(count, 1))]
            if set(entry.msgstr) != set(range(count)):
                found.append(f"{len(entry.msgstr)} plural forms instead of {count}: {label}")
        else:
            forms = [entry.msgstr.get(0, "")]
        if not all(form.strip() for form in forms):
            found.append(f"untranslated: {label}")
            continue
        wanted = placeholders(entry.msgid_plural or entry.msgid, entry.flags)
        for form in forms:
            given = placeholders(form, entry.flags)
            if entry.msgid_plural:
                # A form for one thing may leave the count out ("un fichier"), nothing else.
                missing = wanted - given
                if given - wanted or sum(missing.values()) > 1:
                    found.append(f"placeholders {dict(given)} instead of {dict(wanted)}: {label}")
            elif given != wanted:
                found.append(f"placeholders {dict(given)} instead of {dict(wanted)}: {label}")
    if expected is not None:
        lacking = expected - {entry.key for entry in entries}
        found += [f"not in the catalogue: {msgid[:60]!r}" for _ctxt, msgid in sorted(lacking)]
    return found


def catalogue_languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The locale names (``fr``, ``zh_Hans``) that have a catalogue."""
    return sorted(p.parent.parent.name for p in locale_dir.glob("*/LC_MESSAGES/django.po"))


@contextlib.contextmanager
def _makemessages_alone() -> Iterator[None]:
    """One makemessages at a time in this tree: it writes a temporary ``.py`` beside each
    template it reads and deletes it after, so two at once (two test workers, or ``make
    messages`` during a test run) delete each other's files. Run from the project's folder."""
    lock = BASE_DIR / "var" / "makemessages.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as handle, contextlib.chdir(BASE_DIR):
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def extract(*, into: Path) -> Path:
    """Write what makemessages finds in the code to ``into/django.pot`` (Django set up)."""
    from django.core.management import call_command
    from django.core.management.commands.makemessages import Command as MakeMessages
    from django.test import override_settings

    class Extract(MakeMessages):
        def find_files(self, root: str) -> list:
            # Every file's strings go to ``into``, never to the project's own locale/.
            files = super().find_files(root)
            for file in files:
                file.locale_dir = self.default_locale_path
            return files

    with _makemessages_alone(), override_settings(LOCALE_PATHS=[str(into)]):
        call_command(Extract(), keep_pot=True, exclude=["en"], verbosity=0, **MAKEMESSAGES_OPTIONS)
    return into / "django.pot"


def code_msgids() -> set[tuple[str | None, str]]:
    """(context, msgid) of every string the code marks for translation."""
    with tempfile.TemporaryDirectory() as folder:
        _header, entries = parse(extract(into=Path(folder)))
    return {entry.key for entry in entries}


def _catalogues() -> list[Path]:
    return [LOCALE_DIR / name / "LC_MESSAGES" / "django.po" for name in catalogue_languages()]


def _dateless(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*$', "", text, flags=re.MULTILINE)


def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metlib.settings")
    # Only lets the settings load for these commands; nothing here signs anything.
    os.environ.setdefault("SECRET_KEY", "catalogue-tooling-only")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["messages", "compile", "check"])
    parser.add_argument("-l", "--locale", action="append", default=[], help="e.g. fr, zh_Hans")
    parser.add_argument(
        "--optional", action="store_true", help="compile: without gettext, say so and go on"
    )
    args = parser.parse_args(argv)
    _setup_django()
    from django.core.management import call_command

    languages = sorted({*catalogue_languages(), *args.locale})
    if args.command == "messages":
        if not languages:
            print("No catalogue in locale/ yet: start one with -l <locale>.")
            return 0
        before = {path: path.read_text(encoding="utf-8") for path in _catalogues()}
        with _makemessages_alone():
            call_command("makemessages", locale=languages, **MAKEMESSAGES_OPTIONS)
        for path, text in before.items():
            # Only the date changed: keep the file as it was, so git shows no change.
            if _dateless(path.read_text(encoding="utf-8")) == _dateless(text):
                path.write_text(text, encoding="utf-8")
        return 0
    if args.command == "compile":
        if not catalogue_languages():
            print("No catalogue in locale/: nothing to compile.")
            return 0
        if shutil.which("msgfmt") is None:
            print("gettext's msgfmt is missing (apt-get install gettext): pages stay English.")
            return 0 if args.optional else 1
        with contextlib.chdir(BASE_DIR):
            call_command("compilemessages", ignore_patterns=[*IGNORE, "node_modules"])
        return 0
    expected = code_msgids()
    failed = False
    for language in languages:
        path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        found = problems(path, language=language, expected=expected)
        failed = failed or bool(found)
        print(f"{language}: {'whole' if not found else f'{len(found)} problems'}")
        for line in found:
            print(f"  {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
