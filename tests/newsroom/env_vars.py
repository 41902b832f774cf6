"""Helpers for tests of the environment-driven settings and the deployment files.

The settings read a `.env` file beside manage.py, filling in whatever the process
environment leaves unset. A developer's own `.env` must not change what these
tests see, and a test of a default needs the variable truly unset, so
`run_python` runs Python in a subprocess whose environment is exactly the one
given, with `environ.Env.read_env` replaced by a stub that only records the path
it was asked to read. The developer's `.env` is never opened, moved or rewritten
(tests may run while `make run` is serving from the same folder), and
`test_settings_read_dot_env_beside_manage_py` checks the real call is there.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SETTINGS_PY = REPO / "newsroom" / "settings.py"
TEST_SECRET_KEY = "tests-only-secret-key-not-for-any-real-site-0123456789"

# Runs before anything imports the settings; see the module docstring.
_IGNORE_DOT_ENV = """\
import environ
READ_ENV_CALLS = []
environ.Env.read_env = classmethod(
    lambda cls, env_file=None, **kwargs: READ_ENV_CALLS.append(str(env_file))
)
"""


def run_python(
    code: str, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess:
    """Run `code` (with `args` in sys.argv[1:]) in the project folder with exactly
    `env` set and no `.env` file read."""
    return subprocess.run(
        [sys.executable, "-c", _IGNORE_DOT_ENV + code, *args],
        cwd=REPO,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


_DUMP_SETTINGS = """
import json
from newsroom import settings
values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
values["_read_env_calls"] = READ_ENV_CALLS
print(json.dumps(values, default=str))
"""


def load_settings(**env: str) -> dict:
    """The settings module's values (as JSON types) with exactly `env` set."""
    result = run_python(_DUMP_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _is_env_call(func: ast.expr) -> bool:
    """`env(...)` or `env.<method>(...)`, the module's `environ.Env()` instance."""
    if isinstance(func, ast.Name):
        return func.id == "env"
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "env"
    )


def settings_env_vars() -> set[str]:
    """Names settings.py reads: the first argument of each env(...) call."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_PY.read_text(), str(SETTINGS_PY))):
        if not (isinstance(node, ast.Call) and _is_env_call(node.func)):
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            # A computed name would escape .env.example, compose and README.
            raise ValueError(
                f"settings.py line {node.lineno}: env call without a literal name"
            )
        names.add(first.value)
    return names


_ASSIGNMENT = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def env_example() -> dict[str, str | None]:
    """.env.example as {name: default}; None for a commented-out `# NAME=...`."""
    variables = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if match := _ASSIGNMENT.match(line.strip()):
            commented = match["comment"] is not None
            variables[match["name"]] = None if commented else match["value"]
    return variables
