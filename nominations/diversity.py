"""The selection's diversity: the current selection set against every nomination in the running.

"The selection" is every nomination with an *accepted* decision, draft or published; "every
nomination" is the ranking's pool (under review or decided; submitted ones before review opens).
Reads only, in a constant number of queries; the warnings are plain sentences for the page.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.geography import geography_of
from cohorts.models import Cohort, Theme

from .models import Decision, Nomination, ProjectKind, Selection
from .ranking import ranked_pool


@dataclass(frozen=True)
class Tally:
    """One group (a country, a continent, a theme…): how many nominated, how many selected."""

    label: str
    nominated: int
    selected: int


@dataclass(frozen=True)
class DiversityWarning:
    """Something the selection breaks or misses; ``kind`` is for code, ``message`` for people."""

    kind: str
    message: str


COUNTRY = "country"
CONTINENT = "continent"
OVER_CAPACITY = "over_capacity"
UNDER_CAPACITY = "under_capacity"
STIPENDS_OVER_BUDGET = "stipends_over_budget"
STIPEND_NOT_AWARDED = "stipend_not_awarded"
STIPEND_AGAINST_RULE = "stipend_against_rule"
PROJECT_KINDS = "project_kinds"


@dataclass(frozen=True)
class Diversity:
    """The numbers of the diversity view and its warnings."""

    nominated: int
    selected: int
    by_country: tuple[Tally, ...]
    by_subregion: tuple[Tally, ...]
    by_continent: tuple[Tally, ...]
    by_project_kind: tuple[Tally, ...]
    by_theme: tuple[Tally, ...]
    global_south: Tally
    stipends_requested: int  # nominees whose participation depends on a travel stipend
    stipends_requested_selected: int  # of them, the ones selected
    stipends_awarded: int
    stipend_budget: int
    capacity_min: int
    capacity_max: int
    max_per_country: int
    warnings: tuple[DiversityWarning, ...]

    @property
    def elsewhere(self) -> Tally:
        """Everyone outside the Global South."""
        return Tally(
            label=_("Elsewhere"),
            nominated=self.nominated - self.global_south.nominated,
            selected=self.selected - self.global_south.selected,
        )

    @property
    def global_south_share_nominated(self) -> float | None:
        return self.global_south.nominated / self.nominated if self.nominated else None

    @property
    def global_south_share_selected(self) -> float | None:
        return self.global_south.selected / self.selected if self.selected else None


@dataclass(frozen=True)
class _Nominee:
    country_code: str
    country_name: str
    subregion: str
    continent: str
    global_south: bool
    project_kind: str
    stipend_requested: bool
    selected: bool
    stipend_awarded: bool
    may_get_stipend: bool  # under the call's stipend rule


def _nominees(*, cohort: Cohort) -> dict[int, _Nominee]:
    nominations = ranked_pool(cohort=cohort).select_related("library", "decision")
    unknown = _("Unknown")
    nominees = {}
    for nomination in nominations:
        library = nomination.library
        place = geography_of(library.country.code if library else "")
        decision: Decision | None = getattr(nomination, "decision", None)
        selected = decision is not None and decision.outcome == Decision.Outcome.ACCEPTED
        nominees[nomination.pk] = _Nominee(
            country_code=library.country.code if library else "",
            country_name=str(library.country.name) if library else unknown,
            subregion=place.subregion_name or unknown,
            continent=place.continent_name or unknown,
            global_south=place.global_south,
            project_kind=(
                str(ProjectKind(nomination.project_kind).label)
                if nomination.project_kind in ProjectKind.values
                else _("Not stated")
            ),
            stipend_requested=nomination.stipend_conditional is True,
            selected=selected,
            stipend_awarded=selected and decision is not None and decision.stipend_awarded,
            may_get_stipend=cohort.may_receive_stipend(library),
        )
    return nominees


def _tallies(pairs: Iterable[tuple[str, bool]], *, every: Iterable[str] = ()) -> tuple[Tally, ...]:
    """Counts per label from (label, selected) pairs, most nominated first, then by label;
    labels in ``every`` are listed even when nobody has them."""
    nominated: Counter[str] = Counter({label: 0 for label in every})
    selected: Counter[str] = Counter()
    for label, is_selected in pairs:
        nominated[label] += 1
        selected[label] += is_selected
    return tuple(
        Tally(label=label, nominated=count, selected=selected[label])
        for label, count in sorted(nominated.items(), key=lambda item: (-item[1], item[0]))
    )


def _theme_tallies(*, cohort: Cohort, nominees: dict[int, _Nominee]) -> tuple[Tally, ...]:
    """Every theme of the cohort, with how many nominees (and selected) chose it: two queries."""
    names = {theme.pk: theme.label for theme in Theme.objects.filter(cohort=cohort)}
    links = Nomination.themes.through.objects.filter(
        nomination__in=ranked_pool(cohort=cohort).values("pk")
    ).values_list("nomination_id", "theme_id")
    return _tallies(
        (
            (names[theme_id], nominees[nomination_id].selected)
            for nomination_id, theme_id in links
            if nomination_id in nominees and theme_id in names
        ),
        every=names.values(),
    )


def diversity_of(*, cohort: Cohort) -> Diversity:
    """The cohort's diversity as the selection stands: counts for every nomination and for the
    selection by country, sub-region, continent, project kind and theme; the Global South; the
    stipends; the size; and the warnings. Four queries, however many nominations."""
    # A cohort that has not saved its selection settings yet follows the model's defaults.
    rules = Selection.objects.filter(cohort=cohort).first() or Selection(cohort=cohort)
    nominees = _nominees(cohort=cohort)
    chosen = [nominee for nominee in nominees.values() if nominee.selected]
    everyone = list(nominees.values())
    diversity = Diversity(
        nominated=len(everyone),
        selected=len(chosen),
        by_country=_tallies((n.country_name, n.selected) for n in everyone),
        by_subregion=_tallies((n.subregion, n.selected) for n in everyone),
        by_continent=_tallies((n.continent, n.selected) for n in everyone),
        by_project_kind=_tallies((n.project_kind, n.selected) for n in everyone),
        by_theme=_theme_tallies(cohort=cohort, nominees=nominees),
        global_south=Tally(
            label=_("Global South"),
            nominated=sum(n.global_south for n in everyone),
            selected=sum(n.global_south for n in chosen),
        ),
        stipends_requested=sum(n.stipend_requested for n in everyone),
        stipends_requested_selected=sum(n.stipend_requested for n in chosen),
        stipends_awarded=sum(n.stipend_awarded for n in chosen),
        stipend_budget=cohort.stipends_available,
        capacity_min=cohort.capacity_min,
        capacity_max=cohort.capacity_max,
        max_per_country=rules.max_per_country,
        warnings=(),
    )
    return replace(
        diversity, warnings=tuple(_warnings(diversity=diversity, rules=rules, chosen=chosen))
    )


# --- Warnings ---------------------------------------------------------------------------------


def _warnings(
    *, diversity: Diversity, rules: Selection, chosen: list[_Nominee]
) -> Iterable[DiversityWarning]:
    yield from _country_warnings(diversity=diversity)
    yield from _size_warnings(diversity=diversity)
    yield from _stipend_warnings(diversity=diversity, chosen=chosen)
    if not chosen:
        # Before anyone is selected every continent and kind would be "missing": say nothing.
        return
    if rules.represent_every_continent:
        yield from _continent_warnings(diversity=diversity)
    yield from _kind_warnings(diversity=diversity, rules=rules)


def _country_warnings(*, diversity: Diversity) -> Iterable[DiversityWarning]:
    limit = diversity.max_per_country
    unknown = _("Unknown")
    for tally in diversity.by_country:
        if tally.selected > limit and tally.label != unknown:
            yield DiversityWarning(
                COUNTRY,
                ngettext(
                    "%(count)d selected from %(country)s; at most %(limit)d per country",
                    "%(count)d selected from %(country)s; at most %(limit)d per country",
                    tally.selected,
                )
                % {"count": tally.selected, "country": tally.label, "limit": limit},
            )


def _continent_warnings(*, diversity: Diversity) -> Iterable[DiversityWarning]:
    for tally in diversity.by_continent:
        if tally.nominated and not tally.selected:
            yield DiversityWarning(
                CONTINENT,
                ngettext(
                    "%(continent)s has %(count)d nominee and none selected",
                    "%(continent)s has %(count)d nominees and none selected",
                    tally.nominated,
                )
                % {"continent": tally.label, "count": tally.nominated},
            )


def _size_warnings(*, diversity: Diversity) -> Iterable[DiversityWarning]:
    selected = diversity.selected
    if selected > diversity.capacity_max:
        yield DiversityWarning(
            OVER_CAPACITY,
            ngettext(
                "%(count)d selected; the cohort takes at most %(max)d",
                "%(count)d selected; the cohort takes at most %(max)d",
                selected,
            )
            % {"count": selected, "max": diversity.capacity_max},
        )
    elif selected < diversity.capacity_min:
        yield DiversityWarning(
            UNDER_CAPACITY,
            ngettext(
                "%(count)d selected; the cohort needs at least %(min)d",
                "%(count)d selected; the cohort needs at least %(min)d",
                selected,
            )
            % {"count": selected, "min": diversity.capacity_min},
        )


def _stipend_warnings(
    *, diversity: Diversity, chosen: list[_Nominee]
) -> Iterable[DiversityWarning]:
    if diversity.stipends_awarded > diversity.stipend_budget:
        yield DiversityWarning(
            STIPENDS_OVER_BUDGET,
            ngettext(
                "%(count)d travel stipend awarded; the budget allows %(budget)d",
                "%(count)d travel stipends awarded; the budget allows %(budget)d",
                diversity.stipends_awarded,
            )
            % {"count": diversity.stipends_awarded, "budget": diversity.stipend_budget},
        )
    against_rule = sum(n.stipend_awarded and not n.may_get_stipend for n in chosen)
    if against_rule:
        yield DiversityWarning(
            STIPEND_AGAINST_RULE,
            ngettext(
                "%(count)d travel stipend goes to a nominee the call's stipend rule does not "
                "give one",
                "%(count)d travel stipends go to nominees the call's stipend rule does not "
                "give one",
                against_rule,
            )
            % {"count": against_rule},
        )
    # Selected without the stipend their participation depends on: they may not come at all.
    waiting = sum(n.stipend_requested and not n.stipend_awarded for n in chosen)
    if waiting:
        yield DiversityWarning(
            STIPEND_NOT_AWARDED,
            ngettext(
                "%(count)d selected nominee can take part only with a travel stipend "
                "not awarded to them",
                "%(count)d selected nominees can take part only with a travel stipend "
                "not awarded to them",
                waiting,
            )
            % {"count": waiting},
        )


def _kind_warnings(*, diversity: Diversity, rules: Selection) -> Iterable[DiversityWarning]:
    present = sum(1 for tally in diversity.by_project_kind if tally.nominated)
    wanted = min(rules.min_project_kinds, present)
    selected = sum(1 for tally in diversity.by_project_kind if tally.selected)
    if selected < wanted:
        yield DiversityWarning(
            PROJECT_KINDS,
            ngettext(
                "%(count)d kind of project selected; at least %(wanted)d wanted",
                "%(count)d kinds of project selected; at least %(wanted)d wanted",
                selected,
            )
            % {"count": selected, "wanted": wanted},
        )


@dataclass(frozen=True)
class Share:
    """One group's count and share (percent, rounded) among the nominations and the selection."""

    label: str
    nominated: int
    nominated_percent: int | None
    selected: int
    selected_percent: int | None


def _percent_of(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


def shares_side_by_side(*, diversity: Diversity) -> list[Share]:
    """The Global South, elsewhere and each continent: their share of the nominations beside
    their share of the selection, so a fall between the two shows at a glance."""
    return [
        Share(
            label=tally.label,
            nominated=tally.nominated,
            nominated_percent=_percent_of(tally.nominated, diversity.nominated),
            selected=tally.selected,
            selected_percent=_percent_of(tally.selected, diversity.selected),
        )
        for tally in (diversity.global_south, diversity.elsewhere, *diversity.by_continent)
    ]
