"""HubSpot's legacy CRM paths (properties v1/v2, contacts v1, companies v2, deals v1, engagements v1, owners v2,
pipelines v1) in their legacy JSON shapes, answered from the other areas' services."""
