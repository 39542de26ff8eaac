"""
Sessions end after ``SESSION_IDLE_TIMEOUT`` seconds without a request (30 minutes by default) and, whatever
the person does, ``SESSION_COOKIE_AGE`` seconds after signing in (12 hours).

Written here rather than taken from a library: the session-timeout packages on PyPI either need jQuery and
inline script (which the content security policy forbids) or are no longer maintained, and the rule is two
timestamps in the session.
"""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

LAST_SEEN = "last_seen"
SIGNED_IN_AT = "signed_in_at"


def start_session_clock(session):
    """At sign-in: both clocks start now (so the first request after it need not write the session)."""
    session[SIGNED_IN_AT] = session[LAST_SEEN] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended:
                from accounts import security

                security.record_session_end(request, ended)
                logout(request)
                messages.info(request, ended)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _ended(self, request):
        now = time.time()
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        idle = settings.SESSION_IDLE_TIMEOUT
        if now - last_seen > idle:
            return f"You were signed out because you had not used the service for {_minutes(idle)}. Sign in again to carry on."
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return f"You were signed out because you signed in more than {_minutes(settings.SESSION_COOKIE_AGE)} ago. Sign in again to carry on."
        # Write the session only when the time has moved on enough to matter, not on every request.
        if now - last_seen >= min(60, idle / 4) or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return None


def _minutes(seconds):
    minutes = round(seconds / 60)
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    if minutes < 1:
        return f"{int(seconds)} seconds"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class SecondFactorMiddleware:
    """
    After the password, the second factor, before anything else (django-otp's ``request.user.is_verified()``):

    * someone who has set up an authenticator app and has not given a code in this session is sent to give
      one (``two_factor_verify``: a code, or their security key); until then they can only sign out;
    * someone who must have one (``core.permissions.is_second_factor_required``: officers and administrators
      where ``TWO_FACTOR_REQUIRED``) and has none is sent to set one up.
    """

    ALWAYS_OPEN = (
        "two_factor_verify", "logout",
        "otp_webauthn:credential-authentication-begin", "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    )
    # Where someone who must have a second factor and has none sets one up (the key's own endpoints refuse a
    # person who has one and has not given it).
    SETTING_UP = (
        "two_factor_setup", "security_key_add",
        "otp_webauthn:credential-registration-begin", "otp_webauthn:credential-registration-complete",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(settings.STATIC_URL):
            redirect_to = self._redirect(request, user)
            if redirect_to is not None:
                return redirect_to
        return self.get_response(request)

    def _redirect(self, request, user):
        from django.shortcuts import redirect
        from django.urls import Resolver404, resolve

        from core.permissions import is_second_factor_required

        from .services import has_second_factor, set_up_url

        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = None
        if name in self.ALWAYS_OPEN:
            return None
        if has_second_factor(user, request.session):
            return redirect_to_login(request.get_full_path(), "two_factor_verify")
        if name in self.SETTING_UP or not is_second_factor_required(user):
            return None
        messages.info(request, "You need a second factor to use this service. Set up an authenticator app or a security key to carry on.")
        return redirect(set_up_url(request.get_full_path()))
