"""Reading the audit trail: search by person, by child, by kind of event and by date."""
import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone


def search(*, person="", child="", event="", date_from=None, date_to=None):
    """Entries newest first. ``person`` matches the copied name, username or email; ``child`` a CHILD identifier."""
    from children.models import Child

    entries = LogEntry.objects.select_related("actor", "content_type")
    person = person.strip()
    if person:
        entries = entries.filter(
            Q(additional_data__actor_name__icontains=person)
            | Q(additional_data__actor_username__icontains=person)
            | Q(actor_email__icontains=person)
            | Q(additional_data__username_tried__icontains=person)
        )
    child = child.strip()
    if child:
        pks = list(Child.objects.filter(child_id=child).values_list("pk", flat=True))
        entries = entries.filter(
            Q(additional_data__child_id=child)
            | Q(additional_data__child_pk__in=pks)
            | Q(content_type=ContentType.objects.get_for_model(Child), object_pk__in=[str(pk) for pk in pks])
        )
    if event:
        entries = entries.filter(additional_data__event=event)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(timestamp__gte=datetime.datetime.combine(date_from, datetime.time.min, zone))
    if date_to:
        entries = entries.filter(timestamp__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, zone))
    return entries.order_by("-timestamp", "-pk")
