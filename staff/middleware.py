from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Activate the language a signed-in user chose; it overrides the browser's preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from staff.models import Person

            try:
                person = user.person
            except Person.DoesNotExist:
                person = None
            if person is not None and person.language:
                translation.activate(person.language)
                request.LANGUAGE_CODE = person.language
        return self.get_response(request)
