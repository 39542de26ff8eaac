"""
People's own account pages, Django's password views in the GOV.UK look, and the administrators' page of
locked sign-ins (django-axes keeps the counts; unlocking clears them).
"""

import json

from axes.models import AccessAttempt
from crispy_forms.helper import FormHelper
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_POST
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from mozilla_django_oidc import views as oidc_views

from core.permissions import ADMINISTRATORS, is_administrator, is_second_factor_required, role_required

from . import security, services, single_sign_on
from .forms import CodeForm


class GovukForm:
    """Django's own forms, laid out by crispy-forms-gds with an error summary (accounts/form_page.html)."""

    field_labels = {}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.helper = FormHelper()
        form.helper.form_tag = False
        for name, label in self.field_labels.items():
            form.fields[name].label = label
        return form


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "may_unlock": is_administrator(user),
            "authenticator": services.authenticator(user),
            "security_keys": services.security_keys(user),
            "recovery_codes_left": services.recovery_codes_left(user),
            "second_factor_required": is_second_factor_required(user),
        },
    )


# --- Two-factor sign-in (accounts.services; the middleware sends people here) ---------------------------

RECOVERY_CODES_TO_SHOW = services.RECOVERY_CODES_TO_SHOW


def _next_url(request, default="dashboards:home"):
    """Where to go afterwards: the ``next`` the person came with, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse(default)


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.has_second_factor(request.user):
        services.remember_second_factor(request.session, request.user)  # removed by an administrator meanwhile
        return redirect(services.set_up_url(_next_url(request)))
    has_app = services.authenticator(request.user) is not None
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app" if has_app else "Recovery code",
        help_text=(
            "The 6-digit code your app shows now. If you do not have your phone, enter one of your recovery codes."
            if has_app else "One of the codes you were given when you added your security key. Each works once."
        ),
    )
    if request.method == "POST" and form.is_valid():
        problem = services.verify(request, form.cleaned_data["code"])
        if problem is None:
            return redirect(_next_url(request))
        form.add_error("code", problem)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_app": has_app,
            "has_key": services.security_keys(request.user).exists(),
        },
    )


@login_required
def two_factor_setup(request):
    """
    Set up an authenticator app: scan the QR code (or type the secret), then type the code it shows. Someone
    who already has one can replace it here, but only from a session that gave a code from it.
    """
    user = request.user
    if services.has_second_factor(user) and not user.is_verified():
        return redirect_to_verify(request)
    device = services.pending_authenticator(user)
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        help_text="After adding the account to your app, type the 6-digit code it shows.",
    )
    if request.method == "POST" and form.is_valid():
        codes, problem = services.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[RECOVERY_CODES_TO_SHOW] = codes
            messages.success(request, "Your authenticator app is set up. You will be asked for a code each time you sign in.")
            return redirect(f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': _next_url(request)})}")
        form.add_error("code", problem)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": services.qr_code_svg(device),
            "secret": services.secret_for_typing(device),
            "replacing": services.authenticator(user) is not None,
            "required": is_second_factor_required(user),
            "next": _next_url(request),
        },
    )


def redirect_to_verify(request):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path(), "two_factor_verify")


@login_required
def two_factor_recovery_codes(request):
    """New recovery codes, shown once: the page takes them out of the session as it shows them."""
    codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
    if not codes:
        messages.info(request, "Recovery codes are shown once, when they are made. You can make a new set here.")
        return redirect("account")
    response = render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def two_factor_new_recovery_codes(request):
    if not services.has_second_factor(request.user):
        return redirect("two_factor_setup")
    request.session[RECOVERY_CODES_TO_SHOW] = services.new_recovery_codes(request.user)
    security.recovery_codes_made(request, request.user)
    return redirect("two_factor_recovery_codes")


# --- Security keys and passkeys: django-otp-webauthn's views, with this service's records and throttle ---


@login_required
def security_key_add(request):
    """The page with the button that asks the browser for a new key (the library's script, static/)."""
    user = request.user
    if services.has_second_factor(user) and not user.is_verified():
        return redirect_to_verify(request)
    response = render(
        request,
        "accounts/security_key_add.html",
        {
            "security_keys": services.security_keys(user),
            "required": is_second_factor_required(user) and not services.has_second_factor(user),
            "next": _next_url(request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def security_key_remove(request, pk):
    key = get_object_or_404(services.security_keys(request.user), pk=pk)
    problem = services.remove_security_key(request, key)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"The security key \u201c{key.name}\u201d is removed.")
    return redirect("account")


class SecurityKeyRegistrationComplete(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        key = services.security_keys(self.request.user).get(pk=json.loads(response.content)["id"])
        return JsonResponse({"id": key.pk, "redirect_url": services.security_key_added(self.request, key)})


class SecurityKeyAuthenticationBegin(webauthn_views.BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        refused = services.security_key_refused(self.request.user)
        if refused:
            return JsonResponse({"detail": refused, "code": "throttled"}, status=429)
        return super().post(*args, **kwargs)


class SecurityKeyAuthenticationComplete(webauthn_views.CompleteCredentialAuthenticationView):
    """The second step of signing in by security key: throttled, and every success and failure recorded."""

    def post(self, *args, **kwargs):
        refused = services.security_key_refused(self.request.user)
        if refused:
            return JsonResponse({"detail": refused, "code": "throttled"}, status=429)
        try:
            return super().post(*args, **kwargs)
        except OTPWebAuthnApiError as problem:
            message = services.security_key_failed(self.request, problem.code)
            return JsonResponse({"detail": message, "code": problem.code}, status=problem.status_code)

    def complete_auth(self, device):
        super().complete_auth(device)
        services.security_key_given(self.request, device)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("dashboards:home")


@require_POST
@login_required
def two_factor_remove(request):
    if is_second_factor_required(request.user):
        messages.error(request, "Your role needs a second factor, so it cannot be removed. You can move it to a new phone.")
        return redirect("account")
    services.remove_second_factor(request, request.user)
    messages.success(request, "Your second factor (authenticator app, security keys and recovery codes) is removed.")
    return redirect("account")


class PasswordChangeView(GovukForm, auth_views.PasswordChangeView):
    """Django's own; the session survives, every other session of the person ends (Django's session hash)."""

    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("password_change_done")
    field_labels = {"old_password": "Current password", "new_password2": "New password again"}
    extra_context = {
        "title": "Change your password",
        "button": "Change password",
        "intro": "Changing your password signs you out on every other device.",
        "back_url": reverse_lazy("account"),
        "back_label": "Your account",
    }

    def form_valid(self, form):
        response = super().form_valid(form)
        security.password_changed(self.request, self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/message_page.html"
    extra_context = {
        "title": "Your password has been changed",
        "paragraphs": ["You have been signed out on every other device."],
        "link_url": reverse_lazy("dashboards:home"),
        "link_text": "Go to your dashboard",
    }


class PasswordResetView(GovukForm, auth_views.PasswordResetView):
    template_name = "accounts/form_page.html"
    email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {
        "title": "Reset your password",
        "button": "Send the link",
        "intro": "Enter the email address of your account and we will send you a link to choose a new password.",
        "back_url": reverse_lazy("login"),
        "back_label": "Sign in",
        "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }

    field_labels = {"email": "Email address"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/message_page.html"
    extra_context = {
        "title": "Check your email",
        "paragraphs": [
            "If an account uses that email address, we have sent it a link to choose a new password.",
            "The link works once. If no email arrives in a few minutes, check your junk mail, or ask the board's clerk.",
        ],
        "link_url": reverse_lazy("login"),
        "link_text": "Back to sign in",
    }


class PasswordResetConfirmView(GovukForm, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": "Choose a new password", "button": "Save the new password"}
    field_labels = {"new_password2": "New password again"}

    def form_valid(self, form):
        response = super().form_valid(form)
        security.password_changed(self.request, form.user, by_reset=True)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/message_page.html"
    extra_context = {
        "title": "Your password has been reset",
        "paragraphs": ["Every session signed in with the old password has ended."],
        "link_url": reverse_lazy("login"),
        "link_text": "Sign in",
    }


# --- Single sign-on with the council's account (accounts.single_sign_on) --------------------------------


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if single_sign_on.is_configured():
            context["single_sign_on_name"] = settings.SINGLE_SIGN_ON_NAME
        return context


def _only_when_configured(view):
    def wrapped(request):
        if not single_sign_on.is_configured():
            raise Http404("Single sign-on is not set up.")
        return view(request)

    return wrapped


council_account_sign_in = _only_when_configured(oidc_views.OIDCAuthenticationRequestView.as_view())
council_account_callback = _only_when_configured(oidc_views.OIDCAuthenticationCallbackView.as_view())


def council_account_refused(request):
    return render(
        request,
        "accounts/message_page.html",
        {
            "title": "You could not be signed in with your council account",
            "paragraphs": [
                "Your council account is not linked to anyone who uses this service, or the sign-in was cancelled.",
                "If you should have access, ask the board's clerk or an administrator to add you with the email "
                "address of your council account.",
            ],
            "link_url": reverse("login"),
            "link_text": "Back to sign in",
        },
    )


@role_required(*ADMINISTRATORS)
def locked_sign_ins(request):
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = round(cooloff * 60) if isinstance(cooloff, int | float) else None
    return render(
        request,
        "accounts/locked.html",
        {
            "attempts": attempts,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff": f"{minutes} minutes" if minutes else "until unlocked",
        },
    )


@require_POST
@role_required(*ADMINISTRATORS)
def unlock_sign_in(request, pk):
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    reset(username=attempt.username)
    if attempt.ip_address:
        reset(ip=attempt.ip_address)
    security.unlocked(request, attempt.username, attempt.ip_address)
    messages.success(request, f"Signing in is unlocked for {attempt.username} and from {attempt.ip_address or 'that address'}.")
    return redirect("locked_sign_ins")


