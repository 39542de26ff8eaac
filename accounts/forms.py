from crispy_forms.helper import FormHelper
from django import forms


class CodeForm(forms.Form):
    """One field for a code: from the authenticator app, or a recovery code (the second step of signing in)."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["code"].label = label
        if help_text:
            self.fields["code"].help_text = help_text
        self.helper = FormHelper()
        self.helper.form_tag = False
