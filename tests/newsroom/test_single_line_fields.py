"""Single-line text (headlines, titles, names, credits, alt text) is stored on
one line: line breaks and control characters are folded to spaces by every
admin form and again on save, whoever saves (issue 12)."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from articles.models import Article, Section
from authors.models import Author, Book
from core.fields import single_line
from media_library.models import CreditPreset, Gallery, Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    GalleryFactory,
    ImageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASTED = "Artemis II\x00\r\nslips\u2028to\tApril"


def test_single_line_folds_breaks_and_control_characters():
    assert single_line(PASTED) == "Artemis II slips to April"
    assert single_line("Ünïcode — “quotes” 🚀") == "Ünïcode — “quotes” 🚀"


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (ArticleFactory, "headline"),
        (ArticleFactory, "seo_title"),
        (AuthorFactory, "name"),
        (AuthorFactory, "short_bio"),
        (BookFactory, "title"),
        (GalleryFactory, "title"),
        (ImageFactory, "alt_text"),
        (ImageFactory, "credit"),
    ],
)
def test_saving_folds_line_breaks(factory, name):
    obj = factory(**{name: PASTED})
    obj.refresh_from_db()
    assert getattr(obj, name) == "Artemis II slips to April"


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (Article, ["headline", "seo_title", "seo_description"]),
        (Section, ["name"]),
        (Author, ["name", "job_title", "short_bio", "beats"]),
        (Image, ["title", "alt_text", "credit"]),
        (CreditPreset, ["name"]),
        (Gallery, ["title"]),
    ],
)
def test_admin_forms_fold_line_breaks(model, names):
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form = admin.site._registry[model].get_form(request)
    for name in names:
        assert form.base_fields[name].clean(PASTED) == "Artemis II slips to April"


def test_multi_line_text_keeps_its_line_breaks():
    author = AuthorFactory(bio="First paragraph.\n\nSecond.")
    book = BookFactory(author=author)
    author.refresh_from_db()
    assert author.bio == "First paragraph.\n\nSecond."
    assert Book.objects.get(pk=book.pk).author == author


def test_slug_with_a_line_break_is_refused():
    field = Article._meta.get_field("slug").formfield()
    with pytest.raises(ValidationError):
        field.clean("artemis\nslips")
