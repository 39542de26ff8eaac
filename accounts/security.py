"""
Sign-in events: every sign-in, sign-out, failed sign-in, lockout and ended session is logged (logger
``accounts.security``) with the person and the address it came from (``core.addresses``: trusted proxies
only). The throttle itself is django-axes (settings ``AXES_*``).
"""
import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.services import record_event
from core.addresses import client_address

log = logging.getLogger("accounts.security")


def _address(request):
    return client_address(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="accounts.security.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from .middleware import start_session_clock

        from .services import remember_second_factor

        start_session_clock(request.session)
        remember_second_factor(request.session, user)
    log.info("Signed in: %s (%s) from %s", user.get_username(), user.email, _address(request))
    record_event("signed_in", user=user, request=request, obj=user)


@receiver(user_logged_out, dispatch_uid="accounts.security.signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("Signed out: %s from %s", user.get_username(), _address(request))
        record_event("signed_out", user=user, request=request, obj=user)


@receiver(user_login_failed, dispatch_uid="accounts.security.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if "nonce" in credentials:
        return  # a council account refused: recorded with its email by accounts.single_sign_on
    username = str(credentials.get("username", ""))[:150]
    log.warning("Failed sign-in for %r from %s", username, _address(request))
    record_event("sign_in_failed", user=None, request=request, object_repr=username, username_tried=username)


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("Locked out after repeated failed sign-ins: %r from %s", username, ip_address)
    record_event("locked_out", user=None, request=request, object_repr=str(username or "")[:150], username_tried=username or "")


def record_session_end(request, reason):
    log.info("Session ended for %s: %s", request.user.get_username(), reason)
    record_event("session_ended", request=request, obj=request.user, reason=reason)


def unlocked(request, username, ip_address):
    log.warning("Unlocked sign-in for %r and from %s by %s", username, ip_address, request.user.get_username())
    record_event("unlocked", request=request, object_repr=str(username)[:150], username_unlocked=username, address_unlocked=ip_address)


def password_changed(request, user, by_reset=False):
    log.info("Password %s for %s from %s", "reset by email" if by_reset else "changed", user.get_username(), _address(request))
    record_event("password_reset" if by_reset else "password_changed", user=user, request=request, obj=user)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="accounts.security.second_factor_removed")
@receiver(post_delete, sender=WebAuthnCredential, dispatch_uid="accounts.security.security_key_removed")
def second_factor_removed(sender, instance, **kwargs):
    """A confirmed authenticator app or security key removed, by its owner, by replacing it, or by an
    administrator in the admin."""
    if instance.confirmed:
        from .models import User
        from .services import KEY_NAME

        owner = User.objects.filter(pk=instance.user_id).first()
        details = {"device": KEY_NAME, "key": instance.name} if sender is WebAuthnCredential else {"device": instance.name}
        record_event("second_factor_removed", user=None, obj=owner, object_repr=str(owner or instance.user_id), **details)


def recovery_codes_made(request, user):
    log.info("New recovery codes for %s from %s", user.get_username(), _address(request))
    record_event("recovery_codes_made", request=request, obj=user)
