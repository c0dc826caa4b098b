"""The deployment files name only things that exist: modules, commands, options, variables.

No container engine runs here, so docker-compose.yml and the Dockerfile are read as text and
checked against the project's code, its settings and the README.
"""

import ast
import importlib
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.control import Inspect
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.core.management import CommandError, get_commands, load_command_class
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Services whose image is built from this repository, i.e. that run the project's code.
PROJECT_SERVICES = sorted(name for name, service in SERVICES.items() if "build" in service)
# Variables read by a program other than the settings: gunicorn takes its worker count from it.
NOT_SETTINGS = {"WEB_CONCURRENCY"}
REQUIRED_APT_PACKAGES = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-dejavu-core",
    "fonts-noto-core",
}


def settings_env_names() -> set[str]:
    """Every environment variable name metlib/settings.py reads, found in its source."""
    readers = {"env", "envbool", "envint", "envlist", "os.environ.get", "os.getenv"}
    names = set()
    for node in ast.walk(ast.parse((ROOT / "metlib" / "settings.py").read_text())):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in readers:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def dockerfile_args(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == keyword]


def image_cmd() -> list[str]:
    (cmd,) = dockerfile_args("CMD")
    return json.loads(cmd)


def argv_of(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def service_argv(name: str) -> list[str]:
    """What the service runs: its own command, or else the image's CMD."""
    command = SERVICES[name].get("command")
    return argv_of(command) if command is not None else image_cmd()


def option_names(argv: list[str]) -> set[str]:
    return {arg.split("=", 1)[0] for arg in argv if arg.startswith("-")}


def assert_gunicorn_command(argv: list[str]) -> None:
    try:
        parsed = GunicornConfig().parser().parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"gunicorn rejects {argv!r}")
    (target,) = parsed.args
    module_name, _, attribute = target.partition(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application), f"{target} is not a WSGI callable"


def assert_celery_command(argv: list[str]) -> None:
    app_name = argv[argv.index("-A") + 1]
    app = find_app(app_name)  # what `celery -A` itself does
    assert isinstance(app, Celery)
    assert app.main == "metlib"
    rest = argv[argv.index("-A") + 2 :]
    assert rest[0] in celery_cli.commands, f"celery has no command {rest[0]!r}"
    subcommand = celery_cli.commands[rest[0]]
    known = {opt for param in subcommand.params for opt in param.opts + param.secondary_opts}
    assert option_names(rest[1:]) <= known, f"unknown options for celery {rest[0]}"
    if rest[0] == "inspect":
        action = next(arg for arg in rest[1:] if not arg.startswith("-") and "@" not in arg)
        assert callable(getattr(Inspect, action, None)), f"celery inspect has no {action}"


def assert_manage_command(argv: list[str]) -> None:
    name = argv[2]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    command = load_command_class(commands[name], name)
    try:
        command.create_parser("manage.py", name).parse_args(argv[3:])
    except CommandError as error:
        pytest.fail(f"manage.py {name} rejects {argv[3:]!r}: {error}")


def assert_runs_project_code(argv: list[str]) -> None:
    program = Path(argv[0]).name
    if program == "gunicorn":
        assert_gunicorn_command(argv)
    elif program == "celery":
        assert_celery_command(argv)
    elif program == "python" and argv[1] == "manage.py":
        assert_manage_command(argv)
    else:
        pytest.fail(f"no check for a service that runs {argv!r}")


# --- docker-compose.yml ------------------------------------------------------------------


def test_compose_defines_every_service():
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:15")
    assert SERVICES["redis"]["image"].startswith("redis:7")


def test_compose_runs_gunicorn_and_celery_where_expected():
    assert Path(service_argv("web")[0]).name == "gunicorn"
    assert service_argv("worker")[:4] == ["celery", "-A", "metlib", "worker"]
    assert service_argv("beat")[:4] == ["celery", "-A", "metlib", "beat"]
    assert service_argv("migrate") == ["python", "manage.py", "migrate", "--no-input"]


@pytest.mark.parametrize("name", PROJECT_SERVICES)
def test_compose_command_runs_existing_project_code(name):
    assert_runs_project_code(service_argv(name))


@pytest.mark.parametrize(
    "name", [name for name in PROJECT_SERVICES if "test" in SERVICES[name].get("healthcheck", {})]
)
def test_compose_healthcheck_command_runs_existing_project_code(name):
    kind, *command = SERVICES[name]["healthcheck"]["test"]
    argv = shlex.split(command[0]) if kind == "CMD-SHELL" else command
    assert_runs_project_code(argv)


def one_shot(name: str) -> bool:
    """Runs once: never restarted, and whoever waits for it waits for it to complete."""
    conditions = [
        service.get("depends_on", {})[name]["condition"]
        for service in SERVICES.values()
        if name in service.get("depends_on", {})
    ]
    return (
        SERVICES[name].get("restart") == "no"
        and bool(conditions)
        and all(condition == "service_completed_successfully" for condition in conditions)
    )


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_compose_service_is_health_checked_or_one_shot(name):
    service = SERVICES[name]
    healthcheck = service.get("healthcheck", {})
    own = "test" in healthcheck and not healthcheck.get("disable")
    # Only a service that runs the image's own CMD (gunicorn) may rely on its HEALTHCHECK.
    inherited = (
        "build" in service
        and "command" not in service
        and "healthcheck" not in service
        and bool(dockerfile_args("HEALTHCHECK"))
    )
    assert own or inherited or one_shot(name)


@pytest.mark.parametrize("name", PROJECT_SERVICES)
def test_compose_project_service_waits_for_healthy_backing_services(name):
    depends_on = SERVICES[name]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    if name != "migrate":
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_compose_shares_one_environment_through_an_anchor():
    shared = COMPOSE["x-environment"]
    for name in PROJECT_SERVICES:
        environment = SERVICES[name]["environment"]
        assert {key: environment[key] for key in shared} == shared, name


def test_compose_requires_secrets_instead_of_defaulting_them():
    raw = (ROOT / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert re.search(rf"^\s+{name}: \$\{{{name}:\?[^}}]+\}}$", raw, re.MULTILINE), name
    assert "${POSTGRES_PASSWORD:?" in COMPOSE["x-environment"]["DATABASE_URL"]


def compose_project_env_names() -> set[str]:
    return {key for name in PROJECT_SERVICES for key in SERVICES[name].get("environment", {})}


def test_compose_sets_only_variables_the_settings_read():
    unread = compose_project_env_names() - settings_env_names() - NOT_SETTINGS
    assert not unread, f"docker-compose.yml sets variables nothing reads: {sorted(unread)}"


def test_compose_variables_are_in_the_readme_environment_table():
    readme = ROOT / "README.md"
    names = sorted(compose_project_env_names())
    assert readme.exists(), f"README.md is missing; its environment table must list {names}"
    rows = [line for line in readme.read_text().splitlines() if line.lstrip().startswith("|")]
    missing = [name for name in names if not any(re.search(rf"\b{name}\b", r) for r in rows)]
    assert not missing, f"README.md's environment table does not list {missing}"


def test_compose_shares_the_media_volume_between_web_and_worker():
    media_root = COMPOSE["x-environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        mounts = [volume.split(":")[:2] for volume in SERVICES[name]["volumes"]]
        assert ["media", media_root] in mounts, name
    assert "media" in COMPOSE["volumes"]
    assert "pgdata" in COMPOSE["volumes"]


def test_compose_programs_are_installed_by_the_image():
    pinned = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements" / "base.txt").read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    assert {"gunicorn", "celery", "redis", "psycopg"} <= pinned


# --- Dockerfile --------------------------------------------------------------------------


def test_dockerfile_starts_from_python_311_slim_bookworm():
    assert dockerfile()[0] == ("FROM", "python:3.11-slim-bookworm")


def test_dockerfile_installs_weasyprint_runtime_libraries():
    installs = " ".join(run for run in dockerfile_args("RUN") if "apt-get install" in run)
    assert set(installs.split()) >= REQUIRED_APT_PACKAGES
    assert "--no-install-recommends" in installs


def test_dockerfile_installs_requirements_with_hashes():
    (pip,) = [run for run in dockerfile_args("RUN") if "pip install" in run]
    assert "--require-hashes" in pip.split()
    assert "-r requirements/base.txt" in pip


def test_dockerfile_collects_static_files_with_a_throwaway_key():
    (collect,) = [run for run in dockerfile_args("RUN") if "collectstatic" in run]
    assert "SECRET_KEY=" in collect
    assert not any("SECRET_KEY" in env for env in dockerfile_args("ENV"))


def test_dockerfile_runs_as_a_non_root_user():
    instructions = [instruction for instruction, _ in dockerfile()]
    users = dockerfile_args("USER")
    assert users
    assert users[-1] not in {"root", "0"}
    assert instructions.index("USER") < instructions.index("CMD")


def test_dockerfile_serves_the_wsgi_app_on_the_exposed_port():
    argv = image_cmd()
    assert_runs_project_code(argv)
    assert dockerfile_args("EXPOSE") == ["8000"]
    assert argv[argv.index("--bind") + 1].endswith(":8000")


def test_dockerfile_healthcheck_is_valid_python():
    (healthcheck,) = dockerfile_args("HEALTHCHECK")
    argv = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert argv[:2] == ["python", "-c"]
    compile(argv[2], "HEALTHCHECK", "exec")


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "var", ".git"} <= ignored
