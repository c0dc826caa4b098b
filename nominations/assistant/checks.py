"""What is impossible on its face, found before any solving."""

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .problem import Constraints, Problem, names_of


def cheap_reasons(problem: Problem) -> list[str]:
    """What is impossible on its face: bad numbers, contradictory or unknown pins, pins
    that break a rule by themselves, too few nominations to fill the cohort."""
    return [
        *_range_reasons(problem.constraints),
        *_pin_reasons(problem),
        *_pinned_in_reasons(problem),
        *_size_reasons(problem),
    ]


def _range_reasons(rules: Constraints) -> list[str]:
    reasons = []
    if rules.capacity_min < 0 or rules.capacity_max < 0:
        reasons.append(_("Capacity: the minimum and maximum cannot be negative."))
    elif rules.capacity_min > rules.capacity_max:
        reasons.append(
            _("Capacity: the minimum (%(low)s) is above the maximum (%(high)s).")
            % {"low": rules.capacity_min, "high": rules.capacity_max}
        )
    if rules.max_per_country is not None and rules.max_per_country < 0:
        reasons.append(_("At most N per country: N cannot be negative."))
    if rules.stipends_available < 0:
        reasons.append(_("Stipends: the number available cannot be negative."))
    return reasons


def _pin_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    known = {candidate.id for candidate in problem.candidates}
    reasons = []
    both = [c for c in problem.candidates if c.id in rules.pinned_in & rules.pinned_out]
    if both:
        reasons.append(
            _("Pinned both in and out: %(names)s. Choose one.") % {"names": names_of(both)}
        )
    sides = (
        (_("Pinned in: %(listed)s not among the nominations."), rules.pinned_in),
        (_("Pinned out: %(listed)s not among the nominations."), rules.pinned_out),
    )
    for sentence, pins in sides:
        unknown = sorted(pins - known)
        if unknown:
            reasons.append(sentence % {"listed": ", ".join(f"#{pin}" for pin in unknown)})
    return reasons


def _pinned_in_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    pinned = [c for c in problem.candidates if c.id in rules.pinned_in]
    reasons = []
    if len(pinned) > rules.capacity_max >= 0:
        reasons.append(
            ngettext(
                "Pinned in: %(count)s nomination, but capacity is at most %(high)s.",
                "Pinned in: %(count)s nominations, but capacity is at most %(high)s.",
                len(pinned),
            )
            % {"count": len(pinned), "high": rules.capacity_max}
        )
    if rules.max_per_country is not None:
        for country, count in sorted(Counter(c.country for c in pinned).items()):
            if count > rules.max_per_country:
                reasons.append(
                    _(
                        "Pinned in: %(count)s from %(country)s, but at most %(limit)s per "
                        "country are allowed."
                    )
                    % {"count": count, "country": country, "limit": rules.max_per_country}
                )
    barred = [c for c in pinned if c.barred_by_stipend_rule]
    if barred:
        reasons.append(
            ngettext(
                "Pinned in: %(names)s needs a travel stipend that %(rule)s does not give.",
                "Pinned in: %(names)s need a travel stipend that %(rule)s does not give.",
                len(barred),
            )
            % {"names": names_of(barred), "rule": rules.stipend_rule}
        )
    needing = sum(candidate.needs_stipend for candidate in pinned)
    if needing > rules.stipends_available >= 0:
        reasons.append(
            ngettext(
                "Pinned in: %(count)s needs a stipend, but %(available)s.",
                "Pinned in: %(count)s need a stipend, but %(available)s.",
                needing,
            )
            % {"count": needing, "available": _available_stipends(rules.stipends_available)}
        )
    return reasons


def _available_stipends(count: int) -> str:
    if count == 0:
        return _("no stipends are available")
    return ngettext(
        "only %(count)s stipend is available", "only %(count)s stipends are available", count
    ) % {"count": count}


def _size_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    reasons = []
    available = sum(problem.available(index) for index in range(problem.size))
    if rules.capacity_min > available == problem.size == 0:
        reasons.append(
            _("Capacity: at least %(low)s must be selected, but there are no nominations.")
            % {"low": rules.capacity_min}
        )
    elif rules.capacity_min > available:
        reasons.append(
            ngettext(
                "Capacity: at least %(low)s must be selected, but only %(count)s nomination "
                "is not pinned out.",
                "Capacity: at least %(low)s must be selected, but only %(count)s nominations "
                "are not pinned out.",
                available,
            )
            % {"low": rules.capacity_min, "count": available}
        )
    reasons.extend(_country_reach_reasons(problem))
    if problem.kinds_required > rules.capacity_max >= 0:
        reasons.append(
            ngettext(
                "Spread of project kinds: %(kinds)s required, which takes at least %(kinds)s "
                "place, but capacity is at most %(high)s.",
                "Spread of project kinds: %(kinds)s required, which takes at least %(kinds)s "
                "places, but capacity is at most %(high)s.",
                problem.kinds_required,
            )
            % {"kinds": problem.kinds_required, "high": rules.capacity_max}
        )
    return reasons


def _country_reach_reasons(problem: Problem) -> list[str]:
    """At most N per country: a country with k nominations adds at most min(N, k) places."""
    limit, minimum = problem.constraints.max_per_country, problem.constraints.capacity_min
    if limit is None or limit < 0:
        return []
    per_country = [
        sum(problem.available(i) for i in members) for members in problem.countries.values()
    ]
    countries = sum(count > 0 for count in per_country)
    reach = sum(min(limit, count) for count in per_country)
    if not countries or minimum <= reach:
        return []
    return [
        ngettext(
            "At most %(limit)s per country: the nominations not pinned out, from %(count)s "
            "country, fill at most %(reach)s places, but at least %(low)s must be selected.",
            "At most %(limit)s per country: the nominations not pinned out, from %(count)s "
            "countries, fill at most %(reach)s places, but at least %(low)s must be selected.",
            countries,
        )
        % {"limit": limit, "count": countries, "reach": reach, "low": minimum}
    ]
