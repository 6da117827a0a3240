"""Templates ask the authority rule through one tag: `{% may "targets.approve" target as can_approve %}`.

Templates never compare positions or scope strings: they show a button when the rule allows it.
"""

from __future__ import annotations

from typing import Any

from django import template

from staff import authority

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, rule: str, obj: Any = None, **kwargs: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return authority.allowed(user, rule, obj, **kwargs)
