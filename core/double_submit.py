"""
A form sent twice is acted on once.

Django masks the CSRF token afresh for every page it renders, so a form's fields as sent (token included)
identify one rendering of one form: a double click, or a second press while the first request is still
running, sends exactly the same fields to the same address. The first sending claims that fingerprint in
the database (a unique row, so two requests at the same instant cannot both win, on any number of web
processes); a second one is not passed to the view: it is sent where the first one led, with a message.
A form shown again (after a validation error, or a fresh visit) carries a new mask, so a deliberate second
sending is always possible. A first sending that fails with a server error gives its claim back.

Written by hand: no maintained Django package does this for every form without a template tag in each one.
"""
import datetime
import hashlib
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import FormSubmission

KEPT_FOR = datetime.timedelta(days=1)
WAIT_FOR_FIRST_SECONDS = 5.0
ALREADY_SENT = "That form had already been sent, so it was not sent again: what it asked for was done once."


def fingerprint(request):
    """The user, the address and every field (and file name and size) as sent."""
    digest = hashlib.sha256()
    digest.update(f"{request.user.pk}\0{request.path}\0".encode())
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\0{upload.name}\0{upload.size}\0".encode())
    return digest.hexdigest()


class DoubleSubmitMiddleware:
    """After CSRF, sessions, authentication and messages (its place in settings.MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_form_submission", None)
        if claim is not None:
            if response.status_code >= 500:
                FormSubmission.objects.filter(pk=claim.pk).delete()
            else:
                outcome = response.get("Location", "") if 300 <= response.status_code < 400 else request.path
                FormSubmission.objects.filter(pk=claim.pk).update(outcome_url=(outcome or request.path)[:500])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or not request.user.is_authenticated
            or not request.POST.get("csrfmiddlewaretoken")
            or getattr(request, "csrf_processing_done", False) is False
        ):
            return None
        now = timezone.now()
        key = fingerprint(request)
        try:
            with transaction.atomic():
                request._form_submission = FormSubmission.objects.create(
                    fingerprint=key, user=request.user, path=request.path[:300], submitted_at=now
                )
        except IntegrityError:
            return self._already_sent(request, key)
        FormSubmission.objects.filter(submitted_at__lt=now - KEPT_FOR).delete()
        return None

    def process_exception(self, request, exception):
        claim = getattr(request, "_form_submission", None)
        if claim is not None:
            FormSubmission.objects.filter(pk=claim.pk).delete()
            request._form_submission = None

    def _already_sent(self, request, key):
        """Follow the first sending to where it led (waiting briefly if it is still running)."""
        deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
        outcome = ""
        while True:
            outcome = FormSubmission.objects.filter(fingerprint=key).values_list("outcome_url", flat=True).first()
            if outcome or outcome is None or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        messages.info(request, ALREADY_SENT)
        if not outcome:
            referer = request.META.get("HTTP_REFERER", "")
            safe = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
            outcome = referer if safe else request.path
        return redirect(outcome)
