"""
The Django admin's site: django-otp's ``OTPAdminSite`` (a verified second factor in this session), for
administrators only (``core.permissions.may_use_django_admin``). It has no sign-in form of its own: people
sign in through the service's sign-in and its second-factor step (where django-axes' lockout applies), and
are sent there, or to set up a second factor, when they arrive without one.
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from .permissions import may_use_django_admin


class AdminSite(OTPAdminSite):
    site_header = "Corporate Parenting Board administration"
    site_title = "Corporate Parenting Board"

    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        return may_use_django_admin(request.user) and super().has_permission(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, reverse("login"))
        from accounts.services import has_second_factor, set_up_url

        if may_use_django_admin(request.user) and not request.user.is_verified():
            if has_second_factor(request.user):
                return redirect_to_login(next_url, reverse("two_factor_verify"))
            messages.info(request, "The administration needs a second factor. Set one up to carry on.")
            return redirect(set_up_url(next_url))
        return super().login(request, extra_context)
