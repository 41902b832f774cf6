"""Staff accounts: what a locked-out log-in sees, and password reset by e-mail.

The lock itself is django-axes' (settings: "Auth"); this module only says, on
the admin's own log-in page, why the log-in was refused and when to try again.
"""

import datetime as dt
import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

LOCKED_OUT_STATUS = 429  # Too Many Requests, as axes answers by default


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "Too many failed log-ins for this account from your address: log-in is "
        f"locked for {minutes} minutes. Check the username and password, wait, "
        "or ask an administrator to unlock the account."
    )


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the admin log-in page with the reason, 429.

    The same page answers whether or not the account exists, so a lockout
    reveals nothing about which usernames are real."""
    context = {
        **admin.site.each_context(request),
        "title": "Log-in locked",
        "message": lockout_message(),
    }
    return TemplateResponse(
        request, "admin/locked_out.html", context, status=LOCKED_OUT_STATUS
    ).render()


def client_address(request) -> str:
    """axes' AXES_CLIENT_IP_CALLABLE: the client's address, as far as it can be
    trusted. Each of the PROXY_COUNT proxies in front appends the address it
    was reached from to X-Forwarded-For, so the client's is PROXY_COUNT entries
    from the right; anything left of it the client may have written. With too
    few entries (a request that bypassed the proxies) the peer address is used.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [entry.strip() for entry in forwarded if entry.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def unlock(attempts) -> int:
    """Forget the failures behind these axes AccessAttempt rows, through axes'
    own reset() (which also clears any cache its handler keeps); returns how
    many records went."""
    from axes.utils import reset

    return sum(
        reset(ip=attempt.ip_address, username=attempt.username) for attempt in attempts
    )


# --- Password reset by e-mail ---------------------------------------------------
#
# Django's own views and forms with the admin's templates, at /admin/password_reset/
# (whose URL name, admin_password_reset, makes the admin's log-in page offer
# "Forgotten your password?"). Django's PasswordResetForm already answers the same
# for every address, compares addresses after Unicode normalisation and case
# folding, and sends to the address stored on the account, never the one typed;
# these small subclasses only limit it to staff, put the admin's header on the
# pages, build the link from SITE_URL instead of the request's Host, and limit how
# many mails go out, so that the form cannot be used to flood a mailbox or to
# make the site's mail look like spam: at most RESET_MAILS_PER_ACCOUNT to one
# stored address, and RESET_ASKS_PER_CLIENT asks from one client address, in
# any RESET_LIMIT_WINDOW. Past a limit the answer is the usual "sent" page and no
# mail goes, so the limit tells nothing about which addresses have an account.

RESET_MAILS_PER_ACCOUNT = 3
RESET_ASKS_PER_CLIENT = 20
RESET_LIMIT_WINDOW = dt.timedelta(hours=1)


def within_limit(kind: str, value: str, *, limit: int) -> bool:
    """Count one use of `value` (a stored e-mail address, a client address) and
    say whether it makes at most `limit` in the last RESET_LIMIT_WINDOW. A
    refused use is not counted, so the window slides from the oldest one.

    The times are kept in the cache (shared by every worker with Redis), under a
    hash of the value, so no address is written in clear to the cache."""
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
    key = f"password-reset:{kind}:{digest}"
    now = timezone.now().timestamp()
    window = RESET_LIMIT_WINDOW.total_seconds()
    recent = [moment for moment in cache.get(key, []) if moment > now - window]
    allowed = len(recent) < limit
    if allowed:
        recent.append(now)
    cache.set(key, recent, timeout=int(window) + 1)
    return allowed


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        for user in super().get_users(email):
            if not user.is_staff:
                continue
            stored = user.email.strip().lower()
            if within_limit("account", stored, limit=RESET_MAILS_PER_ACCOUNT):
                yield user
            else:
                logger.warning(
                    "Password reset mail not sent to user %s: over %s in %s",
                    user.pk,
                    RESET_MAILS_PER_ACCOUNT,
                    RESET_LIMIT_WINDOW,
                )


class AdminPagesMixin:
    """The admin's header and title on the reset pages, as on its log-in page."""

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            **super().get_context_data(**kwargs),
        }


class PasswordResetView(AdminPagesMixin, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm

    def form_valid(self, form):
        client = client_address(self.request)
        if not within_limit("client", client, limit=RESET_ASKS_PER_CLIENT):
            logger.warning(
                "Password reset refused to %s: over %s asks in %s",
                client,
                RESET_ASKS_PER_CLIENT,
                RESET_LIMIT_WINDOW,
            )
            # The page every other ask gets: nothing says a limit was reached.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        site = urlsplit(settings.SITE_URL)
        return {
            "protocol": site.scheme,
            "domain": site.netloc,
            "site_name": settings.SITE_NAME,
        }


class PasswordResetDoneView(AdminPagesMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminPagesMixin, auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # Whoever chose the new password owns the mailbox: lift any lock on the
        # account so the new password works at once.
        from axes.utils import reset

        reset(username=form.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(AdminPagesMixin, auth_views.PasswordResetCompleteView):
    pass
