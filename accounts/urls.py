from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# No namespace: Django's password views and the login page are found by their usual names.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
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
    path("locked/", views.locked_sign_ins, name="locked_sign_ins"),
    path("locked/<int:pk>/unlock/", views.unlock_sign_in, name="unlock_sign_in"),
]
