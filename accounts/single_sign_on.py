"""
Single sign-on with the council's OpenID Connect provider (Microsoft Entra ID, or any other), through
mozilla-django-oidc's authorisation-code flow (with PKCE): the person presses "Sign in with your council
account", signs in at the provider, and comes back with a signed ID token and the provider's claims.

Off unless ``OIDC_RP_CLIENT_ID`` is set (settings: ``OIDC_*``, ``SINGLE_SIGN_ON_*``). The identity is matched to
an existing, active person by email address only: nobody is created, so a council account gives no access
until an administrator has added the person. A group claim can set the person's role
(``SINGLE_SIGN_ON_GROUP_ROLES``: the provider's group id, then the role, in the order that wins); otherwise
the role stays as an administrator gave it. Every sign-in and every refusal is in the audit trail, with the
provider's issuer and subject. The second factor is still asked for afterwards, as after a password.
"""
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from audit.services import record_event
from core.addresses import client_address

log = logging.getLogger("accounts.security")


def is_configured():
    return bool(settings.OIDC_RP_CLIENT_ID)


def role_from_groups(groups):
    """The role the first configured group in ``groups`` gives, or None (a misspelt role gives none)."""
    from .models import Role

    groups = set(groups or ())
    for group, role in settings.SINGLE_SIGN_ON_GROUP_ROLES.items():
        if group in groups and role in Role.values:
            return role
    return None


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching by email to an existing active person and never creating one."""

    def __init__(self, *args, **kwargs):
        if is_configured():
            super().__init__(*args, **kwargs)
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not is_configured() or "nonce" not in kwargs:
            return None  # a password sign-in, or single sign-on is off
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token, id_token, payload):
        """The signed ID token's claims (where Entra ID puts groups), with the userinfo endpoint's over them."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims):
        if super().verify_claims(claims):
            return True
        self._refused(claims, "the provider gave no email address")
        return False

    def _refused(self, claims, why):
        email = (claims.get("email") or "").strip()
        log.warning("Council account refused (%s): %r from %s", why, email, client_address(self.request))
        record_event(
            "sign_in_failed", user=None, request=self.request, object_repr=email[:150] or "(no email)",
            via="council account", reason=why, email=email, issuer=claims.get("iss", ""), subject=claims.get("sub", ""),
        )

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        users = list(self.UserModel.objects.filter(email__iexact=email, is_active=True)) if email else []
        if len(users) != 1:
            self._refused(claims, "several people have this email address" if users else "no active person has this email address")
        return users

    def create_user(self, claims):
        return None  # OIDC_CREATE_USER is off; never reached, and never to be

    def update_user(self, user, claims):
        role = role_from_groups(claims.get("groups"))
        if role and role != user.role:
            user.role = role
            user.save(update_fields=["role"])  # recorded by django-auditlog, as every change to a person
        log.info("Council account: %s (%s) from %s", user.get_username(), claims.get("email"), client_address(self.request))
        record_event(
            "signed_in_with_council_account", user=user, request=self.request, obj=user,
            email=claims.get("email", ""), issuer=claims.get("iss", ""), subject=claims.get("sub", ""),
            role_from_group=role or "",
        )
        return user
