"""Helpers shared by the customers app's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from salesorg.exceptions import ApplicationError


def form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "customers/form_page.html", context, status=status)


def post_action(request: HttpRequest, form: Any, call: Any, *, success: str, back: str) -> HttpResponse:
    """Run a POST-only action from the customer page; errors come back as messages with a 400."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ApplicationError as exc:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
            messages.error(request, f"{exc.message} {details}".strip())
            return redirect(back)
        messages.success(request, success)
        return redirect(back)
    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect(back)
