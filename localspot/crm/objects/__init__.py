"""Records of every object type, from the type's definition: create, read, update, archive, batch, upsert,
merge, GDPR delete."""
