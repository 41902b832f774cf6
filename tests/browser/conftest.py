"""Browser tests: Playwright driving Debian's Chromium against the live server.

`.ci/run` installs Chromium (apt) and axe-core (npm, into tests/browser); where
either is missing the tests are skipped with the reason.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM
# calls are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(
                    pytest.mark.skip(
                        reason="Debian's chromium is not installed "
                        "(apt-get install -y chromium); .ci/run installs it"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def external_requests():
    return []


@pytest.fixture
def page(transactional_db, browser, live_server, external_requests):
    """A fresh page that may only talk to the live server: anything else (a CDN
    font, a tracking script) is refused and recorded.

    It depends on the database so that it closes first: the database is emptied
    after each test, and must not be while the server still answers this page."""
    context = browser.new_context(base_url=live_server.url)
    ours = urlsplit(live_server.url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    # Requests to the live server still under way, so that teardown can wait
    # for them. Not "networkidle": Chromium does not report that state for a
    # cross-site frame (the stand-in video player), so the page never reaches it.
    ours_pending = set()

    def started(request):
        if urlsplit(request.url).netloc == ours:
            ours_pending.add(request)

    context.on("request", started)
    context.on("requestfinished", lambda request: ours_pending.discard(request))
    context.on("requestfailed", lambda request: ours_pending.discard(request))
    page = context.new_page()
    yield page
    try:  # let requests the page started (a picture, a poll) finish
        for _ in range(150):
            if not ours_pending:
                break
            page.wait_for_timeout(100)
        # Not an error if some never report: Chromium may drop a request of a
        # document the page has left (a logo fetched as the page moved on)
        # without telling; 15 s covers any answer still on its way.
    finally:
        context.close()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo newsroom, as `make run` serves it."""
    from demo.loader import load_demo

    load_demo()
    return settings


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser")

    def check(page) -> list:
        # From the site's own origin, as the page's scripts are: the
        # Content-Security-Policy refuses an inline script.
        page.route("**/axe-core-for-tests.js", lambda route: route.fulfill(path=AXE))
        page.add_script_tag(url="/axe-core-for-tests.js")
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]

    return check


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
