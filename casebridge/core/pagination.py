from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None, *, number=None):
    """Return the requested page of ``queryset`` (bad page numbers fall back to the nearest).

    The page number comes from ``?page=``, or from ``number`` when given: a search that is
    POSTed (so no name travels in a URL) sends its page number in the form instead."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(number if number is not None else request.GET.get("page"))
