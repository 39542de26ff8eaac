from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.urls import reverse_lazy

from core import collection_year

from . import selectors
from .models import AnnualReportContent, ReportSchedule, ReportType

EARLIEST_YEAR = 2000


class BuildBoardPackForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=None,
        label="Meeting",
        help_text="A new version of its board pack is built; earlier versions are kept.",
        error_messages={"required": "Choose the meeting to build a board pack for."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="pack", **kwargs)
        self.fields["meeting"].queryset = selectors.meetings_for_choice()
        self.helper = FormHelper()
        self.helper.form_id = "build-board-pack"
        # The list page shows this form; the build request goes to its own view, which says what happened.
        self.helper.form_action = reverse_lazy("reports:report_request")
        self.helper.layout = Layout(
            Field.select("meeting", label_size=Size.SMALL), Submit("build", "Build board pack")
        )


class BuildAnnualReportForm(forms.Form):
    year = forms.IntegerField(
        label="Year ending 31 March",
        help_text="For example, 2025 for April 2024 to March 2025.",
        error_messages={"required": "Enter the year the report covers.", "invalid": "Enter the year as a number, like 2025."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="annual", **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "build-annual-report"
        self.helper.form_action = reverse_lazy("reports:report_request")
        self.helper.layout = Layout(
            Field.text("year", label_size=Size.SMALL, field_width=4), Submit("build", "Build annual report")
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = collection_year.current()
        if not EARLIEST_YEAR <= year <= latest:
            raise forms.ValidationError(f"Enter a year from {EARLIEST_YEAR} to {latest}.")
        return year


class AnnualReportContentForm(forms.ModelForm):
    class Meta:
        model = AnnualReportContent
        fields = ["foreword", "strengths", "areas_for_improvement", "recommendations", "priorities"]
        help_texts = {
            "foreword": "The chair's introduction to the year, in the chair's own words.",
            "priorities": "What the board will focus on next year.",
            "strengths": "What is going well for looked-after children and care leavers, with the evidence.",
            "areas_for_improvement": "Where outcomes or services fall short, and what is being done.",
            "recommendations": "What the board asks full council, the executive and the children's trust to do.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("foreword", label_size=Size.MEDIUM, rows=8),
            Field.textarea("strengths", label_size=Size.MEDIUM, rows=8),
            Field.textarea("areas_for_improvement", label_size=Size.MEDIUM, rows=8),
            Field.textarea("recommendations", label_size=Size.MEDIUM, rows=8),
            Field.textarea("priorities", label_size=Size.MEDIUM, rows=8),
            Submit("save", "Save annual report text"),
        )


class ReportScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["kind", "days_before_meeting", "annual_month", "annual_day"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportType.choices
        self.helper = FormHelper()
        self.helper.form_id = "add-schedule"
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("days_before_meeting", field_width=4),
            Field.text("annual_month", field_width=2),
            Field.text("annual_day", field_width=2),
            Submit("add", "Add schedule"),
        )
