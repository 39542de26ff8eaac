"""The public page of the board's published measures: off by default, turned on by an administrator."""
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from children import synthetic
from dashboards.models import PublicPage


def test_the_public_page_is_off_until_an_administrator_turns_it_on(db, client_for, make_user):
    synthetic.build_cohort(children=40, years=1, seed=5, last_year=2025)
    public = reverse("dashboards:public_measures")
    anonymous = Client()
    assert anonymous.get(public).status_code == 404

    councillor = Client()
    councillor.force_login(make_user(Role.COUNCILLOR))
    assert councillor.get(reverse("dashboards:public_settings")).status_code == 403
    assert councillor.post(reverse("dashboards:public_settings"), {"enabled": "on"}).status_code == 403
    assert not PublicPage.is_enabled()

    administrator = client_for(Role.ADMINISTRATOR)
    page = administrator.get(reverse("dashboards:public_settings")).content.decode()
    assert "It has never been turned on." in page
    response = administrator.post(reverse("dashboards:public_settings"), {"enabled": "on"}, follow=True)
    assert "The public measures page is now on." in response.content.decode()

    response = anonymous.get(public)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Children looked after at 31 March" in html and "Data for the chart" in html
    assert "[c]" in html  # 40 children: some groups are small
    assert reverse("children:child_list") not in html

    administrator.post(reverse("dashboards:public_settings"), {})
    assert anonymous.get(public).status_code == 404
