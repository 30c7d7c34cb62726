"""Service definitions: one module per service, discovered by forms.registry."""
