"""Generation tokens: moved by changes, at once and at commit; new code starts a new one."""

import pytest
from django.core.cache import cache

from metlib.generations import Generation
from metlib.release import release

from ..factories import LibraryFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_lost_token_starts_a_new_generation():
    generation = Generation("test:lost")
    first = generation.current()
    assert generation.current() == first
    cache.delete(generation.key)
    assert generation.current() not in ("", first)


def test_a_move_changes_the_token_now_and_at_commit(django_capture_on_commit_callbacks):
    generation = Generation("test:move")
    before = generation.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        generation.move()
        during = generation.current()
        assert during != before
    assert len(callbacks) == 1
    assert generation.current() not in (before, during)


def test_followed_models_move_it_and_ignored_fields_do_not():
    generation = Generation("test:follow")
    generation.follow((LibraryFactory._meta.model,), ignore_fields=frozenset({"city_population"}))
    start = generation.current()
    library = LibraryFactory()
    saved = generation.current()
    assert saved != start
    library.city_population = 500_000
    library.save(update_fields=["city_population"])
    assert generation.current() == saved
    library.delete()
    assert generation.current() != saved


def test_unfollowed_models_leave_it_alone(cohort):
    generation = Generation("test:unfollowed")
    start = generation.current()
    ThemeFactory(cohort=cohort)
    assert generation.current() == start


def test_the_release_is_stable_and_follows_the_source(settings, tmp_path):
    assert release() == release()
    assert len(release()) == 12
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    release.cache_clear()
    try:
        first = release()
        page.write_text("<p>two</p>")
        release.cache_clear()
        assert release() != first
    finally:
        release.cache_clear()
