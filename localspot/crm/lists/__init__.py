"""Lists (segments): MANUAL and SNAPSHOT lists keep their members; DYNAMIC lists are their filters, evaluated
by the search area whenever they are read, so they are always up to date."""
