"""Planning decisions (model.md §5): which candidate premises to open, and when."""
