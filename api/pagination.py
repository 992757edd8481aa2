from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """50 rows a page (?page=), up to 200 with ?page_size=."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
