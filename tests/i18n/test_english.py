"""The finder of English left in a translated page: it finds our phrases, not other words."""

from .english import english_in, english_phrases


def test_english_phrases_are_cut_at_placeholders_and_tags():
    phrases = english_phrases()
    assert len(phrases) > 500
    assert "Nominations are open. Deadline" in phrases  # "Nominations are open. Deadline:"
    assert "Times are shown in" in phrases  # from "Times are shown in %(zone)s."
    assert not any("%(" in phrase or "<" in phrase for phrase in phrases)


def test_english_in_a_page_is_found_and_other_words_are_not():
    page = "征集提名\n  Nominations are open. Deadline: 2024年2月15日  Times are shown in UTC."
    assert english_in(page) == ["Nominations are open. Deadline", "Times are shown in"]
    assert english_in("提名已开放。截止日期 2024年2月15日 Søren Østergård, Oodi, Helsinki") == []
