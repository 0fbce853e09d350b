"""Renderers: turn plans and findings into text for people or files for machines."""
