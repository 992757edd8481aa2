from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark (`manage.py bench`, `make bench`) and the load test (bench/load/): above the domain apps."""

    name = "bench"
    verbose_name = "Benchmark"
