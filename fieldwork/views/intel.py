from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.views.common import form_page as _form_page
from fieldwork import forms
from fieldwork.services.intel import intel_note_create
from salesorg.exceptions import ApplicationError, add_error_to_form


@login_required
def intel_create(request: HttpRequest) -> HttpResponse:
    form = forms.IntelNoteForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intel_note_create(
                user=request.user,
                note=data["note"],
                competitor=data["competitor"],
                customer=data["customer"],
                date_=data["date"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:competitor-list")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("New market intelligence"), back=reverse("customers:competitor-list"), status=status
    )


urlpatterns = [path("intel/new/", intel_create, name="intel-create")]
