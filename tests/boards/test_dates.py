"""A date the app fills in by itself is the council's date, not the server's (UTC)."""
import datetime

import pytest
from django.utils import timezone

from boards.models import PledgeUpdate, Response


@pytest.mark.parametrize("model, field", [(PledgeUpdate, "updated_on"), (Response, "responded_on")])
def test_a_date_filled_in_at_half_past_midnight_in_summer_is_the_councils_day(model, field, monkeypatch, settings):
    settings.TIME_ZONE = "Europe/London"
    # 23:30 UTC on 30 June is 00:30 British Summer Time on 1 July: the council's day is 1 July.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC))
    assert model._meta.get_field(field).get_default() == datetime.date(2026, 7, 1)
