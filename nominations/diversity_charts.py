"""The diversity page's charts: every nomination in the running against the current selection."""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from metlib.charts import Chart, Limit, Row, Series

from .diversity import Diversity, Tally


def _compared(tallies: Iterable[Tally]) -> tuple[Row, ...]:
    return tuple(Row(label=t.label, values=(t.nominated, t.selected)) for t in tallies)


def _comparison(*, chart_id: str, title: str, heading: str, tallies: Sequence[Tally]) -> Chart:
    return Chart(
        chart_id=chart_id,
        title=title,
        description=_("Every nomination in the running against the current selection."),
        label_heading=heading,
        series=(
            Series(name=_("All nominations"), value_format=_("%(value)d nominated")),
            Series(name=_("Selected"), value_format=_("%(value)d selected")),
        ),
        rows=_compared(tallies),
    )


def diversity_charts(*, diversity: Diversity) -> list[Chart]:
    """The charts of the diversity page, in the page's order."""
    return [
        _comparison(
            chart_id="chart-country",
            title=_("By country"),
            heading=_("Country"),
            tallies=diversity.by_country,
        ),
        _comparison(
            chart_id="chart-subregion",
            title=_("By region"),
            heading=_("Region"),
            tallies=diversity.by_subregion,
        ),
        _comparison(
            chart_id="chart-continent",
            title=_("By continent"),
            heading=_("Continent"),
            tallies=diversity.by_continent,
        ),
        _comparison(
            chart_id="chart-global-south",
            title=_("Global South"),
            heading=_("Where"),
            tallies=(diversity.global_south, diversity.elsewhere),
        ),
        _comparison(
            chart_id="chart-project-kind",
            title=_("By kind of project"),
            heading=_("Kind of project"),
            tallies=diversity.by_project_kind,
        ),
        _comparison(
            chart_id="chart-theme",
            title=_("By theme"),
            heading=_("Theme"),
            tallies=diversity.by_theme,
        ),
        Chart(
            chart_id="chart-stipends",
            title=_("Travel stipends"),
            description=_("Stipends requested and awarded, against the budget."),
            label_heading=_("Stipends"),
            series=(Series(name=_("Stipends"), value_format="%(value)d"),),
            rows=(
                Row(label=_("Requested by nominees"), values=(diversity.stipends_requested,)),
                Row(
                    label=_("Requested by the selected"),
                    values=(diversity.stipends_requested_selected,),
                ),
                Row(label=_("Awarded"), values=(diversity.stipends_awarded,)),
            ),
            limits=(Limit(label=_("Budget"), value=diversity.stipend_budget),),
        ),
        Chart(
            chart_id="chart-size",
            title=_("Size of the cohort"),
            description=_("The number selected, against the cohort's capacity."),
            label_heading=_("Participants"),
            series=(Series(name=_("Participants"), value_format="%(value)d"),),
            rows=(Row(label=_("Selected"), values=(diversity.selected,)),),
            limits=(
                Limit(label=_("Minimum"), value=diversity.capacity_min),
                Limit(label=_("Maximum"), value=diversity.capacity_max),
            ),
        ),
    ]
