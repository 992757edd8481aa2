import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework import pagination

# PostgreSQL: a result the planner puts above ESTIMATE_ABOVE rows is not counted (counting a province's two million
# records reads all of them, over a second, while their page of 50 reads 50 rows from an index): its count is the
# planner's estimate, unless the first FLOOR + 1 rows show there are no more than FLOOR (then exact). Below, the
# exact COUNT(*). Two queries either way (the plan, then a count), one on SQLite (always exact).
ESTIMATE_ABOVE = 50_000
FLOOR = 1_000


class BoundedCountPaginator(Paginator):
    """Django's paginator with a count that never reads a huge result. `exact` says which count it is; with an
    estimate, no page past it is refused and a page has a next one when a row follows it."""

    exact = True

    @cached_property
    def count(self):
        rows = self.object_list.order_by()
        if connection.vendor != "postgresql":
            return rows.count()
        planned = _planned_rows(rows)
        if planned < ESTIMATE_ABOVE:
            return rows.count()
        first = rows[: FLOOR + 1].count()
        if first <= FLOOR:
            return first
        self.exact = False
        return max(planned, first)

    def validate_number(self, number):
        try:
            return super().validate_number(number)  # counts first: `exact` is known below
        except EmptyPage:
            if self.exact or int(float(number)) < 1:
                raise
            return int(float(number))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.exact:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self.rows(bottom, top), number, self)
        # One row more than the page: whether a next page exists, whatever the estimate says.
        rows = list(self.rows(bottom, bottom + self.per_page + 1))
        return EstimatedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def rows(self, bottom, top):
        """The rows bottom..top, in one query: their ids first (the order and the scope from an index alone, not
        the rows passed over nor the thousands of a county's records sorted for 50 of them), then those rows
        with their joins. The scope's filter stays on the outer query too: nothing else can be read."""
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows.query.distinct:  # a DISTINCT page's ids: left to the query itself
            return rows[bottom:top]
        return rows.filter(pk__in=rows.values("pk")[bottom:top])


class EstimatedPage(Page):
    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


def _planned_rows(queryset):
    """PostgreSQL's estimate of the rows of `queryset` (EXPLAIN, nothing read)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # .none(): a user who reaches nothing (committees/policy.py)
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class PageNumberPagination(pagination.PageNumberPagination):
    """50 rows a page (?page=), up to 200 with ?page_size=. `count` is exact (`count_exact` true) unless PostgreSQL
    plans more than ESTIMATE_ABOVE rows and more than FLOOR exist: then the planner's estimate (`count_exact` false),
    and `next` says whether more rows exist."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = BoundedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema):
        shaped = super().get_paginated_response_schema(schema)
        shaped["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"Whether `count` is exact, or an estimate (a result of more than {ESTIMATE_ABOVE:,} rows).",
        }
        return shaped
