"""The collection year, defined once: dates, labels and the latest finished year, in England and elsewhere."""
import datetime
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from core import collection_year
from core.collection_year import CollectionYear

d = datetime.date


def test_an_english_year_runs_from_1_april_to_31_march_and_is_named_by_its_end():
    year = CollectionYear(2025)
    assert (year.starts_on, year.ends_on) == (d(2024, 4, 1), d(2025, 3, 31))
    assert (year.label, year.long_label, str(year)) == ("2024-25", "2024 to 2025", "2024-25")
    assert collection_year.label(2000) == "1999-00"


def test_the_year_a_date_falls_in_turns_between_31_march_and_1_april():
    assert CollectionYear.containing(d(2025, 3, 31)).year == 2025
    assert CollectionYear.containing(d(2025, 4, 1)).year == 2026
    assert CollectionYear(2025).contains(d(2024, 4, 1)) and not CollectionYear(2025).contains(d(2025, 4, 1))


def test_a_year_is_finished_only_once_its_last_day_is_over():
    # 31 March 2025 is still part of 2024-25, so the latest finished year that day is 2023-24.
    assert collection_year.latest_finished(d(2025, 3, 31)) == 2024
    assert collection_year.latest_finished(d(2025, 4, 1)) == 2025
    assert collection_year.current(d(2025, 4, 1)) == 2026


@override_settings(COLLECTION_YEAR_END=(7, 31))
def test_a_nation_whose_year_ends_on_31_july_changes_one_setting():
    year = CollectionYear(2025)
    assert (year.starts_on, year.ends_on, year.label) == (d(2024, 8, 1), d(2025, 7, 31), "2024-25")
    assert collection_year.latest_finished(d(2025, 7, 31)) == 2024
    assert collection_year.latest_finished(d(2025, 8, 1)) == 2025


@override_settings(COLLECTION_YEAR_END=(12, 31))
def test_a_calendar_year_is_labelled_with_one_year():
    assert CollectionYear(2025).label == "2025" and CollectionYear(2025).starts_on == d(2025, 1, 1)


def test_today_is_the_councils_local_date_not_the_servers():
    # 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (British Summer Time began on 30 March).
    late_evening_utc = datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.timezone.utc)
    with mock.patch.object(timezone, "now", return_value=late_evening_utc):
        assert collection_year.today() == d(2025, 4, 1)
        assert collection_year.latest_finished() == 2025
