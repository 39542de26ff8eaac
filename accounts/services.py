"""
Two-factor sign-in, with django-otp: an authenticator app (a ``TOTPDevice``), security keys and passkeys
(WebAuthn, django-otp-webauthn's ``WebAuthnCredential``) and single-use recovery codes (a ``StaticDevice``). A person sets up the app by scanning a QR code (or typing its secret) and typing the first
code it shows; only then is it confirmed, and they get their recovery codes, shown once. After their password,
someone with a confirmed app gives a code from it (or a recovery code) before anything else
(``accounts.middleware.SecondFactorMiddleware``). Wrong codes are throttled by django-otp itself: after each
one, the next try is refused for twice as long (1, 2, 4, 8... seconds, ``OTP_TOTP_THROTTLE_FACTOR``). Every
set-up, removal, use of a recovery code and wrong code is in the audit trail and the security log.

A security key is added from the person's account (or as their first second factor, instead of an app) by
pressing a button: the browser asks the key, and django-otp-webauthn checks its answer. Signing in with one
is the second step after the password, like a code; failed checks are throttled per person by django-otp's
own rule (``accounts.models.SecurityKeyThrottle``).
"""
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.services import record_event
from core.addresses import client_address

log = logging.getLogger("accounts.security")

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
KEY_NAME = "Security key"
APP_CODE = re.compile(r"\d{6}")


def authenticator(user):
    """The person's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


HAS_SECOND_FACTOR = "has_second_factor"


def has_second_factor(user, session=None):
    """
    Whether the person has set up an authenticator app. With their ``session``, the answer is kept in it from
    sign-in (``remember_second_factor``) so that the middleware's question costs no query on each request.
    """
    if session is not None and session.get(HAS_SECOND_FACTOR) is not None:
        return session[HAS_SECOND_FACTOR]
    answer = _has_any_second_factor(user)
    if session is not None:
        session[HAS_SECOND_FACTOR] = answer
    return answer


def _has_any_second_factor(user):
    """An authenticator app or a security key (recovery codes alone are not one: they come with either)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def remember_second_factor(session, user):
    """At sign-in, and after a set-up or removal in this session."""
    session[HAS_SECOND_FACTOR] = _has_any_second_factor(user)


def security_keys(user):
    """The person's security keys and passkeys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user):
    """The app being set up: unconfirmed (it verifies nothing) until the person types its first code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_for_typing(device):
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """The app's set-up link as a QR code: SVG markup for the page itself (no script, no style attribute)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', "<svg", svg)
    return svg.replace(
        "<svg ", '<svg class="app-qr-code" role="img" aria-label="QR code to set up your authenticator app" ', 1
    )


def _throttle_message(device, wrong="wrong code"):
    """Why django-otp's throttle refuses a try now (``device``: anything with its ``ThrottlingMixin``), or None."""
    allowed, extra = device.verify_is_allowed()
    if allowed:
        return None
    if extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and extra.get("locked_until"):
        seconds = max(1, int((extra["locked_until"] - timezone.now()).total_seconds() + 0.999))
        return (
            f"That is {extra['failure_count']} {wrong}{'s' if extra['failure_count'] != 1 else ''} in a row. "
            f"Wait {seconds} second{'s' if seconds != 1 else ''} before trying again."
        )
    return "Codes cannot be checked just now. Try again in a minute."


def _check(device, code):
    """(accepted, message): django-otp's throttling first, then the code, with the device row locked."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        refused = _throttle_message(device)
        if refused:
            return False, device, refused
        if device.verify_token(code):
            return True, device, None
    wait = _throttle_message(device)
    return False, device, f"The code is not right. {wait}" if wait else "The code is not right. Check it and try again."


def confirm_authenticator(request, device, code):
    """
    The person typed the first code of the app being set up. Returns (recovery codes, None) once it is
    confirmed (replacing any app set up before, and the recovery codes), or (None, why not).
    """
    user = request.user
    code = normalise(code)
    if not APP_CODE.fullmatch(code):
        return None, "Enter the 6-digit code your authenticator app shows"
    accepted, device, message = _check(device, code)
    if not accepted:
        record_event("second_factor_failed", request=request, obj=user, device=APP_NAME, while_setting_up=True)
        return None, message
    with transaction.atomic():
        for old in TOTPDevice.objects.filter(user=user).exclude(pk=device.pk):
            old.delete()  # a replaced app: its removal is recorded (accounts.security)
        device.confirmed = True
        device.name = APP_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = new_recovery_codes(user)
        record_event("second_factor_added", request=request, obj=user, device=APP_NAME, recovery_codes=len(codes))
    log.info("Second factor set up by %s from %s", user.get_username(), client_address(request))
    otp_login(request, device)
    request.session.cycle_key()
    remember_second_factor(request.session, user)
    return codes, None


def new_recovery_codes(user):
    """A new set of single-use recovery codes (any earlier set stops working). Returned once, to show once."""
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def normalise(code):
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def verify(request, code):
    """
    The second step of signing in: a code from the app (6 digits) or a recovery code. Returns None when the
    session is verified, or the reason it is not.
    """
    user = request.user
    code = normalise(code)
    if not code:
        return "Enter the code from your authenticator app, or a recovery code"
    recovery = not APP_CODE.fullmatch(code)
    device = (
        StaticDevice.objects.filter(user=user, confirmed=True).first() if recovery else authenticator(user)
    )
    if device is None:
        accepted, message = False, "The code is not right. Check it and try again."
    else:
        accepted, device, message = _check(device, code)
    kind = RECOVERY_NAME if recovery else APP_NAME
    if not accepted:
        log.warning("Wrong second-factor code (%s) for %s from %s", kind, user.get_username(), client_address(request))
        record_event("second_factor_failed", request=request, obj=user, device=kind)
        return message
    otp_login(request, device)
    request.session.cycle_key()
    log.info("Second factor given (%s) by %s from %s", kind, user.get_username(), client_address(request))
    record_event("recovery_code_used" if recovery else "second_factor_given", request=request, obj=user, device=kind,
                 **({"recovery_codes_left": recovery_codes_left(user)} if recovery else {}))
    return None


# --- Security keys and passkeys (WebAuthn) ---------------------------------------------------------

RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"


def security_key_added(request, key):
    """
    django-otp-webauthn has checked and saved a new key of the signed-in person. Recorded; someone for whom it
    is the first second factor also gets recovery codes (kept in the session for the page that shows them
    once). Returns where to go next.
    """
    user = request.user
    if not key.name:
        key.name = f"{KEY_NAME} {security_keys(user).count()}"
        key.save(update_fields=["name"])
    first = not StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    codes = new_recovery_codes(user) if first else []
    record_event("second_factor_added", request=request, obj=user, device=KEY_NAME, key=key.name,
                 recovery_codes=len(codes))
    log.info("Security key added by %s from %s", user.get_username(), client_address(request))
    remember_second_factor(request.session, user)
    if codes:
        request.session[RECOVERY_CODES_TO_SHOW] = codes
        return reverse("two_factor_recovery_codes")
    return reverse("account")


def security_key_throttle(user):
    """The person's throttle row, locked for this transaction."""
    from .models import SecurityKeyThrottle

    SecurityKeyThrottle.objects.get_or_create(user=user)
    return SecurityKeyThrottle.objects.select_for_update().get(user=user)


def security_key_refused(user):
    """Why a security-key check is refused now (failed checks in a row), or None."""
    with transaction.atomic():
        return _throttle_message(security_key_throttle(user), wrong="failed security key check")


def security_key_failed(request, why):
    """A check of the signed-in person's key failed (not their key, a bad signature...): recorded, throttled."""
    user = request.user
    with transaction.atomic():
        throttle = security_key_throttle(user)
        throttle.throttle_increment()
    log.warning("Failed security key check (%s) for %s from %s", why, user.get_username(), client_address(request))
    record_event("second_factor_failed", request=request, obj=user, device=KEY_NAME, reason=why)
    wait = security_key_refused(user)
    return f"Your security key could not be checked. {wait or 'Try again, or use a code instead.'}"


def security_key_given(request, key):
    """The second step of signing in, by security key (django-otp-webauthn has marked the session verified)."""
    user = request.user
    with transaction.atomic():
        security_key_throttle(user).throttle_reset()
    request.session.cycle_key()
    log.info("Second factor given (%s) by %s from %s", KEY_NAME, user.get_username(), client_address(request))
    record_event("second_factor_given", request=request, obj=user, device=KEY_NAME, key=key.name)


def remove_security_key(request, key):
    """One of the person's keys, removed (recorded by accounts.security). Refused when it is the last second
    factor of someone who must have one."""
    from core.permissions import is_second_factor_required

    user = request.user
    others = (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or security_keys(user).exclude(pk=key.pk).exists()
    )
    if not others and is_second_factor_required(user):
        return "Your role needs a second factor, so your only one cannot be removed. Add another first."
    key.delete()
    if not others:
        StaticDevice.objects.filter(user=user).delete()
    remember_second_factor(request.session, user)
    log.warning("Security key removed for %s from %s", user.get_username(), client_address(request))
    return None


def remove_second_factor(request, user):
    """The person's app, security keys and recovery codes, removed (each removal recorded by accounts.security)."""
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user):
            device.delete()
        for key in WebAuthnCredential.objects.filter(user=user):
            key.delete()
        StaticDevice.objects.filter(user=user).delete()
    if request.user == user:
        remember_second_factor(request.session, user)
    log.warning("Second factor removed for %s by %s from %s", user.get_username(), request.user.get_username(),
                client_address(request))


def set_up_url(next_url=""):
    url = reverse("two_factor_setup")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
