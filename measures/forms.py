"""Forms for the measures pages: choosing a year, and officers' comparators, targets, CSV loads and population."""
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from core.collection_year import label as year_label

from .services import FIRST_YEAR, LAST_YEAR


class YearForm(forms.Form):
    """The collection year a page shows (GET)."""

    year = forms.TypedChoiceField(label="Collection year", coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year_label(year)) for year in years]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.select("year"), Submit("show", "Show year", css_class="govuk-button--secondary"))


class ComparatorForm(forms.Form):
    year = forms.IntegerField(
        label="Collection year", min_value=FIRST_YEAR, max_value=LAST_YEAR,
        help_text="The year the collection ends, for example 2025 for 2024-25.",
    )
    england = forms.DecimalField(label="England", max_digits=9, decimal_places=2, required=False)
    statistical_neighbours = forms.DecimalField(
        label="Statistical neighbours (average)", max_digits=9, decimal_places=2, required=False
    )
    source = forms.CharField(
        max_length=255, required=False, help_text="For example: DfE, Children looked after in England 2025, table A1."
    )

    def __init__(self, *args, unit_label="", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("england", "statistical_neighbours"):
            self.fields[name].help_text = f"In the measure's unit ({unit_label}). Leave blank if not published."
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the <form> with its CSRF token
        self.helper.layout = Layout(
            Field.text("year", field_width=4),
            Field.text("england", field_width=5),
            Field.text("statistical_neighbours", field_width=5),
            Field.text("source"),
            Submit("submit", "Save comparators"),
        )

    def clean(self):
        data = super().clean()
        if data.get("england") is None and data.get("statistical_neighbours") is None and not self.errors:
            raise forms.ValidationError("Enter an England value, a statistical neighbours value, or both.")
        return data


class TargetForm(forms.Form):
    value = forms.DecimalField(label="Target", max_digits=9, decimal_places=2)
    amber_margin = forms.DecimalField(
        label="Amber margin", max_digits=9, decimal_places=2, min_value=0, initial=5,
        help_text="How far short of the target still counts as amber rather than red, in the measure's unit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("value", field_width=5), Field.text("amber_margin", field_width=5), Submit("submit", "Save target")
        )


class ComparatorUploadForm(forms.Form):
    file = forms.FileField(
        label="Comparators CSV file",
        help_text="Columns: measure, year, england, statistical_neighbours, source. One row per measure and year.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Submit("submit", "Load comparators"))


class PopulationForm(forms.Form):
    year = forms.IntegerField(label="Collection year", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    population = forms.IntegerField(label="Children aged 0 to 17", min_value=1)
    source = forms.CharField(max_length=255, required=False, help_text="For example: ONS mid-2024 population estimates.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("year", field_width=4), Field.text("population", field_width=10), Field.text("source"),
            Submit("submit", "Save population"),
        )
