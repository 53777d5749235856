"""Practice questions, one module per chapter; each module calls ``scalinglaws.course.checks.register``."""
