"""The Nu HTML Checker (vnu.jar, the W3C validator's engine) for the browser tests.

vnu.jar comes from npm (`vnu-jar` in tests/browser/package.json, installed by
`make install`) and runs on the machine's Java. The JVM takes seconds to start,
so `errors()` checks every page it is given in one run.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

VNU = Path(__file__).parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
CANARY = "the checker's own test page"
CANARY_HTML = '<!doctype html><html lang="en"><title>Canary</title><p><option></option>'


def skip_unless_available() -> None:
    if not JAVA:
        pytest.skip(
            "Java is not installed (apt-get install -y default-jre-headless): "
            "the Nu HTML Checker needs it; .ci/run installs it"
        )
    if not VNU.exists():
        pytest.skip(
            "the Nu HTML Checker is not installed: npm ci --prefix tests/browser"
        )


def errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """The checker's errors (not its warnings or notes) for each page, by name.

    `pages` maps a name (any short label) to the page's HTML, as
    `page.content()` gives the rendered DOM. Every name is in the answer, with
    an empty list when the page has no error."""
    skip_unless_available()
    # A page with one known error goes with them: a checker that reports
    # nothing for it checked nothing (vnu.jar given a file: URL does that).
    pages = {**pages, CANARY: CANARY_HTML}
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        files = {}
        for number, (name, html) in enumerate(pages.items()):
            path = Path(tmp) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path)] = name
        run = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [JAVA, "-jar", str(VNU), "--format", "json", "--stdout", *sorted(files)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu.jar gave no report: {run.stderr[-2000:]}") from error
    found: dict[str, list[str]] = {name: [] for name in pages}
    by_path = {Path(path).name: name for path, name in files.items()}
    for message in messages:
        if message.get("type") != "error":
            continue
        name = by_path.get(Path(message.get("url", "")).name)
        if name is None:  # not about one file: the checker itself failed
            raise AssertionError(f"vnu.jar: {message.get('message')}")
        where = f"line {message.get('lastLine', '?')}"
        extract = message.get("extract", "").strip().replace("\n", " ")
        found[name].append(f"{where}: {message['message']} [{extract}]")
    if not found.pop(CANARY):
        raise AssertionError(f"vnu.jar checked nothing: {run.stderr[-2000:]}")
    return found
