"""
Pages for the board's measures. Board readers see them with small numbers withheld; officers see the
figures in full and keep the comparators, targets and child population up to date.
"""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from core import stamps
from core.permissions import BOARD_READERS, OFFICERS, role_required

from core.collection_year import label as year_label

from . import figures, registry, selectors, services
from .forms import (
    AuthoritiesForm,
    ComparatorForm,
    ComparatorUploadForm,
    EesUploadForm,
    PopulationForm,
    TargetForm,
    YearForm,
)
from .models import ChildPopulation, Comparator, ComparisonAuthority, Target


def must_suppress(user):
    """Everyone but officers sees small numbers withheld."""
    return user.role not in OFFICERS


def chosen_year(request, years):
    """The year asked for in ?year= if it has a return, else the latest; None when there are no returns."""
    form = YearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["year"], form
    form = YearForm(initial={"year": years[0]} if years else None, years=years)
    return (years[0] if years else None), form


def _measure_or_404(identifier):
    try:
        return registry.get(identifier)
    except KeyError:
        raise Http404("There is no measure with that identifier.") from None



@role_required(*BOARD_READERS)
def measure_list(request):
    years = selectors.available_years()
    year, year_form = chosen_year(request, years)
    suppress = must_suppress(request.user)
    return render(
        request,
        "measures/list.html",
        {
            "year": year,
            "year_label": year_label(year) if year else "",
            "year_form": year_form,
            "checked": stamps.later(lambda: next(iter(selectors.returns_checked(year)), None)) if year else None,
            "topics": stamps.later(figures.topics, year, suppress=suppress) if year else [],
            "suppress": suppress,
            "is_officer": not suppress,
            # Its HTML is cached under the figures' version (every figure, comparator, target and return check
            # changes it), the year and whether small numbers are withheld: nothing else on it depends on who asks.
            "page_version": stamps.page_version(year, suppress, names=(stamps.MEASURES,)),
        },
    )


@role_required(*BOARD_READERS)
def measure_detail(request, identifier):
    measure = _measure_or_404(identifier)
    suppress = must_suppress(request.user)
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "page": stamps.later(figures.measure_page, measure, suppress=suppress),
            "suppress": suppress,
            "is_officer": not suppress,
            "page_version": stamps.page_version(identifier, suppress, names=(stamps.MEASURES,)),  # as the list's
        },
    )


@role_required(*OFFICERS)
def comparator_edit(request, identifier):
    measure = _measure_or_404(identifier)
    initial = {}
    year_text = request.GET.get("year", "")
    if year_text.isdigit():
        existing = Comparator.objects.filter(measure=identifier, year=int(year_text)).first()
        initial = {"year": int(year_text)}
        if existing:
            initial.update(
                england=existing.england, statistical_neighbours=existing.statistical_neighbours, source=existing.source
            )
    form = ComparatorForm(request.POST or None, initial=initial, measure=measure)
    if request.method == "POST" and form.is_valid():
        services.save_comparator(measure=identifier, user=request.user, **form.cleaned_data)
        messages.success(request, f"Comparators for {year_label(form.cleaned_data['year'])} saved.")
        return redirect("measures:measure_detail", identifier=identifier)
    return render(
        request,
        "measures/form.html",
        {"measure": measure, "form": form, "heading": f"Comparators for {measure.title}"},
    )


@role_required(*OFFICERS)
def target_edit(request, identifier):
    measure = _measure_or_404(identifier)
    if measure.better is None:
        messages.error(request, f"{measure.title} has no better direction, so it cannot have a target.")
        return redirect("measures:measure_detail", identifier=identifier)
    existing = Target.objects.filter(measure=identifier).first()
    initial = {"value": existing.value, "amber_margin": existing.amber_margin} if existing else None
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and "remove" in request.POST:
        services.remove_target(measure=identifier)
        messages.success(request, "Target removed.")
        return redirect("measures:measure_detail", identifier=identifier)
    if request.method == "POST" and form.is_valid():
        services.save_target(measure=identifier, user=request.user, **form.cleaned_data)
        messages.success(request, "Target saved.")
        return redirect("measures:measure_detail", identifier=identifier)
    return render(
        request,
        "measures/form.html",
        {
            "measure": measure,
            "form": form,
            "heading": f"Target for {measure.title}",
            "intro": f"{'Higher' if measure.better == registry.HIGHER else 'Lower'} is better for this measure.",
            "can_remove": existing is not None,
        },
    )


@role_required(*OFFICERS)
def comparator_upload(request):
    form = ComparatorUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.load_comparators_csv(form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if result.errors:
                problems = result.errors
                form.add_error("file", f"Nothing was saved: the file has {len(problems)} problem(s), listed below.")
            else:
                messages.success(request, f"{result.saved} comparator row(s) loaded.")
                return redirect("measures:measure_list")
    return render(
        request,
        "measures/upload.html",
        {"form": form, "problems": problems, "identifiers": [m.identifier for m in registry.MEASURES]},
    )


@role_required(*OFFICERS)
def population(request):
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_population(**form.cleaned_data)
        messages.success(request, f"Child population for {year_label(form.cleaned_data['year'])} saved.")
        return redirect("measures:population")
    return render(
        request,
        "measures/population.html",
        {"form": form, "page_obj": Paginator(ChildPopulation.objects.all(), 20).get_page(request.GET.get("page"))},
    )


@role_required(*OFFICERS)
def differences(request):
    page = Paginator(selectors.return_differences(), 50).get_page(request.GET.get("page"))
    return render(request, "measures/differences.html", {"page_obj": page})


@role_required(*OFFICERS)
def ees_upload(request):
    """The DfE's published figures for England, the council and its neighbours, from an EES data file."""
    authorities = list(ComparisonAuthority.objects.all())
    form = EesUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reading = services.load_ees_file(
                data["file"], measure=data["measure"], indicator=data["indicator"], filters=data["filters"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if reading.problems:
                problems = reading.problems
                form.add_error("file", f"Nothing was saved: {len(problems)} problem(s), listed below.")
            else:
                years = ", ".join(year_label(year) for year in reading.years)
                messages.success(request, f"The DfE's figures for {years} loaded.")
                return redirect("measures:measure_detail", identifier=data["measure"])
    return render(request, "measures/ees_upload.html", {"form": form, "problems": problems, "authorities": authorities})


@role_required(*OFFICERS)
def authorities(request):
    current = list(ComparisonAuthority.objects.all())
    council = next((a for a in current if a.is_council), None)
    initial = {
        "council_code": council.code if council else settings.COUNCIL_LA_CODE,
        "council_name": council.name if council else "",
        "neighbours": "\n".join(f"{a.code}, {a.name}" for a in current if not a.is_council),
    }
    form = AuthoritiesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_authorities(**form.cleaned_data)
        messages.success(request, "The council and its statistical neighbours are saved.")
        return redirect("measures:ees_upload")
    return render(request, "measures/authorities.html", {"form": form})
