from django.http import HttpRequest
from django.utils import timezone


def layout(request: HttpRequest) -> dict[str, object]:
    """What the base layout shows on every page."""
    return {"viewer_time_zone": timezone.get_current_timezone_name()}
