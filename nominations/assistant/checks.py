"""What is impossible on its face, found before any solving."""

from collections import Counter

from .problem import Constraints, Problem, names_of, plural


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
        reasons.append("Capacity: the minimum and maximum cannot be negative.")
    elif rules.capacity_min > rules.capacity_max:
        reasons.append(
            f"Capacity: the minimum ({rules.capacity_min}) is above "
            f"the maximum ({rules.capacity_max})."
        )
    if rules.max_per_country is not None and rules.max_per_country < 0:
        reasons.append("At most N per country: N cannot be negative.")
    if rules.stipends_available < 0:
        reasons.append("Stipends: the number available cannot be negative.")
    return reasons


def _pin_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    known = {candidate.id for candidate in problem.candidates}
    reasons = []
    both = [c for c in problem.candidates if c.id in rules.pinned_in & rules.pinned_out]
    if both:
        reasons.append(f"Pinned both in and out: {names_of(both)}. Choose one.")
    for side, pins in (("in", rules.pinned_in), ("out", rules.pinned_out)):
        unknown = sorted(pins - known)
        if unknown:
            listed = ", ".join(f"#{pin}" for pin in unknown)
            reasons.append(f"Pinned {side}: {listed} not among the nominations.")
    return reasons


def _pinned_in_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    pinned = [c for c in problem.candidates if c.id in rules.pinned_in]
    reasons = []
    if len(pinned) > rules.capacity_max >= 0:
        reasons.append(
            f"Pinned in: {plural(len(pinned), 'nomination')}, but capacity is at most "
            f"{rules.capacity_max}."
        )
    if rules.max_per_country is not None:
        for country, count in sorted(Counter(c.country for c in pinned).items()):
            if count > rules.max_per_country:
                reasons.append(
                    f"Pinned in: {count} from {country}, but at most "
                    f"{rules.max_per_country} per country are allowed."
                )
    barred = [c for c in pinned if c.barred_by_stipend_rule]
    if barred:
        reasons.append(
            f"Pinned in: {names_of(barred)} {'needs' if len(barred) == 1 else 'need'} a travel "
            f"stipend that {rules.stipend_rule} does not give."
        )
    needing = sum(candidate.needs_stipend for candidate in pinned)
    if needing > rules.stipends_available >= 0:
        reasons.append(
            f"Pinned in: {needing} {'needs' if needing == 1 else 'need'} a stipend, but "
            f"{_available_stipends(rules.stipends_available)}."
        )
    return reasons


def _available_stipends(count: int) -> str:
    if count == 0:
        return "no stipends are available"
    return f"only {plural(count, 'stipend')} {'is' if count == 1 else 'are'} available"


def _size_reasons(problem: Problem) -> list[str]:
    rules = problem.constraints
    reasons = []
    available = sum(problem.available(index) for index in range(problem.size))
    if rules.capacity_min > available == problem.size == 0:
        reasons.append(
            f"Capacity: at least {rules.capacity_min} must be selected, but there are no "
            "nominations."
        )
    elif rules.capacity_min > available:
        reasons.append(
            f"Capacity: at least {rules.capacity_min} must be selected, but only "
            f"{plural(available, 'nomination')} {'is' if available == 1 else 'are'} "
            "not pinned out."
        )
    reasons.extend(_country_reach_reasons(problem))
    if problem.kinds_required > rules.capacity_max >= 0:
        reasons.append(
            f"Spread of project kinds: {problem.kinds_required} required, which takes at "
            f"least {plural(problem.kinds_required, 'place')}, but capacity is at most "
            f"{rules.capacity_max}."
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
        f"At most {limit} per country: the nominations not pinned out, from "
        f"{plural(countries, 'country', 'countries')}, fill at most {reach} places, but at "
        f"least {minimum} must be selected."
    ]
