"""
Demo self-evaluation for the synthetic Wyvern County Council: both bundled frameworks, and three yearly
strategic cycles of the HMIE-style framework. The two past cycles went through the whole workflow and were
approved by the board; the current one is part way through (drafts, one returned, submitted, moderated).
Everything goes through services.py, so the history, checks and constraints are the real ones.
"""
import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from core import collection_year
from core.collection_year import CollectionYear

from . import services
from .models import ActionStatus, Cycle, Framework, Grade, Level
from .selectors import known_measures

HMIE = "hmie-childrens-services"

# For each indicator: grades in the cycles two years ago, last year and this year (None: not graded yet),
# a strength, a weakness, the evidence we rely on, the measure behind it, and an improvement action.
STORY = {
    "QI 1.1": ((3, 3, 4), "Key stage 4 results for children in care rose for the second year and more care leavers are in education, training or work at 19 to 21.",
               "The gap with other children in attainment and in care leavers' housing is still wider than in similar councils.",
               "Annual outcomes report, virtual school data and the 903 return.", "looked_after_rate_per_10000",
               "Publish a yearly outcomes scorecard comparing Wyvern with statistical neighbours.", "officer.adeyemi"),
    "QI 1.2": ((3, 4, 4), "In the Bright Spots survey most children said they feel settled and have a trusted adult.",
               "Teenagers in residential care were much less positive, and a third did not know why they changed social worker.",
               "Bright Spots survey, Children in Care Council feedback and independent reviewing officers' reports.", "",
               "Give every child a named worker and a written explanation when their worker changes.", "officer.lindqvist"),
    "QI 1.3": ((3, 3, 3), "Foster carers value the out-of-hours support line and the new mentoring scheme.",
               "Kinship carers get less training and financial help than foster carers, and twelve fostering households left this year.",
               "Carers' survey, exit interviews and fostering panel minutes.", "placement_kinship",
               "Match the support package for kinship carers to that for foster carers.", "officer.lindqvist"),
    "QI 1.4": ((2, 3, 3), "Average caseloads fell to 17 and more newly qualified social workers stay beyond two years.",
               "One in five social work posts in the children in care service is still filled by an agency worker.",
               "Workforce dashboard, staff survey and supervision audit.", "",
               "Run a recruitment campaign for experienced social workers with a retention payment.", "officer.lindqvist"),
    "QI 1.5": ((2, 2, 3), "The housing service now offers a guaranteed tenancy route for care leavers and the council runs ten apprenticeships for them.",
               "Police and further education partners rarely report to the board on what they do.",
               "Partner reports to the board and the care leavers' offer.", "",
               "Ask every partner to present its corporate parenting contribution once a year.", "officer.carr"),
    "QI 2.1": ((4, 4, 4), "The early help hub responds within five working days and fewer children enter care in crisis.",
               "Adolescents still often come into care in an emergency after family breakdown.",
               "Early help performance report and audit of teenage admissions.", "started_during_year",
               "Set up an edge-of-care service for families of teenagers.", "officer.lindqvist"),
    "QI 2.2": ((3, 3, 4), "Review health assessments are now completed on time for most children.",
               "Initial health assessments are often late for children placed outside the county, and few children accept a return interview after going missing.",
               "Health assessment tracker from the designated nurse and missing episodes report.", "health_assessment",
               "Agree with neighbouring health providers to complete initial health assessments within 20 working days.", "officer.carr"),
    "QI 2.3": ((3, 3, 3), "More children live with kinship carers and the number placed more than 20 miles from home has fallen.",
               "Too many children still have three or more placements in a year, and pathway plans often start late.",
               "Placement stability measures, sufficiency strategy and case file audits.", "three_or_more_placements",
               "Open two small local children's homes to reduce out-of-county placements.", "officer.lindqvist"),
    "QI 2.4": ((4, 4, 5), "Children in Care Council members sit on interview panels and co-wrote the Care Pledge.",
               "Younger children and those placed out of county take part less often.",
               "Participation log and advocacy service report.", "",
               "Offer online sessions so children placed out of county can join the Children in Care Council.", "officer.carr"),
    "QI 2.5": ((3, 4, 4), "The board now receives a quarterly performance report with England and statistical-neighbour comparators.",
               "The corporate parenting strategy is not yet linked to the housing and health plans.",
               "Board performance reports and strategy documents.", "placed_over_20_miles",
               "Refresh the corporate parenting strategy with housing and health partners.", "officer.adeyemi"),
    "QI 2.6": ((3, 3, 3), "Joint commissioning with health for therapeutic support started this year.",
               "Disputes about who pays for high-cost placements still delay decisions.",
               "Joint commissioning board minutes and placement spend report.", "",
               "Agree a joint funding protocol for children with complex needs.", "officer.adeyemi"),
    "QI 3.1": ((4, 4, 5), "The Care Pledge, written with young people, is known across the council and its partners.",
               "Some partners could not describe their own part in the council's ambition.",
               "Pledge awareness survey and partner self-assessments.", "",
               "Include the Care Pledge in induction for all council and partner staff.", "officer.carr"),
    "QI 3.2": ((3, 4, 4), "The chief executive and lead member attend every board meeting and visit children's homes.",
               "Only half of councillors have completed corporate parenting training.",
               "Board attendance records and member training records.", "",
               "Make corporate parenting training part of every councillor's induction.", "officer.carr"),
    "QI 3.3": ((3, 3, 4), "Self-evaluation is now moderated and reported to the board every year.",
               "Several actions from the last inspection remained open for more than a year.",
               "Inspection action plan tracker and this self-evaluation.", "",
               "Review open inspection actions at every board meeting until they are closed.", "officer.adeyemi"),
}

# Status of each indicator in the current cycle.
CURRENT = {
    "QI 1.1": "moderated", "QI 1.2": "moderated", "QI 2.1": "moderated", "QI 2.4": "moderated",
    "QI 1.4": "submitted", "QI 2.2": "submitted", "QI 2.5": "submitted", "QI 3.2": "submitted",
    "QI 2.3": "returned", "QI 1.3": "draft", "QI 3.1": "draft", "QI 3.3": "draft",
    "QI 1.5": "empty", "QI 2.6": "empty",
}
MODERATOR = {"officer.lindqvist": "officer.adeyemi", "officer.adeyemi": "officer.lindqvist",
             "officer.carr": "officer.lindqvist"}

# The smallest valid PDF: a one-page document with a line of text, so the download can be opened.
_PDF_TEXT = "Wyvern County Council - case file audit summary (synthetic demo document)"


def _demo_pdf():
    stream = f"BT /F1 12 Tf 50 750 Td ({_PDF_TEXT}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _answers(number, grade, cycle_name):
    _grades, strength, weakness, evidence, _measure, action, _owner = STORY[number]
    return {
        "grade": grade,
        "target_grade": min(grade + 1, 6),
        "how_good_are_we_now": f"We judge this {Grade(grade).label.lower()} in {cycle_name}. {strength} However, {weakness[0].lower()}{weakness[1:]}",
        "how_do_we_know": f"{evidence} The findings were tested at a moderation session with partners.",
        "what_will_we_do": f"{action} Progress will be reported to the board each quarter.",
    }


def load(context):
    today = context["today"]
    people = context["people"]
    clerk = people["admin.osei"]  # an administrator keeps the self-evaluation cycles
    for path in services.bundled_framework_files():
        services.load_framework_file(path)
    framework = Framework.objects.get(slug=HMIE)
    measures = known_measures()
    this_year = collection_year.current(today)
    cycles = []
    for index in range(3):
        year = CollectionYear(this_year - 2 + index)
        cycles.append(
            services.open_cycle(
                framework=framework, name=year.label, level=Level.STRATEGIC,
                starts_on=year.starts_on, ends_on=year.ends_on, created_by=clerk,
            )
        )
    for index, cycle in enumerate(cycles):
        current = index == 2
        evaluations = cycle.evaluations.select_related("indicator")
        for evaluation in evaluations:
            number = evaluation.indicator.number
            grades, _strength, _weakness, evidence, measure, action, owner_name = STORY[number]
            owner = people[owner_name]
            state = CURRENT[number] if current else "approved"
            evaluation = services.update_evaluation(evaluation, clerk, assigned_officer=owner)
            if state == "empty":
                continue
            evaluation = services.update_evaluation(evaluation, owner, **_answers(number, grades[index], cycle.name))
            services.add_evidence(
                evaluation, owner, title=evidence.split(",")[0].split(" and ")[0], text=evidence,
                measure=measure if measure in measures else "",
            )
            if index == 1 and number == "QI 2.3":
                services.add_evidence(
                    evaluation, owner, title="Placement stability case file audit",
                    text="Audit of 25 children with three or more placements in the year.",
                    file=ContentFile(_demo_pdf(), name="placement-stability-audit.pdf"),
                )
            # Actions: from two years ago all done; from last year some still open (and so overdue now).
            due = cycle.ends_on + datetime.timedelta(days=180 if index < 2 else 120)
            added = services.add_action(evaluation, owner, description=action, owner=owner, due_on=due)
            if state == "draft":
                continue
            evaluation = services.submit_evaluation(evaluation, owner)
            if state == "submitted":
                continue
            moderator = people[MODERATOR[owner_name]]
            if state == "returned":
                services.moderate_evaluation(
                    evaluation, moderator, agree=False,
                    comment="The grade looks generous given the placement stability figures; please add the case file audit findings.",
                )
                continue
            evaluation = services.moderate_evaluation(evaluation, moderator, agree=True, comment="Agreed at moderation.")
            if state == "moderated":
                continue
            # The board approves it at a meeting: the boards demo, which holds the meetings, records that.
            day = min(cycle.ends_on + datetime.timedelta(days=75), today, timezone.localdate())
            context.setdefault("approve_at_board", []).append((evaluation, day))
            if index == 0 or number in ("QI 2.1", "QI 2.4", "QI 3.1"):
                services.update_action_progress(added, owner, status=ActionStatus.DONE, progress_notes="Completed and reported to the board.", today=min(due, today))
            elif number in ("QI 1.1", "QI 2.5"):
                services.update_action_progress(added, owner, status=ActionStatus.IN_PROGRESS, progress_notes="Started; first report due next quarter.")
    # One real document as evidence, on an evaluation still in draft.
    draft = cycles[2].evaluations.get(indicator__number="QI 3.3")
    services.add_evidence(
        draft, people["officer.adeyemi"], title="Case file audit summary",
        text="Summary of the autumn case file audit of 40 children's records.",
        file=ContentFile(_demo_pdf(), name="case-file-audit-summary.pdf"),
    )
    context["current_cycle"] = cycles[2]
    context["stdout"].write(
        f"  Self-evaluation: {Framework.objects.count()} frameworks, {Cycle.objects.count()} cycles; current cycle {cycles[2].name}."
    )
