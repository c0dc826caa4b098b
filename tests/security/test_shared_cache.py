"""Without Redis, rate limits were kept per process: with two web workers the lock-out came
after ten failures, not five, and the README presented Redis as optional for production.
Production without REDIS_URL now keeps its cache (rate limits, sessions) in the database,
shared by every process, and says so at start."""

from tests.test_settings import manage, production_environment

SET = "from django.core.cache import cache; cache.set('failures', 5, 300)"
GET = "from django.core.cache import cache; print(cache.get('failures'))"


def test_production_without_redis_shares_its_cache_between_processes(tmp_path):
    environment = production_environment(tmp_path)
    migrated = manage("migrate", "--no-input", environment=environment)
    assert migrated.returncode == 0, migrated.stderr
    assert "REDIS_URL is not set: rate limits and sessions use the database cache" in (
        migrated.stderr
    )
    assert manage("shell", "-c", SET, environment=environment).returncode == 0
    other_process = manage("shell", "-c", GET, environment=environment)
    assert other_process.stdout.strip().splitlines()[-1] == "5", other_process.stderr


def test_production_with_redis_says_nothing_about_the_database_cache(tmp_path):
    environment = production_environment(tmp_path, REDIS_URL="redis://127.0.0.1:6379/5")
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)
    assert result.returncode == 0, result.stderr
    assert "database cache" not in result.stderr
