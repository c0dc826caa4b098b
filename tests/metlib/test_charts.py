from django.utils import translation

from metlib.charts import Chart, Row, Series, bar_chart_svg


def _chart(present: int) -> Chart:
    return Chart(
        chart_id="chart-test",
        title="Attendance",
        description="Share present.",
        label_heading="Event",
        series=(Series(name="Present", value_format="%(value)d%% present"),),
        rows=(Row(label="Monthly session 1", values=(present,)), Row(label="A & B", values=(50,))),
    )


def test_a_chart_draws_as_bar_chart_svg_draws_it_in_each_language():
    for language in ("en", "fr", "en"):
        with translation.override(language):
            assert _chart(80).svg == bar_chart_svg(chart=_chart(80))
    with translation.override("fr"):
        french = _chart(80).svg
    assert french != _chart(80).svg  # the description's last sentence is translated


def test_a_changed_number_is_drawn_anew():
    assert "80% present" in _chart(80).svg
    assert "90% present" in _chart(90).svg
    assert "80% present" not in _chart(90).svg
    assert "A &amp; B" in _chart(90).svg
