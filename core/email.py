"""
The service's emails: one message per person (nobody's address is shared with the others) and links back
into the service. Emails carry no personal data: what happened, to which item, and a link to sign in.
"""
from django.conf import settings
from django.core.mail import EmailMessage, get_connection


def link(path):
    """An absolute link to ``path`` on this service (``SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + path


def send_each(subject, body, addresses):
    """Send ``body`` to each address in its own message; returns how many were sent."""
    messages = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
        for address in addresses
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
