"""
Writing the audit trail. Entries are django-auditlog's ``LogEntry`` rows, one table for every kind of event:

* changes to registered models (children, episodes, the board's business, people and their second factor),
  written by django-auditlog itself;
* reads of child-level data (``record_reads``: record pages, list pages, exports), one entry per child;
* events that are not a change to a record (``record_event``): sign-ins and failures, lockouts and unlocks,
  password changes, refused requests, downloads of raw 903 files, imports.

Every entry carries who (name, username, email and role copied in, so that the person can never be erased
from it: the ``actor`` link alone would be lost if the person were removed), when, and from where (the address
from ``core.addresses``, trusted proxies only). Nobody can change or remove an entry through the app; on
PostgreSQL the table refuses UPDATE and DELETE (migration ``audit.0001``).
"""
import json

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from core.addresses import client_address

Action = LogEntry.Action

# What an event is called in the trail (``additional_data["event"]``).
EVENTS = {
    "listed": "Seen in a list",
    "exported": "Downloaded in a CSV export",
    "viewed": "Viewed",
    "signed_in": "Signed in",
    "signed_in_with_council_account": "Signed in with their council account",
    "sign_in_failed": "Failed sign-in",
    "signed_out": "Signed out",
    "locked_out": "Locked out after failed sign-ins",
    "unlocked": "Sign-in unlocked",
    "session_ended": "Session ended",
    "password_changed": "Changed their password",
    "password_reset": "Reset their password by email",
    "refused": "Refused",
    "downloaded_file": "Downloaded a raw 903 file",
    "downloaded_problems": "Downloaded an import's problems",
    "imported": "Changed by an import",
    "removed_by_import": "Removed by an import",
    "trail_searched": "Searched the audit trail",
    "trail_exported": "Exported the audit trail",
    "second_factor_added": "Added a second factor",
    "second_factor_removed": "Removed a second factor",
    "second_factor_given": "Gave a second factor (code or security key)",
    "second_factor_failed": "Wrong second-factor code or failed security key check",
    "recovery_code_used": "Signed in with a recovery code",
    "recovery_codes_made": "Made new recovery codes",
    "retention_removed": "Removed at the end of its retention period",
    "subject_access_export": "Exported for a subject access request",
}


ACTOR_KEYS = ("actor_name", "actor_username", "actor_email", "actor_role")


def actor_details(user):
    """The person, copied into the entry."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {
        "actor_name": user.get_full_name() or user.get_username(),
        "actor_username": user.get_username(),
        "actor_email": user.email,
        "actor_role": user.get_role_display(),
    }


@receiver(pre_save, sender=LogEntry, dispatch_uid="audit.services.copy_the_person_in")
def copy_the_person_in(sender, instance, **kwargs):
    """Before any entry is first saved (django-auditlog's own too): copy the person in."""
    if not instance._state.adding:
        return
    actor = instance.actor
    if actor is None:
        try:
            actor = auditlog_value.get().get("actor")
        except LookupError:
            actor = None
    details = actor_details(actor)
    if details:
        instance.additional_data = {**details, **(instance.additional_data or {})}
        instance.actor_email = instance.actor_email or details["actor_email"]


def _address(request):
    if request is not None:
        return client_address(request)
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def _entry(*, event, user, request, obj=None, content_type=None, object_pk="", object_repr="", action=Action.ACCESS, data=None, changes=None):
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_pk = str(obj.pk)
        object_repr = str(obj)[:200]
        extra = obj.get_additional_data() if hasattr(obj, "get_additional_data") else {}
    else:
        extra = {}
    if content_type is None:
        from accounts.models import User

        content_type = ContentType.objects.get_for_model(User)
    details = actor_details(actor)
    return LogEntry(
        content_type=content_type,
        object_pk=object_pk,
        object_id=int(object_pk) if str(object_pk).isdigit() else None,
        object_repr=object_repr,
        action=action,
        actor=actor,
        actor_email=details.get("actor_email"),
        remote_addr=_address(request),
        changes=changes,
        changes_text="",
        additional_data={**details, **extra, **(data or {}), "event": event},
    )


def record_event(event, *, user=None, request=None, obj=None, object_repr="", action=Action.ACCESS, changes=None, **data):
    """One entry for something that happened (a sign-in, a refusal, a download). Returns the entry."""
    assert event in EVENTS, event
    if user is None and request is not None:
        user = getattr(request, "user", None)
    entry = _entry(
        event=event, user=user, request=request, obj=obj, object_repr=object_repr or (str(obj) if obj else ""),
        action=action, data=data, changes=changes,
    )
    entry.save()
    return entry


def record_reads(request, objects, event, **data):
    """One entry per child-level record read (a list page's rows, an export's rows), written in one go."""
    assert event in EVENTS, event
    entries = [_entry(event=event, user=request.user, request=request, obj=obj, data=data) for obj in objects]
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def record_for_children(event, children, *, user=None, request=None, import_pk=None, action=Action.UPDATE, **data):
    """
    One entry per child an import (or the retention job) changed or removed, naming the child: ``children`` are
    (pk, CHILD) pairs, any iterable. The entries are the ones ``_entry`` makes, written as plain rows with
    ``core.bulk.insert_rows`` (COPY on PostgreSQL): an import of 80,000 children builds no model instances.
    """
    from children.models import Child
    from core.bulk import insert_rows

    model = LogEntry._meta
    like = _entry(event=event, user=user, request=request, content_type=ContentType.objects.get_for_model(Child),
                  action=action, data={**({"import_pk": import_pk} if import_pk else {}), **data})
    shared = {key: value for key, value in like.additional_data.items() if key != "event"}
    encoder = model.get_field("additional_data").encoder or DjangoJSONEncoder
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = ["content_type", "object_pk", "object_id", "object_repr", "action", "actor", "actor_email", "remote_addr",
              "changes_text", "additional_data", "timestamp"]
    rows = (
        (like.content_type_id, str(pk), pk, f"Child {child_id}", action, like.actor_id, like.actor_email,
         like.remote_addr, "",
         json.dumps({**{k: shared[k] for k in ACTOR_KEYS if k in shared}, "child_pk": pk, "child_id": child_id,
                     **{k: v for k, v in shared.items() if k not in ACTOR_KEYS}, "event": event}, cls=encoder),
         when)
        for pk, child_id in children
    )
    return insert_rows(LogEntry, fields, rows)


TRAIL_COLUMNS = ["when", "who", "username", "email", "role", "address", "what", "record", "changes"]


def trail_row(entry):
    """One entry as a row of ``TRAIL_COLUMNS``, for the trail's export and a subject access export."""
    from django.utils import timezone

    data = entry.additional_data or {}
    return [
        timezone.localtime(entry.timestamp).isoformat(), who(entry), data.get("actor_username", ""),
        data.get("actor_email") or entry.actor_email or "", data.get("actor_role", ""), entry.remote_addr or "",
        describe(entry), entry.object_repr, entry.changes_str if entry.changes else "",
    ]


def describe(entry):
    """What happened, in words, for the trail pages and the export."""
    data = entry.additional_data or {}
    if data.get("event") in EVENTS:
        return EVENTS[data["event"]]
    if data.get("export"):
        return EVENTS["exported"]
    return {Action.CREATE: "Created", Action.UPDATE: "Changed", Action.DELETE: "Deleted", Action.ACCESS: "Viewed"}.get(
        entry.action, "Recorded"
    )


def who(entry):
    """The person as copied into the entry; the linked account only for entries older than the copying."""
    data = entry.additional_data or {}
    if data.get("actor_name"):
        return f"{data['actor_name']} ({data.get('actor_email') or data.get('actor_username')})"
    if entry.actor_id:
        return f"{entry.actor} ({entry.actor.email})"
    if data.get("username_tried"):
        return f"Someone signing in as {data['username_tried']!r}"
    return "System"
