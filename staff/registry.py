"""Registries the apps above staff fill from their `AppConfig.ready()` (DESIGN.md: a lower app
never imports a higher one; it offers a registry). Staff reads them and knows no other app.

- person pages: a person's page in another app (development history, appraisal history), linked
  from the person page. Each such page looks the person up through `Person.objects.visible_to`,
  the rule the person page itself has just passed, so whoever sees the person page may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonPage:
    url_name: str  # a URL name taking the person's pk, e.g. "training:person-history"
    label: Any  # a lazy translation
    order: int = 100


_PERSON_PAGES: dict[str, PersonPage] = {}


def register_person_page(url_name: str, label: Any, *, order: int = 100) -> None:
    """Link a page about one person from the person page (idempotent: `ready()` may run twice)."""
    _PERSON_PAGES[url_name] = PersonPage(url_name=url_name, label=label, order=order)


def person_pages() -> list[PersonPage]:
    """The registered person pages, in their order (then by URL name)."""
    return sorted(_PERSON_PAGES.values(), key=lambda page: (page.order, page.url_name))


PersonPrompt = Callable[[Any], Any]  # a person -> a message (a translated string) or None

_PERSON_PROMPTS: dict[str, PersonPrompt] = {}


def register_person_prompt(name: str, prompt: PersonPrompt) -> None:
    """Ask `prompt` about each person page shown (idempotent per name: `ready()` may run twice)."""
    _PERSON_PROMPTS[name] = prompt


def person_prompts(person: Any) -> list[Any]:
    """The messages the registered prompts answer about `person`, in the order of their names."""
    messages = (_PERSON_PROMPTS[name](person) for name in sorted(_PERSON_PROMPTS))
    return [message for message in messages if message]
