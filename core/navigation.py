"""
The service navigation: each entry names the roles that may use it, so people see only what they can open.
The views check the same roles on the server; hiding a link is a courtesy, not the protection.
"""
from dataclasses import dataclass

from .permissions import ADMINISTRATORS, ALL_ROLES, BOARD_READERS, CLERKS, OFFICERS


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    section: str  # URL prefix that marks the item as current


NAVIGATION = (
    NavItem("Dashboard", "dashboards:home", ALL_ROLES, "/dashboard/"),
    NavItem("Clerk's desk", "boards:clerk_desk", CLERKS, "/boards/desk/"),
    NavItem("Children", "children:child_list", OFFICERS, "/children/"),
    NavItem("Measures", "measures:measure_list", BOARD_READERS, "/measures/"),
    NavItem("Self-evaluation", "indicators:cycle_list", BOARD_READERS, "/self-evaluation/"),
    NavItem("Meetings", "boards:meeting_list", BOARD_READERS, "/boards/"),
    NavItem("Care Pledge", "boards:pledge", ALL_ROLES, "/pledge/"),
    NavItem("Reports", "reports:report_list", BOARD_READERS, "/reports/"),
    NavItem("Audit trail", "audit:trail", OFFICERS, "/audit/"),
    NavItem("Administration", "admin:index", ADMINISTRATORS, "/admin/"),
)


def items_for(user):
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if user.role in item.roles]
