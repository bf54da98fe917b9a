"""The kernel every part and area builds on: errors, time, the web kernel, the storage kernel, object types
as data, and portals (tokens, principals, each portal's schema). It imports no area or part."""
