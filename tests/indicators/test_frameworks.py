"""Frameworks as data: the bundled files load, reloading changes nothing, bad files are refused clearly."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from indicators import services
from indicators.models import Area, Framework, QualityIndicator

from .conftest import FRAMEWORK


def test_bundled_frameworks_load_with_three_areas_and_illustrations(db):
    call_command("load_framework", "--bundled", stdout=open("/dev/null", "w"))
    hmie = Framework.objects.get(slug="hmie-childrens-services")
    ncb = Framework.objects.get(slug="ncb-corporate-parenting")
    assert list(hmie.areas.values_list("name", flat=True)) == [
        "Outcomes and impact", "Delivery of key processes", "Leadership and direction",
    ]
    assert QualityIndicator.objects.filter(area__framework=hmie).count() >= 12
    ncb_titles = " ".join(QualityIndicator.objects.filter(area__framework=ncb).values_list("title", flat=True))
    for component in ("participation", "Care Pledge", "governance", "outcomes data", "views", "Resources",
                      "Plans", "Scrutiny", "Feedback to children"):
        assert component in ncb_titles
    assert not QualityIndicator.objects.filter(illustration_excellent="").exists()
    assert not QualityIndicator.objects.filter(illustration_weak="").exists()


def test_loading_twice_changes_nothing_and_updates_wording(db, tmp_path):
    services.load_framework(FRAMEWORK)
    services.load_framework(FRAMEWORK)
    assert Framework.objects.count() == 1
    assert QualityIndicator.objects.count() == 3
    changed = json.loads(json.dumps(FRAMEWORK))
    changed["areas"][0]["indicators"][0]["title"] = "Outcomes improve for care leavers"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    call_command("load_framework", str(path), stdout=open("/dev/null", "w"))
    assert QualityIndicator.objects.get(number="QI 1.1").title == "Outcomes improve for care leavers"
    assert QualityIndicator.objects.count() == 3


def test_a_broken_file_is_refused_and_nothing_is_half_loaded(db, tmp_path):
    broken = json.loads(json.dumps(FRAMEWORK))
    del broken["areas"][1]["indicators"][0]["weak"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(CommandError, match="'weak' must be a non-empty piece of text"):
        call_command("load_framework", str(path))
    assert not Framework.objects.exists() and not Area.objects.exists()
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_framework", str(tmp_path / "bad.json"))


def test_administrator_adds_a_framework_area_and_indicator_in_the_app(client_for):
    client = client_for(Role.ADMINISTRATOR)
    response = client.post(
        reverse("indicators:framework_create"),
        {"name": "Wyvern local framework", "slug": "wyvern-local", "description": "Ours.", "source": "Board workshop."},
    )
    framework = Framework.objects.get(slug="wyvern-local")
    assert response.url == reverse("indicators:framework_detail", args=[framework.pk])
    client.post(reverse("indicators:area_add", args=[framework.pk]), {"number": 1, "name": "Outcomes and impact"})
    area = framework.areas.get()
    duplicate = client.post(reverse("indicators:area_add", args=[framework.pk]), {"number": 1, "name": "Other"})
    assert "already has an area with that number" in duplicate.content.decode()
    client.post(
        reverse("indicators:indicator_add", args=[framework.pk]),
        {"area": area.pk, "number": "W 1.1", "position": 1, "title": "Care leavers have homes",
         "illustration_excellent": "Every care leaver has a suitable home.", "illustration_weak": "Many sofa-surf."},
    )
    assert QualityIndicator.objects.get(area__framework=framework).title == "Care leavers have homes"
    page = client.get(reverse("indicators:framework_detail", args=[framework.pk])).content.decode()
    assert "Care leavers have homes" in page and "Many sofa-surf." in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNCILLOR, Role.CHIEF_EXECUTIVE])
def test_only_administrators_add_frameworks(client_for, role):
    client = client_for(role)
    assert client.post(reverse("indicators:framework_create"), {"name": "X", "slug": "x"}).status_code == 403
    assert not Framework.objects.exists()
