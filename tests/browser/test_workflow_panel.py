"""The workflow panel's script runs from a static file (no inline script, for a
strict Content-Security-Policy) and still says how the browser reads a time."""

from articles.models import Article
from demo.content import EDITOR_PASSWORD, SKY_CRANE_SLUG
from tests.browser.admin_login import log_in
from workflow.states import State


def test_schedule_field_says_how_the_browser_reads_the_time(demo, page):
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    Article.objects.filter(pk=story.pk).update(status=State.APPROVED)
    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    assert page.locator("script:not([src]):not([type=importmap])").count() == 0
    page.get_by_label("Go live at").fill("2030-05-01T14:00")
    page.locator("#utc-schedule").get_by_text("Your browser reads this as").wait_for()
