"""A portal as every request meets it: the bearer token that names it (auth), the principal that token
gives, and the portal's schema (the catalogue plus what its areas define)."""
