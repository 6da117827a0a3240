"""The method's review questions, installed as editable rows (admins may reword, reorder, add)."""

from django.db import migrations

CODES = ("q_year_end_goal", "q_obstacles", "q_territory", "q_missed_impact", "q_progress", "q_make_up")


def install(apps, schema_editor):
    question = apps.get_model("training", "ReviewQuestion")
    if question.objects.exists():
        return
    question.objects.bulk_create(
        question(code=code, sort_order=(index + 1) * 10) for index, code in enumerate(CODES)
    )


def remove(apps, schema_editor):
    apps.get_model("training", "ReviewQuestion").objects.filter(code__in=CODES, text="").delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0005_review_meetings")]

    operations = [migrations.RunPython(install, remove)]
