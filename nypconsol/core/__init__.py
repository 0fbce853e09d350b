"""The core: plain functions over frozen data classes. No click, rich, HTTP or SQL here."""
