"""File names for certificates people download: the name as printed, in its own script.

A ZIP entry or a download keeps the name as it is printed on the certificate ("Ελένη
Παπαδοπούλου.pdf", "Akosua Ɔfori.pdf"): Python's ``zipfile`` stores a name that is not ASCII
in UTF-8 with the archive's UTF-8 flag (bit 11) set, and Django writes ``filename*=utf-8''…``
for a download. Only what file systems refuse is replaced (``/ \\ : * ? " < > |``, control and
format characters, dots and spaces at the ends); a name left with no letter or digit falls
back to its ASCII transliteration (Django's ``slugify``), then to "certificate".
"""

import re
import unicodedata

from django.utils.text import slugify

# Windows refuses these in a file name; "/" and NUL are refused everywhere.
REFUSED = re.compile(r'[\\/:*?"<>|]')
# Leaves room for a suffix and ".pdf" under the 255 bytes most file systems allow.
MAX_BYTES = 200


def printable_stem(name: str) -> str:
    """``name`` as a file name without extension, in its own script where possible."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    text = " ".join(REFUSED.sub(" ", text).split()).strip(" .")
    while len(text.encode()) > MAX_BYTES:
        text = text[:-1].rstrip(" .")
    if any(ch.isalnum() for ch in text):
        return text
    return slugify(name) or "certificate"
