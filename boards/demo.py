"""
Demo board for the synthetic Wyvern County Council: members of every role, eighteen months of meetings held
every two months (attendance, minutes, decisions, actions, some overdue), the next three meetings, a forward
work programme, the Care Pledge with its progress history, and "you said, we did". Nobody here is real.
"""
import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from indicators import services as indicator_services
from indicators.models import Cycle

from . import services
from .models import (
    ActionStatus,
    AttendanceStatus,
    Board,
    BoardRole,
    DeclarationAction,
    ForwardPlanItem,
    InterestKind,
    MeetingStatus,
    MinuteKind,
    Paper,
    PledgeCommitment,
    PledgeUpdate,
    RegisterCategory,
    RegisteredInterest,
    Theme,
    ViewSource,
)

TERMS_OF_REFERENCE = """The Corporate Parenting Board leads and scrutinises Wyvern County Council's duties as corporate parent to the children it looks after and to its care leavers.

It receives performance information on looked-after children and care leavers at every meeting (placement mix, distance and stability; health; education; and care leavers' outcomes), hears directly from the Children in Care Council, monitors the Care Pledge, and holds the council and its partners to account for their contribution.

The board makes recommendations to the Cabinet and reports once a year to full council. It meets every two months. Decisions are taken by the elected members present; officers, partners and young people's representatives advise."""

MEMBERS = [
    # username, role on the board, counts to quorum, months since joining
    ("cllr.okafor", BoardRole.CHAIR, True, 30),
    ("cllr.hughes", BoardRole.VICE_CHAIR, True, 30),
    ("cllr.mistry", BoardRole.COUNCILLOR, True, 30),
    ("cllr.brennan", BoardRole.COUNCILLOR, True, 10),
    ("officer.lindqvist", BoardRole.OFFICER, False, 30),
    ("officer.carr", BoardRole.OFFICER, False, 30),
    ("partner.nhs", BoardRole.PARTNER, False, 30),
    ("ycc.rep", BoardRole.YOUNG_PERSON, False, 30),
    ("ycc.rep2", BoardRole.YOUNG_PERSON, False, 12),
    ("clerk", BoardRole.CLERK, False, 30),
    ("chief.executive", BoardRole.IN_ATTENDANCE, False, 30),
]

ITEMS = [
    # title, author, measures, self-evaluation, summary
    (
        "Performance report: looked-after children",
        "officer.adeyemi",
        "looked_after_rate_per_10000, placement_kinship, placed_over_20_miles, three_or_more_placements",
        "",
        "Numbers in care and the rate per 10,000 children, placement mix, distance from home and stability.",
    ),
    (
        "Care leavers: education, employment, accommodation and staying in touch",
        "officer.lindqvist",
        "care_leavers_in_eet, care_leavers_suitable_accommodation, care_leavers_in_touch",
        "QI 1.1 Improvements in outcomes for looked-after children and care leavers",
        "How our care leavers aged 17 to 21 are doing compared with their peers.",
    ),
    (
        "Virtual School report: attendance and attainment",
        "officer.carr",
        "",
        "",
        "School attendance, exclusions and results of looked-after children.",
    ),
    (
        "Health of looked-after children",
        "partner.nhs",
        "health_assessment, dental_check, mean_sdq_score",
        "",
        "Health assessments, dental checks and emotional wellbeing (SDQ) from the Integrated Care Board.",
    ),
    (
        "Care Pledge progress and the Children in Care Council",
        "officer.lindqvist",
        "",
        "",
        "Progress against each promise, and what the Children in Care Council has raised since the last meeting.",
    ),
]

MINUTES = [
    "The board noted the report and asked why the number of children placed more than 20 miles from home had risen.",
    "Members welcomed the rise in care leavers in education, employment or training but noted the gap with their peers.",
    "The Virtual School Head reported improved attendance; persistent absence remains high in Year 10 and 11.",
    "The Designated Nurse reported that health assessments within timescales had improved to the regional average.",
    "Young people's representatives presented the Children in Care Council's priorities for the year.",
]
DECISIONS = [
    "Agreed that a sufficiency update on local foster placements comes to the next meeting.",
    "Agreed to ask the Cabinet Member for Housing to attend on care leavers' accommodation.",
]
# The measures the decisions made six and twelve months ago (the meetings 180 and 360 days back) meant to move.
DECISION_MEASURES = {3: ["care_leavers_suitable_accommodation"], 6: ["placed_over_20_miles", "placement_foster"]}
REGISTER = [
    ("cllr.okafor", RegisterCategory.EMPLOYMENT, "Part-time lecturer, Wyvern College."),
    ("cllr.hughes", RegisterCategory.BODIES, "Trustee, Wyvern Care Leavers' Association."),
    ("cllr.mistry", RegisterCategory.LAND, "Home in Wyvern town."),
]
RECOMMENDATIONS = [
    ("Recommend to Cabinet that care leavers are exempt from council tax up to age 25.", "Cabinet",
     "Cabinet agreed the exemption from 1 April, funded from the corporate parenting budget."),
    ("Recommend that every directorate names a corporate parenting champion.", "Corporate Leadership Team",
     "Each directorate has named a champion; the list is on the intranet."),
]
ACTIONS = [
    ("Bring a sufficiency update on local foster placements, with the trend in out-of-area placements.", "officer.lindqvist"),
    ("Write to the Integrated Care Board about waiting times for emotional wellbeing support.", "cllr.okafor"),
    ("Circulate the care leavers' housing protocol to members.", "clerk"),
    ("Report on persistent absence of looked-after children in Years 10 and 11.", "officer.carr"),
    ("Arrange corporate parenting training for newly elected members.", "clerk"),
    ("Visit a children's home with young people's representatives and report back.", "cllr.hughes"),
]

PLEDGE = [
    ("We will make sure you have a social worker who knows you, and you will be told if they change.", "officer.lindqvist", ""),
    ("We will help you to stay at the same school wherever possible when you move home.", "officer.carr", ""),
    ("We will make sure you have regular health checks and can see a dentist.", "partner.nhs", "health_assessment"),
    ("We will help you keep in touch with your brothers, sisters and friends.", "officer.lindqvist", ""),
    ("We will give you free leisure passes so you can do the activities you enjoy.", "officer.adeyemi", ""),
    ("We will help you find a safe home you can keep when you leave care.", "officer.lindqvist", "care_leavers_suitable_accommodation"),
    ("We will help you into college, training or a job, including apprenticeships at the council.", "officer.carr", "care_leavers_in_eet"),
    ("We will listen to you, and tell you what we did about what you said and why.", "clerk", ""),
]
RAG_HISTORY = [
    ["amber", "amber", "green"],
    ["red", "amber", "amber"],
    ["amber", "green", "green"],
    ["amber", "amber", "red"],
    ["green", "green", "green"],
    ["red", "red", "amber"],
    ["amber", "amber", "amber"],
    ["amber", "green", "green"],
]
RAG_NOTES = {
    "red": "Not on track. The owner has set out a recovery plan for the next board meeting.",
    "amber": "Some progress since the last update, but not yet where young people asked us to be.",
    "green": "On track: the Children in Care Council agreed this promise is being kept.",
}

VIEWS = [
    # view, pledge number or None, service area, source, months ago, response (we did, decision, reason, published)
    (
        "Our social workers keep changing and nobody tells us until the new one turns up.",
        1, "", ViewSource.CICC_MEETING, 14,
        ("Every young person is now told in writing, and by their old social worker, before a change.",
         "The board asked children's services to make a letter and a handover visit part of every change.",
         "You told us that not knowing was the worst part. We cannot always stop changes when staff leave, but we can make sure you always know first.",
         True),
    ),
    (
        "Leisure passes only work in Wyvern town, not where we live.",
        5, Theme.LEISURE, ViewSource.SURVEY, 11,
        ("The leisure pass now works in all twelve council leisure centres and the two partner trusts.",
         "Extend the pass to every centre in the county.",
         "Most of you live outside Wyvern town, so a pass for one town was not fair. The cost was small compared with the difference it makes.",
         True),
    ),
    (
        "When you leave care you get put in a bedsit miles from your friends.",
        6, Theme.HOUSING, ViewSource.BOARD_MEETING, 8,
        ("Care leavers now get priority banding for council homes, and a housing options worker from age 16.",
         "Change the housing allocations policy for care leavers.",
         "A home you can keep near the people who matter is a promise in our Care Pledge. The council is your corporate parent and should act like one.",
         True),
    ),
    (
        "Waiting for CAMHS takes too long. We need someone to talk to now.",
        None, Theme.MENTAL_HEALTH, ViewSource.CICC_MEETING, 6,
        ("The Integrated Care Board has funded two emotional wellbeing workers just for children in care.",
         "Ask the health partner to report on waiting times at every meeting.",
         "You should not have to wait months when things are hard. We cannot run CAMHS ourselves, so we asked health to fund extra help and to report to us on it.",
         True),
    ),
    (
        "We want to be paid for coming to Children in Care Council meetings like adults on panels are.",
        8, "", ViewSource.CICC_MEETING, 4,
        ("Young people now receive a voucher and travel costs for every meeting they attend.",
         "Pay vouchers and expenses, not wages.",
         "Your time is valuable. We could not pay wages because it would affect some of you's benefits, so we chose vouchers after checking with you.",
         True),
    ),
    (
        "Apprenticeships at the council ask for qualifications we did not get a chance to get.",
        7, Theme.EMPLOYMENT, ViewSource.CONSULTATION, 2,
        ("Human resources is drafting guaranteed interviews for care leavers.",
         "Guaranteed interview scheme to go to Cabinet.",
         "Being in care often disrupts school. We think it is fair to judge you on what you can do, not only on grades.",
         False),
    ),
    (
        "Moving school in Year 10 messed up my GCSEs.",
        2, Theme.EDUCATION, ViewSource.SURVEY, 1,
        None,
    ),
]

FORWARD_PLAN = [
    (Theme.HOUSING, "Housing for care leavers: sufficiency and suitability", "Wyvern Homes housing options service", "officer.lindqvist"),
    (Theme.MENTAL_HEALTH, "Child and adolescent mental health: waiting times for children in care", "Wyvern Integrated Care Board (CAMHS)", "partner.nhs"),
    (Theme.TRANSITIONS, "Transitions to adult services for disabled young people in care", "Adult social care", "officer.lindqvist"),
    (Theme.LEISURE, "Leisure passes: take-up and what young people think", "Wyvern Leisure Trust", "officer.adeyemi"),
    (Theme.HEALTH, "Health assessments and dental checks", "Wyvern Integrated Care Board", "partner.nhs"),
    (Theme.EDUCATION, "Virtual School annual report", "Virtual School", "officer.carr"),
    (Theme.EMPLOYMENT, "Apprenticeships and guaranteed interviews for care leavers", "Human resources and Wyvern College", "officer.carr"),
]


PERFORMANCE_COVER_SHEET = {
    "author": "Tunde Adeyemi",
    "author_service": "Children's Services: Performance and Intelligence",
    "purpose": "To show the board this quarter's placement mix, distance from home and stability.",
    "recommendations": "Note the quarter's performance.\nAsk the Head of Placements to report on placements more "
    "than 20 miles from home at the next meeting.",
    "financial_implications": "None arising from this report.",
    "legal_implications": "The council's sufficiency duty (Children Act 1989, section 22G) applies.",
    "equalities_implications": "Figures are published for all children; small numbers are withheld.",
    "voice_implications": "The Children in Care Council's survey on moving placement is summarised in section 3.",
    "risk_implications": "Placement moves remain the main risk to stability.",
    "appendices": "Measures and definitions",
}


def _at(day, hour=14):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _pdf(title, body):
    from weasyprint import HTML

    html = (
        "<html><head><style>body{font-family:sans-serif;font-size:11pt}h1{font-size:16pt}</style></head><body>"
        f"<p>Wyvern County Council: Corporate Parenting Board</p><h1>{title}</h1><p>{body}</p>"
        "<p>This is a synthetic paper for demonstration. It contains no information about any real child.</p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()


def load(context):
    today = context["today"]
    people = context["people"]
    stdout = context.get("stdout")

    board = Board.objects.create(name="Wyvern Corporate Parenting Board", terms_of_reference=TERMS_OF_REFERENCE, quorum=3)
    for username, role, voting, months in MEMBERS:
        services.add_member(
            board=board,
            user=people[username],
            role=role,
            voting=voting,
            start_date=today - datetime.timedelta(days=30 * months),
        )
    memberships = list(board.memberships.all())
    for username, category, description in REGISTER:
        services.save_registered_interest(
            RegisteredInterest(), member=people[username], category=category, description=description,
            registered_on=today - datetime.timedelta(days=400),
        )
    standard = services.create_template(board=board, name=services.STANDARD_TEMPLATE_NAME)

    cycles = list(Cycle.objects.order_by("starts_on"))  # from the indicators demo, if it ran

    def cycle_on(day):
        return next((cycle for cycle in reversed(cycles) if cycle.starts_on <= day), None)

    held = []
    for number in range(9, 0, -1):  # every two months over the past eighteen months
        day = today - datetime.timedelta(days=60 * number)
        meeting = services.schedule_meeting(
            board=board, starts_at=_at(day), venue="Committee Room 1, County Hall, Wyvern", status=MeetingStatus.HELD
        )
        held.append(meeting)
        items = []
        for index, (title, author, measures, evaluation, summary) in enumerate(ITEMS):
            items.append(
                services.add_agenda_item(
                    meeting=meeting, title=title, report_author=people[author], measures=measures,
                    self_evaluation=evaluation, cycle=cycle_on(day) if evaluation else None, summary=summary,
                    order=index + 1,
                )
            )
        minuted = _at(day + datetime.timedelta(days=3), 10)  # the clerk drafts the minutes after the meeting
        for index, item in enumerate(items):
            services.record_minute(
                agenda_item=item, kind=MinuteKind.MINUTE, text=MINUTES[index], recorded_by=people["clerk"],
                recorded_at=minuted,
            )
        decision = services.record_minute(
            agenda_item=items[0], kind=MinuteKind.DECISION, text=DECISIONS[number % 2], recorded_by=people["clerk"],
            recorded_at=minuted,
        )
        if number in DECISION_MEASURES:  # six and twelve months ago: they come back to the next meeting
            services.choose_decision_measures(decision, DECISION_MEASURES[number], today=day)
        text, recommended_to, response = RECOMMENDATIONS[number % 2]
        recommendation = services.record_minute(
            agenda_item=items[1], kind=MinuteKind.RECOMMENDATION, text=text, recorded_by=people["clerk"],
            recommended_to=recommended_to, response_due=day + datetime.timedelta(weeks=8), recorded_at=minuted,
        )
        if number > 2:  # the older ones have been answered
            services.record_response(recommendation, response=response, received_on=day + datetime.timedelta(weeks=6))
        if number == 3:
            services.record_declaration(
                meeting=meeting, membership=board.memberships.get(user=people["cllr.hughes"]), agenda_item=items[1],
                kind=InterestKind.OTHER_REGISTRABLE, interest="Trustee of Wyvern Care Leavers' Association",
                action=DeclarationAction.DID_NOT_VOTE, recorded_by=people["clerk"],
            )
        if held[:-1]:  # each meeting approves the minutes of the one before
            services.approve_minutes(meeting, approved_by=people["clerk"], today=day)
        entries = []
        for position, membership in enumerate(memberships):
            if not membership.is_current(day):
                continue
            if number == 5 and membership.role in (BoardRole.VICE_CHAIR, BoardRole.COUNCILLOR):
                status = AttendanceStatus.APOLOGIES  # one meeting falls short of its quorum (no substitutes)
            elif (number + position) % 7 == 0:
                status = AttendanceStatus.APOLOGIES
            else:
                status = AttendanceStatus.PRESENT
            substitute = "Cllr T. Reid" if status == AttendanceStatus.APOLOGIES and membership.voting and number != 5 else ""
            entries.append((membership, status, substitute))
        services.record_attendance(meeting, entries)
        for offset in range(2):
            description, owner = ACTIONS[(number * 2 + offset) % len(ACTIONS)]
            due = day + datetime.timedelta(days=42)
            action = services.create_action(
                meeting=meeting, agenda_item=items[offset], description=description, owner=people[owner], due_on=due,
                created_at=_at(day, 17),
            )
            if number >= 4 or offset == 0 and number >= 2:
                services.add_action_update(
                    action, updated_by=people[owner] if people[owner].is_officer else people["clerk"],
                    note="Done and reported to the board.", status=ActionStatus.DONE, updated_at=_at(due, 10),
                )
            elif number >= 2:
                services.add_action_update(
                    action, updated_by=people["clerk"], note="Started; the owner has asked for more time.",
                    status=ActionStatus.IN_PROGRESS, updated_at=_at(due - datetime.timedelta(days=7), 10),
                )

    # The self-evaluations the indicators demo took to moderation, approved at the first meeting on or after
    # the day it planned (the last meeting if none is that late).
    for evaluation, day in context.get("approve_at_board", []):
        meeting = next((meeting for meeting in held if meeting.date >= day), held[-1])
        indicator_services.approve_evaluation(
            evaluation, people["officer.lindqvist"], meeting=meeting, comment="Approved by the board."
        )

    last = held[-1]
    last_item = last.agenda_items.order_by("order").first()
    performance_report = _pdf(
        "Performance report: looked-after children", "Placement mix, distance and stability this quarter."
    )
    paper = services.upload_paper(
        agenda_item=last_item, title="Performance report (PDF)", uploaded_by=people["officer.adeyemi"], published=True,
        file=ContentFile(performance_report, name="performance-report.pdf"), **PERFORMANCE_COVER_SHEET,
    )
    # Published with the agenda, before the meeting (so the meeting's board pack, dated to its start, holds it).
    Paper.objects.filter(pk=paper.pk).update(published_at=_at(last.date - datetime.timedelta(days=7), 10))

    upcoming = []
    for weeks in (2, 11, 20):
        upcoming.append(
            services.schedule_meeting(
                board=board, starts_at=_at(today + datetime.timedelta(weeks=weeks)),
                venue="Committee Room 1, County Hall, Wyvern",
            )
        )
    next_meeting = upcoming[0]
    services.apply_template(next_meeting, standard)
    for title, author, measures, evaluation, summary in ITEMS[:3]:
        services.add_agenda_item(
            meeting=next_meeting, title=title, report_author=people[author], measures=measures,
            self_evaluation=evaluation, cycle=cycle_on(today) if evaluation else None, summary=summary,
        )
    first_item = next_meeting.agenda_items.filter(kind="item").order_by("order").first()
    services.upload_paper(
        agenda_item=first_item, title="Performance report (PDF)", uploaded_by=people["officer.adeyemi"], published=True,
        file=ContentFile(performance_report, name="performance-report.pdf"), **PERFORMANCE_COVER_SHEET,
    )
    services.upload_paper(
        agenda_item=first_item, title="Performance report: the young people's version (PDF)",
        uploaded_by=people["officer.adeyemi"], published=True, for_young_people=True,
        file=ContentFile(
            _pdf("How we are doing: for young people", "What the performance report says, in plain words."),
            name="performance-young-people.pdf",
        ),
    )
    services.upload_paper(
        agenda_item=first_item, title="Draft sufficiency statement (not yet published)",
        uploaded_by=people["officer.lindqvist"], published=False,
        file=ContentFile(_pdf("Draft sufficiency statement", "Draft for officers; not yet for members."), name="draft-sufficiency.pdf"),
    )

    for index, (theme, topic, partner, lead) in enumerate(FORWARD_PLAN):
        ForwardPlanItem.objects.create(
            board=board, theme=theme, topic=topic, partner_asked=partner, lead=people[lead],
            planned_meeting=upcoming[index % 3],
        )

    commitments = []
    for number, (text, owner, measure) in enumerate(PLEDGE, start=1):
        commitment = services.save_commitment(
            PledgeCommitment(), number=number, commitment=text, owner=people[owner], measure=measure,
            co_produced_with="Wyvern Children in Care Council", active=True,
        )
        commitments.append(commitment)
        for step, rag in enumerate(RAG_HISTORY[number - 1]):
            updated_on = today - datetime.timedelta(days=180 * (2 - step) + 20)
            update = services.add_pledge_update(
                commitment=commitment, rag=rag, note=RAG_NOTES[rag], updated_by=people[owner], updated_on=updated_on,
            )
            PledgeUpdate.objects.filter(pk=update.pk).update(created_at=_at(updated_on, 10))  # recorded that day

    for view, pledge_number, area, source, months, response in VIEWS:
        heard = today - datetime.timedelta(days=30 * months)
        recorded = services.record_childrens_view(
            view=view, heard_on=heard, source=source, recorded_by=people["clerk"],
            commitment=commitments[pledge_number - 1] if pledge_number else None, service_area=area,
        )
        if response:
            we_did, decision, reason, published = response
            services.respond_to_view(
                recorded, we_did=we_did, decision=decision, reason=reason, responded_by=people["cllr.okafor"],
                published=published, responded_on=heard + datetime.timedelta(days=45),
            )

    context["board"] = board
    context["next_meeting"] = next_meeting
    if stdout:
        stdout.write(f"  {board}: {len(held)} meetings held, {len(upcoming)} scheduled, {len(commitments)} pledge promises")
    return board
