"""A mission lives in its court's time zone (DOMAIN.md §11): a mission page activates it
(cases.views.common.mission_page), so that its forms read and its pages show the court's time."""

from django.utils import timezone


class CourtTimeZoneMiddleware:
    """Each request starts in the default zone (settings.TIME_ZONE) and gives it back once its
    response is made: a court's zone never outlives the mission page that activated it, whichever
    thread serves the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
