"""Finding English words of ours left in a page or a mail that should be in another language."""

import re
from functools import cache

from scripts.translations import code_msgids

PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>|\n")
WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
# Two words or more: single words may be proper names or borrowed words ("Email", "PDF").
SHORTEST = 2


@cache
def english_phrases() -> frozenset[str]:
    """Every run of two words or more in our English strings, placeholders taken out."""
    phrases = set()
    for _context, msgid in code_msgids():
        for fragment in PLACEHOLDER.split(msgid):
            fragment = " ".join(fragment.split()).strip(" .,:;!?()“”\"'—–-")
            if len(WORD.findall(fragment)) >= SHORTEST and "MetLib" not in fragment:
                phrases.add(fragment)
    return frozenset(phrases)


def english_in(text: str) -> list[str]:
    """Our English phrases found in ``text`` (longest first, none inside another found)."""
    flat = " ".join(text.split())
    found: list[str] = []
    for phrase in sorted(english_phrases(), key=len, reverse=True):
        if phrase in flat and not any(phrase in longer for longer in found):
            found.append(phrase)
    return found
