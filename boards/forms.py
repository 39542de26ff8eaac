"""Forms for the board's business. They validate input; the views pass cleaned data to ``services``."""
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.utils import timezone

from accounts.models import User
from measures import registry as board_measures

from . import selectors
from .services import STANDARD_TEMPLATE
from .models import (
    COVER_SHEET_FIELDS,
    COVER_SHEET_IMPLICATIONS,
    ActionItem,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgendaItemKind,
    AgendaTemplate,
    AttendanceStatus,
    Board,
    ChildrensView,
    Declaration,
    ForwardPlanItem,
    Meeting,
    MeetingStatus,
    Membership,
    Minute,
    MinuteKind,
    Paper,
    PledgeCommitment,
    PledgeUpdate,
    RegisteredInterest,
    Response,
    split_identifiers,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "govuk-input govuk-input--width-10"}, **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", attrs={"class": "govuk-input govuk-input--width-20"}, **kwargs)


def people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class GdsFormMixin:
    """GOV.UK Design System rendering: labels, hints and an error summary that links to each field."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.add_input(Submit("submit", self.submit_label))


class BoardForm(GdsFormMixin, forms.ModelForm):
    """The board's terms of reference as the council agreed them: quorum, substitutes, when papers are due."""

    class Meta:
        model = Board
        fields = ["name", "terms_of_reference", "quorum", "substitutes_count_towards_quorum", "papers_due_working_days"]
        widgets = {
            "quorum": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
            "papers_due_working_days": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        }


class BoardCreateForm(BoardForm):
    """A new board: its terms of reference, and the agenda template its meetings start from."""

    submit_label = "Set up the board"

    agenda_template = forms.ChoiceField(
        label="Agenda template", widget=forms.RadioSelect,
        help_text="The clerk builds each meeting's agenda from it. More can be saved from a meeting's agenda later.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {
            str(template.pk): template for template in AgendaTemplate.objects.select_related("board").order_by("board__name", "name")
        }
        self.fields["agenda_template"].choices = [
            (STANDARD_TEMPLATE, "The standard items in the usual order"),
            *((key, f"A copy of {template.board}'s \u201c{template}\u201d") for key, template in self.templates.items()),
            ("none", "None for now"),
        ]
        self.fields["agenda_template"].initial = STANDARD_TEMPLATE

    def clean_agenda_template(self):
        chosen = self.cleaned_data["agenda_template"]
        if chosen == STANDARD_TEMPLATE:
            return chosen
        return self.templates.get(chosen)


class MembershipForm(GdsFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "voting", "start_date", "end_date"]
        labels = {"user": "Person"}
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()


class MeetingForm(GdsFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["board", "starts_at", "venue", "status"]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        boards = selectors.boards_for(user)
        self.fields["board"].queryset = boards
        if not self.instance.pk:
            self.fields["status"].initial = MeetingStatus.SCHEDULED
            only = list(boards[:2])
            if len(only) == 1:
                self.fields["board"].initial = only[0].pk

    def clean(self):
        # Checked here rather than on the model so the demo loader can pretend today is another date.
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        if cleaned.get("status") == MeetingStatus.HELD and starts_at and starts_at > timezone.now():
            self.add_error("status", "A meeting cannot be marked as held before it has taken place.")
        return cleaned


def measure_choices():
    return [(measure.identifier, measure.title) for measure in board_measures.MEASURES]


class AgendaItemForm(GdsFormMixin, forms.ModelForm):
    """An item's details. Its place on the agenda is set by the order of business and the up and down buttons."""

    measures = forms.MultipleChoiceField(
        label="Measures the report covers", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Readers can open the figures behind the report from the agenda.",
    )

    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "report_author", "summary", "measures", "cycle", "self_evaluation", "exempt_paragraph"]
        labels = {"kind": "Type of item"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_author"].queryset = people()
        self.fields["measures"].choices = measure_choices()
        if self.instance.pk:
            self.initial["measures"] = split_identifiers(self.instance.measures)
            if self.instance.kind == AgendaItemKind.ACTION_LOG:
                del self.fields["kind"]  # the action log stays the action log

    def clean_measures(self):
        return ",".join(self.cleaned_data["measures"])


class AgendaTemplateChoiceForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=AgendaTemplate.objects.none(), label="Template", empty_label=None,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = board.agenda_templates.all()


class AgendaTemplateForm(GdsFormMixin, forms.Form):
    submit_label = "Save the template"

    name = forms.CharField(
        label="Name of the template", max_length=100,
        error_messages={"required": "Enter a name for the template"},
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.board.agenda_templates.filter(name__iexact=name).exists():
            raise forms.ValidationError("The board already has a template with that name")
        return name


class CoverSheetForm(GdsFormMixin, forms.ModelForm):
    """A report's title and cover sheet. The author starts as the agenda item's report author."""

    submit_label = "Save the cover sheet"
    required = {
        "author": "Enter the report author's name",
        "author_service": "Enter the author's service or agency",
        "purpose": "Enter the purpose of the report",
    }

    class Meta:
        model = Paper
        fields = ["title", *COVER_SHEET_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in COVER_SHEET_IMPLICATIONS}

    def __init__(self, *args, agenda_item=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        author = agenda_item and agenda_item.report_author
        if author and not self.instance.pk:
            self.fields["author"].initial = author.get_full_name() or str(author)


class PaperForm(CoverSheetForm):
    """Upload a report: its file with its cover sheet."""

    submit_label = "Upload paper"

    class Meta(CoverSheetForm.Meta):
        fields = [*CoverSheetForm.Meta.fields, "file", "published", "for_young_people"]
        labels = {"published": "Publish to board members now"}
        help_texts = {
            "file": "PDF, Word, OpenDocument text, Excel or an image, up to the size limit. Word and OpenDocument "
            "papers are turned into PDF for the board pack.",
        }


class AttendanceForm(GdsFormMixin, forms.Form):
    """One status (and a substitute) per current member of the meeting's board."""

    submit_label = "Save attendance"

    def __init__(self, *args, memberships, recorded, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            previous = recorded.get(membership.pk)
            self.fields[f"status_{membership.pk}"] = forms.ChoiceField(
                label=f"{membership.user} ({membership.get_role_display()})",
                choices=AttendanceStatus.choices,
                initial=previous.status if previous else AttendanceStatus.PRESENT,
                widget=forms.RadioSelect,
            )
            self.fields[f"substitute_{membership.pk}"] = forms.CharField(
                label=f"Substitute for {membership.user}",
                required=False,
                max_length=200,
                initial=previous.substitute if previous else "",
                help_text="Only if they sent apologies and someone attended in their place.",
            )

    def clean(self):
        cleaned = super().clean()
        for m in self.memberships:
            if cleaned.get(f"substitute_{m.pk}") and cleaned.get(f"status_{m.pk}") != AttendanceStatus.APOLOGIES:
                self.add_error(
                    f"substitute_{m.pk}",
                    f"A substitute attends in place of a member who sent apologies: choose Apologies for {m.user}, "
                    "or leave the substitute empty",
                )
        return cleaned

    def entries(self):
        return [
            (m, self.cleaned_data[f"status_{m.pk}"], self.cleaned_data[f"substitute_{m.pk}"]) for m in self.memberships
        ]


class ApologiesForm(GdsFormMixin, forms.Form):
    submit_label = "Record apologies"

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label="Member sending apologies",
        error_messages={"required": "Choose the member who sent apologies"},
    )
    substitute = forms.CharField(
        label="Substitute", required=False, max_length=200,
        help_text="The person attending in their place, if the member named one.",
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships


class DeclarationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record the declaration"

    class Meta:
        model = Declaration
        fields = ["membership", "agenda_item", "kind", "interest", "action"]
        widgets = {"kind": forms.RadioSelect, "action": forms.RadioSelect}
        labels = {"agenda_item": "Agenda item"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = selectors.current_memberships(meeting.board, meeting.date)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("order", "id")


class RegisteredInterestForm(GdsFormMixin, forms.ModelForm):
    class Meta:
        model = RegisteredInterest
        fields = ["member", "category", "description", "registered_on", "ended_on"]
        widgets = {"registered_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = User.objects.filter(
            board_memberships__isnull=False, is_active=True
        ).distinct().order_by("last_name", "first_name")


class MinuteForm(GdsFormMixin, forms.ModelForm):
    measures = forms.MultipleChoiceField(
        label="Measures the decision means to move", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="For a decision: the board sees these measures again at its first meetings six and twelve months "
        "on, each with its figure as published today beside the figure published then.",
    )

    class Meta:
        model = Minute
        fields = ["kind", "text", "recommended_to", "response_due", "measures"]
        labels = {"kind": "Type", "text": "Text"}
        widgets = {"kind": forms.RadioSelect, "response_due": DateInput()}
        help_texts = {"response_due": "For a recommendation: when the board expects a response."}
        error_messages = {"text": {"required": "Enter what was minuted, decided or recommended"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = measure_choices()
        if self.instance.pk:
            self.initial["measures"] = list(self.instance.figures.values_list("measure", flat=True))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("measures") and cleaned.get("kind") != MinuteKind.DECISION:
            self.add_error("measures", "Only a decision names the measures it means to move")
        return cleaned


class MinuteCorrectionForm(GdsFormMixin, forms.Form):
    submit_label = "Record the correction"

    text = forms.CharField(label="Corrected wording", widget=forms.Textarea)
    reason = forms.CharField(
        label="Reason for the correction", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the approved record is being corrected, and on whose authority (for example, the chair's).",
        error_messages={"required": "Enter the reason for the correction"},
    )


class ResponseToRecommendationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save the response"

    class Meta:
        model = Minute
        fields = ["response", "response_received_on"]
        widgets = {"response_received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True
        self.fields["response_received_on"].required = True

    def clean_response_received_on(self):
        received = self.cleaned_data["response_received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future")
        return received


class ActionForm(GdsFormMixin, forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["agenda_item", "description", "owner", "due_on"]
        widgets = {"due_on": DateInput()}
        labels = {"agenda_item": "Arising from agenda item"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this meeting's items can be chosen, so a forged id from another meeting is refused.
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("order", "id")
        self.fields["owner"].queryset = people()


class ActionUpdateForm(GdsFormMixin, forms.ModelForm):
    """Progress on an action; officers and the clerk can also give it a new owner or due date."""

    submit_label = "Add update"

    class Meta:
        model = ActionUpdate
        fields = ["status", "note"]
        labels = {"note": "Progress update"}

    def __init__(self, *args, action=None, may_reassign=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False
        if may_reassign and action is not None:
            self.fields["owner"] = forms.ModelChoiceField(queryset=people(), initial=action.owner_id, label="Owner")
            self.fields["due_on"] = forms.DateField(
                label="Due date", initial=action.due_on, widget=DateInput(),
                help_text="The earlier owner and due date stay in the action's history.",
            )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("outstanding", "Outstanding (open or in progress)"), *ActionStatus.choices],
    )
    owner = forms.ModelChoiceField(
        required=False, queryset=User.objects.none(), empty_label="Anyone", widget=forms.Select(attrs={"class": "govuk-select"})
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.action_owners(user)


class ForwardPlanForm(GdsFormMixin, forms.ModelForm):
    class Meta:
        model = ForwardPlanItem
        fields = ["board", "theme", "topic", "planned_meeting", "partner_asked", "lead", "notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = selectors.boards_for(user)
        self.fields["planned_meeting"].queryset = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now()
        ).select_related("board").order_by("starts_at")
        self.fields["lead"].queryset = people()


class CommitmentForm(GdsFormMixin, forms.ModelForm):
    measure = forms.ChoiceField(
        label="Measure", required=False,
        help_text="The board measure that shows whether the promise is kept, if there is one.",
    )

    class Meta:
        model = PledgeCommitment
        fields = ["number", "commitment", "co_produced_with", "owner", "measure", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()
        self.fields["measure"].choices = [("", "None")] + measure_choices()


class PledgeUpdateForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Add progress update"

    class Meta:
        model = PledgeUpdate
        fields = ["rag", "note", "updated_on"]
        widgets = {"updated_on": DateInput(), "rag": forms.RadioSelect}
        labels = {"updated_on": "Date of the update"}


class ChildrensViewForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record view"

    class Meta:
        model = ChildrensView
        fields = ["view", "commitment", "service_area", "heard_on", "source"]
        widgets = {"heard_on": DateInput()}
        help_texts = {"service_area": "Choose a pledge commitment, a service area, or both."}


class RepresentativeViewForm(GdsFormMixin, forms.ModelForm):
    """A young people's representative sends a view of their own; staff answer it in "you said, we did"."""

    submit_label = "Send your view"

    class Meta:
        model = ChildrensView
        fields = ["view", "commitment", "service_area"]
        labels = {"view": "What do you want the board to know?", "commitment": "Which promise in the Care Pledge is it about?",
                  "service_area": "Or which service is it about?"}
        help_texts = {"service_area": "Choose a promise, a service, or both."}


class ResponseForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save response"

    class Meta:
        model = Response
        fields = ["we_did", "decision", "reason", "published"]
        help_texts = {"reason": "Young people must be told why: say what the decision rests on."}
