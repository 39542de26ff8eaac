"""The app's URLs plus a trivial page: the same middleware, sign-in, role check and base template, no content."""
from django.shortcuts import render
from django.urls import include, path

from core.permissions import ALL_ROLES, role_required


@role_required(*ALL_ROLES)
def trivial(request):
    return render(request, "base.html")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), path("", include("corporate_parenting.urls"))]
