"""Forms for the measures pages: choosing a year, and officers' comparators, targets, CSV loads and population."""
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from core.collection_year import label as year_label

from .comparators import range_problem
from .registry import MEASURES
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

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        for name in ("england", "statistical_neighbours"):
            self.fields[name].help_text = f"In the measure's unit ({measure.unit_label}). Leave blank if not published."
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
        for name in ("england", "statistical_neighbours"):
            if data.get(name) is not None and (problem := range_problem(self.measure, data[name])):
                self.add_error(name, f"{problem[:1].upper()}{problem[1:]}.")
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


class EesUploadForm(forms.Form):
    """A DfE Explore Education Statistics data file, and which of its values are which measure."""

    file = forms.FileField(label="EES data file (CSV)")
    measure = forms.ChoiceField(label="Measure")
    indicator = forms.CharField(
        label="Indicator column", max_length=100, initial="percentage",
        help_text="The file's column holding the values, for example percentage, number or rate_per_10000.",
    )
    filters = forms.CharField(
        label="Rows to read", max_length=500, required=False,
        help_text="Column=value pairs, separated by semicolons, picking the measure's rows, for example: "
                  "cla_group=Placement; characteristic=Foster placements",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.identifier, f"{m.title} ({m.unit_label})") for m in MEASURES]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("file"), Field.select("measure"), Field.text("indicator", field_width=10), Field.text("filters"),
            Submit("submit", "Load the DfE's figures"),
        )

    def clean_filters(self):
        from .comparators import parse_filters

        try:
            return parse_filters(self.cleaned_data["filters"])
        except ValueError as error:
            raise forms.ValidationError(f"{error}: write each as column=value, separated by semicolons.") from None


class AuthoritiesForm(forms.Form):
    """The council's own local authority code and its ten statistical neighbours, chosen once."""

    council_code = forms.RegexField(
        label="The council's local authority code", regex=r"^E\d{8}$", max_length=9,
        help_text="As the DfE's files give it in new_la_code, for example E10000034.",
        error_messages={"invalid": "Enter a local authority code such as E10000034."},
    )
    council_name = forms.CharField(label="The council's name", max_length=100)
    neighbours = forms.CharField(
        label="Statistical neighbours", widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Ten lines, each a local authority code and name separated by a comma, for example: "
                  "E10000031, Warwickshire",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("council_code", field_width=10), Field.text("council_name"), Field.textarea("neighbours"),
            Submit("submit", "Save the council and its neighbours"),
        )

    def clean_neighbours(self):
        import re

        rows = [line.strip() for line in self.cleaned_data["neighbours"].splitlines() if line.strip()]
        neighbours = []
        for number, line in enumerate(rows, start=1):
            code, _comma, name = line.partition(",")
            code = code.strip()
            if not re.fullmatch(r"E\d{8}", code):
                raise forms.ValidationError(f"Line {number}: '{code}' is not a local authority code such as E10000031.")
            neighbours.append((code, name.strip()))
        if len(neighbours) != 10:
            raise forms.ValidationError(f"Enter ten statistical neighbours, one a line ({len(neighbours)} given).")
        if len({code for code, _name in neighbours}) != 10:
            raise forms.ValidationError("A local authority is listed twice.")
        return neighbours

    def clean(self):
        data = super().clean()
        if data.get("council_code") and any(code == data["council_code"] for code, _n in data.get("neighbours", [])):
            raise forms.ValidationError("The council cannot be one of its own statistical neighbours.")
        return data
