"""Forms for self-evaluation pages. They validate input; the services in services.py make the changes."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts.models import User
from boards.models import MeetingStatus
from boards.selectors import past_meetings
from core.permissions import OFFICERS
from core.uploads import DOCUMENTS

from .models import (
    ActionStatus,
    Area,
    Cycle,
    Evaluation,
    EvidenceItem,
    Framework,
    Grade,
    ImprovementAction,
    Level,
    QualityIndicator,
)
from .selectors import known_measures

GRADE_CHOICES = [(str(value), f"{value} {label}") for value, label in Grade.choices]


def officers():
    return User.objects.filter(role__in=OFFICERS, is_active=True).order_by("last_name", "first_name")


class DateField(forms.DateField):
    """A date typed as DD/MM/YYYY or picked with the browser's date control (which sends YYYY-MM-DD)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date, for example 31/03/2026."})
        super().__init__(**kwargs)


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class EvaluationForm(forms.ModelForm):
    grade = forms.TypedChoiceField(
        choices=GRADE_CHOICES, coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
        label="Grade", help_text="6 Excellent, 5 Very good, 4 Good, 3 Adequate, 2 Weak, 1 Unsatisfactory.",
    )
    target_grade = forms.TypedChoiceField(
        choices=[("", "No target yet"), *GRADE_CHOICES], coerce=int, required=False, empty_value=None,
        label="Target grade", help_text="The grade we aim for by the next cycle.",
    )

    class Meta:
        model = Evaluation
        fields = ["assigned_officer", "grade", "how_good_are_we_now", "how_do_we_know", "what_will_we_do", "target_grade"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in ("how_good_are_we_now", "how_do_we_know", "what_will_we_do")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_officer"].queryset = officers()
        self.fields["assigned_officer"].label = "Officer completing this evaluation"
        self.helper = _helper(
            Field.select("assigned_officer"),
            Field.radios("grade", legend_size=Size.MEDIUM),
            Field.textarea("how_good_are_we_now", label_size=Size.MEDIUM),
            Field.textarea("how_do_we_know", label_size=Size.MEDIUM),
            Field.textarea("what_will_we_do", label_size=Size.MEDIUM),
            Field.select("target_grade"),
            button="Save draft",
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.instance.is_editable:
            raise forms.ValidationError("This evaluation can no longer be changed.")
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(label="Comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, button="Submit for moderation", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("comment"), button=button)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree with this evaluation?",
        choices=[("agree", "Agree: the grade is supported by the evidence"), ("return", "Return it with comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you agree or return the evaluation."},
    )
    comment = forms.CharField(
        label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you return it: say what needs to change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("comment"), button="Record moderation")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Say what needs to change when returning an evaluation.")
        return cleaned


class ApprovalForm(forms.Form):
    """The board meeting that approved, chosen from the board's meetings that have taken place."""

    meeting = forms.ModelChoiceField(
        label="The board meeting that approved it",
        queryset=None,
        empty_label="Choose a meeting",
        help_text="Meetings that have taken place, newest first.",
        error_messages={"required": "Choose the board meeting that approved it."},
    )
    comment = forms.CharField(label="Comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, button="Record board approval", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = past_meetings(user).exclude(status=MeetingStatus.CANCELLED)
        self.helper = _helper(Field.select("meeting"), Field.textarea("comment"), button=button)


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = EvidenceItem
        fields = ["title", "text", "measure", "file", "file_audience"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "file_audience": forms.RadioSelect}
        help_texts = {
            "file": "Optional. PDF, Word, Excel, PNG or JPEG. Files are kept private and shown only to permitted people.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"] = forms.ChoiceField(
            label="Board measure", required=False,
            choices=[("", "None"), *sorted(known_measures().items(), key=lambda item: str(item[1]))],
            help_text="Link a measure from the cohort that supports this evidence.",
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{extension}" for extension in DOCUMENTS)
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("text"),
            Field.select("measure"),
            Field("file"),
            Field.radios("file_audience", legend_size=Size.SMALL),
            button="Add evidence",
        )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text", "").strip() or cleaned.get("measure") or cleaned.get("file")):
            raise forms.ValidationError("Give a summary, a board measure or a file (or more than one).")
        return cleaned


class ActionForm(forms.ModelForm):
    due_on = DateField(label="Due date")

    class Meta:
        model = ImprovementAction
        fields = ["description", "owner", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers()
        self.helper = _helper(Field.textarea("description"), Field.select("owner"), Field.text("due_on"), button="Add action")


class ActionProgressForm(forms.ModelForm):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)

    class Meta:
        model = ImprovementAction
        fields = ["status", "progress_notes"]
        widgets = {"progress_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("status", legend_size=Size.SMALL), Field.textarea("progress_notes"), button="Save progress")


class CycleForm(forms.ModelForm):
    starts_on = DateField(label="Start date")
    ends_on = DateField(label="End date")
    assigned_officer = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Officer to complete every evaluation (optional)",
        help_text="You can assign a different officer to each indicator afterwards.",
    )

    class Meta:
        model = Cycle
        fields = ["framework", "name", "level", "starts_on", "ends_on"]
        help_texts = {"level": "Strategic, operational or service-delivery level."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_officer"].queryset = officers()
        self.fields["level"].choices = Level.choices
        self.helper = _helper(
            Field.select("framework"), Field.text("name", field_width=10), Field.select("level"),
            Field.text("starts_on"), Field.text("ends_on"), Field.select("assigned_officer"), button="Open cycle",
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "The end date must be after the start date.")
        return cleaned


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["name", "slug", "description", "source"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "source": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("name"), Field.text("slug", field_width=20), Field.textarea("description"), Field.textarea("source"))


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["number", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.helper = _helper(Field.text("number", field_width=2), Field.text("name"), Field.textarea("description"), button="Add area")

    def clean(self):
        cleaned = super().clean()
        others = Area.objects.filter(framework=self.instance.framework).exclude(pk=self.instance.pk)
        if cleaned.get("number") is not None and others.filter(number=cleaned["number"]).exists():
            self.add_error("number", "This framework already has an area with that number.")
        if cleaned.get("name") and others.filter(name=cleaned["name"]).exists():
            self.add_error("name", "This framework already has an area with that name.")
        return cleaned


class QualityIndicatorForm(forms.ModelForm):
    class Meta:
        model = QualityIndicator
        fields = ["area", "number", "position", "title", "description", "illustration_excellent", "illustration_weak"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ("description", "illustration_excellent", "illustration_weak")
        }

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.helper = _helper(
            Field.select("area"), Field.text("number", field_width=10), Field.text("position", field_width=2),
            Field.text("title"), Field.textarea("description"), Field.textarea("illustration_excellent"),
            Field.textarea("illustration_weak"), button="Add quality indicator",
        )
