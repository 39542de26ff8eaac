"""
People's own account pages, Django's password views in the GOV.UK look, and the administrators' page of
locked sign-ins (django-axes keeps the counts; unlocking clears them).
"""

from axes.models import AccessAttempt
from crispy_forms.helper import FormHelper
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core.permissions import ADMINISTRATORS, is_administrator, role_required

from . import security


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
    return render(request, "accounts/account.html", {"may_unlock": is_administrator(request.user)})


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


