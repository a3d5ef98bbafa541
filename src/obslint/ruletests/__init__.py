"""promtool rule unit tests: the test-file model, running the real promtool and reading its failures,
and coverage."""
