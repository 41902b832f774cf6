"""The public site's Jinja2 templates: every one compiles, and the helpers that
stand in for Django's tags and filters keep Django's meanings."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.test import override_settings
from django.utils import timezone

from newsroom import jinja2 as helpers

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "jinja2"


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_every_public_template_compiles(name):
    engines["jinja2"].env.get_template(name)


@override_settings(TIME_ZONE="America/New_York")
def test_date_is_djangos_date_in_the_newsrooms_zone():
    moment = dt.datetime(2021, 2, 25, 15, 30, tzinfo=dt.UTC)
    for fmt in ("c", "N j, Y", "F j, Y, g:i A T", "Y-m-d"):
        assert helpers.date(moment, fmt) == django_date(timezone.localtime(moment), fmt)
    assert helpers.date(moment, "c") == "2021-02-25T10:30:00-05:00"
    assert helpers.date(dt.date(2020, 5, 1), "F j, Y") == "May 1, 2020"
    assert helpers.date(None, "c") == ""


def test_urlencode_matches_djangos_filter():
    assert helpers.urlencode("a b/c&d") == "a%20b/c%26d"
    assert helpers.urlencode("https://x.test/a b", "") == "https%3A%2F%2Fx.test%2Fa%20b"


def test_output_is_escaped_but_safe_strings_are_not():
    template = engines["jinja2"].from_string("{{ text }}|{{ safe }}|{{ body }}")
    from django.utils.safestring import mark_safe

    out = template.render(
        {"text": '<b>"x"</b>', "safe": mark_safe("<i>ok</i>"), "body": "a & b"}
    )
    assert out == "&lt;b&gt;&#34;x&#34;&lt;/b&gt;|<i>ok</i>|a &amp; b"
