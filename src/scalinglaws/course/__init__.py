"""The classroom kit: answer checks and questions, assignment generation, grading, widgets and explorers.

It uses the science in ``scalinglaws`` (laws, fits, allocation, ...); the science never imports it.
"""
