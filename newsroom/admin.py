"""The project's own admin pieces: unlocking locked-out accounts, and the
date-and-time check for every other app's admin."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin, messages

from core.admin import SafeDateTimesMixin
from newsroom import accounts

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
        self.message_user(
            request, f"Unlocked: {names} can try to log in again.", messages.SUCCESS
        )


# Every admin registered so far (Django's users, django-otp's devices, axes...;
# the project's app comes after them all) gets the date-and-time check our own
# admins have: a moment past year 9999 in UTC is refused on the field, not a 500.
for model in apps.get_models():
    if admin.site.is_registered(model):
        model_admin = admin.site.get_model_admin(model)
        if not isinstance(model_admin, SafeDateTimesMixin):
            base = type(model_admin)
            admin.site.unregister(model)
            admin.site.register(
                model, type(base.__name__, (SafeDateTimesMixin, base), {})
            )
