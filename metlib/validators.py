"""Validators shared by every app's models and forms."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: none of
# them belongs in a name or a title, and a line break in one breaks calendars and mail.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

single_line = RegexValidator(
    regex=CONTROL_CHARACTERS,
    inverse_match=True,
    message=_("Please keep this on one line, without line breaks or control characters."),
    code="single_line",
)


def one_line(text: str) -> str:
    """``text`` with every control character (line breaks included) turned into a space, for
    writers that must never fail on what is already stored (calendars)."""
    return CONTROL_CHARACTERS.sub(" ", text)
