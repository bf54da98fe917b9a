"""`/integrators/timeline/v3/...` and its date-versioned twin: an app's event templates (with their tokens),
and the timeline events apps write onto records with them: routes -> service -> queries."""
