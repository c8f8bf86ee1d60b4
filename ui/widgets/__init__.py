"""Small reusable widgets: status badge, error box, empty state, clipboard helper."""
