"""
SEX as the 903 writes it from 2024-25 (M, F, U) rather than 1 / 2, and the count of DfE validation errors a
loaded return carries. Existing children keep their sex: 1 becomes M and 2 becomes F (and back on reversal;
U, which the old field could not hold, goes back as 0).
"""
from django.db import migrations, models

FORWARD = {"1": "M", "2": "F"}
BACKWARD = {"M": "1", "F": "2", "U": "0"}


def recode(mapping):
    def run(apps, schema_editor):
        Child = apps.get_model("children", "Child")
        for old, new in mapping.items():
            Child.objects.filter(sex=old).update(sex=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0006_nightly_import_file_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohortreturn",
            name="validation_error_count",
            field=models.PositiveIntegerField(
                default=0, help_text="How many of the DfE's validation rule failures the loaded return carries.",
                verbose_name="DfE validation errors",
            ),
        ),
        # Text wide enough for the old numbers during the change; then the new codes.
        migrations.AlterField(model_name="child", name="sex", field=models.CharField(max_length=5)),
        migrations.RunPython(recode(FORWARD), recode(BACKWARD)),
        migrations.AlterField(
            model_name="child",
            name="sex",
            field=models.CharField(choices=[("M", "Male"), ("F", "Female"), ("U", "Not known")], max_length=1),
        ),
    ]
