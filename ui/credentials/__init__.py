"""The credentials feature: list model, page, detail pane, import and trash."""
