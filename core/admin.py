"""Admin pieces every content app shares: autocomplete widgets that survive any
posted value, inlines with a bounded number of rows, and the tag box that
suggests existing tags."""

import datetime as dt

from django.contrib.admin import widgets
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.db.models import DateTimeField
from django.http import JsonResponse
from django.urls import reverse_lazy
from taggit.forms import TagWidget
from taggit.models import Tag

TAG_SUGGESTIONS = 10
# Most rows an inline takes in one post: a story's bylines, an author's books, a
# gallery's pictures. Django builds every posted row, so a forged
# TOTAL_FORMS would tie a worker up for tens of seconds otherwise.
INLINE_MAX_ROWS = 100


# --- Hostile posts ---------------------------------------------------------------


class _ValidIdsMixin:
    """An autocomplete that shows a form again leaves out posted values that
    cannot be ids (`abc`): Django's own looks them up and fails with a 500."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.target_field

        def is_id(candidate) -> bool:
            try:
                target.get_prep_value(target.to_python(candidate))
            except (ValidationError, ValueError, TypeError, OverflowError):
                return False
            return True

        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class AutocompleteSelect(_ValidIdsMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidIdsMixin, widgets.AutocompleteSelectMultiple):
    pass


def storable_moment(value) -> None:
    """A form validator: the moment must exist in UTC, which is how it is
    stored. 31 December 9999 in the evening in New York is already year 10000
    in UTC, past Python's dates, and would fail as a 500 when saved."""
    if isinstance(value, dt.datetime):
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(
                "Enter a date and time between the years 1 and 9999.",
                code="out_of_range",
            ) from None


class SafeDateTimesMixin:
    """For a ModelAdmin or inline: every date-and-time field refuses a moment
    that cannot be stored (`storable_moment`) with a message on the field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, DateTimeField):
            formfield.validators.append(storable_moment)
        return formfield


class SafeAutocompleteMixin(SafeDateTimesMixin):
    """For a ModelAdmin or inline with `autocomplete_fields`: their widgets
    survive any posted value (`_ValidIdsMixin`), and so do its date-times."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BoundedInlineMixin(SafeAutocompleteMixin):
    """For every inline: at most INLINE_MAX_ROWS rows, whatever is posted."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs = {
            "max_num": INLINE_MAX_ROWS,
            "absolute_max": INLINE_MAX_ROWS,
            **kwargs,
        }
        return super().get_formset(request, obj, **kwargs)


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated tag box, suggesting existing tags as you type."""

    class Media:
        js = ["core/tag-suggest.js"]

    def __init__(self, attrs=None):
        super().__init__(
            {
                "data-tag-suggest-url": reverse_lazy("tag_suggestions"),
                "autocomplete": "off",
                "size": 60,
                **(attrs or {}),
            }
        )


@staff_member_required
def tag_suggestions(request):
    """Existing tag names containing ?q=, for the tag box."""
    term = request.GET.get("q", "").strip()[:100]
    names = []
    if term:
        names = list(
            Tag.objects.filter(name__icontains=term)
            .order_by("name")
            .values_list("name", flat=True)[:TAG_SUGGESTIONS]
        )
    return JsonResponse({"results": names})
