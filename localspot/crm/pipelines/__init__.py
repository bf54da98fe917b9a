"""Pipelines and their stages, with their audit."""
