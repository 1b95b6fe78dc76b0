"""The README's commands in a fresh clone: `make demo` writes a development `.env` (scripts/local-env), after which
`manage.py import_register FILE`, `audit_verify`, `run_worker` and `run_scheduler` run as written, without DEBUG or
SECRET_KEY in the environment. Without that `.env` (or with the example key) the settings refuse to start, as
production must.

Each test copies the checkout's code to a temporary directory (the settings find `.env` next to `manage.py`) and
runs the commands there as subprocesses, with an environment cleared of every Samråd setting.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[4]
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "SAMRAD_VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "TASK_BACKEND",
    "TASK_REDIS_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "MEDIA_ROOT",
}
SHIPPED_REGISTER = "src/samrad/organisations/data/stockholm_county_2016.csv"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The files a clone has (the code, manage.py, the scripts), without .env, var/ or compiled files."""
    target = tmp_path / "samrad"
    target.mkdir()
    shutil.copy2(REPOSITORY / "manage.py", target / "manage.py")
    shutil.copytree(REPOSITORY / "scripts", target / "scripts")
    shutil.copytree(REPOSITORY / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "node_modules").symlink_to((REPOSITORY / "node_modules").resolve())  # what `npm ci` installs
    return target


def run(clone: Path, *command: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    return subprocess.run(
        command, cwd=clone, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(clone: Path, *arguments: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return run(clone, sys.executable, "manage.py", *arguments, timeout=timeout)


def test_without_a_secret_key_the_settings_refuse_to_start(clone):
    refused = manage(clone, "check")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr

    (clone / ".env").write_text("DEBUG=0\nSECRET_KEY=change-me-to-50-random-characters\n")
    placeholder = manage(clone, "check")
    assert placeholder.returncode != 0
    assert "SECRET_KEY must be set" in placeholder.stderr


def test_local_env_writes_a_development_env_once(clone):
    written = run(clone, "scripts/local-env")
    assert written.returncode == 0, written.stderr
    first = (clone / ".env").read_text()
    values = dict(line.split("=", 1) for line in first.splitlines() if line and not line.startswith("#"))
    assert values["DEBUG"] == "1"
    assert len(values["SECRET_KEY"]) >= 50
    assert oct((clone / ".env").stat().st_mode & 0o777) == "0o600"

    assert run(clone, "scripts/local-env").returncode == 0
    assert (clone / ".env").read_text() == first  # an existing .env is never changed

    other = clone.parent / "other"
    shutil.copytree(clone / "scripts", other / "scripts")
    assert run(other, "scripts/local-env").returncode == 0
    other_key = [line for line in (other / ".env").read_text().splitlines() if line.startswith("SECRET_KEY=")]
    assert other_key != [f"SECRET_KEY={values['SECRET_KEY']}"]  # generated, not shipped


def test_the_readme_commands_work_after_the_local_env_is_written(clone):
    assert run(clone, "scripts/local-env").returncode == 0
    for arguments in (
        ("migrate", "--verbosity", "0"),
        ("createcachetable",),
        ("import_register", SHIPPED_REGISTER),
        ("audit_verify",),
        ("run_worker", "--burst"),
        ("run_scheduler", "--once"),
    ):
        source = REPOSITORY / SHIPPED_REGISTER
        arguments = tuple(str(source) if argument == SHIPPED_REGISTER else argument for argument in arguments)
        result = manage(clone, *arguments)
        assert result.returncode == 0, f"manage.py {' '.join(arguments)}:\n{result.stdout}\n{result.stderr}"
        if arguments[0] == "import_register":
            assert ": 27," in result.stdout, result.stdout  # 26 municipalities of Stockholm County and Gotland
        if arguments[0] == "audit_verify":
            assert "intact" in result.stdout, result.stdout
    assert (clone / "var" / "samrad.sqlite3").exists()  # the clone's own database, not the tests'
