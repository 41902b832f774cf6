"""The shared editorial workflow: states, transitions, permissions, audit trail,
revisions, scheduling and previews, for every publishable content type."""
