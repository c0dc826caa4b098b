"""Each offered language is whole: every string of ours translated, none fuzzy, placeholders
kept, the language's number of plural forms, and nothing the code marks that the catalogue
lacks (what ``makemessages`` finds now, extracted into a temporary folder).

The checks run on every catalogue in ``locale/`` (its presence offers the language) and on
small catalogues written here, so that each way of failing is seen to fail.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from scripts.translations import (
    LOCALE_DIR,
    catalogue_languages,
    code_msgids,
    parse,
    problems,
)

FRENCH = "nplurals=2; plural=(n > 1);"
ARABIC = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5;"
)


@pytest.fixture(scope="module")
def in_the_code() -> set[tuple[str | None, str]]:
    return code_msgids()


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_catalogue(path: Path, *, plural_forms: str, entries: list[dict]) -> Path:
    """A PO file with ``entries`` ({msgid, msgstr or msgstr_plural, flags, msgid_plural})."""
    lines = [
        'msgid ""',
        'msgstr ""',
        _quoted("Content-Type: text/plain; charset=UTF-8\n"),
        _quoted(f"Plural-Forms: {plural_forms}\n"),
        "",
    ]
    for entry in entries:
        if entry.get("flags"):
            lines.append("#, " + ", ".join(entry["flags"]))
        if entry.get("msgctxt") is not None:
            lines.append(f"msgctxt {_quoted(entry['msgctxt'])}")
        lines.append(f"msgid {_quoted(entry['msgid'])}")
        if "msgid_plural" in entry:
            lines.append(f"msgid_plural {_quoted(entry['msgid_plural'])}")
            lines += [f"msgstr[{i}] {_quoted(s)}" for i, s in enumerate(entry["msgstr_plural"])]
        else:
            lines.append(f"msgstr {_quoted(entry['msgstr'])}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


WHOLE_FRENCH = [
    {"msgid": "Schedule", "msgstr": "Calendrier"},
    {"msgctxt": "verb", "msgid": "Change", "msgstr": "Changer"},
    {
        "msgid": "Deadline: %(closes)s.",
        "msgstr": "Date limite : %(closes)s.",
        "flags": ["python-format"],
    },
    {
        "msgid": "Monthly session {n}",
        "msgstr": "Séance mensuelle {n}",
        "flags": ["python-brace-format"],
    },
    {
        "msgid": "%(count)s nomination",
        "msgid_plural": "%(count)s nominations",
        "msgstr_plural": ["une candidature", "%(count)s candidatures"],
        "flags": ["python-format"],
    },
    {"msgid": 'Say "yes"\nor no', "msgstr": "Dites « oui »\nou non"},
]
WHOLE_FRENCH_KEYS = {(e.get("msgctxt"), e["msgid"]) for e in WHOLE_FRENCH}


def _french(tmp_path: Path, entries: list[dict]) -> list[str]:
    path = write_catalogue(tmp_path / "fr.po", plural_forms=FRENCH, entries=entries)
    return problems(path, language="fr", expected=WHOLE_FRENCH_KEYS)


def _changed(index: int, **changes) -> list[dict]:
    entries = [dict(entry) for entry in WHOLE_FRENCH]
    entries[index].update(changes)
    return entries


def test_catalogue_is_whole_when_every_entry_is_translated(tmp_path):
    assert _french(tmp_path, WHOLE_FRENCH) == []


def test_catalogue_is_read_as_gettext_reads_it(tmp_path):
    path = write_catalogue(tmp_path / "fr.po", plural_forms=FRENCH, entries=WHOLE_FRENCH)
    header, entries = parse(path)
    assert header["Plural-Forms"] == FRENCH
    assert entries[1].msgctxt == "verb"
    assert entries[4].msgstr == {0: "une candidature", 1: "%(count)s candidatures"}
    assert entries[5].msgid == 'Say "yes"\nor no'


def test_catalogue_fails_on_a_removed_string(tmp_path):
    assert _french(tmp_path, WHOLE_FRENCH[1:]) == ["not in the catalogue: 'Schedule'"]


def test_catalogue_fails_on_an_untranslated_entry(tmp_path):
    assert _french(tmp_path, _changed(0, msgstr="")) == ["untranslated: 'Schedule'"]


def test_catalogue_fails_on_a_fuzzy_entry(tmp_path):
    assert _french(tmp_path, _changed(0, flags=["fuzzy"])) == ["fuzzy: 'Schedule'"]


def test_catalogue_fails_on_an_untranslated_plural_form(tmp_path):
    found = _french(tmp_path, _changed(4, msgstr_plural=["une candidature", ""]))
    assert found == ["untranslated: '%(count)s nomination'"]


@pytest.mark.parametrize(
    ("index", "text"),
    [
        (2, "Date limite : %(close)s."),  # renamed
        (2, "Date limite."),  # dropped
        (2, "Date limite : %(closes)s, %(closes)s."),  # doubled
        (3, "Séance mensuelle {numéro}"),
    ],
)
def test_catalogue_fails_on_a_placeholder_not_kept(tmp_path, index, text):
    found = _french(tmp_path, _changed(index, msgstr=text))
    assert len(found) == 1
    assert found[0].startswith("placeholders")


def test_catalogue_fails_on_a_plural_form_with_a_foreign_placeholder(tmp_path):
    found = _french(tmp_path, _changed(4, msgstr_plural=["%(n)s candidature", "%(count)s"]))
    assert len(found) == 1
    assert found[0].startswith("placeholders")


def test_catalogue_fails_on_the_wrong_number_of_plural_forms(tmp_path):
    # Arabic has six forms: a catalogue written with two is wrong, however well translated.
    entries = [
        {
            "msgid": "%(count)s day",
            "msgid_plural": "%(count)s days",
            "msgstr_plural": ["يوم", "%(count)s أيام"],
            "flags": ["python-format"],
        }
    ]
    path = write_catalogue(
        tmp_path / "ar.po", plural_forms="nplurals=2; plural=(n != 1);", entries=entries
    )
    found = problems(path, language="ar")
    assert found == ["Plural-Forms has 2 forms; ar has [6]"]
    six = [
        {
            **entries[0],
            "msgstr_plural": [
                "لا أيام",
                "يوم",
                "يومان",
                "%(count)s أيام",
                "%(count)s يومًا",
                "%(count)s يوم",
            ],
        }
    ]
    path = write_catalogue(tmp_path / "ar.po", plural_forms=ARABIC, entries=six)
    assert problems(path, language="ar") == []
    path = write_catalogue(tmp_path / "ar.po", plural_forms=ARABIC, entries=entries)
    assert problems(path, language="ar") == [
        "2 plural forms instead of 6: '%(count)s day'",
        "untranslated: '%(count)s day'",
    ]


def test_code_strings_are_what_makemessages_finds(in_the_code):
    # Strings of Python code, of templates, of a plural and with a context are all found.
    assert (None, "Skip to main content") in in_the_code
    assert (None, "Certificates") in in_the_code
    assert any(context is not None for context, _msgid in in_the_code)
    assert not any(msgid.startswith("test_") for _context, msgid in in_the_code)


def test_a_whole_catalogue_of_the_code_fails_once_a_string_is_removed(tmp_path, in_the_code):
    """A stand-in catalogue of every string in the code (each translated as itself) is
    whole; without one string it is not, and the message names the string."""
    entries = []
    for context, msgid in sorted(in_the_code, key=lambda key: (key[0] or "", key[1])):
        entries.append({"msgctxt": context, "msgid": msgid, "msgstr": msgid})
    path = write_catalogue(
        tmp_path / "de.po", plural_forms="nplurals=2; plural=(n != 1);", entries=entries
    )
    assert problems(path, language="de", expected=in_the_code) == []
    removed = next(e for e in entries if e["msgid"] == "Skip to main content")
    entries.remove(removed)
    path = write_catalogue(
        tmp_path / "de.po", plural_forms="nplurals=2; plural=(n != 1);", entries=entries
    )
    assert problems(path, language="de", expected=in_the_code) == [
        "not in the catalogue: 'Skip to main content'"
    ]


def test_languages_offered_are_english_and_those_with_a_catalogue():
    offered = [code for code, _name in settings.LANGUAGES]
    planned = [code for code, _name in settings.PLANNED_LANGUAGES]
    with_catalogue = set(catalogue_languages())
    assert offered == [c for c in planned if c == "en" or to_locale(c) in with_catalogue]


NO_CATALOGUE = pytest.param(None, marks=pytest.mark.skip(reason="no catalogue in locale/ yet"))


@pytest.mark.parametrize("language", catalogue_languages() or [NO_CATALOGUE])
def test_offered_catalogue_is_whole(language, in_the_code):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert problems(path, language=language, expected=in_the_code) == []
