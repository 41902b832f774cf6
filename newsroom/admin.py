"""The project's own admin piece: unlocking locked-out accounts."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages

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
        self.message_user(request, f"Unlocked: {names}.", messages.SUCCESS)
