"""Chapter widgets: one module per chapter topic, each holding ``scalinglaws.widgets.Explorer`` subclasses."""
