"""Forms for officers: finding children, editing a child or an episode, and uploading a year's 903 tables."""
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from core import collection_year
from core.uploads import RETURN_903, UploadValidator

from . import postcodes, selectors, ssda903
from .models import Child, CodeList, Episode

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 27/03/2015."


def _year_choices(years):
    return [(year, collection_year.label(year)) for year in years]


class ChildFilterForm(forms.Form):
    """The child list's search and filters (GET)."""

    q = forms.CharField(label="Child identifier", required=False, max_length=20,
                        help_text="All or part of the CHILD id, for example WY000123.")
    year = forms.TypedChoiceField(label="Collection year", coerce=int, required=False, empty_value=None)
    legal_status = forms.ChoiceField(label="Legal status (latest that year)", required=False)
    placement_type = forms.ChoiceField(label="Placement type (latest that year)", required=False)
    looked_after_at_year_end = forms.TypedChoiceField(
        label="Looked after on 31 March", required=False, empty_value=None,
        choices=[("", "Any"), ("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes",
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All children, any year")] + _year_choices(years)
        self.fields["legal_status"].choices = [("", "Any")] + selectors.code_choices(CodeList.LEGAL_STATUS)
        self.fields["placement_type"].choices = [("", "Any")] + selectors.code_choices(CodeList.PLACEMENT_TYPE)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("q", field_width=10),
            Field.select("year"),
            Field.select("legal_status"),
            Field.select("placement_type"),
            Field.select("looked_after_at_year_end"),
            Submit("filter", "Apply filters", css_class="govuk-button--secondary"),
        )

    def filters(self):
        """Keyword arguments for ``selectors.children_for_year``, from valid input only."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "year": data.get("year"),
            "legal_status": data.get("legal_status", ""),
            "placement_type": data.get("placement_type", ""),
            "looked_after_at_year_end": data.get("looked_after_at_year_end"),
        }


class ChildForm(forms.ModelForm):
    date_of_birth = forms.DateField(label="Date of birth", input_formats=DATE_FORMATS, help_text=DATE_HINT)
    ethnicity = forms.ChoiceField(label="Ethnicity")

    class Meta:
        model = Child
        fields = ["sex", "date_of_birth", "ethnicity", "upn"]
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = Child.Sex.choices
        self.fields["ethnicity"].choices = selectors.code_choices(CodeList.ETHNICITY)
        self.fields["upn"].help_text = "13 characters. Leave blank if the child has none."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.text("date_of_birth", field_width=10),
            Field.select("ethnicity"),
            Field.text("upn", field_width=20),
            Submit("save", "Save changes"),
        )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth must be in the past.")
        first = self.instance.episodes.order_by("start_date").values_list("start_date", flat=True).first()
        if first and born > first:
            raise forms.ValidationError(
                f"The child has an episode starting {first:%d/%m/%Y}; an episode cannot start before birth."
            )
        return born


class EpisodeForm(forms.ModelForm):
    """An episode, checked by the same rules as the import (``ssda903.episode_problems``)."""

    CODE_FIELDS = {
        "reason_new_episode": (CodeList.REASON_NEW_EPISODE, True),
        "legal_status": (CodeList.LEGAL_STATUS, True),
        "category_of_need": (CodeList.CATEGORY_OF_NEED, True),
        "placement_type": (CodeList.PLACEMENT_TYPE, True),
        "placement_provider": (CodeList.PLACEMENT_PROVIDER, False),
        "reason_ceased": (CodeList.REASON_CEASED, False),
        "reason_place_change": (CodeList.REASON_PLACE_CHANGE, False),
    }
    FIELD_FOR_COLUMN = {"DECOM": "start_date", "DEC": "end_date", "REC": "reason_ceased"}

    start_date = forms.DateField(label="Date the episode started (DECOM)", input_formats=DATE_FORMATS, help_text=DATE_HINT)
    end_date = forms.DateField(
        label="Date the episode ceased (DEC)", input_formats=DATE_FORMATS, required=False,
        help_text=f"Leave blank if the episode had not ended by 31 March. {DATE_HINT}",
    )

    class Meta:
        model = Episode
        fields = [
            "start_date", "reason_new_episode", "legal_status", "category_of_need", "placement_type",
            "placement_provider", "end_date", "reason_ceased", "reason_place_change", "home_postcode",
            "placement_postcode", "urn",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (code_list, required) in self.CODE_FIELDS.items():
            label = self.fields[name].label
            self.fields[name] = forms.ChoiceField(
                label=label[:1].upper() + label[1:], required=required,
                choices=([] if required else [("", "None")]) + selectors.code_choices(code_list),
            )
        for name in ("home_postcode", "placement_postcode"):
            self.fields[name].help_text = "The full postcode, for example WR1 2AB."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("start_date", field_width=10),
            *[Field.select(name) for name in ("reason_new_episode", "legal_status", "category_of_need",
                                              "placement_type", "placement_provider")],
            Field.text("end_date", field_width=10),
            Field.select("reason_ceased"),
            Field.select("reason_place_change"),
            Field.text("home_postcode", field_width=10),
            Field.text("placement_postcode", field_width=10),
            Field.text("urn", field_width=10),
            Submit("save", "Save episode"),
        )

    def _clean_postcode(self, name):
        value = postcodes.normalise(self.cleaned_data.get(name))
        if not value:
            return ""
        if not re.fullmatch(ssda903.POSTCODE_PATTERN, value):
            raise forms.ValidationError("Enter a full postcode, for example WR1 2AB.")
        if not postcodes.lookup([value]):
            raise forms.ValidationError("This postcode is not in the ONS postcode directory: check it.")
        return postcodes.display(value)

    def clean_home_postcode(self):
        return self._clean_postcode("home_postcode")

    def clean_placement_postcode(self):
        return self._clean_postcode("placement_postcode")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start is None:
            return data
        year_end = self.instance.cohort_return.ends_on
        for name, value in (("start_date", start), ("end_date", end)):
            if value and value > year_end:
                self.add_error(name, f"The date must not be after the end of the collection year ({year_end:%d/%m/%Y}).")
        others = Episode.objects.filter(cohort_return=self.instance.cohort_return, child=self.instance.child).exclude(
            pk=self.instance.pk
        )
        episodes = [{"start": start, "end": end, "reason_ceased": data.get("reason_ceased", "")}] + [
            {"start": e.start_date, "end": e.end_date, "reason_ceased": e.reason_ceased} for e in others
        ]
        for index, column, message, _blocks, _kind in ssda903.episode_problems(episodes, self.instance.child.date_of_birth):
            if index == 0:
                name = self.FIELD_FOR_COLUMN[column]
                if name not in self.errors:
                    self.add_error(name, message)
            elif column == "DECOM":
                # The other episode overlaps this one: the problem is this episode's dates.
                self.add_error("end_date" if end else "start_date", message.replace(
                    "The episode overlaps", f"Another episode (from {episodes[index]['start']:%d/%m/%Y}) overlaps"
                ).replace(f"the one starting {start:%d/%m/%Y}", "this one"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(
            attrs={"accept": ".csv,text/csv,.xml,application/xml,text/xml", "class": "govuk-file-upload"}
        ))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            single(None, initial)  # raises "This field is required."
            return []
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class CohortImportForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Collection year", coerce=int,
        help_text="The year the return covers, ending 31 March. Importing a year again replaces its records.",
    )
    files = MultipleFileField(
        label="903 files",
        help_text="Choose all of the year's CSV tables at once (Header and Episodes are required; UASC, Reviews, "
                  "OC2, OC3, Missing, AD1, PlacedAdoption and PrevPerm if you have them; dates as DD/MM/YYYY), or "
                  "the DfE XML submission file.",
        validators=[UploadValidator(RETURN_903, limit_setting="COHORT_UPLOAD_MAX_BYTES")],
        error_messages={"required": "Choose the year's 903 files (the CSV tables or the XML file) to upload."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = collection_year.current()
        self.fields["year"].choices = _year_choices(range(this_year, this_year - 16, -1))
        self.fields["year"].initial = collection_year.latest_finished()
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.select("year"), Field("files"), Submit("upload", "Upload and import"))

    def clean_files(self):
        files = self.cleaned_data["files"]
        names = [f.name.lower() for f in files]
        if len(set(names)) != len(names):
            raise forms.ValidationError("Two of the files have the same name.")
        if len(files) > 12:
            raise forms.ValidationError("Upload at most 12 tables at once.")
        return files
