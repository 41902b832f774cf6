"""Two-factor log-in for editors and administrators (issue 12), with django-otp.

When STAFF_TWO_FACTOR is on (the default unless DEBUG), an editor or superuser who
has logged in with a password reaches no admin page until they also give a code:
from an authenticator app (TOTP), or one of ten single-use recovery codes. The
first time, the same page sets the app up and shows the recovery codes once.
django-otp keeps the devices, checks the codes (with its own throttling) and marks
the session verified; this module only decides who must, and asks.
"""

import io

import segno
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.forms import OTPTokenForm
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workflow.roles import EDITORS

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_verify(user) -> bool:
    """Whether `user` needs a second factor: editors and superusers, when the
    STAFF_TWO_FACTOR setting is on."""
    return bool(
        settings.STAFF_TWO_FACTOR
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITORS).exists())
    )


class TwoFactorMiddleware:
    """Sends an editor or administrator without a second factor in this session
    from any admin address to the two-factor page. Goes after django-otp's
    OTPMiddleware, which sets `request.user.is_verified()`."""

    # Admin addresses that work before the second factor: logging in and out,
    # resetting a password, and the two-factor page itself.
    OPEN = (
        "admin:login",
        "admin:logout",
        "admin_password_reset",
        "password_reset_done",
        "admin_two_factor",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._asks_first(request):
            url = reverse("admin_two_factor")
            return HttpResponseRedirect(f"{url}?next={request.get_full_path()}")
        return self.get_response(request)

    def _asks_first(self, request) -> bool:
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return False
        if any(request.path.startswith(reverse(name)) for name in self.OPEN):
            return False
        if request.path.startswith(f"{admin_root}reset/"):
            return False  # the e-mailed link to set a new password
        user = request.user
        return must_verify(user) and not user.is_verified()


@transaction.atomic
def _confirm_app(request, device: TOTPDevice) -> list[str]:
    """Confirm the app just set up, make fresh recovery codes, and mark this
    session verified. Returns the codes, shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=request.user).delete()
    recovery = StaticDevice.objects.create(
        user=request.user, name=RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=recovery, token=code) for code in codes
    )
    otp_login(request, device)
    return codes


@login_required
def two_factor(request):
    """Ask for a code; the first time, set up the app and show recovery codes."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor authentication",
        "next": next_url,
    }

    if any(devices_for_user(request.user)):
        form = OTPTokenForm(
            request.user, request, data=request.POST or None, prefix=None
        )
        # The app first and chosen: django-otp offers a blank "---------" first,
        # which the browser refuses to send (the list is required), so every
        # log-in took a choice before the code.
        device = form.fields["otp_device"]
        device.label = "Code from"
        device.choices = sorted(
            ((d.persistent_id, d.name) for d in devices_for_user(request.user)),
            key=lambda choice: choice[1] != APP_DEVICE_NAME,
        )
        if request.method == "POST" and form.is_valid():
            otp_login(request, request.user.otp_device)
            return HttpResponseRedirect(next_url)
        return render(request, "admin/two_factor.html", {**context, "form": form})

    # First time: an unconfirmed app device, confirmed by its first good code.
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user,
        confirmed=False,
        defaults={"name": APP_DEVICE_NAME},
    )
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("otp_token", "").strip()):
            codes = _confirm_app(request, device)
            return render(
                request,
                "admin/two_factor.html",
                {**context, "recovery_codes": codes},
            )
        error = "That code is not right. Check the app's clock and try the new code."
    return render(
        request,
        "admin/two_factor.html",
        {
            **context,
            "setup": device,
            "secret": _base32(device.bin_key),
            "qr_code": qr_code_svg(device.config_url),
            "error": error,
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode("ascii").rstrip("=")


def qr_code_svg(text: str) -> SafeString:
    """`text` (the app's otpauth:// address, which holds the secret) as a QR
    code in inline SVG markup, made here by segno: the secret goes to no
    other site, and a strict Content-Security-Policy needs no exception (no
    script, no style attribute, no data: URI). Dark modules on a white square
    with the standard quiet zone, so that it scans in the admin's dark theme too.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        scale=4,
        dark="#000",
        light="#fff",
        svgclass="otp-qr-code",
        lineclass=None,
        title="QR code to add this account to an authenticator app",
    )
    # segno writes the markup itself, escaping the text and title.
    return mark_safe(buffer.getvalue().decode("utf-8"))  # noqa: S308
