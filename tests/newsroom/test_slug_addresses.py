"""Addresses made from a slug, or of a view without arguments
(core.addresses), are what reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.addresses import fixed_address, slug_address

VIEWS = ["articles:detail", "articles:section", "authors:detail", "galleries:detail"]
FIXED = [
    "home",
    "articles:search",
    "articles:latest",
    "authors:list",
    "articles:feed_rss",
]
SLUGS = ["perseverance-sky-crane", "été-à-mars", "日本の探査機", "a_b-2", "x"]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("slug", SLUGS)
def test_same_as_reverse(viewname, slug):
    try:
        expected = reverse(viewname, kwargs={"slug": slug})
    except NoReverseMatch:  # section slugs are ASCII only
        with pytest.raises(NoReverseMatch):
            slug_address(viewname, slug)
        return
    assert slug_address(viewname, slug) == expected


def test_follows_the_script_prefix():
    try:
        set_script_prefix("/news/")
        assert slug_address("articles:detail", "mars") == "/news/stories/mars/"
    finally:
        set_script_prefix("/")
    assert slug_address("articles:detail", "mars") == "/stories/mars/"


@pytest.mark.parametrize("slug", ["", "a/b", "a?b", "../x", "mars rover"])
def test_what_the_pattern_refuses_is_still_refused(slug):
    with pytest.raises(NoReverseMatch):
        slug_address("articles:detail", slug)


@pytest.mark.parametrize("viewname", FIXED)
def test_views_without_arguments(viewname):
    assert fixed_address(viewname) == reverse(viewname)
    try:
        set_script_prefix("/news/")
        assert fixed_address(viewname) == reverse(viewname)
        assert fixed_address(viewname).startswith("/news/")
    finally:
        set_script_prefix("/")
    assert fixed_address(viewname) == reverse(viewname)
