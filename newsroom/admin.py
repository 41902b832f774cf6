"""Admin pieces shared by every content type."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.urls import reverse_lazy
from taggit.forms import TagWidget
from taggit.models import Tag

from newsroom import accounts
from newsroom.workflow.admin import TransitionAdmin  # noqa: F401 (registers it)

TAG_SUGGESTIONS = 10


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated tag box, suggesting existing tags as you type."""

    class Media:
        js = ["newsroom/admin/tag-suggest.js"]

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


# axes lists failed log-ins under "Access attempts"; an administrator unlocks an
# account there, before its cool-off ends, with the "Unlock" action.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class UnlockingAccessAttemptAdmin(AccessAttemptAdmin):
    actions = [*AccessAttemptAdmin.actions, "unlock"]

    @admin.action(
        description="Unlock: forget these failed log-ins",
        permissions=["delete"],
    )
    def unlock(self, request, queryset):
        attempts = list(queryset)
        accounts.unlock(attempts)
        names = ", ".join(sorted({a.username or "(no username)" for a in attempts}))
        self.message_user(request, f"Unlocked: {names}.", messages.SUCCESS)
