"""Small parsing helpers the project's forms and views share."""

import pytest

from metlib.forms import posted_id


@pytest.mark.parametrize(
    ("posted", "expected"),
    [("42", 42), (" 7 ", 7), ("¹", None), ("٣", None), ("9" * 19, None), ("", None), ("-1", None)],
)
def test_posted_id_takes_ascii_digits_within_a_bigint(posted, expected):
    assert posted_id(posted) == expected
