"""Chapter widgets: one module per chapter topic, each holding ``scalinglaws.course.widgets.Explorer`` subclasses."""
