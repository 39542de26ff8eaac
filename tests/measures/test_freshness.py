"""
One way to know the figures changed (the measures' change stamp), and nobody waiting for a cold computation:
the worker computes the figures after a change, and requests arriving together compute them once.
"""
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache

from children import services as child_services
from children.models import Code, CodeList
from measures import queries, services
from measures.models import Target
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes


@pytest.fixture
def cohort(db):
    make_codes()
    ret = cohort_return(2025)
    for place in ("U4", "U4", "R1", "R1", "R1", "Z1"):
        episode(ret, child(), d("01/05/2024"), place=place)
    cache.clear()
    yield ret
    cache.clear()


def test_removing_a_target_that_is_not_the_newest_moves_the_version(cohort, make_user):
    services.save_target(measure="health_assessment", value=Decimal("90"), amber_margin=Decimal("5"), user=None)
    services.save_target(measure="dental_check", value=Decimal("90"), amber_margin=Decimal("5"), user=None)
    before = queries.version()
    services.remove_target(measure="health_assessment")
    assert queries.version() != before
    assert not Target.objects.filter(measure="health_assessment").exists()


def test_regrouping_a_code_when_code_lists_are_reloaded_moves_the_figures(cohort, tmp_path):
    assert queries.compute(cached=True)[2025]["placement_residential"].numerator == 3
    before = queries.version()
    codes = tmp_path / "codes.csv"
    codes.write_text("code_list,code,description,group\nplacement_type,R1,Residential care home,other\n")
    child_services.load_code_lists(codes)
    assert Code.objects.get(code_list=CodeList.PLACEMENT_TYPE, code="R1").group == "other"
    assert queries.version() != before
    assert queries.compute(cached=True)[2025]["placement_residential"].numerator == 0


def test_after_an_edit_the_worker_has_computed_the_figures_before_anyone_asks(
    cohort, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        episode(cohort, child(), d("01/05/2024"))  # an officer's change: the history is rebuilt
    assert callbacks  # the warm-up was queued once the change committed (run in-process here, as Celery does)
    with django_assert_max_num_queries(2):  # the years with a return and the version: no computation
        assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 7


@pytest.mark.django_db(transaction=True)
def test_twenty_requests_arriving_together_compute_the_figures_once(monkeypatch):
    make_codes()
    ret = cohort_return(2025)
    for _ in range(6):
        episode(ret, child(), d("01/05/2024"))
    cache.clear()
    computed = []
    real = queries._year_rows

    def counted(*args):
        computed.append(1)
        return real(*args)

    monkeypatch.setattr(queries, "_year_rows", counted)
    start, results, errors = threading.Barrier(20), [], []

    def request():
        from django.db import connection

        try:
            start.wait()
            results.append(queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [6] * 20
    assert len(computed) == 1
    cache.clear()


def test_a_new_release_of_the_code_computes_the_figures_afresh(cohort, settings, monkeypatch):
    # A release may change how a figure is counted with no data changing: its figures are not the old code's.
    computed = []
    real = queries._computed
    monkeypatch.setattr(queries, "_computed", lambda *args: computed.append(args) or real(*args))
    settings.RELEASE = "release-1"
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    assert len(computed) == 1  # the second request read the first one's figures
    settings.RELEASE = "release-2"
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    assert len(computed) == 2
