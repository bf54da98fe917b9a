"""Account info: the portal's details and its daily API usage. No tables of its own: the usage is what the
server's rate limiting counted, handed in by the server assembly."""
