from django import forms

from .services import EVENTS


class TrailSearchForm(forms.Form):
    person = forms.CharField(label="Person", required=False, help_text="Name, username or email address", max_length=150)
    child = forms.CharField(label="Child", required=False, help_text="The child's 903 identifier (CHILD)", max_length=10)
    event = forms.ChoiceField(label="What happened", required=False, choices=[("", "Anything")] + sorted(EVENTS.items(), key=lambda item: item[1]))
    date_from = forms.DateField(label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self):
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
