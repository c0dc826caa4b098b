import subprocess

import pytest

from .test_catalogues import write_catalogue


@pytest.fixture
def french(settings, tmp_path):
    """French offered, with a catalogue of its own holding the entries a test gives:
    ``french({"Details: %(url)s": "Détails : %(url)s"})``."""
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), ("ar", "Arabic")]

    def install(translations: dict[str, str]) -> None:
        folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = [
            {"msgid": msgid, "msgstr": msgstr, "flags": ["python-format"] if "%(" in msgid else []}
            for msgid, msgstr in translations.items()
        ]
        po = write_catalogue(
            folder / "django.po", plural_forms="nplurals=2; plural=(n > 1);", entries=entries
        )
        subprocess.run(["msgfmt", "-o", folder / "django.mo", po], check=True)
        # Changing LOCALE_PATHS resets Django's loaded catalogues.
        settings.LOCALE_PATHS = [tmp_path / "locale"]

    return install
