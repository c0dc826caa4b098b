"""Every named URL pattern of the project, and how to fill in its arguments from the world."""

from django.urls import URLPattern, URLResolver, get_resolver

from .world import CANDIDATE_TOKEN, World

# Admin pages are Django's own, checked by its permission system (two rows stand for them);
# allauth's password-reset-by-key page needs a key allauth made.
SKIPPED_NAMESPACES = ("admin",)
SKIPPED = {"account_reset_password_from_key"}
EXTRA = ["admin:index", "admin:metlib_user_changelist"]


def named_routes() -> dict[str, list[str]]:
    """{"namespace:name": [its keyword arguments]} for every named pattern."""
    found: dict[str, list[str]] = {}

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.setdefault(name, list(pattern.pattern.regex.groupindex))

    walk(get_resolver().url_patterns, "")
    return {
        name: arguments
        for name, arguments in found.items()
        if name.split(":")[0] not in SKIPPED_NAMESPACES and name not in SKIPPED
    } | {name: [] for name in EXTRA}


# Which object a route's "pk" means, by the route's name (first match wins).
PK_OBJECTS = (
    ("nominations:", "nomination"),
    ("calendar:preparation_file", "preparation"),
    ("calendar:", "event"),
    ("certificates:batch", "batch"),
    ("certificates:", "certificate"),
    ("circle:library", "library"),
)


def arguments_for(name: str, arguments: list[str], world: World) -> dict[str, object]:
    objects = world.objects
    values: dict[str, object] = {}
    for argument in arguments:
        if argument == "cohort_slug":
            values[argument] = objects["cohort"].slug
        elif argument == "programme_slug":
            values[argument] = objects["cohort"].programme.slug
        elif argument == "pk":
            kind = next(obj for prefix, obj in PK_OBJECTS if name.startswith(prefix))
            values[argument] = objects[kind].pk
        elif argument == "user_id":
            values[argument] = world.people["participant"].pk
        elif argument == "membership_id":
            values[argument] = objects["spare_membership"].pk
        elif argument == "email_id":
            values[argument] = objects["failed_mail"].pk
        elif argument == "code":
            values[argument] = objects["certificate"].code
        elif argument == "token":
            values[argument] = CANDIDATE_TOKEN
        elif argument == "uid":
            values[argument] = objects["event"].uid
        elif argument == "person_id":
            values[argument] = objects["feed"].person_id
        elif argument == "secret":
            values[argument] = objects["feed"].secret
        else:
            raise KeyError(f"The matrix does not know how to fill {argument!r} of {name}")
    return values
