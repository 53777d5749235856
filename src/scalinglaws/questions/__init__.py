"""Practice questions, one module per chapter; each module calls ``scalinglaws.checks.register``."""
