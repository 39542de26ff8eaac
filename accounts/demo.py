"""Demo people, one or more for every role. Synthetic names; nobody real."""
from .models import Role, User

DEMO_PASSWORD = "corporate-parent-demo"

PEOPLE = [
    ("chief.executive", "Morag", "Ellison", Role.CHIEF_EXECUTIVE, "Chief Executive", "Wyvern County Council"),
    ("cllr.okafor", "Adaeze", "Okafor", Role.COUNCILLOR, "Chair, Corporate Parenting Board", "Wyvern County Council"),
    ("cllr.hughes", "Gareth", "Hughes", Role.COUNCILLOR, "Vice-chair, Corporate Parenting Board", "Wyvern County Council"),
    ("cllr.mistry", "Priya", "Mistry", Role.COUNCILLOR, "Councillor", "Wyvern County Council"),
    ("cllr.brennan", "Sean", "Brennan", Role.COUNCILLOR, "Councillor", "Wyvern County Council"),
    ("officer.lindqvist", "Hanna", "Lindqvist", Role.OFFICER, "Head of Children in Care", "Wyvern County Council"),
    ("officer.adeyemi", "Tunde", "Adeyemi", Role.OFFICER, "Performance Analyst", "Wyvern County Council"),
    ("officer.carr", "Joanne", "Carr", Role.OFFICER, "Virtual School Head", "Wyvern County Council"),
    ("partner.nhs", "Rachel", "Wood", Role.PARTNER, "Designated Nurse for Looked-After Children", "Wyvern Integrated Care Board"),
    ("ycc.rep", "Jay", "Morgan", Role.YOUNG_PERSON, "Children in Care Council representative", "Wyvern Children in Care Council"),
    ("ycc.rep2", "Kacey", "Lowe", Role.YOUNG_PERSON, "Children in Care Council representative", "Wyvern Children in Care Council"),
    ("clerk", "Deborah", "Ashworth", Role.CLERK, "Democratic Services Officer (clerk)", "Wyvern County Council"),
    ("admin.osei", "Kwame", "Osei", Role.ADMINISTRATOR, "Systems Administrator", "Wyvern County Council"),
]


def load(context):
    """Create the demo people and put them in ``context['people']`` by username for the other apps."""
    people = {}
    for username, first, last, role, title, organisation in PEOPLE:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            job_title=title,
            organisation=organisation,
            email=f"{username}@wyvern.council.example",
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        people[username] = user
    context["people"] = people
    return people


def logins():
    """One sign-in per role, for printing after the demo is loaded."""
    seen = {}
    for username, _first, _last, role, _title, _org in PEOPLE:
        seen.setdefault(role, username)
    return [(Role(role).label, username, DEMO_PASSWORD) for role, username in seen.items()]
