"""The web kernel: what every endpoint does around its service call (body, auth, errors, responses), query
parameters, and mounting routes under prefixes."""
