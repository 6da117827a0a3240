"""A person who has left cannot sign in, and their sessions and tokens stop on the leaving date.

Three doors, one rule (`has_left`: a leaving date that has come): the password log-in (the
authentication backend), the API token (`TokenAuthentication` answers 401) and an open session
(`LeaverLogoutMiddleware` ends it on the next request). The person is read with the user in the
same query where the door looks the user up, so no request pays an extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


def has_left(user: Any) -> bool:
    """True when the user's person has a leaving date that has come."""
    from staff.models import Person

    try:
        person = user.person
    except (Person.DoesNotExist, AttributeError):
        return False
    return person is not None and person.left_on is not None and person.left_on <= timezone.localdate()


class LeaverAwareBackend(ModelBackend):
    """The model backend, refusing the password of a person who has left."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not has_left(user)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; a leaver's token answers 401 from the leaving date."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        token = model.objects.select_related("user", "user__person").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active or has_left(token.user):
            raise exceptions.AuthenticationFailed(_("This login has ended."))
        # The API answers in the language the person chose (else the request's Accept-Language,
        # which LocaleMiddleware activated): the token is only known here, after the middleware.
        person = getattr(token.user, "person", None)
        if person is not None and person.language:
            translation.activate(person.language)
        return (token.user, token)


class LeaverLogoutMiddleware:
    """Ends the session of a user whose leaving date has come (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and has_left(user):
            logout(request)
        return self.get_response(request)
