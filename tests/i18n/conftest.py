import subprocess

import pytest
from django.utils.translation import to_locale

from .test_catalogues import write_catalogue

PLURALS = {"fr": "nplurals=2; plural=(n > 1);", "zh-hans": "nplurals=1; plural=0;"}
ARABIC = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5;"
)


@pytest.fixture
def catalogue(settings, tmp_path):
    """French, Arabic and Chinese offered, each with a catalogue of its own holding the
    entries a test gives: ``catalogue("fr", {"Details: %(url)s": "Détails : %(url)s"})``."""
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), ("ar", "Arabic")]
    settings.LANGUAGES += [("zh-hans", "Chinese")]

    def install(language: str, translations: dict[str, str]) -> None:
        folder = tmp_path / "locale" / to_locale(language) / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = [
            {"msgid": msgid, "msgstr": msgstr, "flags": ["python-format"] if "%(" in msgid else []}
            for msgid, msgstr in translations.items()
        ]
        plural_forms = PLURALS.get(language, ARABIC)
        po = write_catalogue(folder / "django.po", plural_forms=plural_forms, entries=entries)
        subprocess.run(["msgfmt", "-o", folder / "django.mo", po], check=True)
        # Changing LOCALE_PATHS resets Django's loaded catalogues.
        settings.LOCALE_PATHS = [tmp_path / "locale"]

    return install


@pytest.fixture
def french(catalogue):
    """French offered with the entries a test gives: ``french({"Details: …": "Détails : …"})``."""
    return lambda translations: catalogue("fr", translations)
