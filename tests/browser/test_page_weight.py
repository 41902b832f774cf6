"""Page weight and layout on the readers' pages (issue 15): on the front page,
a story, an author, a section, the gallery and search, at a phone's size and a
laptop's, the HTML, CSS and JavaScript come to under 100 KB (counted
uncompressed, so what gzip would save is a margin), nothing is asked of another
host, and nothing moves once drawn: the layout shifts Chromium reports
(`layout-shift` entries, as Lighthouse's CLS counts them) add up to under 0.01."""

import pytest

from demo import content

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    f"/stories/{content.SKY_CRANE_SLUG}/",
    "/authors/mike-wall/",
    "/section/spaceflight/",
    f"/galleries/{content.GALLERY['slug']}/",
    "/search/?q=Mars",
]
SIZES = [(390, 844), (1280, 800)]
BUDGET = 100 * 1024
COUNTED = {"document", "stylesheet", "script"}

# Before any of the page's own scripts: adds up every layout shift not caused
# by input. (An init script is the browser's, not the page's: the site's
# Content-Security-Policy, which refuses inline scripts, does not apply.)
WATCH_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""
# The observer's last entries are delivered in a task: read after one more.
READ_SHIFTS = (
    "() => new Promise((done) => setTimeout(() => done(window.__layoutShift)))"
)


@pytest.mark.parametrize("width,height", SIZES)
def test_pages_are_light_local_and_still(page, demo, external_requests, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(WATCH_SHIFTS)
    problems = []
    for path in PAGES:
        sizes = {}

        def count(response, sizes=sizes):
            kind = response.request.resource_type
            if kind in COUNTED and response.status == 200:
                sizes[response.url] = (kind, len(response.body()))

        page.on("response", count)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.remove_listener("response", count)
        shift = page.evaluate(READ_SHIFTS)

        total = sum(size for _, size in sizes.values())
        assert any(kind == "document" for kind, _ in sizes.values()), path
        if total >= BUDGET:
            listed = ", ".join(f"{url} {size} B" for url, (_, size) in sizes.items())
            problems.append(f"{path}: {total} bytes of HTML, CSS and JS ({listed})")
        if shift >= 0.01:
            problems.append(f"{path}: layout shift {shift:.4f}")
    assert problems == []
    assert external_requests == []


def test_the_shift_measure_sees_a_shift(page, demo):
    """The instrument works: a block pushed in above the text after load is
    counted."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(WATCH_SHIFTS)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => new Promise((done) => {
          const block = document.createElement("div");
          block.style.height = "300px";
          document.querySelector("main").prepend(block);
          requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    assert page.evaluate(READ_SHIFTS) > 0.01
