"""
Self-evaluation pages. Each view checks the role on the server, reads through selectors and changes data
only through services, which check status and person again (so a forged post is refused there too).

Who may do what:
- officers and administrators: everything about cycles, evaluations, evidence and actions;
- councillors and the chief executive: read approved evaluations, their evidence, the heat map and trends;
- administrators: also add frameworks, areas and quality indicators;
- Children in Care Council representatives: none of these pages.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import charts
from core.files import private_file_response
from core import permissions
from core.permissions import ADMINISTRATORS, BOARD_READERS, OFFICERS, role_required

from . import selectors, services
from .forms import (
    ActionForm,
    ActionProgressForm,
    ApprovalForm,
    AreaForm,
    CommentForm,
    CycleForm,
    EvaluationForm,
    EvidenceForm,
    FrameworkForm,
    ModerationForm,
    QualityIndicatorForm,
)
from .models import Cycle, Evaluation, EvaluationStatus, EvidenceItem, Framework, ImprovementAction, Level, QualityIndicator

PAGE_SIZE = 25


def _posted(request, files=False):
    """Form data for a bound form on POST (even an empty one), or nothing on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _page(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _form_page(
    request, form, *, title, caption="", back_url, intro="", status=200, indicator=None, evaluation=None, evidence=None
):
    context = {
        "form": form, "title": title, "caption": caption, "back_url": back_url, "intro": intro,
        "indicator": indicator, "evaluation": evaluation, "evidence": evidence,
        "sees_drafts": selectors.sees_drafts(request.user),
    }
    return render(request, "indicators/form_page.html", context, status=status)


def _add_errors(form, error):
    """Show a service's ValidationError on the form (field errors on their fields, the rest at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _visible_evaluation(request, pk):
    try:
        return selectors.evaluation_detail(pk, request.user)
    except Evaluation.DoesNotExist as error:
        raise Http404("No such evaluation, or it has not been approved by the board yet.") from error


# --- Cycles -----------------------------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def cycle_list(request):
    page_obj = _page(request, selectors.cycles_for(request.user))
    return render(
        request,
        "indicators/cycle_list.html",
        {"page_obj": page_obj, "cycles": page_obj.object_list, "sees_drafts": selectors.sees_drafts(request.user)},
    )


@role_required(*OFFICERS)
def cycle_create(request):
    form = CycleForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.open_cycle(created_by=request.user, assigned_officer=form.cleaned_data["assigned_officer"], **{
                name: form.cleaned_data[name] for name in ("framework", "name", "level", "starts_on", "ends_on")
            })
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Cycle {cycle.name} opened with {cycle.evaluations.count()} evaluations to complete.")
            return redirect("indicators:cycle_detail", pk=cycle.pk)
    return _form_page(request, form, title="Open a self-evaluation cycle", back_url=reverse("indicators:cycle_list"))


@role_required(*BOARD_READERS)
def cycle_detail(request, pk):
    cycle = get_object_or_404(Cycle.objects.select_related("framework"), pk=pk)
    if not permissions.may_see_cycle(request.user, cycle):
        raise Http404("This cycle has no approved evaluations yet.")
    evaluations = list(selectors.cycle_evaluations(cycle, request.user))
    moderated = sum(1 for evaluation in evaluations if evaluation.status == EvaluationStatus.MODERATED)
    return render(
        request,
        "indicators/cycle_detail.html",
        {
            "cycle": cycle,
            "evaluations": evaluations,
            "sees_drafts": selectors.sees_drafts(request.user),
            "moderated_count": moderated,
        },
    )


@role_required(*OFFICERS)
def cycle_approve(request, pk):
    cycle = get_object_or_404(Cycle, pk=pk)
    form = ApprovalForm(*_posted(request), user=request.user, button="Record the board's approval of the cycle")
    if request.method == "POST" and form.is_valid():
        try:
            count = services.approve_cycle(cycle, request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if count:
                messages.success(request, f"Board approval recorded for {count} evaluations.")
            else:
                messages.error(request, "Every evaluation in this cycle was already approved.")
            return redirect("indicators:cycle_detail", pk=cycle.pk)
    return _form_page(
        request, form, title="Record the board's approval", caption=f"Cycle {cycle.name}",
        back_url=reverse("indicators:cycle_detail", args=[cycle.pk]), status=400 if request.method == "POST" else 200,
        intro="Every evaluation in this cycle will be marked approved at the meeting you choose; the board can approve "
        "the cycle only once every evaluation in it is moderated. Approved evaluations can no longer be edited.",
    )


# --- Evaluations -----------------------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def evaluation_detail(request, pk):
    evaluation = _visible_evaluation(request, pk)
    sees_drafts = selectors.sees_drafts(request.user)
    user = request.user
    context = {
        "evaluation": evaluation,
        "sees_drafts": sees_drafts,
        "can_edit": permissions.may_change_evaluations(user) and evaluation.is_editable,
        "can_submit": permissions.may_submit_evaluation(user, evaluation),
        "can_moderate": permissions.may_moderate_evaluation(user, evaluation),
        "can_approve": permissions.may_approve_evaluation(user, evaluation),
    }
    return render(request, "indicators/evaluation_detail.html", context)


def _evaluation_for_change(request, pk):
    evaluation = get_object_or_404(Evaluation.objects.select_related("cycle", "indicator"), pk=pk)
    caption = f"{evaluation.indicator.number} {evaluation.indicator.title} – {evaluation.cycle.name}"
    return evaluation, caption, reverse("indicators:evaluation_detail", args=[evaluation.pk])


@role_required(*OFFICERS)
def evaluation_edit(request, pk):
    evaluation, caption, back_url = _evaluation_for_change(request, pk)
    if request.method != "POST" and not evaluation.is_editable:
        messages.error(request, f"This evaluation is {evaluation.get_status_display().lower()} and can no longer be changed.")
        return redirect(back_url)
    form = EvaluationForm(*_posted(request), instance=Evaluation.objects.get(pk=evaluation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_evaluation(evaluation, request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Evaluation saved as a draft.")
            return redirect(back_url)
    return _form_page(
        request, form, title="Edit the evaluation", caption=caption, back_url=back_url, indicator=evaluation.indicator
    )


def _workflow_view(request, pk, *, form_class, title, action, form_kwargs=None, intro="", show_evidence=False):
    evaluation, caption, back_url = _evaluation_for_change(request, pk)
    form = form_class(*_posted(request), **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            message = action(evaluation, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(back_url)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=title, caption=caption, back_url=back_url, intro=intro, status=status,
        indicator=evaluation.indicator, evaluation=evaluation,
        evidence=selectors.evidence_for(evaluation) if show_evidence else None,
    )


@role_required(*OFFICERS)
def evaluation_submit(request, pk):
    def action(evaluation, data):
        services.submit_evaluation(evaluation, request.user, comment=data["comment"])
        return "Submitted for moderation. A second officer will now check it."

    return _workflow_view(
        request, pk, form_class=CommentForm, title="Submit for moderation", action=action,
        intro="Once submitted, the evaluation cannot be edited unless the moderator returns it.",
    )


@role_required(*OFFICERS)
def evaluation_moderate(request, pk):
    def action(evaluation, data):
        agree = data["decision"] == "agree"
        services.moderate_evaluation(evaluation, request.user, agree=agree, comment=data["comment"])
        return "Moderation recorded: agreed." if agree else "Returned to the officer with your comments."

    return _workflow_view(
        request, pk, form_class=ModerationForm, title="Moderate the evaluation", action=action,
        intro="Moderation must be done by a second officer, not the one who submitted the evaluation.",
        show_evidence=True,
    )


@role_required(*OFFICERS)
def evaluation_approve(request, pk):
    def action(evaluation, data):
        services.approve_evaluation(evaluation, request.user, meeting=data["meeting"], comment=data["comment"])
        return "Board approval recorded. The evaluation is now read-only."

    return _workflow_view(
        request, pk, form_class=ApprovalForm, title="Record the board's approval", action=action,
        form_kwargs={"user": request.user},
    )


# --- Evidence ---------------------------------------------------------------------------------------------


def _add_to_evaluation(request, pk, *, form_class, what, title, add, added, files=False):
    """An officer adds something (evidence, an improvement action) to a draft or returned evaluation."""
    evaluation, caption, back_url = _evaluation_for_change(request, pk)
    if request.method != "POST" and not evaluation.is_editable:
        messages.error(request, f"{what} can only be added to draft or returned evaluations.")
        return redirect(back_url)
    form = form_class(*_posted(request, files=files))
    if request.method == "POST" and form.is_valid():
        try:
            add(evaluation, request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, added)
            return redirect(back_url)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=title, caption=caption, back_url=back_url, status=status)


@role_required(*OFFICERS)
def evidence_add(request, pk):
    return _add_to_evaluation(
        request, pk, form_class=EvidenceForm, files=True, what="Evidence", title="Add evidence",
        add=services.add_evidence, added="Evidence added.",
    )


@role_required(*BOARD_READERS)
def evidence_download(request, pk):
    item = get_object_or_404(
        EvidenceItem.objects.filter(evaluation__in=selectors.evaluations_visible_to(request.user)).exclude(file=""),
        pk=pk,
    )
    if request.user.role not in OFFICERS and not item.open_to_board:
        raise PermissionDenied("This file is for officers only.")
    return private_file_response(item.file)


@require_POST
@role_required(*OFFICERS)
def evidence_audience(request, pk):
    """Open an evidence file to the board, or make it officers only again."""
    item = get_object_or_404(EvidenceItem.objects.exclude(file=""), pk=pk)
    try:
        item = services.set_evidence_audience(item, request.user, request.POST.get("audience", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = "open to the board" if item.open_to_board else "for officers only"
        messages.success(request, f"The file of \u201c{item.title}\u201d is now {who}.")
    return redirect("indicators:evaluation_detail", pk=item.evaluation_id)


@require_POST
@role_required(*OFFICERS)
def evidence_delete(request, pk):
    item = get_object_or_404(EvidenceItem.objects.select_related("evaluation"), pk=pk)
    try:
        services.remove_evidence(item, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Evidence \u201c{item.title}\u201d removed.")
    return redirect("indicators:evaluation_detail", pk=item.evaluation_id)


# --- Improvement actions -----------------------------------------------------------------------------

ACTION_VIEWS = {"open": "Open actions", "overdue": "Overdue actions", "mine": "My actions", "all": "All actions"}


def _action_list(request, show):
    page_obj = _page(request, selectors.actions_for(request.user, show=show))
    return render(
        request,
        "indicators/action_list.html",
        {"page_obj": page_obj, "actions": page_obj.object_list, "show": show, "title": ACTION_VIEWS[show],
         "views": ACTION_VIEWS, "sees_drafts": selectors.sees_drafts(request.user)},
    )


@role_required(*BOARD_READERS)
def action_list(request):
    show = request.GET.get("show", "open")
    if show not in ACTION_VIEWS or show == "overdue":
        show = "open"
    return _action_list(request, show)


@role_required(*BOARD_READERS)
def overdue_actions(request):
    return _action_list(request, "overdue")


@role_required(*OFFICERS)
def action_add(request, pk):
    return _add_to_evaluation(
        request, pk, form_class=ActionForm, what="Actions", title="Add an improvement action",
        add=services.add_action, added="Improvement action added.",
    )


@role_required(*OFFICERS)
def action_progress(request, pk):
    action = get_object_or_404(ImprovementAction.objects.select_related("evaluation__indicator", "evaluation__cycle"), pk=pk)
    back_url = reverse("indicators:evaluation_detail", args=[action.evaluation_id])
    form = ActionProgressForm(*_posted(request), instance=ImprovementAction.objects.get(pk=action.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action_progress(action, request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Progress saved.")
            return redirect(back_url)
    return _form_page(request, form, title="Record progress on an action", caption=action.description[:120], back_url=back_url)


@require_POST
@role_required(*OFFICERS)
def action_delete(request, pk):
    action = get_object_or_404(ImprovementAction.objects.select_related("evaluation"), pk=pk)
    try:
        services.remove_action(action, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Improvement action removed.")
    return redirect("indicators:evaluation_detail", pk=action.evaluation_id)


# --- Board views: heat map and trend ----------------------------------------------------------------


@role_required(*BOARD_READERS)
def heat_map(request):
    frameworks = list(Framework.objects.order_by("name"))
    chosen = next((f for f in frameworks if str(f.pk) == request.GET.get("framework")), frameworks[0] if frameworks else None)
    level = request.GET.get("level") if request.GET.get("level") in Level.values else ""
    grid = selectors.heat_map(chosen, request.user, level=level or None) if chosen else None
    return render(
        request,
        "indicators/heat_map.html",
        {"frameworks": frameworks, "framework": chosen, "level": level, "levels": Level.choices, "grid": grid},
    )


@role_required(*BOARD_READERS)
def indicator_trend(request, pk):
    indicator = get_object_or_404(QualityIndicator.objects.select_related("area__framework"), pk=pk)
    evaluations = selectors.indicator_trend(indicator, request.user)
    chart = None
    if len(evaluations) > 1:
        chart = charts.line_chart(
            f"{indicator.number} grade by cycle",
            "Grade on the six-point scale (6 Excellent to 1 Unsatisfactory) in each cycle, with the target grade. "
            "The table below gives the same figures.",
            [f"{e.cycle.name} ({e.cycle.get_level_display().lower()})" for e in evaluations],
            [
                charts.Series("Grade", [e.grade for e in evaluations], [selectors.grade_text(e.grade) for e in evaluations]),
                charts.Series("Target", [e.target_grade for e in evaluations], [selectors.grade_text(e.target_grade) for e in evaluations]),
            ],
        )
    return render(
        request,
        "indicators/indicator_trend.html",
        {"indicator": indicator, "evaluations": evaluations, "chart": chart},
    )


# --- Frameworks ---------------------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def framework_list(request):
    return render(request, "indicators/framework_list.html", {"frameworks": selectors.frameworks()})


@role_required(*BOARD_READERS)
def framework_detail(request, pk):
    framework = get_object_or_404(Framework, pk=pk)
    return render(
        request,
        "indicators/framework_detail.html",
        {"framework": framework, "areas": selectors.framework_with_indicators(framework),
         "is_administrator": permissions.may_keep_frameworks(request.user)},
    )


@role_required(*ADMINISTRATORS)
def framework_create(request):
    form = FrameworkForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        framework = form.save()
        messages.success(request, f"Framework {framework.name} created. Now add its areas and quality indicators.")
        return redirect("indicators:framework_detail", pk=framework.pk)
    return _form_page(request, form, title="Add a framework", back_url=reverse("indicators:framework_list"))


def _add_to_framework(request, pk, *, form_class, title, added):
    """An administrator adds a part (an area, a quality indicator) to a framework."""
    framework = get_object_or_404(Framework, pk=pk)
    form = form_class(*_posted(request), framework=framework)
    back_url = reverse("indicators:framework_detail", args=[framework.pk])
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, added)
        return redirect(back_url)
    return _form_page(request, form, title=title, caption=framework.name, back_url=back_url)


@role_required(*ADMINISTRATORS)
def area_add(request, pk):
    return _add_to_framework(request, pk, form_class=AreaForm, title="Add an area", added="Area added.")


@role_required(*ADMINISTRATORS)
def indicator_add(request, pk):
    return _add_to_framework(
        request, pk, form_class=QualityIndicatorForm, title="Add a quality indicator",
        added="Quality indicator added. Cycles opened from now on will include it.",
    )

