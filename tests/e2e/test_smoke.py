import pytest
from playwright.sync_api import expect

from accounts.models import Role

from .conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_sign_in_page_is_accessible_and_refuses_a_wrong_password(page, make_user):
    make_user(Role.OFFICER, username="hanna")
    page.goto("/accounts/login/")
    check_accessibility(page, "sign-in page")
    page.get_by_label("Username").fill("hanna")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_accessibility(page, "sign-in page with an error")
