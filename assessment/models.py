"""Models: knowledge tests, practical-matter tasks, the annual assessment."""
