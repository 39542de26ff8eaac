from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from . import views

# django-otp-webauthn's JSON endpoints, under the names its scripts and template tags look for; signing in with
# a key is throttled and recorded (accounts.views), and never passwordless (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN).
webauthn_urls = [
    path("registration/begin/", login_required(webauthn_views.BeginCredentialRegistrationView.as_view()), name="credential-registration-begin"),
    path("registration/complete/", login_required(views.SecurityKeyRegistrationComplete.as_view()), name="credential-registration-complete"),
    path("authentication/begin/", login_required(views.SecurityKeyAuthenticationBegin.as_view()), name="credential-authentication-begin"),
    path("authentication/complete/", login_required(views.SecurityKeyAuthenticationComplete.as_view()), name="credential-authentication-complete"),
    path("messages.js", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]

# No namespace: Django's password views and the login page are found by their usual names.
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("council-account/", views.council_account_sign_in, name="single_sign_on"),
    path("council-account/callback/", views.council_account_callback, name="single_sign_on_callback"),
    path("council-account/refused/", views.council_account_refused, name="single_sign_on_refused"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/recovery-codes/new/", views.two_factor_new_recovery_codes, name="two_factor_new_recovery_codes"),
    path("two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("two-factor/security-key/", views.security_key_add, name="security_key_add"),
    path("two-factor/security-key/<int:pk>/remove/", views.security_key_remove, name="security_key_remove"),
    path("two-factor/security-key/", include((webauthn_urls, "otp_webauthn"))),
    path("locked/", views.locked_sign_ins, name="locked_sign_ins"),
    path("locked/<int:pk>/unlock/", views.unlock_sign_in, name="unlock_sign_in"),
]
