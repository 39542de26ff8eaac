"""
The service navigation: each entry names the roles that may use it, so people see only what they can open.
The views check the same roles on the server; hiding a link is a courtesy, not the protection.

Which entry is current is decided by one rule, ``current_item``: the entry with the longest path prefix that
the page's path starts with. Every page of the service sits under one of the prefixes below (the test
``tests/core/test_navigation.py`` walks the URL configuration to keep it so), except the account pages.
"""
from dataclasses import dataclass

from .permissions import ADMINISTRATORS, ALL_ROLES, BOARD_READERS, CLERKS, OFFICERS, YOUNG_PEOPLE


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    sections: tuple  # path prefixes of the pages that belong to this entry


NAVIGATION = (
    NavItem("Dashboard", "dashboards:home", ALL_ROLES, ("/dashboard/",)),
    NavItem("Clerk's desk", "boards:clerk_desk", CLERKS, ("/boards/desk/",)),
    NavItem("Children", "children:child_list", OFFICERS, ("/children/",)),
    NavItem("Measures", "measures:measure_list", BOARD_READERS, ("/measures/",)),
    NavItem("Self-evaluation", "indicators:cycle_list", BOARD_READERS, ("/self-evaluation/",)),
    NavItem(
        "Meetings",
        "boards:meeting_list",
        BOARD_READERS,
        ("/boards/", "/meetings/", "/actions/", "/forward-plan/", "/register-of-interests/", "/recommendations/"),
    ),
    NavItem("Your board's meetings", "boards:representative_meetings", YOUNG_PEOPLE, ("/young-people/",)),
    NavItem("Care Pledge", "boards:pledge", ALL_ROLES, ("/pledge/", "/feedback/")),
    NavItem("Reports", "reports:report_list", BOARD_READERS, ("/reports/",)),
    NavItem("Audit trail", "audit:trail", OFFICERS, ("/audit/",)),
    NavItem("Administration", "admin:index", ADMINISTRATORS, ("/admin/",)),
)
# Pages that belong to no section of the menu: the account pages, and the public site (no one signed in).
OUTSIDE_SECTIONS = ("/accounts/", "/public/")  # the public site has no menu


def current_item(path):
    """The menu entry a page belongs to: the longest of all the entries' prefixes that ``path`` starts with."""
    best, best_length = None, 0
    for item in NAVIGATION:
        for prefix in item.sections:
            if path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = item, len(prefix)
    return best


def items_for(user):
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if user.role in item.roles]
