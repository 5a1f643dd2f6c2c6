"""Package data: the default drafting templates (`drafting/*.j2`, Jinja2)."""
